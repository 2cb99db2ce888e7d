"""Compare two versions of a convention, side by side (read-only, for every role that reads).

URLs (conventions namespace):
    conventions/<pk>/renouvellement/comparer/     renewal_compare: what <pk> renews vs <pk>
    conventions/<pk>/avenants/<number>/comparer/  amendment_compare: <pk> before vs after it
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..compare import Snapshot, compare, snapshot, snapshot_as_of
from ..models import Amendment, Convention

# ?modifications=1 leaves the unchanged rows out.
CHANGES_ONLY = "modifications"


class CompareView(PermissionRequiredMixin, TemplateView):
    permission_required = "conventions.view_convention"
    raise_exception = True
    template_name = "conventions/convention_compare.html"

    def comparison_context(
        self,
        *,
        convention: Convention,
        old: Snapshot | None,
        new: Snapshot,
        old_label: str,
        new_label: str,
        title: str,
        **context,
    ) -> dict:
        changes_only = self.request.GET.get(CHANGES_ONLY) == "1"
        comparison = None
        if old is not None:
            comparison = compare(old, new)
            if changes_only:
                comparison = comparison.changes_only()
        return {
            "convention": convention,
            "title": title,
            "old": old,
            "new": new,
            "old_label": old_label,
            "new_label": new_label,
            "comparison": comparison,
            "changes_only": changes_only,
            "all_rows_url": self.request.path,
            "changes_only_url": f"{self.request.path}?{CHANGES_ONLY}=1",
            "amendment": None,
            "following": None,
            "following_url": "",
            **context,
        }


class RenewalCompareView(CompareView):
    """The convention `pk` renews (its predecessor) vs `pk`, both as they are now."""

    def get_context_data(self, **kwargs):
        convention = get_object_or_404(
            Convention.objects.select_related("predecessor"),
            pk=self.kwargs["pk"],
            predecessor__isnull=False,
        )
        return super().get_context_data(
            **kwargs,
            **self.comparison_context(
                convention=convention,
                old=snapshot(convention.predecessor),
                new=snapshot(convention),
                old_label="Convention précédente",
                new_label="Renouvellement",
                title=f"Ce que le renouvellement a changé : « {convention.title} »",
                old_url=convention.predecessor.get_absolute_url(),
                new_url=convention.get_absolute_url(),
            ),
        )


class AmendmentCompareView(CompareView):
    """The convention as of its amendment's `recorded_at` (before it) vs as of the next
    amendment's (or now, for the latest): what the amendment, and any edit until the next one,
    changed."""

    def get_context_data(self, **kwargs):
        amendment = get_object_or_404(
            Amendment.objects.select_related("convention").prefetch_related("changes"),
            convention_id=self.kwargs["pk"],
            number=self.kwargs["number"],
        )
        convention = amendment.convention
        following = (
            Amendment.objects.filter(convention=convention, number__gt=amendment.number)
            .order_by("number")
            .first()
        )
        if following is None:
            new = snapshot(convention)
            new_label = f"Après l'avenant n° {amendment.number}"
        else:
            new = snapshot_as_of(convention, following.recorded_at) or snapshot(convention)
            new_label = (
                f"Après l'avenant n° {amendment.number}, avant l'avenant n° {following.number}"
            )
        url = convention.get_absolute_url()
        return super().get_context_data(
            **kwargs,
            **self.comparison_context(
                convention=convention,
                old=snapshot_as_of(convention, amendment.recorded_at),
                new=new,
                old_label=f"Avant l'avenant n° {amendment.number}",
                new_label=new_label,
                title=f"Ce que l'avenant n° {amendment.number} a changé : « {convention.title} »",
                old_url=url,
                new_url=url,
                amendment=amendment,
                following=following,
                following_url=(
                    reverse("conventions:amendment_compare", args=[convention.pk, following.number])
                    if following
                    else ""
                ),
            ),
        )
