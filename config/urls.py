from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import SignInForm

admin.site.site_header = "Conventions UNML — administration"
admin.site.site_title = "Conventions UNML"
admin.site.index_title = "Registre des conventions"

# No route serves MEDIA_ROOT, not even in development: uploaded files are private, served only by
# views that check the reader's permissions (conventions/uploads.py).
urlpatterns = [
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("partenaires/", include("partners.urls")),
    path("referentiels/", include("taxonomy.urls")),
    path("", include("conventions.urls")),
]
