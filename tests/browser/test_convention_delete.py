"""Deleting a draft convention, in a real browser: from its page, and by cancelling a renewal
just created."""

import re

import pytest
from playwright.sync_api import expect

from conventions.models import Convention
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_deletes_a_draft_from_its_page(page, live_server, editor, sign_in, unml, amf):
    draft = ConventionFactory(title="Projet UNML et AMF", signed_on=None, parties=[unml, amf])
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{draft.pk}/")
    page.get_by_role("link", name="Supprimer", exact=True).click()
    expect(page.get_by_role("heading", name="Supprimer ce projet de convention ?")).to_be_visible()
    page.get_by_role("button", name="Supprimer la convention").click()

    page.wait_for_url(re.compile(r"/conventions/$"))
    expect(page.get_by_role("status")).to_contain_text("« Projet UNML et AMF »")
    assert not Convention.objects.filter(pk=draft.pk).exists()
    assert Convention.history.filter(id=draft.pk, history_type="-").exists()


def test_cancelling_a_renewal_just_created_deletes_it(
    page, live_server, editor, sign_in, unml, amf
):
    convention = ConventionFactory(title="Convention UNML et AMF", parties=[unml, amf])
    sign_in(editor)
    page.goto(f"{live_server.url}/conventions/{convention.pk}/renouveler/")
    page.get_by_role("button", name="Créer le projet de renouvellement").click()
    page.wait_for_url(re.compile(r"/modifier/\?projet=nouveau$"))

    page.get_by_role("link", name="Annuler", exact=True).click()
    expect(
        page.get_by_role(
            "heading", name="Supprimer le projet de renouvellement que vous venez de créer ?"
        )
    ).to_be_visible()
    page.get_by_role("button", name="Supprimer le projet de renouvellement").click()

    page.wait_for_url(re.compile(rf"/conventions/{convention.pk}/$"))
    expect(page.get_by_role("link", name="Renouveler", exact=True)).to_be_visible()
    assert not Convention.objects.filter(predecessor=convention).exists()
