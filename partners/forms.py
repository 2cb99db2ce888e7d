from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import inlineformset_factory

from conventions.forms import LimitedRowsFormSet, row_limits, show_hidden_field_errors
from conventions.uploads import LOGO_INVALID_IMAGE_MESSAGE, ServedClearableFileInput
from conventions.widgets import SEARCHABLE

from .models import Contact, KeyFigure, Partner

FOUNDED_YEAR_CONSTRAINT = next(
    c for c in Partner._meta.constraints if c.name == "partner_founded_year_plausible"
)


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the fields that have errors.

    Django itself links each field to its error and help text (aria-describedby, aria-invalid):
    the templates give those elements the ids `<auto_id>_error` and `<auto_id>_helptext`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css_class = "form-check-input"
            elif isinstance(widget, forms.Select):
                css_class = "form-select"
            else:
                css_class = "form-control"
            widget.attrs["class"] = css_class

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            show_hidden_field_errors(self)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class PartnerForm(BootstrapFormMixin, forms.ModelForm):
    website = forms.URLField(
        label="Site internet",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Adresse complète, par exemple https://www.exemple.fr",
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "acronym",
            "article",
            "kind",
            "territory",
            "description",
            "website",
            "founded_year",
            "logo",
        ]
        widgets = {
            "territory": forms.Select(attrs=SEARCHABLE),
            "description": forms.Textarea(attrs={"rows": 6}),
            "logo": ServedClearableFileInput(
                attrs={"accept": ".png,.jpg,.jpeg"},
                served_by=lambda logo: logo.instance.get_logo_url(),
                label="logo actuel",
            ),
        }
        error_messages = {"logo": {"invalid_image": LOGO_INVALID_IMAGE_MESSAGE}}

    def clean_founded_year(self):
        # The database constraint would report it above the form: say it next to the field.
        year = self.cleaned_data["founded_year"]
        if year is not None:
            try:
                FOUNDED_YEAR_CONSTRAINT.validate(Partner, Partner(founded_year=year))
            except ValidationError as error:
                raise ValidationError(error.messages, code="implausible_year") from error
        return year


class KeyFigureForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = KeyFigure
        fields = ["label", "value", "unit", "is_minimum", "year"]
        labels = {"is_minimum": "Valeur plancher (« plus de … »)"}
        help_texts = {"is_minimum": ""}


class ContactForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_press_contact"]


class KeyFigureFormSet(LimitedRowsFormSet):
    def save(self, commit=True):
        # The figures keep the order in which the page lists them.
        for position, form in enumerate(self.forms, start=1):
            if form.instance.pk or form.has_changed():
                form.instance.position = position
        return super().save(commit=commit)


KeyFigureInlineFormSet = inlineformset_factory(
    Partner,
    KeyFigure,
    form=KeyFigureForm,
    formset=KeyFigureFormSet,
    extra=0,
    can_delete=True,
    **row_limits(),
)

ContactInlineFormSet = inlineformset_factory(
    Partner,
    Contact,
    form=ContactForm,
    formset=LimitedRowsFormSet,
    extra=0,
    can_delete=True,
    **row_limits(),
)
