"""On a phone 390 pixels wide, every page fits the screen: nothing scrolls sideways but the
tables that scroll inside themselves."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conventions.enums import ConventionKind, Scope
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AxisFactory,
    CommitmentFactory,
    ContactFactory,
    ConventionFactory,
    KeyFigureFactory,
    PartnerFactory,
    ReviewFactory,
    SignatoryFactory,
    StatementFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390

# The elements that stick out of the screen, for the failure message: the page's width alone
# does not say what to fix.
OVERFLOWING = """
(width) => [...document.body.querySelectorAll("*")]
  .filter((element) => element.getBoundingClientRect().right > width + 0.5)
  .filter((element) => !element.parentElement.closest(".table-responsive"))
  .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
  .slice(0, 10)
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 844}}


@pytest.fixture
def staff_editor(editor):
    # Staff members also see the "Administration" buttons: the most crowded pages.
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    return editor


@pytest.fixture
def registry(transactional_db):
    """A national convention with every section filled in, long names included, ending soon."""
    today = timezone.localdate()
    unml = PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")
    ministry = PartnerFactory(
        name="Ministère du Travail, du Plein emploi et de l'Insertion professionnelle",
        acronym="",
    )
    KeyFigureFactory(partner=ministry, label="agents dans les services déconcentrés")
    ContactFactory(partner=ministry, name="Marie-Christine Delacourt-Vasseur")
    convention = ConventionFactory(
        title=(
            "Convention cadre nationale de partenariat pour l'insertion professionnelle et "
            "l'accompagnement vers l'emploi des jeunes des quartiers prioritaires"
        ),
        kind=ConventionKind.MULTI_YEAR,
        signed_on=today - relativedelta(months=35),
        duration_months=36,
        summary="Un partenariat " * 80,
        parties=[unml, ministry],
    )
    axis = AxisFactory(convention=convention, number=1, title="Informer les jeunes " * 6)
    CommitmentFactory(axis=axis, text="Diffuser les offres d'emploi " * 8, bearer=ministry)
    SignatoryFactory(convention=convention, partner=ministry, title="Ministre " * 10)
    AmendmentFactory(convention=convention, signed_on=today - relativedelta(months=3))
    TargetFactory(convention=convention, label="jeunes accompagnés vers un emploi durable")
    ReviewFactory(convention=convention, held_on=today - relativedelta(months=2))
    StatementFactory(convention=convention, text="Ce partenariat est essentiel. " * 10)
    AttachmentFactory(convention=convention, title="Convention_signee_version_definitive.pdf")
    for number in range(3):
        ConventionFactory(
            title=f"Déclinaison locale n° {number}",
            scope=Scope.LOCAL,
            parent=convention,
            signed_on=datetime.date(2024, 6, 1),
        )
    ConventionFactory.create_batch(3, signed_on=today - relativedelta(years=1))
    ConventionFactory(title="Projet sans date", signed_on=None)
    return convention


PAGES = {
    "dashboard": lambda c: reverse("conventions:dashboard"),
    "conventions list": lambda c: reverse("conventions:convention_list"),
    "conventions list, filters open": lambda c: (
        reverse("conventions:convention_list") + "?statut=in_force&tri=fin"
    ),
    "convention page": lambda c: reverse("conventions:convention_detail", args=[c.pk]),
    "convention form": lambda c: reverse("conventions:convention_update", args=[c.pk]),
    "new convention form": lambda c: reverse("conventions:convention_create"),
    "partner list": lambda c: reverse("partners:partner_list"),
    "partner page": lambda c: reverse(
        "partners:partner_detail", args=[c.parties.last().partner.slug]
    ),
    "partner form": lambda c: reverse(
        "partners:partner_update", args=[c.parties.last().partner.slug]
    ),
    "reminders page": lambda c: reverse("accounts:reminder_preferences"),
}


