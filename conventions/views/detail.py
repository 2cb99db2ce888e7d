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

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page(), **kwargs)

    def page(self) -> str:
        """The page's content. Without the right to change conventions it holds no form (no
        CSRF token): one rendering then serves every such reader until the registry changes
        (page_cache.convention_page_key)."""
        user = self.request.user
        can_edit = user.has_perm("conventions.change_convention")
        key = None if can_edit else page_cache.convention_page_key(self.object, user)
        return page_cache.cached(key, self.render_page) if key else self.render_page()

    def render_page(self) -> str:
        convention = self.object
        can_edit = self.request.user.has_perm("conventions.change_convention")
        prefetch_related_objects([convention], *detail_prefetches())
        context = {
            "convention": convention,
            "history": convention_history(convention),
            "declinations": declination_overview(convention),
            "attachment_form": AttachmentForm() if can_edit else None,
        }
        return render_to_string(
            "conventions/includes/convention_page.html", context, request=self.request
        )
