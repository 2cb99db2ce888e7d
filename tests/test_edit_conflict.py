"""Two editors on the same convention: the second to save is told what the first changed."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import EDITOR, sync_roles
from conventions.models import Convention
from tests.factories import ConventionFactory, PartnerFactory, UserFactory
from tests.test_admin import form_data as admin_form_data
from tests.test_convention_form import add_row, form_data, page, update_url

pytestmark = pytest.mark.django_db

CONFLICT_MESSAGE = "pendant que vous la modifiiez : vos changements n'ont pas été enregistrés."


def editor_client(first_name: str, last_name: str) -> Client:
    user = UserFactory(username=last_name.lower(), first_name=first_name, last_name=last_name)
    user.groups.add(sync_roles()[EDITOR])
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user.pk))
    return client


@pytest.fixture
def alice():
    return editor_client("Alice", "Martin")


@pytest.fixture
def bruno():
    return editor_client("Bruno", "Petit")


@pytest.fixture
def convention():
    return ConventionFactory(
        title="Intitulé initial",
        summary="Résumé initial",
        parties=[PartnerFactory(name="UNML"), PartnerFactory(name="AMF")],
    )


def test_second_editor_gets_a_conflict_and_saves_nothing(alice, bruno, convention):
    url = update_url(convention)
    alice_data = form_data(alice.get(url))
    bruno_data = form_data(bruno.get(url))
    alice_data["title"] = "Intitulé d'Alice"
    assert alice.post(url, alice_data).status_code == 302
    bruno_data["summary"] = "Résumé de Bruno"

    response = bruno.post(url, bruno_data)

    assert response.status_code == 200
    content = page(response)
    assert escape("Cette convention a été modifiée par Alice Martin le ") in content
    assert CONFLICT_MESSAGE in content
    assert escape("Intitulé : Intitulé initial → Intitulé d'Alice") in content
    assert "Création · Convention" not in content  # only what changed since Bruno's page
    assert "Résumé de Bruno" in content  # what Bruno typed is kept
    convention.refresh_from_db()
    assert (convention.title, convention.summary) == ("Intitulé d'Alice", "Résumé initial")
    assert convention.version == int(alice_data["loaded_version"]) + 1


def test_saving_again_after_the_conflict_replaces_the_other_changes(alice, bruno, convention):
    url = update_url(convention)
    alice_data = form_data(alice.get(url))
    bruno_data = form_data(bruno.get(url))
    alice_data["title"] = "Intitulé d'Alice"
    alice.post(url, alice_data)
    bruno_data["summary"] = "Résumé de Bruno"
    conflict = bruno.post(url, bruno_data)

    response = bruno.post(url, form_data(conflict))

    assert response.status_code == 302
    convention.refresh_from_db()
    # Bruno saw Alice's title in the conflict message and deliberately saved his page over it.
    assert (convention.title, convention.summary) == ("Intitulé initial", "Résumé de Bruno")
    assert convention.version == int(alice_data["loaded_version"]) + 2


def test_a_change_to_the_rows_alone_is_a_conflict(alice, bruno, convention):
    url = update_url(convention)
    alice_data = form_data(alice.get(url))
    bruno_data = form_data(bruno.get(url))
    axis = add_row(alice_data, "axes", title="Axe d'Alice")
    alice_data |= {f"{axis}-commitments-TOTAL_FORMS": "0", f"{axis}-commitments-INITIAL_FORMS": "0"}
    assert alice.post(url, alice_data).status_code == 302
    bruno_data["title"] = "Intitulé de Bruno"

    response = bruno.post(url, bruno_data)

    assert response.status_code == 200
    content = page(response)
    assert CONFLICT_MESSAGE in content
    assert escape("Axe « Axe d'Alice »") in content
    assert "Intitulé de Bruno" in content
    convention.refresh_from_db()
    assert convention.title == "Intitulé initial"

    assert bruno.post(url, form_data(response)).status_code == 302
    convention.refresh_from_db()
    assert convention.title == "Intitulé de Bruno"
    assert [axis.title for axis in convention.axes.all()] == ["Axe d'Alice"]


def test_saving_a_stale_object_still_raises_the_version(convention):
    stale = Convention.objects.get(pk=convention.pk)
    loaded = stale.version
    convention.save()  # elsewhere, e.g. the admin
    stale.save()
    assert stale.version == loaded + 2
    assert Convention.objects.get(pk=convention.pk).version == loaded + 2


def test_a_save_outside_the_edit_page_is_a_conflict(bruno, convention):
    url = update_url(convention)
    bruno_data = form_data(bruno.get(url))
    convention.notice_months = 6
    convention.save(update_fields=["notice_months"])  # as the admin or a lifecycle action does
    bruno_data["title"] = "Intitulé de Bruno"

    response = bruno.post(url, bruno_data)

    assert response.status_code == 200
    assert CONFLICT_MESSAGE in page(response)
    convention.refresh_from_db()
    assert convention.title == "Intitulé initial"


# The admin's change page checks the version too ---------------------------------------------


def admin_change_url(convention):
    return reverse("admin:conventions_convention_change", args=[convention.pk])


def test_the_admin_refuses_to_save_over_a_newer_change(admin_client, alice, convention):
    url = admin_change_url(convention)
    admin_data = admin_form_data(admin_client.get(url))
    alice_data = form_data(alice.get(update_url(convention)))
    alice_data["title"] = "Intitulé d'Alice"
    assert alice.post(update_url(convention), alice_data).status_code == 302
    admin_data["summary"] = "Résumé de l'administrateur"

    response = admin_client.post(url, admin_data)

    assert response.status_code == 200
    content = page(response)
    assert escape("Cette convention a été modifiée par Alice Martin le ") in content
    assert CONFLICT_MESSAGE in content
    assert escape("Intitulé : Intitulé initial → Intitulé d'Alice") in content
    assert escape("Résumé de l'administrateur") in content  # what was typed is kept
    convention.refresh_from_db()
    assert (convention.title, convention.summary) == ("Intitulé d'Alice", "Résumé initial")

    # Saved again after reading the changes, the page replaces them.
    assert admin_client.post(url, admin_form_data(response)).status_code == 302
    convention.refresh_from_db()
    assert (convention.title, convention.summary) == (
        "Intitulé initial",
        "Résumé de l'administrateur",
    )


def test_the_admin_saves_when_nobody_changed_the_convention(admin_client, convention):
    url = admin_change_url(convention)
    data = admin_form_data(admin_client.get(url))
    data["summary"] = "Résumé de l'administrateur"
    assert admin_client.post(url, data).status_code == 302
    assert admin_client.post(url, data).status_code == 200  # the same page posted twice
    convention.refresh_from_db()
    assert convention.summary == "Résumé de l'administrateur"
