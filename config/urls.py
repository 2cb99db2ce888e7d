from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Conventions UNML — administration"
admin.site.site_title = "Conventions UNML"
admin.site.index_title = "Registre des conventions"

urlpatterns = [
    path("compte/connexion/", auth_views.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("partenaires/", include("partners.urls")),
    path("", include("conventions.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
