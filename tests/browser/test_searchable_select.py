"""Territories, themes and audiences in a real browser: a theme added from the staff pages
(« Référentiels »), then chosen on a convention with the keyboard only, in the searchable
multi-select of static/js/searchable_select.js (issue 17)."""

import pytest
from playwright.sync_api import expect

from conventions.models import Theme
from tests.factories import ConventionFactory, TerritoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def amf_convention(transactional_db, unml, amf):
    return ConventionFactory(title="Convention UNML et AMF", parties=[unml, amf])


def option(page, name: str):
    return page.get_by_role("listbox").get_by_role("option", name=name, exact=True)


def shown(*names: str) -> list[str]:
    """The texts of chosen items: each name and its remove button."""
    return [f"{name}\N{MULTIPLICATION SIGN}" for name in names]


def chosen(page, label: str):
    """The choices shown in the searchable select named `label`."""
    box = page.locator(".ts-wrapper").filter(has=page.get_by_role("combobox", name=label))
    return box.locator(".ts-control > .item")


def test_editor_adds_a_theme_then_chooses_it_on_a_convention_with_the_keyboard(
    page, live_server, editor, sign_in, amf_convention, axe_violations
):
    ThemeFactory(name="Mobilité")
    ThemeFactory(name="Logement")
    sign_in(editor)

    page.get_by_role("link", name="Référentiels").click()
    page.get_by_role("link", name="Thématiques").click()
    page.get_by_role("link", name="Nouvelle thématique").click()
    page.get_by_label("Nom").fill("Intelligence artificielle")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "La thématique « Intelligence artificielle » a été ajoutée."
    )
    expect(page.get_by_role("rowheader", name="Intelligence artificielle")).to_be_visible()

    page.goto(f"{live_server.url}/conventions/{amf_convention.pk}/modifier/")
    themes = page.get_by_role("combobox", name="Thématiques")
    themes.focus()
    # Type to narrow the list, Enter to choose the highlighted option.
    page.keyboard.type("intel")
    expect(option(page, "Intelligence artificielle")).to_be_visible()
    expect(option(page, "Mobilité")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(chosen(page, "Thématiques")).to_have_text(shown("Intelligence artificielle"))
    # Another one: the arrows move through the list, Space chooses before anything is typed.
    page.keyboard.press("ArrowDown")
    page.keyboard.type("mob")
    page.keyboard.press("Enter")
    expect(chosen(page, "Thématiques")).to_have_text(shown("Intelligence artificielle", "Mobilité"))
    # Backspace removes the last one chosen.
    page.keyboard.press("Backspace")
    expect(chosen(page, "Thématiques")).to_have_text(shown("Intelligence artificielle"))
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowDown")  # opens the list on its first option: Intelligence…
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    expect(chosen(page, "Thématiques")).to_have_text(shown("Intelligence artificielle", "Mobilité"))
    # Enter on an option already chosen removes it.
    page.keyboard.press("Enter")
    expect(chosen(page, "Thématiques")).to_have_text(shown("Intelligence artificielle"))
    assert axe_violations() == []

    page.keyboard.press("Escape")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Convention UNML et AMF")
    themes_saved = Theme.objects.filter(convention=amf_convention)
    assert list(themes_saved.values_list("name", flat=True)) == ["Intelligence artificielle"]


def test_the_list_is_filtered_on_a_territory_found_with_the_keyboard(
    page, live_server, reader, sign_in, amf_convention
):
    brittany = TerritoryFactory(name="Bretagne", slug="bretagne")
    TerritoryFactory(name="Normandie", slug="normandie")
    amf_convention.territories.add(brittany)
    ConventionFactory(title="Une autre convention")
    sign_in(reader)
    page.goto(f"{live_server.url}/conventions/")

    page.locator("summary", has_text="Filtres et tri").click()
    page.get_by_role("combobox", name="Territoire").focus()
    page.keyboard.type("bret")
    page.keyboard.press("Enter")  # at once: the list is narrowed as each key is typed
    expect(page.locator("select[name=territoire]")).to_have_value("bretagne")
    page.get_by_role("searchbox").press("Enter")  # the search box submits the whole form
    page.wait_for_url("**territoire=bretagne**")
    expect(page.get_by_role("link", name="Convention UNML et AMF")).to_be_visible()
    expect(page.get_by_role("link", name="Une autre convention")).to_have_count(0)
