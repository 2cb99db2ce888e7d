"""Forms and formsets that enforce the rules spanning several rows of a convention.

Shared by the admin and the staff pages: the messages are the ones a user reads.
"""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Prefetch
from django.forms.boundfield import BoundField
from django.forms.formsets import DEFAULT_MAX_NUM, TOTAL_FORM_COUNT, ManagementForm
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from partners.models import Partner

from .enums import DatePrecision
from .models import Axis, Commitment, Convention, Party, Signatory, Target
from .models.convention import MIN_SIGNED_PARTIES
from .plausibility import PlausibilityWarning, plausibility_warnings
from .widgets import SEARCHABLE, FastInputMixin

DUPLICATE_PARTY_MESSAGE = next(
    c.violation_error_message for c in Party._meta.constraints if c.name == "party_unique_partner"
)
SIGNATORY_NOT_A_PARTY_MESSAGE = (
    "Ce signataire doit signer pour l'une des parties de la convention : "
    "ajoutez d'abord ce partenaire aux parties."
)
BEARER_NOT_A_PARTY_MESSAGE = (
    "L'action doit être portée par l'une des parties de la convention "
    "(laisser vide pour une action commune)."
)


# The most rows of one kind a staff page takes (parties, signatories, targets; a partner's key
# figures and contacts): far more than a convention has, few enough that a form announcing
# thousands of rows is refused before they are all built and shown again. Fewer axes and actions
# of an axis: each axis holds its actions, each action a list of every partner.
MAX_ROWS = 30
MAX_AXES = 15
MAX_ACTIONS_PER_AXIS = 20
TOO_MANY_ROWS_MESSAGE = "Pas plus de %(num)d lignes ici : retirez celles en trop."
ROW_GONE_MESSAGE = (
    "Cette ligne n'existe plus : une autre personne l'a sans doute supprimée entre-temps. "
    "Rechargez la page."
)
ALTERED_FORM_MESSAGE = (
    "Le formulaire envoyé est incomplet ou a été altéré : rechargez la page, puis recommencez."
)


def row_limits(max_rows: int = MAX_ROWS) -> dict:
    """Options of inlineformset_factory(): at most `max_rows` rows, more are refused."""
    return {"max_num": max_rows, "absolute_max": max_rows, "validate_max": True}


class LimitedRowsFormSet(BaseInlineFormSet):
    """Rows of a staff page, limited by `row_limits()`, which says so in French.

    A new row naming an existing one (its id) is refused: the page never sends one, and saving
    it would copy the row (the management form's count of existing rows was altered).
    """

    default_error_messages = {
        "too_many_forms": TOO_MANY_ROWS_MESSAGE,
        "missing_management_form": ALTERED_FORM_MESSAGE,
    }

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.management_form.is_valid():
            return
        pk_name = self.model._meta.pk.name
        for form in self.extra_forms:
            if form.is_valid() and form.cleaned_data.get(pk_name) is not None:
                self._non_form_errors.append(ALTERED_FORM_MESSAGE)
                return


