"""The convention form in a real browser: rows added and removed by static/js/formsets.js."""

import re

import pytest
from playwright.sync_api import expect

from conventions.models import Convention
from tests.factories import AxisFactory, CommitmentFactory, ConventionFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def amf_convention(transactional_db, unml, amf):
    convention = ConventionFactory(title="Convention UNML et AMF", parties=[unml, amf])
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", bearer=amf)
    return convention


def rows(page, prefix: str):
    return page.locator(f'[data-formset-prefix="{prefix}"] > [data-formset-list] > *')


def test_editor_adds_an_axis_with_two_actions_and_a_signatory(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", name="Modifier la convention")).to_be_visible()

    page.get_by_role("button", name="Ajouter un axe").click()
    expect(rows(page, "axes")).to_have_count(2)
    page.locator('[name="axes-1-title"]').fill("Mobiliser les employeurs")
    new_axis = rows(page, "axes").nth(1)
    expect(rows(page, "axes-1-commitments")).to_have_count(1)  # a new axis has one action row
    for _ in range(2):
        new_axis.get_by_role("button", name="Ajouter une action").click()
    page.locator('[name="axes-1-commitments-0-text"]').fill("Relayer les offres d'emploi")
    page.locator('[name="axes-1-commitments-0-bearer"]').select_option(
        label="Association des maires de France (AMF)"
    )
    page.locator('[name="axes-1-commitments-1-text"]').fill("Organiser un job dating")
    page.locator('[name="axes-1-commitments-2-text"]').fill("Action finalement retirée")
    rows(page, "axes-1-commitments").nth(2).get_by_role(
        "button", name="Retirer cette action"
    ).click()
    expect(rows(page, "axes-1-commitments").nth(2)).to_be_hidden()
    expect(rows(page, "axes")).to_have_count(2)  # the axis itself is still there

    page.get_by_role("button", name="Ajouter un signataire").click()
    page.locator('[name="signatories-0-name"]').fill("David Lisnard")
    page.locator('[name="signatories-0-title"]').fill("Président de l'AMF")
    page.locator('[name="signatories-0-partner"]').select_option(
        label="Association des maires de France (AMF)"
    )
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("ont été enregistrées")
    axes = page.locator("#titre-axes").locator("xpath=..")
    expect(axes).to_contain_text("Axe 2 : Mobiliser les employeurs")
    expect(axes).to_contain_text("2.1 Relayer les offres d'emploi")
    expect(axes).to_contain_text("2.2 Organiser un job dating")
    expect(axes).not_to_contain_text("Action finalement retirée")
    expect(page.locator("#titre-signataires").locator("xpath=..")).to_contain_text(
        "David Lisnard, Président de l'AMF"
    )
    convention = Convention.objects.get(pk=amf_convention.pk)
    assert convention.commitments.count() == 3


def test_a_new_axis_starts_with_one_empty_action_row(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    page.get_by_role("button", name="Ajouter un axe").click()

    expect(rows(page, "axes")).to_have_count(2)
    expect(rows(page, "axes-1-commitments")).to_have_count(1)
    action = page.locator('[name="axes-1-commitments-0-text"]')
    expect(action).to_be_visible()
    expect(action).to_have_value("")
    # The focus stays on the new axis, its first field, for the axis is typed first.
    expect(page.locator('[name="axes-1-number"]')).to_be_focused()
    page.locator('[name="axes-1-title"]').fill("Mobiliser les employeurs")
    action.fill("Relayer les offres d'emploi")
    page.get_by_role("button", name="Ajouter un axe").click()
    expect(rows(page, "axes-2-commitments")).to_have_count(1)
    page.locator('[name="axes-2-title"]').fill("Axe sans action pour l'instant")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/$"))
    axes = {axis.title: axis for axis in amf_convention.axes.all()}
    assert [c.text for c in axes["Mobiliser les employeurs"].commitments.all()] == [
        "Relayer les offres d'emploi"
    ]
    # The action row left empty is no action.
    assert not axes["Axe sans action pour l'instant"].commitments.exists()


def test_action_texts_take_the_rows_width_and_grow_with_their_text(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    row = rows(page, "axes-0-commitments").first
    text = page.locator('[name="axes-0-commitments-0-text"]')
    row_box, text_box = row.bounding_box(), text.bounding_box()
    assert text_box["width"] > row_box["width"] * 0.9
    height = text_box["height"]
    text.fill("\n".join(f"Ligne {n} de l'action" for n in range(8)))
    assert text.bounding_box()["height"] > height * 2
    # A number takes the room of a number.
    number = page.locator('[name="axes-0-number"]')
    assert number.bounding_box()["width"] < 160
    assert page.locator('[name="axes-0-title"]').bounding_box()["width"] > 300
    assert page.get_by_label("Durée (mois)").bounding_box()["width"] < 200


def test_texts_grow_without_css_field_sizing_too(
    page, live_server, editor, sign_in, amf_convention
):
    # A browser without `field-sizing`: static/js/textareas.js sizes the texts itself.
    page.add_init_script(
        "const supports = CSS.supports.bind(CSS);"
        "CSS.supports = (...args) =>"
        " !String(args[0]).includes('field-sizing') && supports(...args);"
    )
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    text = page.locator('[name="axes-0-commitments-0-text"]')
    text.evaluate("element => { element.style.fieldSizing = 'fixed'; }")
    height = text.bounding_box()["height"]
    text.fill("\n".join(f"Ligne {n} de l'action" for n in range(8)))
    assert text.bounding_box()["height"] > height * 2


def test_editor_creates_a_three_party_convention(page, live_server, editor, sign_in):
    partners = [
        PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML"),
        PartnerFactory(name="France Travail", acronym=""),
        PartnerFactory(name="Union des entreprises de proximité", acronym="U2P"),
    ]
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/nouvelle/")
    page.get_by_label("Intitulé").fill("Accord-cadre pour l'apprentissage")
    page.get_by_label("Type").select_option(label="Accord-cadre")
    page.get_by_label("Date de signature").fill("2024-05-29")
    page.get_by_label("Durée (mois)").fill("36")
    page.get_by_role("button", name="Ajouter une partie").click()
    expect(rows(page, "parties")).to_have_count(3)
    for index, label in enumerate(
        [
            "Union nationale des Missions Locales (UNML)",
            "France Travail",
            "Union des entreprises de proximité (U2P)",
        ]
    ):
        page.locator(f'[name="parties-{index}-partner"]').select_option(label=label)
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(re.compile(r"/conventions/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accord-cadre pour l'apprentissage")
    parties = page.locator("#titre-parties").locator("xpath=..")
    for partner in partners:
        expect(parties).to_contain_text(partner.name)
    expect(page.locator(".status-badge").first).to_have_text("En vigueur")
    convention = Convention.objects.get()
    assert [p.partner for p in convention.parties.order_by("position")] == partners


def test_a_refused_form_keeps_the_added_rows_and_lists_the_errors(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    page.get_by_label("Durée (mois)").fill("0")
    page.get_by_role("button", name="Ajouter un axe").click()
    page.locator('[name="axes-1-title"]').fill("Axe tapé avant l'erreur")
    page.get_by_role("button", name="Enregistrer").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("La durée doit être d'au moins un mois.")
    expect(page.locator('[name="axes-1-title"]')).to_have_value("Axe tapé avant l'erreur")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Durée (mois)")).to_be_focused()
    assert axe_violations() == []


def test_reader_sees_no_edit_button(page, live_server, reader, sign_in, amf_convention):
    sign_in(reader)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Convention UNML et AMF")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)


def test_convention_page_and_form_have_no_serious_accessibility_violation(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/")
    assert axe_violations() == []
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    page.get_by_role("button", name="Ajouter un axe").click()
    assert axe_violations() == []
    page.goto(f"{live_server.url}/conventions/nouvelle/")
    assert axe_violations() == []


def test_editor_removes_an_axis_with_its_actions(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    page.get_by_role("button", name="Retirer cet axe et ses actions").click()
    expect(rows(page, "axes").first).to_be_hidden()
    expect(page.get_by_role("button", name="Ajouter un axe")).to_be_focused()
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/$"))
    expect(page.get_by_text("Aucun axe renseigné.")).to_be_visible()
    assert not amf_convention.axes.exists()
    assert not amf_convention.commitments.exists()


def test_an_implausible_date_is_confirmed_with_enregistrer_quand_meme(
    page, live_server, editor, sign_in, amf_convention
):
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    page.get_by_label("Date d'effet", exact=True).fill("2026-06-01")  # signed 1 January 2024
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    summary = page.locator("#resume-avertissements")
    expect(summary).to_contain_text("Une valeur est inhabituelle")
    expect(summary).to_contain_text("à plus d'un an de la date de signature")
    expect(page.locator("#id_effective_on_warning")).to_be_visible()
    assert Convention.objects.get(pk=amf_convention.pk).effective_on.year == 2024

    summary.get_by_role("button", name="Enregistrer quand même").click()

    page.wait_for_url(re.compile(rf"/conventions/{amf_convention.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("ont été enregistrées")
    assert Convention.objects.get(pk=amf_convention.pk).effective_on.year == 2026
