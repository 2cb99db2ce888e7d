"""Placeholder: the convention page is being built."""

from .browse import DashboardView


class ConventionDetailView(DashboardView):
    pass
