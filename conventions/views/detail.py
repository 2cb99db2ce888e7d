"""The convention page: everything about one convention, and who changed what."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.views.generic import DetailView

from .. import page_cache
from ..declinations import declination_overview
from ..history import convention_history
from ..models import Convention
from ..models.convention import detail_prefetches
from .attachments import AttachmentForm


class ConventionDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "conventions.view_convention"
    raise_exception = True
    template_name = "conventions/convention_detail.html"
    context_object_name = "convention"

    def get_queryset(self):
        # The convention alone: its rows are read only when its page is not in the cache.
        return Convention.objects.for_page()

    def get(self, request, *args, **kwargs):
        # The key is read before the convention: a write in between makes a page cached under
        # an outdated key, never an outdated page under the current one.
        self.page_key = page_cache.convention_page_key(self.kwargs["pk"], request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page(), **kwargs)

    def page(self) -> str:
        """The page's content, from the cache unless it or a convention it shows changed
        (page_cache.convention_page_key); the forms get this request's CSRF token."""
        html = page_cache.cached(self.page_key, self.render_page)
        return page_cache.with_csrf_token(self.request, html)

    def render_page(self) -> str:
        convention = self.object
        can_edit = self.request.user.has_perm("conventions.change_convention")
        prefetch_related_objects([convention], *detail_prefetches())
        context = {
            "convention": convention,
            "history": convention_history(convention),
            "declinations": declination_overview(convention),
            "attachment_form": AttachmentForm() if can_edit else None,
            # Kept in the cache as a placeholder, replaced on every request.
            "csrf_token": page_cache.csrf_placeholder(),
        }
        return render_to_string(
            "conventions/includes/convention_page.html", context, request=self.request
        )
