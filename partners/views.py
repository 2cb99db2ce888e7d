from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from conventions.enums import Status
from conventions.models import Convention, Party
from conventions.models.convention import status_condition
from conventions.uploads import LOGO_KINDS, private_file_response

from .filters import PartnerFilter
from .forms import ContactInlineFormSet, KeyFigureInlineFormSet, PartnerForm
from .history import partner_history
from .models import Partner


class PartnerListView(PermissionRequiredMixin, ListView):
    permission_required = "partners.view_partner"
    raise_exception = True
    template_name = "partners/partner_list.html"
    context_object_name = "partners"
    paginate_by = 20

    def get_queryset(self):
        in_force = status_condition(
            Status.IN_FORCE, timezone.localdate(), path="parties__convention__"
        )
        partners = Partner.objects.select_related("territory").annotate(
            conventions_count=Count("parties", distinct=True),
            in_force_count=Count("parties", filter=in_force, distinct=True),
        )
        self.filterset = PartnerFilter(self.request.GET or None, queryset=partners)
        return self.filterset.qs.order_by("name")

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or not a number shows the nearest page, never an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class PartnerDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "partners.view_partner"
    raise_exception = True
    template_name = "partners/partner_detail.html"
    queryset = Partner.objects.select_related("territory").prefetch_related(
        "key_figures", "contacts"
    )

    def get_context_data(self, **kwargs):
        conventions = list(
            Convention.objects.for_partner(self.object)
            .with_status()
            .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("partner")))
        )
        for convention in conventions:
            convention.other_parties = [
                party.partner
                for party in convention.parties.all()
                if party.partner_id != self.object.pk
            ]
        return super().get_context_data(
            conventions=conventions, history=partner_history(self.object), **kwargs
        )


class PartnerLogoView(PermissionRequiredMixin, View):
    """The partner's logo, shown in the page (never from a public URL): PNG or JPEG only."""

    permission_required = "partners.view_partner"
    raise_exception = True

    def get(self, request, slug):
        partner = get_object_or_404(Partner.objects.only("slug", "logo"), slug=slug)
        if not partner.logo:
            raise Http404("Ce partenaire n'a pas de logo.")
        return private_file_response(
            partner.logo.name,
            stem=f"logo-{partner.slug}",
            default_stem="logo",
            kinds=LOGO_KINDS,
            as_attachment=False,
        )


class PartnerEditMixin:
    """One page for the partner, its key figures and its contacts, saved together."""

    model = Partner
    form_class = PartnerForm
    template_name = "partners/partner_form.html"
    raise_exception = True
    success_message = ""

    def get_formsets(self):
        bound = self.request.method == "POST"
        instance = self.object or Partner()
        return {
            "key_figures": KeyFigureInlineFormSet(
                self.request.POST if bound else None,
                instance=instance,
                prefix="key_figures",
            ),
            "contacts": ContactInlineFormSet(
                self.request.POST if bound else None,
                instance=instance,
                prefix="contacts",
            ),
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formsets", self.get_formsets())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formsets = self.get_formsets()
        # Validate everything (a list, not a generator) so every error shows at once.
        if all([form.is_valid(), *(formset.is_valid() for formset in formsets.values())]):
            return self.save(form, formsets)
        return self.render_to_response(self.get_context_data(form=form, formsets=formsets))

    @transaction.atomic
    def save(self, form, formsets):
        self.object = form.save()
        for formset in formsets.values():
            formset.instance = self.object
            formset.save()
        messages.success(self.request, self.success_message % {"name": self.object.name})
        return HttpResponseRedirect(
            reverse("partners:partner_detail", kwargs={"slug": self.object.slug})
        )


class PartnerCreateView(PermissionRequiredMixin, PartnerEditMixin, CreateView):
    permission_required = "partners.add_partner"
    success_message = "Le partenaire « %(name)s » a été créé."

    def post(self, request, *args, **kwargs):
        self.object = None
        return super().post(request, *args, **kwargs)


class PartnerUpdateView(PermissionRequiredMixin, PartnerEditMixin, UpdateView):
    permission_required = "partners.change_partner"
    success_message = "Le partenaire « %(name)s » a été modifié."

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)
