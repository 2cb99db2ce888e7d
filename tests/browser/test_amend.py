"""Amending a convention in a real browser, then seeing what the amendment changed."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from conventions.models import Convention
from tests.factories import AxisFactory, CommitmentFactory, ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)

OBJECTIVES = "Rapprocher les Missions Locales des maires."
NEW_OBJECTIVES = "Rapprocher les Missions Locales des communes et de leurs élus."


@pytest.fixture
def running_convention(transactional_db, unml, amf):
    """Signed 1 January 2023 for five years: ends on 31 December 2027 (an expired convention
    takes no amendment)."""
    convention = ConventionFactory(
        title="Convention UNML et AMF",
        parties=[unml, amf],
        signed_on=datetime.date(2023, 1, 1),
        duration_months=60,
        objectives=OBJECTIVES,
    )
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", bearer=amf)
    return convention


def test_editor_amends_the_end_date_and_objectives_then_sees_what_changed(
    page, live_server, editor, sign_in, running_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{running_convention.pk}/")
    expect(page.locator(".status-badge").first).to_have_text("En vigueur")
    page.get_by_role("link", name="Ajouter un avenant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter un avenant")

    page.get_by_label("Date de signature de l'avenant").fill("2025-12-15")
    page.get_by_label("Objet de l'avenant").fill("Prolongation de deux ans et nouveaux objectifs")
    page.get_by_label("Nouvelle date de fin").fill("2029-12-31")
    objectives = page.get_by_label("Objectifs", exact=True)
    expect(objectives).to_be_hidden()  # folded away until asked for
    page.get_by_text("Modifier aussi le texte de la convention").click()
    expect(objectives).to_have_value(OBJECTIVES)
    objectives.fill(NEW_OBJECTIVES)
    page.get_by_role("button", name="Enregistrer l'avenant").click()

    page.wait_for_url(re.compile(rf"/conventions/{running_convention.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("L'avenant n° 1 a été enregistré.")
    expect(page.locator(".status-badge").first).to_have_text("En vigueur")
    expect(page.locator(".dates")).to_contain_text("31 décembre 2029")
    amendments = page.locator("#titre-avenants").locator("xpath=..")
    expect(amendments).to_contain_text("Avenant n° 1 du 15 décembre 2025")
    expect(amendments).to_contain_text("date de fin portée au 31 décembre 2029")
    expect(amendments).to_contain_text("Objectifs : nouvelle rédaction")
    expect(amendments).to_contain_text(NEW_OBJECTIVES)
    former = amendments.get_by_text(OBJECTIVES)
    expect(former).to_be_hidden()
    amendments.get_by_text("Ancienne rédaction").click()
    expect(former).to_be_visible()
    expect(page.locator("#titre-texte").locator("xpath=..")).to_contain_text(NEW_OBJECTIVES)

    amendments.get_by_role("link", name="Voir ce qui a changé").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce que l'avenant n° 1 a changé")
    end_row = page.get_by_role("row", name=re.compile("^Date de fin"))
    expect(end_row.get_by_role("cell").nth(0)).to_have_text("31 décembre 2027")
    expect(end_row.get_by_role("cell").nth(1)).to_have_text("31 décembre 2029")
    expect(end_row).to_contain_text("Modifié")
    objectives_row = page.get_by_role("row", name=re.compile("^Objectifs"))
    expect(objectives_row.get_by_role("cell").nth(0)).to_have_text(OBJECTIVES)
    expect(objectives_row.get_by_role("cell").nth(1)).to_have_text(NEW_OBJECTIVES)
    expect(objectives_row).to_contain_text("Modifié")

    convention = Convention.objects.get(pk=running_convention.pk)
    assert convention.objectives == NEW_OBJECTIVES
    assert convention.end_on == datetime.date(2029, 12, 31)


def test_amend_and_compare_pages_are_accessible(
    page, live_server, editor, sign_in, running_convention, axe_violations
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{running_convention.pk}/avenant/")
    page.get_by_text("Modifier aussi le texte de la convention").click()
    assert axe_violations() == []

    page.get_by_label("Date de signature de l'avenant").fill("2025-12-15")
    page.get_by_label("Objet de l'avenant").fill("Nouveau montant")
    page.get_by_label("Montant (€)").fill("-5")
    page.get_by_role("button", name="Enregistrer l'avenant").click()
    expect(
        page.get_by_text("Assurez-vous que cette valeur est supérieure ou égale à 0.")
    ).to_be_visible()
    assert axe_violations() == []

    page.get_by_label("Montant (€)").fill("20000")
    page.get_by_label("Objectifs", exact=True).fill(NEW_OBJECTIVES)
    page.get_by_role("button", name="Enregistrer l'avenant").click()
    page.wait_for_url(re.compile(rf"/conventions/{running_convention.pk}/$"))
    assert axe_violations() == []

    page.get_by_role("link", name="Voir ce qui a changé").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce que l'avenant n° 1 a changé")
    assert axe_violations() == []
    page.get_by_role("link", name="Masquer les lignes inchangées").click()
    expect(page.get_by_role("row", name=re.compile("^Montant"))).to_contain_text("20 000 €")
    assert axe_violations() == []
