"""Following up a convention from its page in a real browser: an action updated in place by
static/js/follow_up.js, a review added, the values reached towards a target; accessibility."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conventions.enums import CommitmentStatus
from conventions.models import Commitment
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


@pytest.fixture
def amf_convention(transactional_db, unml, amf):
    convention = ConventionFactory(
        title="Convention UNML et AMF",
        parties=[unml, amf],
        signed_on=TODAY - datetime.timedelta(days=400),
        duration_months=48,
        review_every_months=12,
    )
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", bearer=amf, position=1)
    CommitmentFactory(
        axis=axis,
        text="Organiser des rencontres",
        position=2,
        due_on=TODAY - datetime.timedelta(days=10),
    )
    TargetFactory(convention=convention, label="jeunes suivis", value=150000, unit="jeunes")
    return convention


def action(page, text: str):
    return page.locator("[data-follow-up-item]").filter(has_text=text)


def test_editor_marks_an_action_done_without_reloading_the_page(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    item = action(page, "Organiser des rencontres")
    expect(item.locator(".late-flag")).to_have_text("En retard")
    page.evaluate("window.pageNotReloaded = true")

    item.get_by_text("Mettre à jour le suivi").click()
    item.get_by_label("Avancement").select_option(label="Réalisée")
    item.get_by_label("Note de suivi").fill("Douze rencontres départementales tenues.")
    item.get_by_role("button", name="Enregistrer le suivi").click()

    item = action(page, "Organiser des rencontres")
    saved = item.get_by_role("status")
    expect(saved).to_have_text("Le suivi de l'action 1.2 est enregistré.")
    expect(saved).to_be_focused()
    expect(item.locator(".commitment-status")).to_have_text("Réalisée")
    expect(item).to_contain_text("Note de suivi : Douze rencontres départementales tenues.")
    expect(item.locator(".late-flag")).to_have_count(0)  # done: no longer late
    expect(item.locator("details")).not_to_have_attribute("open", "")
    assert page.evaluate("window.pageNotReloaded") is True
    assert page.url == f"{live_server.url}/conventions/{amf_convention.pk}/"

    commitment = Commitment.objects.get(text="Organiser des rencontres")
    assert commitment.status == CommitmentStatus.DONE
    assert commitment.history.latest().history_user == editor
    # The other action is untouched and still numbered 1.1.
    expect(action(page, "Diffuser un guide aux maires").locator(".commitment-number")).to_have_text(
        "1.1"
    )


def test_refused_follow_up_shows_the_error_in_place(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    page.evaluate("window.pageNotReloaded = true")
    item = action(page, "Diffuser un guide aux maires")
    item.get_by_text("Mettre à jour le suivi").click()
    # An option the server does not know, as a stale page could send.
    item.get_by_label("Avancement").evaluate(
        "select => { select.options[0].value = 'fini'; select.selectedIndex = 0; }"
    )
    item.get_by_role("button", name="Enregistrer le suivi").click()

    item = action(page, "Diffuser un guide aux maires")
    status = item.get_by_label("Avancement")
    expect(status).to_be_focused()
    expect(status).to_have_attribute("aria-invalid", "true")
    expect(item).to_contain_text("Sélectionnez un choix valide")
    expect(item.locator(".commitment-status")).to_have_text("Prévue")
    assert page.evaluate("window.pageNotReloaded") is True


def test_follow_up_works_without_javascript(
    browser, live_server, editor, amf_convention, browser_context_args
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Identifiant").fill(editor.username)
    page.get_by_label("Mot de passe").fill("motdepasse-navigateur")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")

    item = action(page, "Organiser des rencontres")
    item.get_by_text("Mettre à jour le suivi").click()  # <details>: no script needed
    item.get_by_label("Avancement").select_option(label="En cours")
    item.get_by_role("button", name="Enregistrer le suivi").click()

    commitment = Commitment.objects.get(text="Organiser des rencontres")
    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/#engagement-{commitment.pk}$"))
    expect(page.get_by_role("status").first).to_have_text(
        "Le suivi de l'action 1.2 est enregistré."
    )
    expect(action(page, "Organiser des rencontres").locator(".commitment-status")).to_have_text(
        "En cours"
    )
    context.close()


def test_editor_adds_a_review_from_the_convention_page(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    expect(page.locator(".review-overdue")).to_contain_text("Bilan en retard depuis le")

    page.get_by_role("link", name="Ajouter un bilan").click()
    expect(page.get_by_role("heading", name="Ajouter un bilan de suivi")).to_be_visible()
    page.get_by_label("Type de bilan").select_option(label="Bilan d'étape")
    page.get_by_label("Date du bilan").fill((TODAY + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Compte rendu").fill("Douze rencontres départementales en un an.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.locator("#id_held_on_error")).to_contain_text("ne peut pas être postérieure")

    page.get_by_label("Date du bilan").fill(TODAY.isoformat())
    next_on = TODAY + datetime.timedelta(days=180)
    page.get_by_label("Prochain bilan prévu le").fill(next_on.isoformat())
    page.get_by_role("button", name="Enregistrer le bilan").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/#bilans$"))
    expect(page.get_by_role("status").first).to_contain_text("est enregistré.")
    reviews = page.locator("#bilans")
    expect(reviews).to_contain_text("Bilan d'étape du")
    expect(reviews).to_contain_text("Douze rencontres départementales en un an.")
    expect(reviews).to_contain_text("Prévu le")
    expect(page.locator(".review-overdue")).to_have_count(0)


def test_editor_enters_the_values_reached_and_adds_a_year(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    page.get_by_role("link", name="Saisir les valeurs atteintes : jeunes suivis").click()
    expect(page.get_by_role("heading", name="Valeurs atteintes : jeunes suivis")).to_be_visible()

    year = str(TODAY.year)
    page.locator('[name="resultats-0-year"]').fill(str(TODAY.year - 1))
    page.locator('[name="resultats-0-value"]').fill("162000")
    page.get_by_role("button", name="Ajouter une année").click()
    expect(page.locator('[name="resultats-1-year"]')).to_be_focused()
    page.locator('[name="resultats-1-year"]').fill(year)
    page.locator('[name="resultats-1-value"]').fill("75000")
    page.get_by_role("button", name="Enregistrer les valeurs").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/#objectif-\d+$"))
    row = page.locator("tr[id^=objectif-]")
    expect(row).to_contain_text(f"{TODAY.year - 1} : 162 000 jeunes (108 %")
    expect(row).to_contain_text(f"{year} : 75 000 jeunes (50 %")


def test_follow_up_pages_are_accessible(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    review = ReviewFactory(convention=amf_convention, held_on=TODAY - datetime.timedelta(days=30))
    target = amf_convention.targets.get()
    commitment = Commitment.objects.get(text="Organiser des rencontres")
    base = f"{live_server.url}/conventions/{amf_convention.pk}"
    sign_in(editor)

    page.goto(f"{base}/")
    for summary in page.get_by_text("Mettre à jour le suivi").all():
        summary.click()
    assert axe_violations() == []

    page.goto(f"{base}/bilans/ajouter/")
    page.get_by_role("button", name="Enregistrer le bilan").click()  # errors shown
    expect(page.locator("#id_held_on_error")).to_be_visible()
    assert axe_violations() == []

    for url in (
        f"{base}/bilans/{review.pk}/modifier/",
        f"{base}/bilans/{review.pk}/supprimer/",
        f"{base}/engagements/{commitment.pk}/suivi/",
        f"{base}/objectifs/{target.pk}/valeurs/",
    ):
        page.goto(url)
        assert axe_violations() == [], url

    page.goto(f"{base}/objectifs/{target.pk}/valeurs/")
    page.locator('[name="resultats-0-year"]').fill("1850")
    page.get_by_role("button", name="Enregistrer les valeurs").click()
    expect(page.locator("#id_resultats-0-year_error")).to_be_visible()
    assert axe_violations() == []


def test_reader_reads_the_follow_up_without_controls(
    page, live_server, reader, sign_in, amf_convention, axe_violations
):
    sign_in(reader)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    expect(action(page, "Organiser des rencontres").locator(".commitment-status")).to_have_text(
        "Prévue"
    )
    expect(page.get_by_text("Mettre à jour le suivi")).to_have_count(0)
    expect(page.get_by_role("link", name="Ajouter un bilan")).to_have_count(0)
    assert axe_violations() == []
