import django_filters
from django.db import connections
from django.db.models import Q

from .enums import PartnerKind
from .models import Partner

SEARCH_FIELDS = ("name", "acronym", "description")


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
        # PostgreSQL has the unaccent extension (conventions migration 0002); SQLite does not.
        postgresql = connections[queryset.db].vendor == "postgresql"
        lookup = "unaccent__icontains" if postgresql else "icontains"
        for word in value.split():
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__{lookup}": word})
            queryset = queryset.filter(condition)
        return queryset
