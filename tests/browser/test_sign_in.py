import datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_member_signs_in_and_out(page, live_server, reader, sign_in):
    page.goto(f"{live_server.url}/conventions/")
    assert "/compte/connexion/" in page.url  # every page requires login
    sign_in(reader)
    assert page.get_by_role("link", name="Tableau de bord").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/compte/connexion/")
    page.goto(f"{live_server.url}/")
    assert "/compte/connexion/" in page.url


def test_wrong_password_shows_a_french_message(page, live_server, reader):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Identifiant").fill(reader.username)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("Identifiant ou mot de passe incorrect")


def test_login_page_has_no_serious_accessibility_violation(page, live_server, axe_violations):
    page.goto(f"{live_server.url}/compte/connexion/")
    assert axe_violations() == []


def test_after_five_wrong_passwords_a_calm_accessible_page_says_how_long_to_wait(
    page, live_server, reader, axe_violations, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    page.goto(f"{live_server.url}/compte/connexion/")
    for _ in range(5):
        page.get_by_label("Identifiant").fill(reader.username)
        page.get_by_label("Mot de passe").fill("pas-le-bon")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="Connexion temporairement bloquée").is_visible()
    assert "verrouillé pendant 15 minutes" in page.get_by_role("main").inner_text()
    assert axe_violations() == []
    page.get_by_role("link", name="Revenir à la page de connexion").click()
    assert page.get_by_label("Mot de passe").is_visible()
