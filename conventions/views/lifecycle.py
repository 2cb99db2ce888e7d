"""Lifecycle actions on a convention: renew it, decline a national one locally or regionally,
amend it, terminate it early, delete it.

Each action is a confirmation page (GET) and a form that performs it (POST), for editors.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from partners.models import Partner

from ..enums import AmendedField, TerminationMethod
from ..forms import DateInput, StaffFormMixin, limit_months
from ..models import Convention, Party
from ..services import (
    DECLINATION_SCOPES,
    check_amendable,
    check_declinable,
    check_deletable,
    check_renewable,
    check_terminable,
    convention_amend,
    convention_decline,
    convention_delete,
    convention_renew,
    convention_terminate,
    termination_effective_on,
)

# Added to the edit page's URL by the actions that create a draft and open it (renew, decline):
# its "Annuler" then offers to delete the draft just created.
NEW_DRAFT_PARAM = "projet"
NEW_DRAFT_VALUE = "nouveau"


def new_draft_url(draft: Convention) -> str:
    url = reverse("conventions:convention_update", args=[draft.pk])
    return f"{url}?{NEW_DRAFT_PARAM}={NEW_DRAFT_VALUE}"


def opened_new_draft(request) -> bool:
    return request.GET.get(NEW_DRAFT_PARAM) == NEW_DRAFT_VALUE


def draft_noun(draft: Convention) -> str:
    """What a draft prepares, as the delete page names it."""
    if draft.predecessor_id:
        return "projet de renouvellement"
    if draft.parent_id:
        return "projet de déclinaison"
    if draft.framework_id:
        return "projet de convention financière"
    return "projet de convention"


class DeclinationForm(StaffFormMixin, forms.Form):
    partner = forms.ModelChoiceField(
        label="Mission Locale ou association régionale",
        queryset=Partner.objects.none(),
        empty_label="Choisir un partenaire",
        help_text=(
            "Une Mission Locale donne une déclinaison locale ; une association régionale, "
            "une déclinaison régionale."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        field.queryset = Partner.objects.filter(kind__in=DECLINATION_SCOPES).order_by("name")
        field.label_from_instance = self.partner_label

    @staticmethod
    def partner_label(partner: Partner) -> str:
        name = f"{partner.name} ({partner.acronym})" if partner.acronym else partner.name
        return f"{name} — {partner.get_kind_display()}"


class LifecycleActionView(PermissionRequiredMixin, View):
    """A confirmation page about one convention; its form performs the action."""

    permission_required = "conventions.add_convention"
    raise_exception = True
    template_name = ""

    # The service function that says why the convention cannot take the action (ValidationError).
    check = None

    def get_convention(self) -> Convention:
        return get_object_or_404(Convention.objects.with_status(), pk=self.kwargs["pk"])

    def get_form(self, convention: Convention):
        return None

    def get(self, request, pk):
        convention = self.get_convention()
        try:
            type(self).check(convention=convention)
        except ValidationError as error:
            return self.render(convention, error, form=None)
        return self.render(convention, form=self.get_form(convention))

    def render(self, convention: Convention, errors: ValidationError | None = None, **context):
        context |= {"convention": convention, "errors": errors.messages if errors else []}
        return render(self.request, self.template_name, context)


class ConventionRenewView(LifecycleActionView):
    template_name = "conventions/convention_renew.html"

    check = check_renewable

    def post(self, request, pk):
        convention = self.get_convention()
        try:
            successor = convention_renew(convention=convention, by=request.user)
        except ValidationError as error:
            return self.render(convention, error)
        messages.success(
            request,
            f"Le projet de renouvellement de « {convention.title} » a été créé : "
            "vérifiez-le, complétez-le puis enregistrez-le.",
        )
        return redirect(new_draft_url(successor))

    def render(self, convention, errors=None, **context):
        parties = Party.objects.filter(convention=convention).select_related("partner")
        return super().render(
            convention,
            errors,
            parties=parties.order_by("position", "pk"),
            axis_count=convention.axes.count(),
            commitment_count=convention.commitments.count(),
            target_count=convention.targets.count(),
            **context,
        )


class ConventionDeclineView(LifecycleActionView):
    template_name = "conventions/convention_decline.html"

    check = check_declinable

    def get_form(self, convention):
        return DeclinationForm()

    def post(self, request, pk):
        convention = self.get_convention()
        form = DeclinationForm(request.POST)
        if form.is_valid():
            try:
                declination = convention_decline(
                    convention=convention, partner=form.cleaned_data["partner"], by=request.user
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # About the convention itself, whichever partner is chosen.
                    return self.render(convention, error, form=None)
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Le projet de déclinaison « {declination.title} » a été créé : "
                    "complétez-le puis enregistrez-le.",
                )
                return redirect(new_draft_url(declination))
        return self.render(convention, form=form)


class AmendmentForm(StaffFormMixin, forms.Form):
    signed_on = forms.DateField(label="Date de signature de l'avenant", widget=DateInput)
    summary = forms.CharField(
        label="Objet de l'avenant",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que l'avenant modifie : axes, engagements, montant, durée…",
    )
    new_end_on = forms.DateField(
        label="Nouvelle date de fin",
        required=False,
        widget=DateInput,
        help_text="Seulement si l'avenant prolonge ou raccourcit la convention.",
    )

    def __init__(self, *args, convention: Convention, **kwargs):
        super().__init__(*args, **kwargs)
        # The parts of the text the amendment may rewrite, pre-filled with the current wording.
        # The wording as loaded travels with the page (show_hidden_initial): a part left as it
        # is, is not a change, even if someone else edited it meanwhile.
        for name in AmendedField.values:
            model_field = Convention._meta.get_field(name)
            options = {"required": False, "show_hidden_initial": True}
            if isinstance(model_field, models.TextField):
                options["widget"] = forms.Textarea(attrs={"rows": 4})
            elif name == AmendedField.AMOUNT:
                options["min_value"] = 0
            self.fields[name] = model_field.formfield(**options)
            self.fields[name].initial = getattr(convention, name)
            if name in (AmendedField.NOTICE_MONTHS, AmendedField.REVIEW_EVERY_MONTHS):
                limit_months(self.fields[name])

    @property
    def text_fields(self) -> list:
        return [self[name] for name in AmendedField.values]

    @property
    def rewrites_text(self) -> bool:
        """Whether the text part of the form is to be shown open: a part was rewritten or is
        refused."""
        return self.is_bound and any(
            self[name].errors or name in self.changed_data for name in AmendedField.values
        )

    def changes(self) -> dict[str, object]:
        """{AmendedField: new value} for the parts the user rewrote (see convention_amend)."""
        return {
            name: self.cleaned_data[name]
            for name in AmendedField.values
            if name in self.changed_data
        }


class ConventionAmendView(LifecycleActionView):
    permission_required = "conventions.change_convention"
    template_name = "conventions/convention_amend.html"

    check = check_amendable

    def get_form(self, convention):
        return AmendmentForm(convention=convention)

    def post(self, request, pk):
        convention = self.get_convention()
        form = AmendmentForm(request.POST, convention=convention)
        if form.is_valid():
            try:
                amendment = convention_amend(
                    convention=convention,
                    signed_on=form.cleaned_data["signed_on"],
                    summary=form.cleaned_data["summary"],
                    new_end_on=form.cleaned_data["new_end_on"],
                    changes=form.changes(),
                    by=request.user,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    return self.render(convention, error, form=None)
                form.add_error(None, error)
            else:
                messages.success(request, f"L'avenant n° {amendment.number} a été enregistré.")
                return redirect(convention)
        return self.render(convention, form=form)


class TerminationForm(StaffFormMixin, forms.Form):
    by_party = forms.ModelChoiceField(
        label="Résiliée par", queryset=Partner.objects.none(), empty_label="Choisir une partie"
    )
    notice_sent_on = forms.DateField(label="Date d'envoi du préavis", widget=DateInput)
    method = forms.ChoiceField(
        label="Forme de la résiliation",
        choices=TerminationMethod.choices,
        initial=TerminationMethod.REGISTERED_LETTER,
    )
    letter_number = forms.CharField(
        label="Numéro de la lettre recommandée", max_length=50, required=False
    )
    receipt_on = forms.DateField(
        label="Date de l'accusé de réception", required=False, widget=DateInput
    )
    # Asked on the confirmation page, where the file is posted with the termination.
    proof = forms.FileField(
        label="Preuve de l'envoi ou de la réception",
        required=False,
        help_text="Scan de l'accusé de réception ou de la preuve de dépôt (PDF, image).",
    )

    def __init__(self, *args, convention: Convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by_party"].queryset = Partner.objects.filter(
            parties__convention=convention
        ).order_by("parties__position", "parties__pk")
        self.fields["by_party"].label_from_instance = self.partner_label

    @staticmethod
    def partner_label(partner: Partner) -> str:
        return f"{partner.name} ({partner.acronym})" if partner.acronym else partner.name


class ConventionTerminateView(LifecycleActionView):
    """The form, then (once it is valid) a confirmation naming the effective date, then the
    termination itself: the confirmation posts the same fields with `confirm`."""

    permission_required = "conventions.change_convention"
    template_name = "conventions/convention_terminate.html"

    check = check_terminable

    def get_form(self, convention):
        return TerminationForm(convention=convention)

    def post(self, request, pk):
        convention = self.get_convention()
        form = TerminationForm(request.POST, request.FILES, convention=convention)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "confirm" not in request.POST:
                    check_terminable(
                        convention=convention,
                        by_party=data["by_party"],
                        notice_sent_on=data["notice_sent_on"],
                    )
                    effective_on = termination_effective_on(
                        convention=convention,
                        notice_sent_on=data["notice_sent_on"],
                        receipt_on=data["receipt_on"],
                    )
                    return self.render(
                        convention,
                        form=form,
                        effective_on=effective_on,
                        method_label=TerminationMethod(data["method"]).label,
                    )
                convention = convention_terminate(
                    convention=convention,
                    by_party=data["by_party"],
                    notice_sent_on=data["notice_sent_on"],
                    method=data["method"],
                    letter_number=data["letter_number"],
                    receipt_on=data["receipt_on"],
                    proof=data["proof"],
                    by=request.user,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    return self.render(convention, error, form=None)
                form.add_error(None, error)
                if set(error.error_dict) == {"proof"}:
                    # Only the file is refused: back to the confirmation, to choose another.
                    return self.render(
                        convention,
                        form=form,
                        effective_on=termination_effective_on(
                            convention=convention,
                            notice_sent_on=data["notice_sent_on"],
                            receipt_on=data["receipt_on"],
                        ),
                        method_label=TerminationMethod(data["method"]).label,
                    )
            else:
                messages.success(
                    request,
                    "La résiliation de la convention a été enregistrée, "
                    f"à effet du {convention.terminated_on:%d/%m/%Y}.",
                )
                return redirect(convention)
        return self.render(convention, form=form)

    def render(self, convention, errors=None, **context):
        context.setdefault("effective_on", None)
        context.setdefault("method_label", "")
        return super().render(convention, errors, **context)


class ConventionDeleteView(LifecycleActionView):
    """A confirmation page, then the deletion (services.convention_delete: a draft by an editor,
    a signed convention by an administrator only). Opened from the "Annuler" of a draft just
    created (NEW_DRAFT_PARAM), it says so and keeping the draft goes back to its form."""

    permission_required = "conventions.change_convention"
    template_name = "conventions/convention_delete.html"

    def get(self, request, pk):
        convention = self.get_convention()
        try:
            check_deletable(convention=convention, by=request.user)
        except ValidationError as error:
            return self.render(convention, error)
        return self.render(convention)

    def post(self, request, pk):
        convention = self.get_convention()
        # Where the deleted convention came from: its predecessor, national convention or
        # framework, else the list.
        back = convention.predecessor or convention.parent or convention.framework
        title, reference = convention.title, convention.reference
        try:
            convention_delete(convention=convention, by=request.user)
        except ValidationError as error:
            return self.render(convention, error)
        messages.success(request, f"La convention « {title} » ({reference}) a été supprimée.")
        return redirect(back or "conventions:convention_list")

    def get_convention(self) -> Convention:
        return get_object_or_404(
            Convention.objects.with_status().select_related("predecessor", "parent", "framework"),
            pk=self.kwargs["pk"],
        )

    def render(self, convention, errors=None, **context):
        new_draft = opened_new_draft(self.request) and convention.signed_on is None
        keep_url = new_draft_url(convention) if new_draft else convention.get_absolute_url()
        return super().render(
            convention,
            errors,
            new_draft=new_draft,
            draft_noun=draft_noun(convention),
            keep_url=keep_url,
            party_count=convention.parties.count(),
            axis_count=convention.axes.count(),
            attachment_count=convention.attachments.count(),
            **context,
        )
