"""Refusals and errors answer in French, in the site's layout, never with Django's own pages."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.roles import READER
from tests.factories import ConventionFactory, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _as_in_production():
    # Django shows its own debug pages when DEBUG is on: the site's pages are for DEBUG off.
    with override_settings(DEBUG=False):
        yield


INVALID = "INVALID_TEMPLATE_VARIABLE"
ENGLISH = ("Not Found", "Forbidden", "Bad Request", "CSRF verification failed", "Traceback")


def assert_in_the_sites_layout(page: str) -> None:
    assert '<html lang="fr">' in page
    assert "/static/css/app.css" in page
    assert "Revenir au tableau de bord" in page
    assert "Union nationale des Missions Locales — registre des conventions" in page
    assert INVALID not in page
    for english in ENGLISH:
        assert english not in page


@pytest.fixture
def reader(db):
    return role_user("lea.lecture", READER)


def test_a_missing_convention_is_a_french_404_page(client, reader):
    client.force_login(reader)
    response = client.get(reverse("conventions:convention_detail", args=[987654]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page introuvable · Conventions UNML</title>" in page
    assert "Cette page est introuvable" in page
    assert_in_the_sites_layout(page)
    # The signed-in reader keeps the site's menu, to go on from there.
    assert "Élise Lea.Lecture" in page
    assert reverse("conventions:convention_list") in page


def test_an_unknown_address_is_a_french_404_page_even_signed_out(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Cette page est introuvable" in page
    assert_in_the_sites_layout(page)
    assert "Se déconnecter" not in page


def test_a_reader_on_an_editor_page_gets_a_french_403_page(client, reader):
    convention = ConventionFactory()
    client.force_login(reader)
    response = client.get(reverse("conventions:convention_update", args=[convention.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Accès refusé · Conventions UNML</title>" in page
    assert "Votre compte ne permet pas d'ouvrir cette page" in page
    assert_in_the_sites_layout(page)
    assert "Élise Lea.Lecture" in page


def test_a_bad_host_is_a_french_400_page():
    client = Client(HTTP_HOST="registre.example.com")
    response = client.get("/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Requête incorrecte · Conventions UNML</title>" in page
    assert "Votre demande n'a pas pu être traitée" in page
    assert_in_the_sites_layout(page)


def test_a_form_sent_without_a_valid_csrf_token_gets_a_french_page(reader):
    convention = ConventionFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(reverse("conventions:convention_detail", args=[convention.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Formulaire expiré · Conventions UNML</title>" in page
    assert "Rien n'a été enregistré" in page
    assert "rechargez la page" in page
    assert_in_the_sites_layout(page)
    assert "Élise Lea.Lecture" in page


def test_the_sign_in_form_sent_with_an_expired_token_gets_a_french_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "lea", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré" in page
    assert_in_the_sites_layout(page)
