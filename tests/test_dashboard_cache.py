"""The dashboard keeps its costly figures for the day, the conventions list its pages, and both
count again after any write to a convention or one of its rows (conventions/page_cache.py,
conventions/versioning.py)."""

import datetime
import re
import socket
import uuid

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from conventions import page_cache, services
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    PartyFactory,
    ReviewFactory,
    RoleUserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/"
TODAY = timezone.localdate()


def ago(**delta) -> datetime.date:
    return TODAY - relativedelta(**delta)


def numbers(client) -> dict[str, int]:
    response = client.get(URL)
    assert response.status_code == 200
    return {label: count for label, count, _, _ in response.context["metrics"]}


def per_year(client) -> list[tuple[int, int]]:
    rows = client.get(URL).context["signatures_per_year"]
    return [(row["year"], row["count"]) for row in rows]


def test_a_second_visit_does_not_count_again(reader_client):
    ConventionFactory.create_batch(3, signed_on=ago(months=6))
    with CaptureQueriesContext(connection) as first:
        reader_client.get(URL)
    with CaptureQueriesContext(connection) as second:
        reader_client.get(URL)
    counting = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) >= 6  # the five watch lists and the signatures per year
    # The permissions are kept too (accounts/backends.py).
    permissions = [q for q in first.captured_queries if "auth_permission" in q["sql"]]
    assert len(second) == len(first) - len(counting) - len(permissions)
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_new_convention_is_counted_on_the_next_visit(reader_client):
    ConventionFactory(signed_on=ago(months=6))
    assert numbers(reader_client)["En vigueur"] == 1
    ConventionFactory(signed_on=datetime.date(2011, 5, 2), duration_months=240)
    assert numbers(reader_client)["En vigueur"] == 2
    assert (2011, 1) in per_year(reader_client)


def test_an_edited_convention_is_counted_on_the_next_visit(reader_client):
    convention = ConventionFactory(signed_on=ago(months=6))
    assert numbers(reader_client)["En vigueur"] == 1
    convention.signed_on = None
    convention.save()
    assert numbers(reader_client)["En vigueur"] == 0
    assert per_year(reader_client) == []


def test_a_deleted_convention_is_no_longer_counted(reader_client):
    convention = ConventionFactory(signed_on=ago(months=6))
    assert numbers(reader_client)["En vigueur"] == 1
    convention.delete()
    assert numbers(reader_client)["En vigueur"] == 0


def test_a_review_held_is_no_longer_due_on_the_next_visit(reader_client, editor):
    convention = ConventionFactory(signed_on=ago(months=13), review_every_months=6)
    assert numbers(reader_client)["Bilans de suivi en retard"] == 1
    review = ReviewFactory.build(convention=convention, held_on=ago(days=2))
    services.review_save(review=review, by=editor)
    assert numbers(reader_client)["Bilans de suivi en retard"] == 0
    services.review_delete(review=review, by=editor)
    assert numbers(reader_client)["Bilans de suivi en retard"] == 1


def test_a_signed_declination_is_no_longer_overdue(reader_client):
    national = ConventionFactory(signed_on=ago(months=6), declination_deadline=ago(days=1))
    assert numbers(reader_client)["Déclinaisons locales en retard"] == 1
    ConventionFactory(parent=national, signed_on=ago(days=3))
    assert numbers(reader_client)["Déclinaisons locales en retard"] == 0


def test_the_figures_are_counted_again_the_next_day(reader_client, monkeypatch):
    ConventionFactory(signed_on=TODAY - relativedelta(months=36) + datetime.timedelta(days=1))
    assert numbers(reader_client)["En vigueur"] == 1
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert numbers(reader_client)["En vigueur"] == 0


def test_figures_counted_before_a_write_commits_are_not_kept(
    django_capture_on_commit_callbacks,
):
    def count(day):
        return {"counted": True}

    with django_capture_on_commit_callbacks(execute=True):
        ConventionFactory()
        # Another request, which cannot see the write yet, counts and caches the old figures.
        page_cache.cached_figures(lambda day: {"counted": "before the commit"})
    assert page_cache.cached_figures(count) == {"counted": True}


