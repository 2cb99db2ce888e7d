"""PDF exports: a convention's summary, a partner's dossier, the dossier of a list selection.

URLs (conventions/urls.py, names in the conventions namespace):
    conventions/<pk>/pdf/                           convention_pdf    the summary
    conventions/dossiers/partenaire/<slug>/         partner_dossier   all conventions with a partner
    conventions/dossiers/selection/?<list filters>  selection_pdf     the list's current selection
    conventions/dossiers/<uuid>/                    dossier_status    "en préparation" page
    conventions/dossiers/<uuid>/telecharger/        dossier_download  the finished dossier

A dossier of at most pdf.DOSSIER_SYNC_LIMIT conventions is returned at once; a larger one is drawn
in the background and the user is sent to its status page, which refreshes itself (meta refresh,
no script) until the PDF is ready, then starts the download.
"""

import io

from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from partners.models import Partner

from .. import pdf
from ..models import Convention
from .browse import CanViewConventions, criteria_explained, filtered_conventions
from .detail import ConventionDetailView

STATUS_REFRESH_SECONDS = 3


def pdf_response(content: bytes, filename: str) -> FileResponse:
    # FileResponse writes a Content-Disposition that is safe for any file name (RFC 6266).
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
    )


class ConventionPdfView(ConventionDetailView):
    """The summary of one convention: same permission as the convention page, all its rows."""

    def get_queryset(self):
        return Convention.objects.for_detail()

    def get(self, request, *args, **kwargs):
        convention = self.get_object()
        return pdf_response(pdf.render_summary(convention), pdf.summary_filename(convention))


class DossierView(CanViewConventions, View):
    def dossier_response(self, conventions, *, cover: pdf.DossierCover, filename: str):
        conventions = list(conventions)
        html = pdf.dossier_html(conventions, cover=cover)
        if len(conventions) <= pdf.DOSSIER_SYNC_LIMIT:
            return pdf_response(pdf.render_pdf(html), filename)
        job = pdf.start_dossier_job(
            html=html, filename=filename, count=len(conventions), user_id=self.request.user.pk
        )
        return redirect("conventions:dossier_status", job=job.id)


def dossier_order(queryset):
    return queryset.order_by(F("signed_on").desc(nulls_last=True), "title", "pk")


class PartnerDossierView(DossierView):
    def get(self, request, slug):
        partner = get_object_or_404(Partner, slug=slug)
        conventions = dossier_order(Convention.objects.for_detail().for_partner(partner))
        cover = pdf.DossierCover(
            title=f"Conventions {partner.in_sentence('avec')}",
            subtitle=partner.name if partner.acronym else "",
            # Read from the storage by WeasyPrint (pdf.StorageUrlFetcher), never served publicly.
            logo_url=partner.logo.url if partner.logo else "",
        )
        filename = f"dossier-{partner.slug}-{timezone.localdate():%Y-%m-%d}.pdf"
        return self.dossier_response(conventions, cover=cover, filename=filename)


def filter_criteria(filterset) -> tuple[tuple[str, str], ...]:
    """The applied filters of the list, as (label, value) pairs in French for the cover."""
    criteria = []
    form = filterset.form
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False) or name == "tri":
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        elif value is True:
            value = "oui"
        criteria.append((str(field.label), str(value)))
    return tuple(criteria)


class SelectionDossierView(DossierView):
    def get(self, request):
        filterset = filtered_conventions(request, Convention.objects.for_detail())
        if filterset.is_bound and not filterset.is_valid():
            return criteria_explained(request)
        cover = pdf.DossierCover(
            title="Sélection de conventions",
            criteria=filter_criteria(filterset) if filterset.is_bound else (),
            subtitle="" if filterset.is_bound else "Toutes les conventions du registre",
        )
        filename = f"selection-conventions-{timezone.localdate():%Y-%m-%d}.pdf"
        return self.dossier_response(filterset.qs, cover=cover, filename=filename)


class DossierJobMixin(CanViewConventions):
    def get_job(self) -> pdf.DossierJob:
        job = pdf.dossier_job(self.kwargs["job"], user_id=self.request.user.pk)
        if job is None:
            raise Http404("Ce dossier n'existe pas ou n'est plus disponible.")
        return job


class DossierStatusView(DossierJobMixin, TemplateView):
    template_name = "conventions/pdf/dossier_status.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        elapsed = int((timezone.now() - job.started_at).total_seconds())
        kwargs["job"] = job
        return super().get_context_data(
            pending=job.state == pdf.DossierState.PENDING,
            ready=job.state == pdf.DossierState.READY,
            elapsed=elapsed,
            refresh_seconds=STATUS_REFRESH_SECONDS,
            **kwargs,
        )


class DossierDownloadView(DossierJobMixin, View):
    def get(self, request, job):
        job = self.get_job()
        if job.state != pdf.DossierState.READY:
            return redirect("conventions:dossier_status", job=job.id)
        return FileResponse(
            pdf.open_dossier(job),
            as_attachment=True,
            filename=job.filename,
            content_type="application/pdf",
        )
