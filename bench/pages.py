"""Server-side time of the staff pages on a large database, side by side with the Django admin.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/conv_bench .venv/bin/python bench/pages.py

The database must hold generated data (`manage.py generate_data --conventions 100000`, see
docs/performance.md) and be migrated. The script adds to it, once: three users ("bench-lecteur",
a reader, "bench-editeur", an editor, and "bench-admin", a superuser) and, if no convention has
6 axes of 5 commitments, the commitments that give one convention that shape.

Each page is requested through Django's test client (every middleware, the session read, the
queries, the templates), in one process with a persistent database connection as in production
(CONN_MAX_AGE). Warm-up requests are not counted; the project's list and the admin changelist are
requested alternately, so that both see the same machine. Times are p50/p95 over --runs requests.
Exit status 1 when a target is missed; --only NAME runs one scenario.
"""

import argparse
import os
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIST_P95_MS = 60
LIST_ADMIN_RATIO = 3
SEARCH_MS = 20
DETAIL_MS = 30
DASHBOARD_MS = 100
SEARCH_INDEX = "convention_search_idx"
# From 0 to 95 % of the conventions; "Saint-Nazaire" is a phrase (its positions are checked).
SEARCHES = (
    "mobilité internationale",
    "Beauvais",
    "Saint-Nazaire",
    "Académie de police",
    "Lyon",
    "emploi",
)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conv_bench"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("CONN_MAX_AGE", "600")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@dataclass
class Timing:
    label: str
    times: list[float]
    queries: int

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times, n=20, method="inclusive")[18] * 1000


def clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.roles import EDITOR, READER, sync_roles

    user_model = get_user_model()
    reader, _ = user_model.objects.get_or_create(username="bench-lecteur")
    reader.groups.add(sync_roles()[READER])
    editor, _ = user_model.objects.get_or_create(username="bench-editeur")
    editor.groups.add(sync_roles()[EDITOR])
    admin, _ = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff, editing, superuser = Client(), Client(), Client()
    staff.force_login(reader)
    editing.force_login(editor)
    superuser.force_login(admin)
    return staff, editing, superuser


def get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response


