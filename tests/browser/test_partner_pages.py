import pytest

from partners.models import Partner
from tests.factories import ContactFactory, ConventionFactory, KeyFigureFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_creates_a_partner_with_two_contacts_added_by_the_button(
    page, live_server, editor, sign_in
):
    sign_in(editor)
    page.goto(f"{live_server.url}/partenaires/")
    page.get_by_role("link", name="Nouveau partenaire").click()
    page.locator("#id_name").fill("Association des maires de France")
    page.get_by_label("Sigle").fill("AMF")
    page.get_by_label("Type").select_option(label="Association d'élus")
    page.get_by_label("Année de création").fill("1907")

    add_contact = page.get_by_role("button", name="Ajouter un contact")
    for _ in range(3):
        add_contact.click()
    rows = page.locator('[data-formset-prefix="contacts"] [data-formset-row]')
    assert rows.count() == 3
    assert page.evaluate("document.activeElement.id") == "id_contacts-2-name"
    rows.nth(0).get_by_label("Nom").fill("Marie Presse")
    rows.nth(0).get_by_label("Courriel").fill("presse@amf.asso.fr")
    rows.nth(0).get_by_label("Contact presse").check()
    rows.nth(1).get_by_label("Nom").fill("Ligne retirée")
    rows.nth(1).get_by_role("button", name="Retirer ce contact").click()
    assert rows.nth(1).is_hidden()
    rows.nth(2).get_by_label("Nom").fill("Paul Direction")
    rows.nth(2).get_by_label("Téléphone").fill("01 44 18 14 14")
    page.get_by_role("button", name="Ajouter un chiffre clé").click()
    figure = page.locator('[data-formset-prefix="key_figures"] [data-formset-row]').first
    figure.get_by_label("Libellé").fill("adhérents")
    figure.get_by_role("spinbutton", name="Valeur").fill("34000")
    figure.get_by_label("Valeur plancher").check()
    figure.get_by_label("Année").fill("2024")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(f"{live_server.url}/partenaires/amf/")
    assert page.get_by_role("status").filter(has_text="a été créé").is_visible()
    contacts = page.locator(".partner-contact")
    assert contacts.all_inner_texts()[0].startswith("Marie Presse")
    assert "Contact presse" in contacts.first.inner_text()
    assert page.get_by_role("link", name="01 44 18 14 14").is_visible()
    assert "plus de 34 000 adhérents (2024)" in page.locator(".key-figure").inner_text().replace(
        "\u202f", " "
    ).replace("\xa0", " ")
    assert list(Partner.objects.get(slug="amf").contacts.values_list("name", flat=True)) == [
        "Marie Presse",
        "Paul Direction",
    ]


def test_invalid_contact_is_shown_next_to_the_field_and_nothing_typed_is_lost(
    page, live_server, editor, sign_in
):
    sign_in(editor)
    page.goto(f"{live_server.url}/partenaires/nouveau/")
    page.locator("#id_name").fill("Union des entreprises de proximité")
    page.get_by_label("Type").select_option(label="Organisation professionnelle ou d'employeurs")
    page.get_by_role("button", name="Ajouter un contact").click()
    page.locator("#id_contacts-0-name").fill("Marie Presse")
    page.locator("#id_contacts-0-email").fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer").click()

    assert page.evaluate("document.activeElement.dataset.errorSummary") == ""  # read first
    email = page.locator("#id_contacts-0-email")
    assert email.input_value() == "pas-une-adresse"
    assert page.locator("#id_contacts-0-name").input_value() == "Marie Presse"
    assert page.locator("#id_name").input_value() == "Union des entreprises de proximité"
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_contacts-0-email_error").inner_text() == (
        "Saisissez une adresse de courriel valide."
    )
    assert not Partner.objects.exists()


def test_reader_sees_no_edit_button(page, live_server, reader, sign_in):
    partner = PartnerFactory(name="Association des maires de France", acronym="AMF")
    sign_in(reader)
    page.goto(f"{live_server.url}/partenaires/")
    assert page.get_by_role("link", name="Nouveau partenaire").count() == 0
    page.get_by_role("link", name="Association des maires de France").click()
    page.wait_for_url(f"{live_server.url}/partenaires/{partner.slug}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Association des maires")
    assert page.get_by_role("link", name="Modifier").count() == 0


def test_partner_pages_have_no_serious_accessibility_violation(
    page, live_server, editor, sign_in, axe_violations
):
    amf = PartnerFactory(
        name="Association des maires de France",
        acronym="AMF",
        website="https://www.amf.asso.fr",
        description="Elle fédère les maires.",
    )
    KeyFigureFactory(partner=amf, year=2024)
    ContactFactory(partner=amf, phone="01 44 18 14 14", is_press_contact=True)
    ConventionFactory(parties=[amf, PartnerFactory()])
    ConventionFactory(parties=[amf, PartnerFactory()], signed_on=None, duration_months=None)
    sign_in(editor)

    page.goto(f"{live_server.url}/partenaires/?q=maires")
    assert page.get_by_role("link", name="Association des maires de France").is_visible()
    assert axe_violations() == []

    page.goto(f"{live_server.url}/partenaires/{amf.slug}/")
    assert axe_violations() == []

    page.goto(f"{live_server.url}/partenaires/{amf.slug}/modifier/")
    page.get_by_role("button", name="Ajouter un chiffre clé").click()
    assert axe_violations() == []
