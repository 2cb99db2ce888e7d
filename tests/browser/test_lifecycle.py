"""Renewing a convention from its page, in a real browser."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.reminders import french_date
from conventions.dates import add_months
from conventions.models import Convention
from tests.factories import AxisFactory, CommitmentFactory, ConventionFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def amf_convention(transactional_db, unml, amf):
    convention = ConventionFactory(title="Convention UNML et AMF 2024", parties=[unml, amf])
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", bearer=amf)
    return convention


def test_editor_renews_a_convention_from_its_page(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    page.get_by_role("link", name="Renouveler", exact=True).click()
    expect(page.get_by_role("heading", name="Renouveler cette convention ?")).to_be_visible()
    page.get_by_role("button", name="Créer le projet de renouvellement").click()

    renewal = Convention.objects.get(predecessor=amf_convention)
    page.wait_for_url(re.compile(rf"/conventions/{renewal.pk}/modifier/\?projet=nouveau$"))
    expect(page.get_by_role("status")).to_contain_text("Le projet de renouvellement")
    expect(page.get_by_role("heading", name="Modifier la convention")).to_be_visible()
    expect(page.locator('[name="title"]')).to_have_value("Convention UNML et AMF 2024")
    expect(page.locator('[name="parties-0-partner"] option:checked')).to_have_text(
        "Union nationale des Missions Locales (UNML)"
    )
    expect(page.locator('[name="axes-0-title"]')).to_have_value("Informer les élus")
    expect(page.locator('[name="axes-0-commitments-0-text"]')).to_have_value(
        "Diffuser un guide aux maires"
    )

    page.locator('[name="title"]').fill("Convention UNML et AMF 2027")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/conventions/{renewal.pk}/$"))
    links = page.locator("#titre-liens").locator("xpath=..")
    expect(links).to_contain_text("Renouvelle")
    expect(links.get_by_role("link", name="Convention UNML et AMF 2024")).to_be_visible()

    links.get_by_role("link", name="Convention UNML et AMF 2024").click()
    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/$"))
    links = page.locator("#titre-liens").locator("xpath=..")
    expect(links.get_by_role("link", name="Convention UNML et AMF 2027")).to_be_visible()
    expect(page.get_by_role("link", name="Renouveler", exact=True)).to_have_count(0)


def test_renew_confirmation_page_is_accessible(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/renouveler/")
    expect(page.get_by_role("heading", name="Renouveler cette convention ?")).to_be_visible()
    assert axe_violations() == []


def test_decline_page_is_accessible(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    PartnerFactory(name="Mission Locale du Pays de Rennes", acronym="", kind="mission_locale")
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/decliner/")
    page.get_by_label("Mission Locale ou association régionale").select_option(
        label="Mission Locale du Pays de Rennes — Mission Locale"
    )
    assert axe_violations() == []


def test_convention_page_with_its_lifecycle_buttons_is_accessible(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    expect(page.get_by_role("link", name="Décliner localement")).to_be_visible()
    assert axe_violations() == []


def test_after_terminating_the_list_dashboard_and_reminders_tell_the_new_end(
    page, live_server, editor, sign_in, unml, amf
):
    today = timezone.localdate()
    convention = ConventionFactory(
        title="Convention à résilier",
        signed_on=add_months(today, -12),
        duration_months=None,
        period_end=add_months(today + datetime.timedelta(days=45), 6),
        notice_months=6,
        parties=[unml, amf],
    )
    notice = today - datetime.timedelta(days=10)
    if (add_months(notice, 6) - datetime.timedelta(days=1)).day == 1:
        notice -= datetime.timedelta(days=1)  # never a 1st, which French writes "1er"
    last_day = add_months(notice, 6) - datetime.timedelta(days=1)
    sign_in(editor)

    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    expect(page.locator(".dates")).to_contain_text("à donner au plus tard le")
    page.get_by_role("link", name="Résilier", exact=True).click()
    page.get_by_label("Résiliée par").select_option(label="Association des maires de France (AMF)")
    page.get_by_label("Date d'envoi du préavis").fill(notice.isoformat())
    page.get_by_label("Numéro de la lettre recommandée").fill("1A 234")
    page.get_by_role("button", name="Calculer la date d'effet").click()
    page.get_by_role("button", name="Confirmer la résiliation").click()
    page.wait_for_url(re.compile(rf"/conventions/{convention.pk}/$"))
    dates = page.locator(".dates")
    expect(dates).to_contain_text(re.compile(rf"Date de fin\s*{french_date(last_day)}"))
    expect(dates).not_to_contain_text("à donner au plus tard le")
    expect(dates).to_contain_text("Lettre recommandée n° 1A 234")

    page.goto(f"{live_server.url}/conventions/?tri=fin")
    row = page.get_by_role("row").filter(has_text="Convention à résilier")
    expect(row).to_contain_text(french_date(last_day))

    page.goto(f"{live_server.url}/")
    ending = page.locator(".metric-card").filter(has_text="Se terminent dans les 6 mois")
    expect(ending.locator(".metric")).to_have_text("1")
    notice_card = page.locator(".metric-card").filter(has_text="Préavis à donner")
    expect(notice_card.locator(".metric")).to_have_text("0")

    page.goto(f"{live_server.url}/compte/rappels/")
    expect(page.locator("main")).to_contain_text(
        f"la fin de la convention le {french_date(last_day)}"
    )
    expect(page.locator("main")).not_to_contain_text("Donner le préavis de résiliation")