def kept_forms(formset):
    """The formset's filled-in rows that are not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not formset._should_delete_form(form)
    ]


# The most rows a formset ever reads (Django's default absolute_max): a number of rows announced
# beyond it is refused by the formset itself.
ROWS_READ_AT_MOST = 2 * DEFAULT_MAX_NUM


def submitted_partner_ids(data, prefix: str) -> set[str]:
    """Partner ids of the rows of the `prefix` formset in `data`, ignoring deleted rows.

    A count of rows that is not a number reads no row (the formset says the form was tampered
    with); a huge one reads no more than a formset would.
    """
    management = ManagementForm(data, prefix=prefix)
    total = management.cleaned_data[TOTAL_FORM_COUNT] if management.is_valid() else 0
    checkbox = forms.CheckboxInput()
    return {
        data[f"{prefix}-{i}-partner"]
        for i in range(min(total, ROWS_READ_AT_MOST))
        if data.get(f"{prefix}-{i}-partner")
        and not checkbox.value_from_datadict(data, {}, f"{prefix}-{i}-DELETE")
    }


class PartyInlineFormSet(LimitedRowsFormSet):
    """The parties of a convention: each partner once, and two at least once signed."""

    def clean(self):
        if any(self.errors):
            return
        partners = [form.cleaned_data["partner"] for form in kept_forms(self)]
        if len(set(partners)) < len(partners):
            raise ValidationError(DUPLICATE_PARTY_MESSAGE, code="duplicate_party")
        super().clean()
        self.instance.validate_party_count(len(partners))


class PartiesAsSubmittedMixin:
    """For a formset whose rows name one of the parties, as submitted along with them."""

    parties_prefix = "parties"

    def convention(self) -> Convention | None:
        return self.instance

    def party_partner_ids(self) -> set[str]:
        if self.is_bound and f"{self.parties_prefix}-TOTAL_FORMS" in self.data:
            return submitted_partner_ids(self.data, self.parties_prefix)
        convention = self.convention()
        if convention is None or convention.pk is None:
            return set()
        return {str(pk) for pk in convention.parties.values_list("partner_id", flat=True)}


class SignatoryInlineFormSet(PartiesAsSubmittedMixin, LimitedRowsFormSet):
    """Each signatory signs for one of the parties, as submitted along with it."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        party_ids = self.party_partner_ids()
        for form in kept_forms(self):
            if str(form.cleaned_data["partner"].pk) not in party_ids:
                form.add_error("partner", SIGNATORY_NOT_A_PARTY_MESSAGE)


class SignatoryForm(forms.ModelForm):
    """A signatory edited on its own: it signs for one of the saved parties."""

    class Meta:
        model = Signatory
        fields = ["convention", "partner", "name", "title", "signed_on", "on_behalf_of", "position"]

    def clean(self):
        cleaned_data = super().clean()
        convention, partner = cleaned_data.get("convention"), cleaned_data.get("partner")
        if convention and partner and not convention.parties.filter(partner=partner).exists():
            self.add_error("partner", SIGNATORY_NOT_A_PARTY_MESSAGE)
        return cleaned_data


class CommitmentForm(forms.ModelForm):
    """An action borne by one of the convention's saved parties, or by all of them."""

    class Meta:
        model = Commitment
        fields = ["convention", "axis", "position", "text", "bearer", "status", "due_on", "note"]

    def clean(self):
        cleaned_data = super().clean()
        axis, bearer = cleaned_data.get("axis"), cleaned_data.get("bearer")
        convention = cleaned_data.get("convention")
        if axis and convention and axis.convention_id != convention.pk:
            self.add_error("axis", "Cet axe appartient à une autre convention.")
            return cleaned_data
        # On the axis page the convention is the axis's own (the commitment form has no field).
        convention_id = axis.convention_id if axis else getattr(convention, "pk", None)
        parties = Party.objects.filter(convention_id=convention_id)
        if bearer and convention_id and not parties.filter(partner=bearer).exists():
            self.add_error("bearer", BEARER_NOT_A_PARTY_MESSAGE)
        return cleaned_data


# The staff pages: one form for the convention, a formset per kind of row --------------------------

DURATION_POSITIVE_MESSAGE = next(
    c.violation_error_message
    for c in Convention._meta.constraints
    if c.name == "convention_duration_positive"
)
AXIS_TITLE_FOR_ACTIONS_MESSAGE = "Donnez un intitulé à cet axe pour enregistrer ses actions."
JOINT_COMMITMENT_LABEL = "Commun à toutes les parties"


SEARCHABLE_HELP = (
    "Tapez quelques lettres pour chercher, puis Entrée pour ajouter ou retirer le choix en "
    "surbrillance ; Retour arrière retire le dernier choisi."
)


