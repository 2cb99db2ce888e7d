from django.urls import path

from .views import browse, detail, edit

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
]
