"""Quotes (déclarations) in a real browser: an editor adds one from the convention page, the
organisation found by typing its name in the searchable select (issue 17)."""

import pytest
from playwright.sync_api import expect

from conventions.models import Statement
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_adds_a_quote_from_the_convention_page(
    page, live_server, editor, sign_in, unml, amf, axe_violations
):
    convention = ConventionFactory(title="Convention UNML et AMF", parties=[unml, amf])
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    quotes = page.locator("#declarations")
    quotes.get_by_role("link", name="Ajouter une déclaration").click()
    expect(page.get_by_role("heading", name="Ajouter une déclaration")).to_be_visible()

    page.get_by_label("Personne").fill("David Lisnard")
    page.get_by_label("Fonction").fill("Président de l'AMF")
    page.get_by_role("combobox", name="Organisation").focus()
    page.keyboard.type("maires")
    page.keyboard.press("Enter")
    expect(page.locator("select[name=organisation]")).to_have_value(str(amf.pk))
    page.get_by_label("Déclaration").fill("Les maires sont aux côtés des Missions Locales.")
    assert axe_violations() == []
    page.get_by_role("button", name="Enregistrer la déclaration").click()

    page.wait_for_url(f"**/conventions/{convention.pk}/#declarations")
    expect(page.get_by_role("status").first).to_contain_text(
        "La déclaration de David Lisnard est enregistrée."
    )
    expect(quotes.locator("blockquote")).to_have_text(
        "Les maires sont aux côtés des Missions Locales."
    )
    expect(quotes.locator("figcaption")).to_have_text(
        f"David Lisnard, Président de l'AMF ({amf.name})"
    )
    statement = Statement.objects.get(convention=convention)
    assert (statement.person, statement.organisation) == ("David Lisnard", amf)
