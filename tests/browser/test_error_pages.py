"""The error pages in a real browser: readable by everyone, and a way back to the registry."""

import pytest
from playwright.sync_api import expect

from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_refused_an_editor_page_finds_the_way_back(
    page, live_server, reader, sign_in, axe_violations
):
    convention = ConventionFactory()
    sign_in(reader)
    response = page.goto(f"{live_server.url}/conventions/{convention.pk}/modifier/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    assert axe_violations() == []
    page.get_by_role("link", name="Revenir au tableau de bord").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_missing_convention_offers_the_search(page, live_server, reader, sign_in, axe_violations):
    sign_in(reader)
    response = page.goto(f"{live_server.url}/conventions/987654/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Cette page est introuvable")
    assert axe_violations() == []
    page.get_by_role("link", name="Rechercher une convention").click()
    page.wait_for_url(f"{live_server.url}/conventions/")
