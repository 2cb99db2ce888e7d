"""Nobody signed out gets anything: every URL pattern of the site, the admin included, is crawled.

Each pattern's arguments are filled with real objects from one small data set, so that the
answer comes from the access rules and not from a 404 on a made-up id. A pattern whose arguments
the crawl cannot fill fails the test: a new URL is always crawled.
"""

import inspect
import re
import uuid
from dataclasses import dataclass

import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from accounts.roles import READER
from accounts.services import reminder_preferences_for
from conventions import pdf
from conventions.models import Convention
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AudienceFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    StatementFactory,
    TargetFactory,
    TerritoryFactory,
    ThemeFactory,
    role_user,
)
from tests.test_admin import OBJECT_FACTORIES

pytestmark = pytest.mark.django_db

# Patterns that answer a signed-out visitor on purpose, each with the answer it must give.
SIGN_IN_PAGES = {"login", "admin:login"}  # the sign-in forms themselves: 200, nothing else
CALENDAR_FEED = "accounts:calendar_feed"  # its secret token stands in for a session
SELF_REQUEST = {"self", "request"}


@dataclass(frozen=True)
class Route:
    """One URL pattern, with the patterns of the includes that lead to it."""

    chain: tuple
    name: str | None

    @property
    def pattern(self) -> URLPattern:
        return self.chain[-1]

    @property
    def description(self) -> str:
        return "/" + "".join(str(part.pattern) for part in self.chain)

    @property
    def model_admin(self) -> ModelAdmin | None:
        """The admin of the model the page is about (change, history, password...), if any."""
        view = self.pattern.callback
        if hasattr(view, "model_admin"):
            return view.model_admin
        while view is not None:  # a ModelAdmin method, under the admin site's decorators
            if isinstance(owner := getattr(view, "__self__", None), ModelAdmin):
                return owner
            view = getattr(view, "__wrapped__", None)
        return None


def routes(resolver=None, chain=(), namespace=None) -> list[Route]:
    found = []
    for part in (resolver or get_resolver()).url_patterns:
        if isinstance(part, URLResolver):
            inner = ":".join(filter(None, [namespace, part.namespace])) or None
            found += routes(part, (*chain, part), inner)
        else:
            name = part.name and ":".join(filter(None, [namespace, part.name]))
            found.append(Route(chain=(*chain, part), name=name))
    return found


ROUTES = routes()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """One data set for the whole crawl, rolled back at the end of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        reader = role_user("lea.lecture", READER)
        convention = ConventionFactory()
        job = pdf.start_dossier_job(
            html="<p>Dossier</p>", filename="d.pdf", count=1, user_id=reader.pk
        )
        pdf.wait_for_dossier_jobs(timeout=30)
        data = {
            "values": {
                "pk": convention.pk,
                "slug": convention.parties.first().partner.slug,
                "number": AmendmentFactory(convention=convention).number,
                "commitment": CommitmentFactory(axis=AxisFactory(convention=convention)).pk,
                "review": ReviewFactory(convention=convention).pk,
                "statement": StatementFactory(convention=convention).pk,
                "target": TargetFactory(convention=convention).pk,
                "attachment": AttachmentFactory(convention=convention).pk,
                "territory": TerritoryFactory().pk,
                "theme": ThemeFactory().pk,
                "audience": AudienceFactory().pk,
                "job": job.id,
                "fmt": "csv",
                "token": reminder_preferences_for(user=reader).calendar_token,
                # Admin pages not about one object.
                "app_label": Convention._meta.app_label,
                "content_type_id": ContentType.objects.get_for_model(Convention).pk,
                "object_id": convention.pk,
                "url": "page-inexistante/",
            },
            # Admin pages about one object: a real one of each registered model.
            "admin_objects": {label: factory() for label, factory in OBJECT_FACTORIES.items()},
        }
        yield data
        transaction.set_rollback(True)


def argument(route: Route, name: str, site: dict):
    if model_admin := route.model_admin:
        obj = site["admin_objects"][model_admin.model._meta.label]
        if name in ("object_id", "id"):
            return obj.pk
        if name == "version_id":
            return obj.history.first().history_id
    if name not in site["values"]:
        pytest.fail(f"{route.description}: no value for <{name}>; add one to the site fixture")
    return site["values"][name]


def url_of(route: Route, site: dict) -> str:
    url = "/"
    for part in route.chain:
        if isinstance(part.pattern, RoutePattern):
            converters = part.pattern.converters

            def fill(match, converters=converters):
                name = match["name"]
                return str(converters[name].to_url(argument(route, name, site)))

            url += re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", fill, str(part.pattern))
        else:
            assert isinstance(part.pattern, RegexPattern)
            [(template, params), *_] = normalize(part.pattern.regex.pattern)
            # Unnamed groups (_0, _1...) are the view's positional arguments, in order.
            view = inspect.unwrap(route.pattern.callback)
            positional = [p for p in inspect.signature(view).parameters if p not in SELF_REQUEST]
            names = {p: positional[int(p[1:])] if re.fullmatch(r"_\d+", p) else p for p in params}
            url += template % {p: argument(route, names[p], site) for p in params}
    assert resolve(url).func == route.pattern.callback, f"{url} is not {route.description}"
    return url


def is_sent_to_sign_in(response, *login_names) -> bool:
    if response.status_code == 403:
        return True
    logins = tuple(f"{reverse(name)}?next=" for name in login_names)
    return response.status_code == 302 and response["Location"].startswith(logins)


CRAWLED = [route for route in ROUTES if route.name not in SIGN_IN_PAGES | {CALENDAR_FEED}]


@pytest.mark.parametrize("route", CRAWLED, ids=lambda route: route.description)
def test_signed_out_visitor_gets_nothing(client, site, route):
    url = url_of(route, site)
    # The admin's own pages may also send to the admin's sign-in form.
    logins = ["login", "admin:login"] if route.description.startswith("/admin/") else ["login"]

    for method in (client.get, client.post):
        response = method(url)
        assert is_sent_to_sign_in(response, *logins), (
            f"{method.__name__.upper()} {url}: {response.status_code}"
        )


@pytest.mark.parametrize("name", sorted(SIGN_IN_PAGES))
def test_sign_in_pages_show_the_sign_in_form(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_calendar_feed_answers_only_its_secret_token(client, site):
    token = site["values"]["token"]
    wrong = uuid.uuid4().hex

    assert client.get(reverse(CALENDAR_FEED, args=[wrong])).status_code == 404
    assert client.post(reverse(CALENDAR_FEED, args=[wrong])).status_code == 405
    assert client.get(reverse(CALENDAR_FEED, args=[token])).status_code == 200


def test_crawl_covers_the_site_and_the_admin():
    described = {route.description for route in CRAWLED}
    assert "/conventions/<int:pk>/" in described
    assert "/admin/conventions/convention/<path:object_id>/change/" in described
    assert {*SIGN_IN_PAGES, CALENDAR_FEED} <= {route.name for route in ROUTES}