def test_figures_are_counted_again_when_the_cache_lost_its_generation():
    assert page_cache.cached_figures(lambda day: 1) == 1
    cache.delete(page_cache.GENERATION_KEY)
    assert page_cache.cached_figures(lambda day: 2) == 2


# With Redis, shared by several app servers (REDIS_URL). -----------------------------------------


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_cache(settings):
    """The settings of REDIS_URL, under a prefix of this test's own (the server is shared)."""
    if not redis_is_running():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def flush(redis_cache) -> None:
    client = redis_cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{redis_cache.key_prefix}:*"))
    assert keys
    client.delete(*keys)


def test_with_redis_the_dashboard_is_cached_and_counted_again_after_a_write(
    redis_cache, reader_client
):
    ConventionFactory(signed_on=ago(months=6))
    assert numbers(reader_client)["En vigueur"] == 1
    with CaptureQueriesContext(connection) as second:
        assert numbers(reader_client)["En vigueur"] == 1
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"].upper()]
    ConventionFactory(signed_on=ago(months=2))
    assert numbers(reader_client)["En vigueur"] == 2


def test_with_redis_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client("clé", write=True) is client
    redis_cache.set_many({"un": 1, "deux": "deux"})
    assert redis_cache.get_many(["un", "deux", "trois"]) == {"un": 1, "deux": "deux"}


def test_with_redis_a_flushed_cache_signs_nobody_out(redis_cache, reader_client):
    assert reader_client.get(URL).status_code == 200
    flush(redis_cache)
    assert reader_client.get(URL).status_code == 200


# The conventions list: filter panel, rows and count kept under page_cache.list_key ----------

LIST_URL = "/conventions/"


def test_the_list_is_served_from_the_cache_until_a_write(reader_client, unml):
    convention = ConventionFactory(title="Titre d'origine", parties=[unml])
    assert "Titre d&#x27;origine" in reader_client.get(LIST_URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        reader_client.get(LIST_URL)
    assert not [q for q in queries if "conventions_convention" in q["sql"]]

    convention.title = "Titre modifié"
    convention.save()
    html = reader_client.get(LIST_URL).content.decode()
    assert "Titre modifié" in html
    assert "origine" not in html


def test_the_list_counts_again_after_a_row_changes(reader_client, unml):
    ConventionFactory(parties=[unml])
    assert "1 convention" in reader_client.get(LIST_URL).content.decode()
    ConventionFactory(parties=[unml])
    assert "2 conventions" in reader_client.get(LIST_URL).content.decode()


def test_the_filter_panel_follows_a_renamed_partner(reader_client, unml):
    amf = PartnerFactory(name="Association des maires")
    ConventionFactory(parties=[unml, amf])
    assert "Association des maires" in reader_client.get(LIST_URL).content.decode()
    amf.name = "Maires de France"
    amf.save()
    assert "Maires de France" in reader_client.get(LIST_URL).content.decode()


def test_each_day_and_each_set_of_parameters_has_its_own_list_keys(monkeypatch):
    from django.http import QueryDict

    today = page_cache.list_keys(QueryDict("statut=in_force&page=2"))
    assert today == page_cache.list_keys(QueryDict("page=2&statut=in_force"))
    next_page = page_cache.list_keys(QueryDict("statut=in_force&page=3"))
    assert next_page.results != today.results
    # Every page of the same criteria shares the count and the filter panel.
    assert (next_page.count, next_page.filters) == (today.count, today.filters)
    other = page_cache.list_keys(QueryDict("statut=expired&page=2"))
    assert other.count != today.count and other.filters != today.filters
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: TODAY + datetime.timedelta(1))
    tomorrow = page_cache.list_keys(QueryDict("statut=in_force&page=2"))
    assert (tomorrow.results, tomorrow.count) != (today.results, today.count)


