"""The convention page: everything about one convention, and who changed what."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import DetailView

from ..declinations import declination_overview
from ..history import convention_history
from ..models import Convention


class ConventionDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "conventions.view_convention"
    raise_exception = True
    template_name = "conventions/convention_detail.html"
    context_object_name = "convention"

    def get_queryset(self):
        return Convention.objects.for_detail()

    def get_context_data(self, **kwargs):
        convention = self.object
        return super().get_context_data(
            history=convention_history(convention),
            declinations=declination_overview(convention),
            **kwargs,
        )
