from django.urls import path

from . import views

app_name = "taxonomy"


def pages(prefix: str, kind_name: str) -> list:
    """The list, add, change and delete pages of one kind of entry (views.KINDS)."""
    kind = {"kind_name": kind_name}
    return [
        path(f"{prefix}/", views.EntryListView.as_view(**kind), name=f"{kind_name}_list"),
        path(
            f"{prefix}/nouveau/",
            views.EntryCreateView.as_view(**kind),
            name=f"{kind_name}_create",
        ),
        path(
            f"{prefix}/<int:{kind_name}>/modifier/",
            views.EntryUpdateView.as_view(**kind),
            name=f"{kind_name}_update",
        ),
        path(
            f"{prefix}/<int:{kind_name}>/supprimer/",
            views.EntryDeleteView.as_view(**kind),
            name=f"{kind_name}_delete",
        ),
    ]


urlpatterns = [
    *pages("territoires", "territory"),
    *pages("thematiques", "theme"),
    *pages("publics", "audience"),
]
