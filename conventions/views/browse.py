"""The dashboard, the conventions list (search, filters, sort) and its CSV/XLSX exports."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import DisallowedRedirect
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from .. import exports, filters, list_rows, page_cache
from ..enums import Status
from ..filters import ConventionFilterSet
from ..models import Convention

# Numbers of months the dashboard watches; the list filters use the same values.
ENDING_WITHIN_MONTHS = 6
NOTICE_WITHIN_MONTHS = 3
LATEST_SIGNATURES = 5


class CanViewConventions(PermissionRequiredMixin):
    permission_required = "conventions.view_convention"
    raise_exception = True


def filtered_conventions(request, queryset) -> ConventionFilterSet:
    queryset = queryset.order_by(F("signed_on").desc(nulls_last=True), "title", "pk")
    return ConventionFilterSet(request.GET or None, queryset=queryset)


def list_url(**params) -> str:
    return f"{reverse('conventions:convention_list')}?{urlencode(params)}"


class DashboardView(CanViewConventions, TemplateView):
    template_name = "conventions/dashboard.html"

    @staticmethod
    def figures(day):
        """The costly numbers, which page_cache.cached_figures() keeps for the day."""
        conventions = Convention.objects.all()
        return {
            "in_force": conventions.in_force(on=day).count(),
            "open_ended": conventions.in_status(Status.IN_FORCE_OPEN_ENDED, on=day).count(),
            "ending": conventions.ending_within(ENDING_WITHIN_MONTHS, on=day).count(),
            "notice": conventions.notice_deadline_within(NOTICE_WITHIN_MONTHS, on=day).count(),
            "reviews_due": conventions.reviews_due(on=day).count(),
            "declinations_overdue": conventions.declinations_overdue(on=day).count(),
            "per_year": list(conventions.signatures_per_year()),
        }

    def get_context_data(self, **kwargs):
        conventions = Convention.objects.all()
        figures = page_cache.cached_figures(self.figures)
        metrics = [
            (
                "En vigueur",
                figures["in_force"],
                list_url(statut=Status.IN_FORCE.value),
                "Conventions signées dont la période est en cours.",
            ),
            (
                Status.IN_FORCE_OPEN_ENDED.label,
                figures["open_ended"],
                list_url(statut=Status.IN_FORCE_OPEN_ENDED.value),
                "Conventions en vigueur sans durée, période ni date de fin connue.",
            ),
            (
                f"Se terminent dans les {ENDING_WITHIN_MONTHS} mois",
                figures["ending"],
                list_url(fin_dans=ENDING_WITHIN_MONTHS, tri="fin"),
                "Conventions en vigueur dont la date de fin approche.",
            ),
            (
                f"Préavis à donner dans les {NOTICE_WITHIN_MONTHS} mois",
                figures["notice"],
                list_url(preavis_dans=NOTICE_WITHIN_MONTHS, tri="fin"),
                "Dernier jour pour résilier avant l'échéance.",
            ),
            (
                "Bilans de suivi en retard",
                figures["reviews_due"],
                list_url(bilan_du=1),
                "Aucun bilan tenu dans la périodicité prévue, ou prochain bilan dépassé.",
            ),
            (
                "Déclinaisons locales en retard",
                figures["declinations_overdue"],
                list_url(declinaison_en_retard=1),
                "Conventions nationales dont l'échéance est passée sans déclinaison, "
                "ou avec une déclinaison encore en projet.",
            ),
        ]
        per_year = [dict(row) for row in figures["per_year"]]
        most = max((row["count"] for row in per_year), default=0)
        for row in per_year:
            # The bar's share of the track, as an SVG attribute (no inline style: CSP); written
            # with a point whatever the locale.
            row["width"] = f"{row['count'] * 100 / most:.2f}"
        latest = (
            conventions.for_list()
            .filter(signed_on__isnull=False)
            # The list's default order, through its index (convention_list_order_idx).
            .order_by(F("signed_on").desc(nulls_last=True), "title", "pk")[:LATEST_SIGNATURES]
        )
        return super().get_context_data(
            metrics=metrics,
            signatures_per_year=per_year,
            latest_signatures=latest,
            **kwargs,
        )


class ConventionPaginator(Paginator):
    """Pages of convention ids, in the list's order: the query needs only the columns of the
    criteria and of the order, which an index often holds (the signature years of one kind, by
    title: 2 ms from convention_kind_order_idx alone, against 15 ms reading the 2 000 rows to
    sort them). ConventionListView.rows() then shows them."""

    capped = False

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)  # as Paginator.page() (no orphans here)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(ids, number, self)


class CachedCountPaginator(ConventionPaginator):
    """Counts the list's matches once for every page of the same criteria
    (page_cache.ListKeys.count)."""

    def __init__(self, *args, cache_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key

    @cached_property
    def count(self) -> int:
        return page_cache.cached(self.cache_key, lambda: super(CachedCountPaginator, self).count)


class SearchPaginator(ConventionPaginator):
    """The pages of a search, whose matches ConventionFilterSet counted up to
    COUNTED_MATCHES + 1: beyond, "plus de 1 000", without counting them all (counting every
    match of a common word reads all their rows)."""

    def __init__(self, *args, matches: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped = matches > filters.COUNTED_MATCHES
        self.matches = min(matches, filters.COUNTED_MATCHES)

    @cached_property
    def count(self) -> int:
        return self.matches


class ConventionListView(CanViewConventions, TemplateView):
    """The list's filter panel and results are HTML fragments kept in the cache until the
    registry changes (page_cache.list_keys): a page already seen costs neither the filter form
    nor a query on the conventions."""

    template_name = "conventions/convention_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        keys = page_cache.list_keys(self.request.GET)
        fragments = page_cache.cached_many(
            {"filters": keys.filters, "results": keys.results},
            lambda names: self.render_fragments(names, count_key=keys.count),
        )
        return super().get_context_data(**fragments, **kwargs)

    def render_fragments(self, names: list[str], count_key: str) -> dict[str, str]:
        # The criteria and the order only: the page's ids come from it, its rows from rows().
        filterset = filtered_conventions(self.request, Convention.objects.all())
        form = filterset.form
        criteria = [key for key, value in self.request.GET.items() if value and key != "page"]
        context = {
            "form": form,
            "filters_open": bool(form.errors) or any(key != "q" for key in criteria),
        }
        if "results" in names:
            context.update(self.results(filterset, count_key))
            context["has_filters"] = any(key != "tri" for key in criteria)
        return {
            name: render_to_string(
                f"conventions/includes/list_{name}.html", context, request=self.request
            )
            for name in names
        }

    def results(self, filterset: ConventionFilterSet, count_key: str) -> dict:
        """One page of the matches; a page number out of range or not a number shows the
        nearest page, never an error."""
        if filterset.is_bound and not filterset.is_valid():
            queryset = filterset.queryset.none()
        else:
            queryset = filterset.qs
        if filterset.matches is not None:
            paginator = SearchPaginator(queryset, self.paginate_by, matches=filterset.matches)
        else:
            paginator = CachedCountPaginator(queryset, self.paginate_by, cache_key=count_key)
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            "paginator": paginator,
            "page_obj": page,
            "convention_ids": page.object_list,
            "rows": self.rows(page.object_list),
            "is_paginated": page.has_other_pages(),
            "ranked": filterset.ranked,
            "too_many_to_rank": filterset.too_many_to_rank,
        }

    @staticmethod
    def rows(ids: list[int]) -> list[str]:
        """The rows of these conventions, in this order. Each is kept until its convention
        or its status changes (page_cache.row_keys): after a write or at midnight, a page
        renders again only the rows that changed."""
        rows = list_rows.read_rows(ids, timezone.localdate())
        template = get_template("conventions/includes/list_row.html")

        def render(missing: list[int]) -> dict[int, str]:
            rendered = [rows[pk] for pk in missing]
            list_rows.fill_in(rendered)
            return {row["pk"]: template.render({"row": row}) for row in rendered}

        html = page_cache.cached_many(page_cache.row_keys(rows.values()), render)
        return [html[pk] for pk in ids if pk in html]


def criteria_explained(request):
    """The list with the criteria of `request`, which says what is wrong with them: through a
    redirect, or in place when they are too long for one (Django refuses a redirect of more
    than 16 384 characters)."""
    try:
        return redirect(f"{reverse('conventions:convention_list')}?{request.GET.urlencode()}")
    except DisallowedRedirect:
        return ConventionListView.as_view()(request)


class ConventionExportView(CanViewConventions, View):
    renderers = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}

    def get(self, request, fmt):
        if fmt not in self.renderers:
            raise Http404("Format d'export inconnu.")
        filterset = filtered_conventions(request, Convention.objects.for_export())
        if filterset.is_bound and not filterset.is_valid():
            return criteria_explained(request)
        return self.renderers[fmt](filterset.qs)
