from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerListView.as_view(), name="partner_list"),
    path("nouveau/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("<slug:slug>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("<slug:slug>/logo/", views.PartnerLogoView.as_view(), name="partner_logo"),
    path("<slug:slug>/modifier/", views.PartnerUpdateView.as_view(), name="partner_update"),
]
