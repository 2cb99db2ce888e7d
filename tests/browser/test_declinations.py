"""A national convention's declinations on its page, in a real browser."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from conventions.services import convention_decline
from partners.enums import PartnerKind, TerritoryKind
from partners.models import Territory
from tests.factories import ConventionFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def declined(transactional_db, editor):
    """In force, its deadline a week ago: declined in Bretagne (signed, overdue), La Réunion
    (overdue) and by a Mission Locale of unknown region (signed late)."""
    today = timezone.localdate()
    bretagne = Territory.objects.create(name="Bretagne", kind=TerritoryKind.REGION)
    finistere = Territory.objects.create(
        name="Finistère", kind=TerritoryKind.DEPARTMENT, parent=bretagne
    )
    reunion = Territory.objects.create(name="La Réunion", kind=TerritoryKind.OVERSEAS)
    convention = ConventionFactory(
        title="Accord-cadre avec le SMA",
        signed_on=today - relativedelta(months=6),
        declination_deadline=today - datetime.timedelta(days=7),
    )

    def decline(name, territory=None, kind=PartnerKind.MISSION_LOCALE, signed_on=None):
        partner = PartnerFactory(name=name, acronym="", kind=kind, territory=territory)
        declination = convention_decline(convention=convention, partner=partner, by=editor)
        if signed_on:
            declination.signed_on = signed_on
            declination.save()

    decline(
        "Association régionale des Missions Locales de Bretagne",
        bretagne,
        PartnerKind.REGIONAL_ASSOCIATION,
        signed_on=today - datetime.timedelta(days=30),
    )
    decline("Mission Locale du Pays de Brest", finistere)
    decline("Mission Locale Nord de La Réunion", reunion)
    decline("Mission Locale sans territoire", signed_on=today - datetime.timedelta(days=2))
    PartnerFactory(
        name="Mission Locale de Quimper", kind=PartnerKind.MISSION_LOCALE, territory=finistere
    )
    return convention


def test_reader_follows_the_declinations_and_opens_the_late_ones_of_a_region(
    page, live_server, reader, sign_in, declined, axe_violations
):
    sign_in(reader)
    page.goto(f"{live_server.url}/conventions/{declined.pk}/")
    section = page.locator("#declinaisons")
    expect(
        section.get_by_role("heading", name="Déclinaisons locales et régionales")
    ).to_be_visible()
    expect(section).to_contain_text("échéance dépassée")
    regions = section.locator("table.declination-regions")
    bretagne = regions.get_by_role("row", name=re.compile("^Bretagne"))
    expect(bretagne.get_by_role("cell")).to_have_text(
        [
            # Each count says what it counts to a screen reader (it is a link out of context).
            "1 signée (Bretagne)",
            "0",
            "1 en retard (Bretagne)",
            "2 au total (Bretagne)",
            "1 sur / 2",
        ]
    )
    table = section.locator("table.declination-table")
    expect(table.get_by_role("row", name=re.compile("Pays de Brest"))).to_contain_text("En retard")
    expect(table.get_by_role("row", name=re.compile("sans territoire"))).to_contain_text(
        "Signée en retard"
    )
    assert axe_violations() == []

    # The sidebar points to the section rather than listing the declinations again.
    page.get_by_role("link", name="4 déclinaisons, dont 2 en retard").click()
    expect(page).to_have_url(re.compile("#declinaisons$"))

    bretagne.get_by_role("link", name="1 en retard (Bretagne)").click()
    page.wait_for_url(re.compile(r"/conventions/\?declinaison_de="))
    expect(page.get_by_role("heading", level=2, name=re.compile("^1 convention"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Pays de Brest"))).to_be_visible()
