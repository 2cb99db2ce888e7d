from django.urls import path

from .views import attachments, browse, compare, detail, edit, follow_up, lifecycle, pdf

app_name = "conventions"

urlpatterns = [
    path("", browse.DashboardView.as_view(), name="dashboard"),
    path("conventions/", browse.ConventionListView.as_view(), name="convention_list"),
    path(
        "conventions/export.<str:fmt>",
        browse.ConventionExportView.as_view(),
        name="convention_export",
    ),
    path("conventions/nouvelle/", edit.ConventionCreateView.as_view(), name="convention_create"),
    path("conventions/<int:pk>/", detail.ConventionDetailView.as_view(), name="convention_detail"),
    path(
        "conventions/<int:pk>/modifier/",
        edit.ConventionUpdateView.as_view(),
        name="convention_update",
    ),
    path(
        "conventions/<int:pk>/renouveler/",
        lifecycle.ConventionRenewView.as_view(),
        name="convention_renew",
    ),
    path(
        "conventions/<int:pk>/decliner/",
        lifecycle.ConventionDeclineView.as_view(),
        name="convention_decline",
    ),
    path(
        "conventions/<int:pk>/avenant/",
        lifecycle.ConventionAmendView.as_view(),
        name="convention_amend",
    ),
    path(
        "conventions/<int:pk>/resilier/",
        lifecycle.ConventionTerminateView.as_view(),
        name="convention_terminate",
    ),
    path(
        "conventions/<int:pk>/renouvellement/comparer/",
        compare.RenewalCompareView.as_view(),
        name="renewal_compare",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:number>/comparer/",
        compare.AmendmentCompareView.as_view(),
        name="amendment_compare",
    ),
    path("conventions/<int:pk>/pdf/", pdf.ConventionPdfView.as_view(), name="convention_pdf"),
    path(
        "conventions/dossiers/partenaire/<slug:slug>/",
        pdf.PartnerDossierView.as_view(),
        name="partner_dossier",
    ),
    path(
        "conventions/dossiers/selection/",
        pdf.SelectionDossierView.as_view(),
        name="selection_pdf",
    ),
    path(
        "conventions/dossiers/<uuid:job>/",
        pdf.DossierStatusView.as_view(),
        name="dossier_status",
    ),
    path(
        "conventions/dossiers/<uuid:job>/telecharger/",
        pdf.DossierDownloadView.as_view(),
        name="dossier_download",
    ),
    path(
        "conventions/<int:pk>/engagements/<int:commitment>/suivi/",
        follow_up.CommitmentFollowUpView.as_view(),
        name="commitment_follow_up",
    ),
    path(
        "conventions/<int:pk>/bilans/ajouter/",
        follow_up.ReviewCreateView.as_view(),
        name="review_create",
    ),
    path(
        "conventions/<int:pk>/bilans/<int:review>/modifier/",
        follow_up.ReviewUpdateView.as_view(),
        name="review_update",
    ),
    path(
        "conventions/<int:pk>/bilans/<int:review>/supprimer/",
        follow_up.ReviewDeleteView.as_view(),
        name="review_delete",
    ),
    path(
        "conventions/<int:pk>/declarations/ajouter/",
        follow_up.StatementCreateView.as_view(),
        name="statement_create",
    ),
    path(
        "conventions/<int:pk>/declarations/<int:statement>/modifier/",
        follow_up.StatementUpdateView.as_view(),
        name="statement_update",
    ),
    path(
        "conventions/<int:pk>/declarations/<int:statement>/supprimer/",
        follow_up.StatementDeleteView.as_view(),
        name="statement_delete",
    ),
    path(
        "conventions/<int:pk>/objectifs/<int:target>/valeurs/",
        follow_up.TargetResultsView.as_view(),
        name="target_results",
    ),
    path(
        "conventions/<int:pk>/pieces-jointes/ajouter/",
        attachments.AttachmentCreateView.as_view(),
        name="attachment_create",
    ),
    path(
        "conventions/<int:pk>/pieces-jointes/<int:attachment>/",
        attachments.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "conventions/<int:pk>/pieces-jointes/<int:attachment>/supprimer/",
        attachments.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
]
