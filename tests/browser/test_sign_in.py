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