def count_queries(client, url: str, before=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def measure(pairs: list[tuple[str, object, str]], runs: int, before=None) -> list[Timing]:
    """Time each (label, client, url), alternating between them run after run."""
    for _ in range(3):
        for _, client, url in pairs:
            if before:
                before()
            get(client, url)
    times = {label: [] for label, _, _ in pairs}
    for _ in range(runs):
        for label, client, url in pairs:
            if before:
                before()
            start = time.perf_counter()
            get(client, url)
            times[label].append(time.perf_counter() - start)
    return [
        Timing(label, times[label], count_queries(client, url, before))
        for label, client, url in pairs
    ]


def row(timing: Timing, target: str, met: bool) -> str:
    verdict = "met" if met else "MISSED"
    return (
        f"| {timing.label} | {timing.p50:.1f} | {timing.p95:.1f} | {timing.queries} "
        f"| {target}: {verdict} |"
    )


def list_scenarios(runs: int, staff, superuser) -> tuple[list[str], bool]:
    """The conventions list (50 rows) against the admin changelist (50 rows), same filters."""
    from conventions import page_cache
    from conventions.models import Party
    from partners.enums import PartnerKind

    mission_locale = (
        Party.objects.filter(partner__kind=PartnerKind.MISSION_LOCALE)
        .values_list("partner_id", "partner__slug")
        .order_by("partner_id")
        .first()
    )
    admin = "/admin/conventions/convention/"
    cases = [
        ("no filter, default sort", "/conventions/", admin),
        (
            "in force, sorted by end date",
            "/conventions/?statut=in_force&tri=fin",
            f"{admin}?statut=in_force&o=7",
        ),
        (
            "one kind, signed in 2018, by title",
            "/conventions/?type=partnership&signee_de=2018&signee_a=2018&tri=intitule",
            f"{admin}?kind__exact=partnership&annee=2018&o=2",
        ),
        (
            "one Mission Locale, latest signed first",
            f"/conventions/?partenaire={mission_locale[1]}&tri=-signature",
            f"{admin}?parties__partner__id__exact={mission_locale[0]}&o=-6",
        ),
    ]
    lines, ok = [], True
    for label, ours, theirs in cases:
        # Computed: as after a write to a convention, before each request (its rows and count
        # are computed again; the filter panel only changes with partners and taxonomies).
        computed, django_admin = measure(
            [(f"list, computed: {label}", staff, ours), (f"admin: {label}", superuser, theirs)],
            runs,
            before=page_cache.registry_changed,
        )
        (cached,) = measure([(f"list, cached: {label}", staff, ours)], runs)
        # Nothing cached: as after a write to a partner (its name may show in any row and in
        # the filter panel), or the first visit of a page on a new day.
        (cold,) = measure(
            [(f"list, nothing cached: {label}", staff, ours)],
            runs,
            before=lambda: (page_cache.registry_changed(), page_cache.reference_changed()),
        )
        for timing in (computed, cached, cold):
            ratio = django_admin.p95 / timing.p95
            met = timing.p95 <= LIST_P95_MS and ratio >= LIST_ADMIN_RATIO
            ok &= met
            lines.append(row(timing, f"p95 <= {LIST_P95_MS} ms, {ratio:.1f}x the admin", met))
        lines.append(row(django_admin, "baseline", True))
    return lines, ok


def list_order(queryset):
    """The list's default order (views.browse.filtered_conventions)."""
    from django.db.models import F

    return queryset.order_by(F("signed_on").desc(nulls_last=True), "title", "pk")


def search_queries(text: str, runs: int) -> Timing:
    """The search as the list runs it (views.browse.ConventionListView): the criteria checked,
    how many conventions match (up to filters.COUNTED_MATCHES), the ids of the first page, by
    relevance when few enough match (filters.RANKED_MATCHES). Its rows are then read as for
    any list page, or come from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conventions.filters import ConventionFilterSet
    from conventions.models import Convention
    from conventions.views.browse import SearchPaginator

    def run():
        filterset = ConventionFilterSet({"q": text}, queryset=list_order(Convention.objects.all()))
        SearchPaginator(filterset.qs, 50, matches=filterset.matches).page(1)

    times = []
    for number in range(runs + 3):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            run()
            if number >= 3:
                times.append(time.perf_counter() - start)
    return Timing(f"search: {text}", times, len(queries))


def search_plans(text: str) -> dict[str, str]:
    """The plans of a search's two queries (ConventionFilterSet.filter_queryset): its count,
    up to the number the list counts, and the ids of its first page."""
    from conventions.filters import COUNTED_MATCHES, ConventionFilterSet
    from conventions.models import Convention

    counted = Convention.objects.search(text).order_by().values("pk")[: COUNTED_MATCHES + 1]
    filterset = ConventionFilterSet({"q": text}, queryset=list_order(Convention.objects.all()))
    return {
        "count": counted.explain(),
        "page": filterset.qs.values_list("pk")[:50].explain(),
    }


def search_scenarios(runs: int, staff) -> tuple[list[str], bool]:
    from urllib.parse import quote

    from conventions import page_cache
    from conventions.models import Convention

    lines, ok = [], True
    total = Convention.objects.count()
    for text in SEARCHES:
        hits = Convention.objects.search(text).count()
        gin = [name for name, plan in search_plans(text).items() if SEARCH_INDEX in plan]
        queries = search_queries(text, runs)
        queries.label += f" ({hits} matches)"
        # A word found in most conventions: PostgreSQL reads the table in order, which finds
        # the first 1 001 matches faster than the GIN index can list all of them (its bitmap
        # is built in full first: docs/performance.md). The time target still holds.
        most = hits > total / 2
        met = queries.p95 <= SEARCH_MS and (bool(gin) or most)
        ok &= met
        if gin:
            index = f"GIN index in: {', '.join(gin)}"
        elif most:
            index = f"in {hits / total:.0%} of the conventions, read in order, no GIN index"
        else:
            index = "GIN index NOT used"
        lines.append(row(queries, f"p95 <= {SEARCH_MS} ms, {index}", met))
        url = f"/conventions/?q={quote(text)}"
        label = f"search page, computed: {text}"
        (page,) = measure([(label, staff, url)], runs, page_cache.registry_changed)
        lines.append(row(page, f"list target, p95 <= {LIST_P95_MS} ms", page.p95 <= LIST_P95_MS))
    return lines, ok


def convention_with_six_axes_of_five():
    """A convention with 6 axes of 5 commitments each, completed once if none exists."""
    from django.db.models import Count, Max

    from conventions.models import Axis, Commitment, Convention

    shaped = (
        Convention.objects.annotate(axes_count=Count("axes", distinct=True))
        .filter(axes_count=6, signed_on__isnull=False)
        .order_by("pk")
    )
    for convention in shaped[:200]:
        counts = [axis.commitments.count() for axis in convention.axes.all()]
        if counts == [5] * 6:
            return convention
    convention = shaped.first()
    added = []
    for axis in Axis.objects.filter(convention=convention).annotate(
        n=Count("commitments"), last=Max("commitments__position")
    ):
        for position in range((axis.last or 0) + 1, (axis.last or 0) + 1 + 5 - axis.n):
            added.append(
                Commitment(
                    convention=convention,
                    axis=axis,
                    position=position,
                    text="Action ajoutée pour la mesure : accompagner les jeunes vers l'emploi.",
                )
            )
    Commitment.objects.bulk_create(added)
    return convention


def detail_and_dashboard(runs: int, staff, editor) -> tuple[list[str], bool]:
    from django.core.cache import cache

    from conventions import page_cache, versioning
    from conventions.models import Convention

    convention = convention_with_six_axes_of_five()
    other = Convention.objects.exclude(pk=convention.pk).filter(parent=None, predecessor=None)
    other = other.exclude(successors__isnull=False).exclude(declinations__isnull=False).first()

    def written(pk):
        def write():
            # What a write to one of the convention's rows does (versioning.row_changed).
            versioning.raise_version(pk=pk)
            page_cache.registry_changed()

        return write

    url = f"/conventions/{convention.pk}/"
    label = f"convention page, 6 axes x 5 ({convention.reference})"
    cached_pages = measure(
        [(f"{label}, reader, cached", staff, url), (f"{label}, editor, cached", editor, url)], runs
    )
    (elsewhere,) = measure(
        [(f"{label}, reader, after a write to another convention", staff, url)],
        runs,
        written(other.pk),
    )
    computed = measure(
        [
            (f"{label}, reader, after a write to it", staff, url),
            (f"{label}, editor, after a write to it", editor, url),
        ],
        runs,
        written(convention.pk),
    )
    (cold,) = measure([("dashboard, figures computed", staff, "/")], max(5, runs // 5), cache.clear)
    (warm,) = measure([("dashboard, figures cached", staff, "/")], runs)
    served = [*cached_pages, elsewhere]
    ok = all(timing.p95 <= DETAIL_MS for timing in served)
    lines = [
        *(row(timing, f"p95 <= {DETAIL_MS} ms", timing.p95 <= DETAIL_MS) for timing in served),
        *(row(timing, "rendered again", True) for timing in computed),
        row(cold, "first visit of the day (or after a write)", True),
        row(warm, f"p95 <= {DASHBOARD_MS} ms", warm.p95 <= DASHBOARD_MS),
    ]
    return lines, ok and warm.p95 <= DASHBOARD_MS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", choices=["list", "search", "detail"])
    args = parser.parse_args()
    setup_django()
    from conventions.models import Convention

    staff, editor, superuser = clients()
    print(f"{Convention.objects.count()} conventions, {args.runs} runs per page\n")
    print("| page | p50 (ms) | p95 (ms) | queries | target |")
    print("| --- | --- | --- | --- | --- |")
    ok = True
    scenarios = {
        "list": lambda: list_scenarios(args.runs, staff, superuser),
        "search": lambda: search_scenarios(args.runs, staff),
        "detail": lambda: detail_and_dashboard(args.runs, staff, editor),
    }
    for name, scenario in scenarios.items():
        if args.only and name != args.only:
            continue
        lines, met = scenario()
        ok &= met
        print("\n".join(lines), flush=True)
    for name, plan in search_plans("Lyon").items():
        print(f"\nEXPLAIN of the search for « Lyon », {name}:\n")
        print(re.sub(r"^", "    ", plan, flags=re.M))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