def _convention_url(name: str, **related):
    """The URL of a page of the registry's convention, or of one of its rows (`related`:
    the URL argument and the relation holding the row)."""

    def url(convention):
        kwargs = {"pk": convention.pk}
        for argument, relation in related.items():
            kwargs[argument] = getattr(convention, relation).first().pk
        return reverse(f"conventions:{name}", kwargs=kwargs)

    return url


# The other pages staff open from a phone: the convention's actions and follow-up, errors.
OTHER_PAGES = {
    "renewal": _convention_url("convention_renew"),
    "declination": _convention_url("convention_decline"),
    "amendment": _convention_url("convention_amend"),
    "termination": _convention_url("convention_terminate"),
    "amendment comparison": lambda c: reverse(
        "conventions:amendment_compare",
        kwargs={"pk": c.pk, "number": c.amendments.first().number},
    ),
    "action follow-up": _convention_url("commitment_follow_up", commitment="commitments"),
    "new review": _convention_url("review_create"),
    "review form": _convention_url("review_update", review="reviews"),
    "new quote": _convention_url("statement_create"),
    "target results": _convention_url("target_results", target="targets"),
    "new attachment": _convention_url("attachment_create"),
    "attachment deletion": _convention_url("attachment_delete", attachment="attachments"),
    "new partner form": lambda c: reverse("partners:partner_create"),
    "page not found": lambda c: "/conventions/987654/",
}


@pytest.mark.parametrize(
    "url", [*PAGES.values(), *OTHER_PAGES.values()], ids=[*PAGES, *OTHER_PAGES]
)
def test_the_page_fits_a_phone_screen(page, live_server, staff_editor, sign_in, registry, url):
    sign_in(staff_editor)
    page.goto(live_server.url + url(registry))
    expect(page.locator("h1")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, page.evaluate(OVERFLOWING, WIDTH)


def test_the_convention_pages_actions_stay_within_reach(
    page, live_server, staff_editor, sign_in, registry
):
    sign_in(staff_editor)
    page.goto(live_server.url + PAGES["convention page"](registry))
    for name in ("Modifier", "Renouveler", "Résilier", "Administration"):
        action = page.get_by_role("link", name=name, exact=True)
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, name


def test_the_list_shows_title_status_and_end_without_scrolling_sideways(
    page, live_server, staff_editor, sign_in, registry, axe_violations
):
    sign_in(staff_editor)
    page.goto(live_server.url + PAGES["conventions list"](registry))
    table = page.locator(".table-responsive").first
    # The table itself fits: the secondary columns hide, nothing scrolls inside it either.
    assert table.evaluate("element => element.scrollWidth <= element.clientWidth")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=registry.title))
    expect(row.get_by_role("link", name=registry.title)).to_be_visible()
    expect(row).to_contain_text("En vigueur")
    expect(row).to_contain_text(registry.reference)
    expect(row.locator("time").last).to_be_visible()  # the end date
    expect(row.locator("time").first).to_be_hidden()  # the signature date, secondary
    assert axe_violations() == []


def test_the_title_is_the_lists_widest_column_on_a_wide_screen(
    page, live_server, staff_editor, sign_in
):
    # Short titles, long party names and types: the title column still gets the most room.
    ministry = PartnerFactory(
        name="Ministère du Travail, du Plein emploi et de l'Insertion professionnelle",
        acronym="",
    )
    agency = PartnerFactory(name="Agence nationale pour la cohésion des territoires", acronym="")
    for number in range(3):
        ConventionFactory(
            title=f"Convention n° {number}",
            kind=ConventionKind.MULTI_YEAR,
            parties=[ministry, agency],
        )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(staff_editor)
    page.goto(live_server.url + reverse("conventions:convention_list"))
    widths = page.locator(".convention-table thead th").evaluate_all(
        "cells => cells.map(cell => [cell.textContent.trim(), cell.getBoundingClientRect().width])"
    )
    widths = dict(widths)
    assert len(widths) == 7
    assert max(widths, key=widths.get) == "Intitulé", widths
