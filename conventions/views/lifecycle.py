"""Lifecycle actions on a convention: renew it, decline a national one locally or regionally.

Each action is a confirmation page (GET) and a form that performs it (POST), for editors.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from partners.models import Partner

from ..forms import StaffFormMixin
from ..models import Convention, Party
from ..services import (
    DECLINATION_SCOPES,
    check_declinable,
    check_renewable,
    convention_decline,
    convention_renew,
)


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

    def get_convention(self) -> Convention:
        return get_object_or_404(Convention.objects.with_status(), pk=self.kwargs["pk"])

    def render(self, convention: Convention, errors: ValidationError | None = None, **context):
        context |= {"convention": convention, "errors": errors.messages if errors else []}
        return render(self.request, self.template_name, context)


class ConventionRenewView(LifecycleActionView):
    template_name = "conventions/convention_renew.html"

    def get(self, request, pk):
        convention = self.get_convention()
        try:
            check_renewable(convention=convention)
        except ValidationError as error:
            return self.render(convention, error)
        return self.render(convention)

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
        return redirect("conventions:convention_update", pk=successor.pk)

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

    def get(self, request, pk):
        convention = self.get_convention()
        try:
            check_declinable(convention=convention)
        except ValidationError as error:
            return self.render(convention, error, form=None)
        return self.render(convention, form=DeclinationForm())

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
                return redirect("conventions:convention_update", pk=declination.pk)
        return self.render(convention, form=form)
