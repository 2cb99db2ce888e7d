"""The page "Mes rappels et mon calendrier" in a real browser: the form, the copy button, the
confirmed reset, and accessibility."""

import pytest
from playwright.sync_api import expect

from accounts.models import ReminderPreferences

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_chooses_reminders_from_the_user_menu(
    page, live_server, reader, sign_in, axe_violations
):
    sign_in(reader)
    page.get_by_role("link", name="Mes rappels").click()
    page.wait_for_url(f"{live_server.url}/compte/rappels/")
    expect(page.get_by_role("heading", name="Mes rappels et mon calendrier")).to_be_visible()
    assert axe_violations() == []

    page.get_by_label("Recevoir les rappels par courriel").check()
    page.get_by_label("Prévenir combien de mois avant la fin ?").fill("30")
    page.get_by_label("Dates limites d'envoi d'un préavis de résiliation").uncheck()
    page.get_by_role("button", name="Enregistrer mes préférences").click()

    months = page.get_by_label("Prévenir combien de mois avant la fin ?")
    expect(months).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_ending_months_error")).to_have_text(
        "Indiquez un nombre de mois entre 1 et 24."
    )
    # What was typed is kept.
    expect(page.get_by_label("Recevoir les rappels par courriel")).to_be_checked()
    assert axe_violations() == []

    months.fill("12")
    page.get_by_role("button", name="Enregistrer mes préférences").click()

    expect(page.get_by_role("status").filter(has_text="ont été enregistrées")).to_be_visible()
    preferences = ReminderPreferences.objects.get(user=reader)
    assert preferences.is_subscribed
    assert preferences.ending_months == 12
    assert not preferences.remind_notice


def test_copy_button_copies_the_calendar_link(page, live_server, reader, sign_in):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(reader)
    page.goto(f"{live_server.url}/compte/rappels/")
    url = page.get_by_label("Adresse de votre calendrier").input_value()
    token = ReminderPreferences.objects.get(user=reader).calendar_token
    assert url == f"{live_server.url}/compte/calendrier/{token}.ics"

    page.get_by_role("button", name="Copier le lien").click()

    expect(page.get_by_role("status").filter(has_text="Lien copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"


def test_reset_asks_first_then_the_old_link_stops_working(page, live_server, reader, sign_in):
    sign_in(reader)
    page.goto(f"{live_server.url}/compte/rappels/")
    old_url = page.get_by_label("Adresse de votre calendrier").input_value()
    reset = page.get_by_role("button", name="Réinitialiser le lien")

    page.once("dialog", lambda dialog: dialog.dismiss())
    reset.click()
    assert page.get_by_label("Adresse de votre calendrier").input_value() == old_url

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    reset.click()

    expect(page.get_by_role("status").filter(has_text="a été réinitialisé")).to_be_visible()
    assert "L'ancien lien cessera aussitôt de fonctionner" in messages[0]
    new_url = page.get_by_label("Adresse de votre calendrier").input_value()
    assert new_url != old_url
    assert page.request.get(old_url).status == 404
    assert page.request.get(new_url).status == 200
