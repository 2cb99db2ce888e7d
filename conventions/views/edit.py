"""Create and edit a convention with its parties, signatories, axes and actions, and targets."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ..financial import can_frame, financial_convention_initial
from ..forms import CONFIRM_WARNINGS, ConventionForms, warnings_digest
from ..history import UNKNOWN_USER, HistoryEntry, convention_history
from ..models import Convention
from ..plausibility import PlausibilityWarning
from ..services import EditConflict, convention_save
from .lifecycle import NEW_DRAFT_PARAM, NEW_DRAFT_VALUE, opened_new_draft


@dataclass
class Conflict:
    """Who saved the convention while it was being edited, and what they changed."""

    user: str
    date: datetime.datetime | None
    changes: list[HistoryEntry] = field(default_factory=list)


def edit_conflict(convention: Convention, *, since: datetime.datetime | None) -> Conflict:
    """The changes made to `convention` after `since`, the time the edit page was loaded.

    Every save raises the version and writes a history record, so the records newer than the
    page are the changes it missed. A save committed just as the page was read may be left
    out of the list (its records predate the page); the conflict itself is still detected.
    The one named is the author of the newest change, which may be to a row only.
    """
    entries = convention_history(convention)
    if since is not None:
        entries = [entry for entry in entries if entry.date > since]
    if entries:
        newest = entries[0]
        name = "une autre personne" if newest.user == UNKNOWN_USER else newest.user
        return Conflict(user=name, date=newest.date, changes=entries)
    latest = (
        Convention.history.filter(id=convention.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    user = latest.history_user if latest else None
    name = (user.get_full_name() or user.get_username()) if user else "une autre personne"
    return Conflict(user=name, date=latest.history_date if latest else None, changes=entries)


class ConventionFormView(PermissionRequiredMixin, View):
    raise_exception = True
    template_name = "conventions/convention_form.html"
    success_message = ""

    def get_convention(self) -> Convention | None:
        return None

    def get(self, request, *args, **kwargs):
        return self.render(ConventionForms(instance=self.get_convention()))

    def post(self, request, *args, **kwargs):
        forms = ConventionForms(request.POST, request.FILES, instance=self.get_convention())
        if not forms.is_valid():
            return self.render(forms)
        # Implausible dates are shown, and nothing saved, until the user confirms them.
        warnings = forms.unconfirmed_warnings()
        if warnings:
            return self.render(forms, warnings=warnings)
        try:
            convention = convention_save(
                form=forms.form,
                parties=forms.parties,
                signatories=forms.signatories,
                axes=forms.axes,
                targets=forms.targets,
                by=request.user,
            )
        except EditConflict:
            return self.render_conflict(since=forms.form.cleaned_data["loaded_at"])
        messages.success(request, self.success_message.format(title=convention.title))
        return redirect("conventions:convention_detail", pk=convention.pk)

    def render_conflict(self, *, since: datetime.datetime | None):
        """The page again with the values typed, the changes it missed, and the current version:
        saving it again, after reading them, replaces them."""
        convention = self.get_convention()
        data = self.request.POST.copy()
        data["loaded_version"] = str(convention.version)
        data["loaded_at"] = timezone.now().isoformat()
        forms = ConventionForms(data, self.request.FILES, instance=convention)
        return self.render(forms, conflict=edit_conflict(convention, since=since))

    def cancel_url(self, convention: Convention) -> str:
        """Where "Annuler" leads: the convention, or the list for a new one; for a draft just
        created by a renewal or a declination, the page that offers to delete it."""
        if convention.pk is None:
            return reverse("conventions:convention_list")
        if opened_new_draft(self.request):
            url = reverse("conventions:convention_delete", args=[convention.pk])
            return f"{url}?{NEW_DRAFT_PARAM}={NEW_DRAFT_VALUE}"
        return convention.get_absolute_url()

    def render(
        self,
        forms: ConventionForms,
        *,
        conflict: Conflict | None = None,
        warnings: list[PlausibilityWarning] = (),
    ):
        context = {
            "forms": forms,
            "form": forms.form,
            "convention": forms.form.instance,
            "errors": forms.error_summary() if forms.form.is_bound else [],
            "conflict": conflict,
            "cancel_url": self.cancel_url(forms.form.instance),
            "warnings": forms.warning_summary(warnings),
            "confirm_name": CONFIRM_WARNINGS,
            "warnings_digest": warnings_digest(warnings) if warnings else "",
        }
        return render(self.request, self.template_name, context)


class ConventionCreateView(ConventionFormView):
    """A new convention; `?convention_cadre=<pk>`: a new financial convention of that framework,
    pre-filled from it ("Nouvelle convention financière")."""

    permission_required = "conventions.add_convention"
    success_message = "La convention « {title} » a été créée."

    def get(self, request, *args, **kwargs):
        framework = self.framework()
        if framework is None:
            return super().get(request, *args, **kwargs)
        initial, parties = financial_convention_initial(framework)
        return self.render(ConventionForms(initial=initial, parties=parties))

    def cancel_url(self, convention: Convention) -> str:
        framework = self.framework()
        return framework.get_absolute_url() if framework else super().cancel_url(convention)

    def framework(self) -> Convention | None:
        pk = self.request.GET.get("convention_cadre", "")
        framework = Convention.objects.filter(pk=pk).first() if pk.isdigit() else None
        return framework if framework is not None and can_frame(framework) else None


class ConventionUpdateView(ConventionFormView):
    permission_required = "conventions.change_convention"
    success_message = "Les modifications de la convention « {title} » ont été enregistrées."

    def get_convention(self) -> Convention:
        return get_object_or_404(Convention, pk=self.kwargs["pk"])
