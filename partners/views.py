"""Placeholder: the partner pages are being built."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView


class PartnerListView(PermissionRequiredMixin, TemplateView):
    permission_required = "partners.view_partner"
    raise_exception = True
    template_name = "conventions/placeholder.html"


class PartnerDetailView(PartnerListView):
    pass


class PartnerCreateView(PartnerListView):
    permission_required = "partners.add_partner"


class PartnerUpdateView(PartnerListView):
    permission_required = "partners.change_partner"