class StaffBoundField(BoundField):
    """Adds Bootstrap's classes to the widget; Django adds aria-invalid and aria-describedby."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if not widget.is_hidden:
            classes = [widget.attrs.get("class", ""), attrs.get("class", ""), css]
            if self.errors:
                classes.append("is-invalid")
            elif self.warnings:
                classes.append("border-warning")
            attrs["class"] = " ".join(c for c in classes if c)
            if self.warnings:
                described = attrs.get("aria-describedby", "")
                attrs["aria-describedby"] = f"{described} {self.auto_id}_warning".strip()
        return attrs

    @property
    def warnings(self) -> list[str]:
        """The plausibility warnings placed on this field (ConventionForms.warnings)."""
        return getattr(self.form, "plausibility_warnings", {}).get(self.name, [])


# The dates a staff form accepts. A slip of the keyboard (year 20224, or 0001) is refused next
# to its field instead of being stored, and every date computed from them (end of term, notice
# deadline, next review, in Python or in SQL) stays within what both can represent.
FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Indiquez une date entre le 01/01/1900 et le 31/12/2100."
# The longest term, notice or review period in months, for the same reason.
MAX_MONTHS = 1200
MONTHS_RANGE_MESSAGE = "Indiquez au plus 1 200 mois (cent ans)."


def validate_plausible_date(value: datetime.date) -> None:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


def limit_months(field: forms.IntegerField) -> None:
    """Refuse more than MAX_MONTHS in `field`, a number of months."""
    field.validators.append(MaxValueValidator(MAX_MONTHS, message=MONTHS_RANGE_MESSAGE))
    field.widget.attrs["max"] = MAX_MONTHS


def show_hidden_field_errors(form: forms.BaseForm) -> None:
    """Move the errors of `form`'s hidden fields to its own errors, which the page shows (it
    shows no hidden field), in words the user can act on: a row whose id is no longer found
    was deleted meanwhile; any other hidden value is one the page never sends."""
    for field in form.hidden_fields():
        if form.errors.pop(field.name, None):
            message = ROW_GONE_MESSAGE if field.name == "id" else ALTERED_FORM_MESSAGE
            if message not in form.non_field_errors():
                form.add_error(None, message)


def row_help_id(form, name: str) -> str:
    """The id of the help of a row's field, written once above the rows (row_help)."""
    return f"aide-{form._meta.model._meta.model_name}-{name}"


class RowBoundField(StaffBoundField):
    """A field of a formset's row: its help is written once above the rows of its section, not
    under every row; the field is still described by that text."""

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if not described or not self.help_text:
            return described
        return described.replace(f"{self.auto_id}_helptext", row_help_id(self.form, self.name))


@dataclass
class RowHelp:
    id: str
    label: str
    text: str


def row_help(formset) -> list[RowHelp]:
    """The help texts of a formset's rows and of the rows nested in them (an axis's actions),
    to write once above them."""
    form = formset.empty_form
    helps = [
        RowHelp(row_help_id(form, name), field.label, field.help_text)
        for name, field in form.fields.items()
        if field.help_text
    ]
    nested = getattr(form, "commitments", None)
    return helps + (row_help(nested) if nested is not None else [])


class StaffFormMixin:
    bound_field_class = StaffBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Field name -> messages shown next to it, not blocking (see ConventionForms.warnings).
        self.plausibility_warnings: dict[str, list[str]] = {}
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators.append(validate_plausible_date)

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            show_hidden_field_errors(self)


class RowFormMixin(StaffFormMixin):
    """A row of the convention form's formsets (row_help)."""

    bound_field_class = RowBoundField


