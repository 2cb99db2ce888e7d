"""The convention page: everything about one convention, and who changed what."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.views.generic import DetailView

from ..history import convention_history
from ..models import Axis, Commitment, Convention, Party, Signatory, Statement


class ConventionDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "conventions.view_convention"
    raise_exception = True
    template_name = "conventions/convention_detail.html"
    context_object_name = "convention"

    def get_queryset(self):
        commitments = Commitment.objects.select_related("bearer").order_by("position", "pk")
        axes = Axis.objects.prefetch_related(Prefetch("commitments", commitments))
        related = Convention.objects.with_status().order_by("-signed_on", "title")
        return (
            Convention.objects.with_status()
            .select_related("predecessor", "parent")
            .prefetch_related(
                Prefetch("parties", Party.objects.select_related("partner")),
                Prefetch("signatories", Signatory.objects.select_related("partner")),
                Prefetch("axes", axes),
                Prefetch(
                    "commitments",
                    commitments.filter(axis__isnull=True),
                    to_attr="general_commitments",
                ),
                "targets",
                "amendments",
                "reviews",
                "attachments",
                Prefetch("statements", Statement.objects.select_related("organisation")),
                Prefetch("successors", related),
                Prefetch("declinations", related),
                "audiences",
                "themes",
                "territories",
            )
        )

    def get_context_data(self, **kwargs):
        convention = self.object
        return super().get_context_data(
            history=convention_history(convention),
            **kwargs,
        )