def test_a_list_page_seen_before_costs_no_query_but_the_users(reader_client, unml):
    ConventionFactory(title="Accord-cadre", parties=[unml])
    reader_client.get(LIST_URL + "?tri=intitule")
    with CaptureQueriesContext(connection) as queries:
        html = reader_client.get(LIST_URL + "?tri=intitule").content.decode()
    assert "Filtres et tri" in html and "Accord-cadre" in html and "1 convention" in html
    tables = {
        table
        for q in queries
        for table in ("convention", "partner", "territory")
        if table in q["sql"]
    }
    assert not tables


def test_the_other_pages_of_the_same_criteria_are_not_counted_again(reader_client, unml):
    ConventionFactory.create_batch(51, parties=[unml])
    assert "51 conventions" in reader_client.get(LIST_URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        html = reader_client.get(LIST_URL + "?page=2").content.decode()
    assert "51 conventions" in html and "Page 2 sur 2" in html
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_after_a_write_only_the_changed_rows_are_rendered_again(reader_client, unml):
    changed = ConventionFactory(title="Modifiée", parties=[unml])
    ConventionFactory(title="Inchangée", parties=[unml])
    newcomer = PartnerFactory(name="Nouveau partenaire")
    reader_client.get(LIST_URL)
    PartyFactory(convention=changed, partner=newcomer)
    with CaptureQueriesContext(connection) as queries:
        html = reader_client.get(LIST_URL).content.decode()
    assert "Nouveau partenaire" in html and "Inchangée" in html
    (parties,) = [q["sql"] for q in queries if 'FROM "conventions_party"' in q["sql"]]
    assert f"IN ({changed.pk})" in parties


def test_a_row_follows_its_partners_names(reader_client, unml):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    ConventionFactory(parties=[unml, amf])
    assert "AMF</abbr>" in reader_client.get(LIST_URL).content.decode()
    amf.acronym = "AMRF"
    amf.save()
    assert "AMRF</abbr>" in reader_client.get(LIST_URL).content.decode()


def test_a_row_shows_the_status_of_the_day(reader_client, unml, monkeypatch):
    convention = ConventionFactory(parties=[unml], signed_on=ago(months=11), duration_months=12)
    assert "status-in_force" in reader_client.get(LIST_URL).content.decode()
    next_day = convention.end_on + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: next_day)
    html = reader_client.get(LIST_URL).content.decode()
    assert "status-in_force" not in html and "status-expired" in html


def test_the_next_day_only_the_rows_whose_status_changed_are_rendered_again(
    reader_client, unml, monkeypatch
):
    ending = ConventionFactory(parties=[unml], signed_on=ago(months=11), duration_months=12)
    ConventionFactory(parties=[unml], signed_on=ago(months=2), duration_months=36)
    reader_client.get(LIST_URL)
    next_day = ending.end_on + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: next_day)
    with CaptureQueriesContext(connection) as queries:
        html = reader_client.get(LIST_URL).content.decode()
    assert "status-expired" in html and "status-in_force" in html
    (parties,) = [q["sql"] for q in queries if 'FROM "conventions_party"' in q["sql"]]
    assert f"IN ({ending.pk})" in parties  # not the running one's


# The convention page: the same for every reader, kept until a write ------------------------


def test_a_readers_convention_page_is_served_from_the_cache_until_a_write(reader_client, unml):
    convention = ConventionFactory(parties=[unml])
    axis = AxisFactory(convention=convention, title="Insertion des jeunes")
    url = f"/conventions/{convention.pk}/"
    assert "Insertion des jeunes" in reader_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        reader_client.get(url)
    assert not [q for q in queries if "conventions_axis" in q["sql"]]

    axis.title = "Mobilité des jeunes"
    axis.save()
    html = reader_client.get(url).content.decode()
    assert "Mobilité des jeunes" in html
    assert "Insertion des jeunes → Mobilité des jeunes" in html  # and the history says so


