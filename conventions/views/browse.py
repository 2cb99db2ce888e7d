"""Placeholder: the dashboard, the list and its exports are being built."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "conventions.view_convention"
    raise_exception = True
    template_name = "conventions/placeholder.html"


class ConventionListView(DashboardView):
    pass


class ConventionExportView(DashboardView):
    pass
