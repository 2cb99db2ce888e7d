"""Placeholder: the convention form is being built."""

from .browse import DashboardView


class ConventionCreateView(DashboardView):
    permission_required = "conventions.add_convention"


class ConventionUpdateView(DashboardView):
    permission_required = "conventions.change_convention"
