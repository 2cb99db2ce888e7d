"""Who may open which page: every staff page, for every role (issue: roles and permissions)."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from accounts.roles import ADMINISTRATOR, EDITOR, READER, sync_roles
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
    UserFactory,
)

pytestmark = pytest.mark.django_db

READ, ADD, CHANGE = "read", "add", "change"


def renewal_of(convention) -> dict:
    return {"pk": ConventionFactory(predecessor=convention).pk}


def an_amendment_of(convention) -> dict:
    return {"pk": convention.pk, "number": AmendmentFactory(convention=convention).number}


def a_commitment_of(convention) -> dict:
    commitment = CommitmentFactory(axis=AxisFactory(convention=convention))
    return {"pk": convention.pk, "commitment": commitment.pk}


def a_review_of(convention) -> dict:
    return {"pk": convention.pk, "review": ReviewFactory(convention=convention).pk}


def a_statement_of(convention) -> dict:
    return {"pk": convention.pk, "statement": StatementFactory(convention=convention).pk}


def a_target_of(convention) -> dict:
    return {"pk": convention.pk, "target": TargetFactory(convention=convention).pk}


def an_attachment_of(convention) -> dict:
    return {"pk": convention.pk, "attachment": AttachmentFactory(convention=convention).pk}


def a_partner_logo(convention) -> dict:
    partner = convention.parties.first().partner
    partner.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 16))
    return {"slug": partner.slug}


def a_territory(convention) -> dict:
    return {"territory": TerritoryFactory().pk}


def a_theme(convention) -> dict:
    return {"theme": ThemeFactory().pk}


def an_audience(convention) -> dict:
    return {"audience": AudienceFactory().pk}


# (url name, kwargs builder, what the page needs)
PAGES = [
    ("conventions:dashboard", lambda c: {}, READ),
    ("conventions:convention_list", lambda c: {}, READ),
    ("conventions:convention_export", lambda c: {"fmt": "csv"}, READ),
    ("conventions:convention_detail", lambda c: {"pk": c.pk}, READ),
    ("conventions:convention_create", lambda c: {}, ADD),
    ("conventions:convention_update", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:convention_renew", lambda c: {"pk": c.pk}, ADD),
    ("conventions:convention_decline", lambda c: {"pk": c.pk}, ADD),
    ("conventions:convention_amend", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:convention_terminate", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:convention_delete", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:renewal_compare", renewal_of, READ),
    ("conventions:amendment_compare", an_amendment_of, READ),
    ("conventions:commitment_follow_up", a_commitment_of, CHANGE),
    ("conventions:review_create", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:review_update", a_review_of, CHANGE),
    ("conventions:review_delete", a_review_of, CHANGE),
    ("conventions:statement_create", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:statement_update", a_statement_of, CHANGE),
    ("conventions:statement_delete", a_statement_of, CHANGE),
    ("conventions:target_results", a_target_of, CHANGE),
    ("conventions:attachment_create", lambda c: {"pk": c.pk}, CHANGE),
    ("conventions:attachment_download", an_attachment_of, READ),
    ("conventions:attachment_delete", an_attachment_of, CHANGE),
    ("conventions:convention_pdf", lambda c: {"pk": c.pk}, READ),
    ("conventions:partner_dossier", lambda c: {"slug": c.parties.first().partner.slug}, READ),
    ("conventions:selection_pdf", lambda c: {}, READ),
    ("partners:partner_list", lambda c: {}, READ),
    ("partners:partner_detail", lambda c: {"slug": c.parties.first().partner.slug}, READ),
    ("partners:partner_create", lambda c: {}, ADD),
    ("partners:partner_update", lambda c: {"slug": c.parties.first().partner.slug}, CHANGE),
    ("partners:partner_logo", a_partner_logo, READ),
    ("accounts:reminder_preferences", lambda c: {}, READ),
    ("taxonomy:territory_list", lambda c: {}, READ),
    ("taxonomy:territory_create", lambda c: {}, ADD),
    ("taxonomy:territory_update", a_territory, CHANGE),
    # Deleting an entry nothing uses loses nothing: editors may (tests/test_taxonomy.py).
    ("taxonomy:territory_delete", a_territory, CHANGE),
    ("taxonomy:theme_list", lambda c: {}, READ),
    ("taxonomy:theme_create", lambda c: {}, ADD),
    ("taxonomy:theme_update", a_theme, CHANGE),
    ("taxonomy:theme_delete", a_theme, CHANGE),
    ("taxonomy:audience_list", lambda c: {}, READ),
    ("taxonomy:audience_create", lambda c: {}, ADD),
    ("taxonomy:audience_update", an_audience, CHANGE),
    ("taxonomy:audience_delete", an_audience, CHANGE),
]

# A dossier being prepared belongs to the user who asked for it (others get 404: tests/test_pdf.py);
# here only: nobody signed out reaches it.
# A POST that acts on one's own settings, and the calendar feed, whose secret token stands in for
# a session: tests/test_reminder_page.py and tests/test_calendar_feed.py.
ACCOUNT_URLS_TESTED_ELSEWHERE = {"accounts:calendar_token_reset", "accounts:calendar_feed"}

JOB_PAGES = [
    ("conventions:dossier_status", lambda c: {"job": uuid.uuid4()}, READ),
    ("conventions:dossier_download", lambda c: {"job": uuid.uuid4()}, READ),
]

ALLOWED = {
    READER: {READ},
    EDITOR: {READ, ADD, CHANGE},
    ADMINISTRATOR: {READ, ADD, CHANGE},
    None: set(),  # signed in, but given no role
}


def test_every_staff_url_is_in_the_matrix():
    names = set()
    for namespace in ("conventions", "partners", "accounts", "taxonomy"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)}
    assert names == {name for name, _, _ in PAGES + JOB_PAGES} | ACCOUNT_URLS_TESTED_ELSEWHERE


@pytest.fixture
def convention():
    return ConventionFactory()


@pytest.mark.parametrize(
    ("name", "kwargs", "need"), PAGES + JOB_PAGES, ids=[p[0] for p in PAGES + JOB_PAGES]
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, convention, name, kwargs, need):
    url = reverse(name, kwargs=kwargs(convention))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [READER, EDITOR, ADMINISTRATOR, None])
@pytest.mark.parametrize(("name", "kwargs", "need"), PAGES, ids=[p[0] for p in PAGES])
def test_each_role_opens_exactly_the_pages_it_may(client, convention, role, name, kwargs, need):
    user = UserFactory()
    if role:
        user.groups.add(sync_roles()[role])
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs(convention)))
    assert response.status_code == (200 if need in ALLOWED[role] else 403)