class DateInput(FastInputMixin, forms.DateInput):
    """The browser's date picker: the value travels as an ISO date whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PartnerChoices:
    """Every partner, read once per page and offered by every row that names a partner.

    A ModelChoiceField iterates its queryset each time it is rendered and runs a query to clean
    each value; with a dozen rows that is a dozen queries. The rows share this one list instead.
    """

    def __init__(self, partners: Iterable[Partner]):
        self.by_pk = {str(partner.pk): partner for partner in partners}
        self.options = [
            (pk, f"{p.name} ({p.acronym})" if p.acronym else p.name) for pk, p in self.by_pk.items()
        ]

    @classmethod
    def all(cls) -> "PartnerChoices":
        return cls(Partner.objects.only("pk", "name", "acronym").order_by("name"))


class PartnerField(forms.ModelChoiceField):
    """A partner select that, once given the shared PartnerChoices, runs no query of its own."""

    partners: PartnerChoices | None = None

    def share(self, partners: PartnerChoices | None) -> None:
        if partners is None:
            return
        self.partners = partners
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = [*empty, *partners.options]

    def to_python(self, value):
        if self.partners is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return self.partners.by_pk[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class PartnerRowForm(RowFormMixin, forms.ModelForm):
    """A row that names a partner: `partner_field` offers the shared partner choices."""

    partner_field = "partner"
    partner_empty_label = "Choisir un partenaire"

    def __init__(self, *args, partners: PartnerChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.partner_field]
        field.empty_label = self.partner_empty_label
        field.share(partners)


class ConventionForm(StaffFormMixin, forms.ModelForm):
    # The version of the convention and the time the page was loaded, posted back so that saving
    # over someone else's changes is refused (see services.convention_save).
    loaded_version = forms.IntegerField(
        label="Version chargée", widget=forms.HiddenInput, required=False, min_value=1
    )
    loaded_at = forms.DateTimeField(label="Chargée le", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Convention
        fields = [
            "title",
            "kind",
            "scope",
            "signed_on",
            "signed_on_precision",
            "signed_at",
            "event",
            "effective_on",
            "duration_months",
            "period_end",
            "notice_months",
            "notice_from_receipt",
            "tacit_renewal",
            "terminated_on",
            "summary",
            "preamble",
            "objectives",
            "follow_up",
            "review_every_months",
            "communication",
            "amount",
            "audiences",
            "themes",
            "territories",
            "predecessor",
            "parent",
            "declination_deadline",
            "framework",
            "financial_year",
        ]
        widgets = {
            "signed_on": DateInput,
            "effective_on": DateInput,
            "period_end": DateInput,
            "terminated_on": DateInput,
            "declination_deadline": DateInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "preamble": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
            "communication": forms.Textarea(attrs={"rows": 3}),
            "audiences": forms.SelectMultiple(attrs=SEARCHABLE),
            "themes": forms.SelectMultiple(attrs=SEARCHABLE),
            "territories": forms.SelectMultiple(attrs=SEARCHABLE),
        }
        help_texts = {
            "duration_months": "Par exemple 36 pour trois ans, à compter de la date d'effet.",
            "period_end": (
                "À la place d'une durée : dernier jour de la période, "
                "par exemple le 31/12/2025 pour « 2023-2025 »."
            ),
            "audiences": SEARCHABLE_HELP,
            "themes": SEARCHABLE_HELP,
            "territories": SEARCHABLE_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Convention.objects.only("pk", "reference", "title").order_by("-signed_on", "title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        for name in ("predecessor", "parent", "framework"):
            self.fields[name].queryset = others
            self.fields[name].label_from_instance = lambda c: f"{c.reference} — {c.title}"
        # A financial convention applies a framework, it does not frame others.
        self.fields["framework"].queryset = others.filter(framework__isnull=True)
        self.fields["financial_year"].widget.attrs["inputmode"] = "numeric"
        for name in ("duration_months", "notice_months", "review_every_months"):
            limit_months(self.fields[name])
        self.fields["signed_on_precision"].required = False
        if self.instance.pk:
            self.fields["loaded_version"].required = True
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_at"].initial = timezone.now()

    def clean_signed_on_precision(self):
        # Not sent by a page of before the field: the date is then exact.
        return self.cleaned_data["signed_on_precision"] or DatePrecision.DAY

    def clean_duration_months(self):
        months = self.cleaned_data["duration_months"]
        if months == 0:
            raise ValidationError(DURATION_POSITIVE_MESSAGE, code="duration_positive")
        return months


class PartyForm(PartnerRowForm):
    class Meta:
        model = Party
        fields = ["partner", "role"]
        field_classes = {"partner": PartnerField}


class SignatoryRowForm(PartnerRowForm):
    class Meta:
        model = Signatory
        fields = ["name", "title", "partner", "on_behalf_of", "signed_on"]
        field_classes = {"partner": PartnerField}
        widgets = {"signed_on": DateInput}


class AxisForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["number", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CommitmentRowForm(PartnerRowForm):
    partner_field = "bearer"
    partner_empty_label = JOINT_COMMITMENT_LABEL

    class Meta:
        model = Commitment
        fields = ["text", "bearer", "status", "due_on", "note"]
        field_classes = {"bearer": PartnerField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 1}),
            "due_on": DateInput,
        }


class TargetForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["label", "value", "unit", "year"]


class CommitmentInlineFormSet(PartiesAsSubmittedMixin, LimitedRowsFormSet):
    """The actions of one axis, nested in the axis's row; each borne by a submitted party."""

    def __init__(self, *args, rows: list[Commitment] | None = None, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        # The axes were read with their actions (prefetch): no query per axis.
        if self.rows is not None:
            return self.rows
        return super().get_queryset()

    def convention(self) -> Convention | None:
        return self.instance.convention if self.instance.convention_id else None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        party_ids = self.party_partner_ids()
        for form in kept_forms(self):
            bearer = form.cleaned_data.get("bearer")
            if bearer is not None and str(bearer.pk) not in party_ids:
                form.add_error("bearer", BEARER_NOT_A_PARTY_MESSAGE)


CommitmentFormSet = inlineformset_factory(
    Axis,
    Commitment,
    form=CommitmentRowForm,
    formset=CommitmentInlineFormSet,
    extra=0,
    **row_limits(MAX_ACTIONS_PER_AXIS),
)


class AxisInlineFormSet(LimitedRowsFormSet):
    """The axes of a convention, each form carrying its actions as `form.commitments`."""

    def __init__(self, *args, partners: PartnerChoices | None = None, **kwargs):
        self.partners = partners
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.commitments = self.commitment_formset(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.commitments = self.commitment_formset(form)
        return form

    def commitment_formset(self, form) -> CommitmentInlineFormSet:
        axis = form.instance
        return CommitmentFormSet(
            self.data if self.is_bound else None,
            self.files if self.is_bound else None,
            instance=axis,
            prefix=f"{form.prefix}-commitments",
            rows=list(axis.commitments.all()) if axis.pk else [],
            form_kwargs={"partners": self.partners},
        )

    def kept_axis_forms(self):
        return [form for form in self.forms if not self._should_delete_form(form)]

    def clean(self):
        super().clean()
        for form in self.extra_forms:
            if (
                not self._should_delete_form(form)
                and not form.has_changed()
                and any(f.has_changed() for f in form.commitments.forms)
            ):
                form.add_error("title", AXIS_TITLE_FOR_ACTIONS_MESSAGE)

    def is_valid(self):
        valid = super().is_valid()
        # Evaluate every nested formset, so each shows its errors.
        nested = [form.commitments.is_valid() for form in self.kept_axis_forms()]
        return valid and all(nested)


AxisFormSet = inlineformset_factory(
    Convention, Axis, form=AxisForm, formset=AxisInlineFormSet, extra=0, **row_limits(MAX_AXES)
)
SignatoryFormSet = inlineformset_factory(
    Convention,
    Signatory,
    form=SignatoryRowForm,
    formset=SignatoryInlineFormSet,
    extra=0,
    **row_limits(),
)
TargetFormSet = inlineformset_factory(
    Convention, Target, form=TargetForm, formset=LimitedRowsFormSet, extra=0, **row_limits()
)


def party_formset_class(*, extra: int):
    return inlineformset_factory(
        Convention,
        Party,
        form=PartyForm,
        formset=PartyInlineFormSet,
        extra=extra,
        **row_limits(),
    )


@dataclass
class ErrorLink:
    """One line of the error summary: where the error is and what it says."""

    label: str
    message: str
    anchor: str


# The name of the "Enregistrer quand même" button; its value is the digest of the warnings the
# user saw, so that warnings changed since (other values typed) are shown again.
CONFIRM_WARNINGS = "confirmer_avertissements"


def warnings_digest(warnings: list[PlausibilityWarning]) -> str:
    text = "\n".join(f"{w.field}:{w.message}" for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ConventionForms:
    """The convention form and its row formsets, built, validated and summarised together."""

    # Formset -> (a row, the rows, the id of its section on the page)
    sections = {
        "parties": ("Partie", "Parties", "parties"),
        "signatories": ("Signataire", "Signataires", "signataires"),
        "axes": ("Axe", "Axes", "axes"),
        "targets": ("Objectif chiffré", "Objectifs chiffrés", "objectifs-chiffres"),
    }

    def __init__(
        self,
        data=None,
        files=None,
        *,
        instance: Convention | None = None,
        initial: dict | None = None,
        parties: list[dict] | None = None,
    ):
        """`initial` and `parties` (the new rows' initial values, e.g. {"partner": pk, "role":
        ...}) pre-fill a new convention's page; given on GET only, so that the rows posted back
        as shown count as filled in."""
        partners = PartnerChoices.all()
        self.form = ConventionForm(data, files, instance=instance, initial=initial)
        convention = self.form.instance
        rows = {"instance": convention, "form_kwargs": {"partners": partners}}
        extra_parties = 0 if convention.pk else max(MIN_SIGNED_PARTIES, len(parties or ()))
        self.parties = party_formset_class(extra=extra_parties)(
            data, files, prefix="parties", queryset=Party.objects.all(), initial=parties, **rows
        )
        self.signatories = SignatoryFormSet(data, files, prefix="signatories", **rows)
        self.axes = AxisFormSet(
            data,
            files,
            prefix="axes",
            instance=convention,
            partners=partners,
            queryset=Axis.objects.prefetch_related(
                Prefetch("commitments", Commitment.objects.order_by("position", "pk"))
            ),
        )
        self.targets = TargetFormSet(data, files, prefix="targets", instance=convention)

    @property
    def formsets(self):
        return {name: getattr(self, name) for name in self.sections}

    def is_valid(self) -> bool:
        # The main form first: the parties' rule reads the signature date it sets on the instance.
        form_valid = self.form.is_valid()
        formsets_valid = [formset.is_valid() for formset in self.formsets.values()]
        return form_valid and all(formsets_valid)

    def warnings(self) -> list[PlausibilityWarning]:
        """The plausibility warnings of the convention as validated (call is_valid() first),
        each also placed next to its field, on the convention or the signatory's row."""
        rows = {id(form.instance): form for form in kept_forms(self.signatories)}
        warnings = plausibility_warnings(
            self.form.instance, [form.instance for form in rows.values()]
        )
        for warning in warnings:
            form = self.form if warning.row is None else rows[id(warning.row)]
            form.plausibility_warnings.setdefault(warning.field, []).append(warning.message)
        return warnings

    def unconfirmed_warnings(self) -> list[PlausibilityWarning]:
        """The warnings, unless the user confirmed these very ones ("Enregistrer quand
        même")."""
        warnings = self.warnings()
        if warnings and self.form.data.get(CONFIRM_WARNINGS) == warnings_digest(warnings):
            return []
        return warnings

    def warning_summary(self, warnings: list[PlausibilityWarning]) -> list[ErrorLink]:
        """The warnings as the summary at the top of the page lists them, linked to their
        field."""
        rows = {id(form.instance): (i, form) for i, form in enumerate(self.signatories, 1)}
        noun = self.sections["signatories"][0]
        links = []
        for warning in warnings:
            if warning.row is None:
                field, label = self.form[warning.field], self.form[warning.field].label
            else:
                i, form = rows[id(warning.row)]
                field = form[warning.field]
                label = f"{noun} {i} — {field.label}"
            links.append(ErrorLink(label, warning.message, f"#{field.id_for_label}"))
        return links

    def error_summary(self) -> list[ErrorLink]:
        links = self._form_errors(self.form, "")
        for name, formset in self.formsets.items():
            noun, plural, anchor = self.sections[name]
            links += [ErrorLink(plural, e, f"#{anchor}") for e in formset.non_form_errors()]
            for i, form in enumerate(formset.forms, start=1):
                if formset._should_delete_form(form):
                    continue
                links += self._form_errors(form, f"{noun} {i}", anchor)
                nested = getattr(form, "commitments", None)
                if nested is None:
                    continue
                where = f"{noun} {i}, actions"
                links += [ErrorLink(where, e, f"#{anchor}") for e in nested.non_form_errors()]
                for j, row in enumerate(nested.forms, start=1):
                    if not nested._should_delete_form(row):
                        links += self._form_errors(row, f"{noun} {i}, action {j}", anchor)
        return links

    @staticmethod
    def _form_errors(form, where: str, anchor: str = "identification") -> list[ErrorLink]:
        links = []
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                label, target = where, f"#{anchor}"
            else:
                field = form[name]
                label = f"{where} — {field.label}" if where else field.label
                target = f"#{field.id_for_label}"
            links += [ErrorLink(label, message, target) for message in errors]
        return links
