import django_filters
from django.db import connections
from django.db.models import Q

from .enums import PartnerKind
from .models import Partner

SEARCH_FIELDS = ("name", "acronym", "description")


def unaccent_available(using: str) -> bool:
    """Whether the `unaccent` PostgreSQL extension is installed in this database.

    Asked on every search rather than cached: the extension arrives with a migration, and a
    process that started before it must not keep searching the old way (or fail).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        return cursor.fetchone() is not None


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Rechercher")
    kind = django_filters.ChoiceFilter(
        choices=PartnerKind.choices, label="Type", empty_label="Tous les types"
    )

    class Meta:
        model = Partner
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        """Name, acronym or description containing the words, ignoring case (and accents)."""
        lookup = "unaccent__icontains" if unaccent_available(queryset.db) else "icontains"
        for word in value.split():
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__{lookup}": word})
            queryset = queryset.filter(condition)
        return queryset
