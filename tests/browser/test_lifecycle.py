"""Renewing a convention from its page, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

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