def page_queries(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def rendered(queries: list[str]) -> bool:
    """Whether the convention page was rendered (its axes read) rather than taken from the
    cache."""
    return any("conventions_axis" in sql for sql in queries)


def follow_up_csrf_token(html: str) -> str:
    """The CSRF token of the (only) follow-up form of the page."""
    (token,) = re.findall(
        r'data-follow-up-form>\s*<input type="hidden" name="csrfmiddlewaretoken" value="(\w+)">',
        html,
    )
    return token


def test_an_editors_convention_page_is_served_from_the_cache_with_their_own_csrf_token(unml):
    convention = ConventionFactory(parties=[unml])
    commitment = CommitmentFactory(axis=AxisFactory(convention=convention))
    url = f"/conventions/{convention.pk}/"
    first, second = Client(), Client(enforce_csrf_checks=True)
    first.force_login(RoleUserFactory(role=EDITOR))
    second.force_login(RoleUserFactory(role=EDITOR))
    html, queries = page_queries(first, url)
    assert rendered(queries)
    html, queries = page_queries(second, url)
    assert not rendered(queries)
    token = follow_up_csrf_token(html)
    assert page_cache.csrf_placeholder() not in html
    assert "csrftoken" in second.cookies  # the token's secret, for the forms to be accepted

    # The follow-up form of the cached page, posted with the token it holds, is accepted.
    follow_up = reverse("conventions:commitment_follow_up", args=[convention.pk, commitment.pk])
    fields = {"status": "done", "due_on": "", "note": "Fait."}
    data = {f"suivi-{commitment.pk}-{name}": value for name, value in fields.items()}
    assert second.post(follow_up, {"csrfmiddlewaretoken": token, **data}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "done"
    # ... and the page changed with it.
    html, queries = page_queries(second, url)
    assert rendered(queries) and "Fait." in html


def test_readers_and_editors_each_get_the_page_of_their_rights(reader_client, unml):
    convention = ConventionFactory(parties=[unml])
    CommitmentFactory(axis=AxisFactory(convention=convention))
    url = f"/conventions/{convention.pk}/"
    html, _ = page_queries(reader_client, url)
    assert "data-follow-up-form" not in html
    editor = Client()
    editor.force_login(RoleUserFactory(role=EDITOR))
    html, queries = page_queries(editor, url)
    assert rendered(queries) and "data-follow-up-form" in html


def test_a_write_elsewhere_in_the_registry_leaves_a_convention_page_cached(reader_client, unml):
    convention = ConventionFactory(parties=[unml])
    AxisFactory(convention=convention)
    other = ConventionFactory(parties=[unml])
    url = f"/conventions/{convention.pk}/"
    reader_client.get(url)
    other.title = "Une autre convention, renommée"
    other.save()
    AxisFactory(convention=other)
    _, queries = page_queries(reader_client, url)
    assert not rendered(queries)


@pytest.mark.embedded  # Convention.objects.page_stamp's SQL on SQLite too
def test_a_convention_page_is_rendered_again_when_a_convention_it_shows_changes(
    reader_client, unml
):
    national = ConventionFactory(parties=[unml], title="Convention nationale")
    first = ConventionFactory(parties=[unml], title="Première convention")
    middle = ConventionFactory(parties=[unml], predecessor=first)
    latest = ConventionFactory(parties=[unml], predecessor=middle, parent=national)
    declination = ConventionFactory(parties=[unml], parent=national, scope="local")
    for convention in (national, latest):
        AxisFactory(convention=convention)

    def page_of(convention) -> tuple[str, bool]:
        html, queries = page_queries(reader_client, f"/conventions/{convention.pk}/")
        return html, rendered(queries)

    page_of(latest)
    page_of(national)
    # Two steps back in the renewal chain, which the page lists.
    first.title = "Première convention, renommée"
    first.save()
    html, again = page_of(latest)
    assert again and "Première convention, renommée" in html
    # Its national convention.
    national.title = "Convention nationale, renommée"
    national.save()
    html, again = page_of(latest)
    assert again and "Convention nationale, renommée" in html
    # A row of one of the national convention's declinations, then a new declination (its page
    # rendered again after its own renaming, then kept).
    assert page_of(national)[1] and not page_of(national)[1]
    PartyFactory(convention=declination, partner=PartnerFactory(), position=2)
    assert page_of(national)[1]
    ConventionFactory(parties=[unml], parent=national, scope="local", title="Nouvelle")
    html, again = page_of(national)
    assert again and "Nouvelle" in html
