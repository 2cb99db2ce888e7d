import django_filters
from django.db.models import Func, Q, TextField
from django.db.models.lookups import Contains

from .enums import PartnerKind
from .models import Partner

SEARCH_FIELDS = ("name", "acronym", "description")


class Folded(Func):
    """The text in lower case, without accents or ligatures, as conventions.search.fold() gives
    it: PostgreSQL's unaccent (conventions migration 0002), SQLite's `fold_text` (apps.py)."""

    template = "lower(unaccent(%(expressions)s))"
    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="fold_text(%(expressions)s)")


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Rechercher")
    kind = django_filters.ChoiceFilter(
        choices=PartnerKind.choices, label="Type", empty_label="Tous les types"
    )

    class Meta:
        model = Partner
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        """Name, acronym or description containing every word, ignoring case and accents, like
        the conventions search ("ministere du travail" finds "Ministère du Travail")."""
        from conventions.search import fold

        for word in fold(value).split():
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Contains(Folded(field), word)
            queryset = queryset.filter(condition)
        return queryset
