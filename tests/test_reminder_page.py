"""The page "Mes rappels et mon calendrier": one's own preferences, today's preview, the link."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReminderPreferences
from accounts.reminders import french_date, send_reminders
from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.dates import add_months
from tests.factories import CommitmentFactory, ConventionFactory, RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/rappels/"
VALID = {
    "is_subscribed": "on",
    "remind_ending": "on",
    "ending_months": "6",
    "remind_notice": "on",
    "notice_weeks": "8",
    "remind_review": "on",
    "remind_declination": "on",
    "remind_commitment": "on",
    "commitment_weeks": "4",
}


def ending_soon(**kwargs):
    """In force, ending in about three months, with its notice deadline in about a month."""
    return ConventionFactory(
        **{
            "signed_on": add_months(timezone.localdate(), -24),
            "duration_months": 27,
            "notice_months": 2,
            **kwargs,
        }
    )


@pytest.fixture
def reader():
    return RoleUserFactory(role=READER, first_name="Léa", last_name="Lecture")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def test_url_and_navbar_link(reader_client):
    assert reverse("accounts:reminder_preferences") == URL

    response = reader_client.get(reverse("conventions:dashboard"))

    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.parametrize("role", [READER, EDITOR, ADMINISTRATOR])
def test_each_role_opens_the_page_and_gets_preferences_on_first_visit(client, role):
    user = RoleUserFactory(role=role)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the page shows the secret link
    preferences = ReminderPreferences.objects.get(user=user)
    assert preferences.calendar_token
    content = response.content.decode()
    assert "Mes rappels et mon calendrier" in content
    # The address calendar apps fetch is the site's (SITE_URL), whatever host the page was read on.
    assert f"http://127.0.0.1:8000/compte/calendrier/{preferences.calendar_token}.ics" in content
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    [record] = preferences.history.all()
    assert record.history_type == "+"
    assert record.history_user == user


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    for url in (URL, reverse("accounts:calendar_token_reset")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_user_without_a_role_may_not_open_the_page(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert client.post(reverse("accounts:calendar_token_reset")).status_code == 403
    assert not ReminderPreferences.objects.exists()


@pytest.mark.embedded
def test_saving_records_the_choice_in_the_history_and_says_so(reader_client, reader):
    response = reader_client.post(
        URL, {**VALID, "ending_months": "12", "notice_weeks": "4", "remind_review": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    preferences = ReminderPreferences.objects.get(user=reader)
    assert preferences.is_subscribed
    assert (preferences.ending_months, preferences.notice_weeks) == (12, 4)
    assert not preferences.remind_review
    record = preferences.history.first()
    assert record.history_type == "~"
    assert record.history_user == reader
    page = reader_client.get(URL).content.decode()
    assert "Vos préférences de rappel ont été enregistrées." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ending_months", "0", "Indiquez un nombre de mois entre 1 et 24."),
        ("ending_months", "25", "Indiquez un nombre de mois entre 1 et 24."),
        ("ending_months", "", "Indiquez un nombre de mois entre 1 et 24."),
        ("ending_months", "six", "Indiquez un nombre de mois entre 1 et 24."),
        ("notice_weeks", "0", "Indiquez un nombre de semaines entre 1 et 52."),
        ("notice_weeks", "53", "Indiquez un nombre de semaines entre 1 et 52."),
        ("notice_weeks", "-3", "Indiquez un nombre de semaines entre 1 et 52."),
    ],
)
def test_out_of_range_threshold_is_refused_next_to_its_field(
    reader_client, reader, field, value, message
):
    reader_client.get(URL)

    response = reader_client.post(URL, {**VALID, field: value})

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<div id="id_{field}_error" class="invalid-feedback d-block">{message}</div>' in content
    assert 'aria-invalid="true"' in content
    preferences = ReminderPreferences.objects.get(user=reader)
    assert not preferences.is_subscribed  # nothing half-saved
    assert (preferences.ending_months, preferences.notice_weeks) == (6, 8)
    assert preferences.history.count() == 1


def test_thresholds_are_also_enforced_by_the_database(reader):
    with pytest.raises(IntegrityError):
        ReminderPreferences.objects.create(user=reader, ending_months=30)


def test_a_user_only_ever_sees_and_edits_their_own(reader_client, reader):
    other = RoleUserFactory(role=EDITOR)
    theirs = ReminderPreferences.objects.create(
        user=other, calendar_token="jeton-de-l-autre", ending_months=3
    )

    page = reader_client.get(URL).content.decode()
    reader_client.post(URL, {**VALID, "user": other.pk, "ending_months": "20"})

    assert "jeton-de-l-autre" not in page
    theirs.refresh_from_db()
    assert theirs.ending_months == 3
    assert not theirs.is_subscribed
    assert ReminderPreferences.objects.get(user=reader).ending_months == 20


@pytest.mark.embedded
def test_preview_shows_what_todays_digest_would_contain(reader_client, reader, settings):
    settings.SITE_URL = "https://conventions.unml.info"
    convention = ending_soon(title="Convention avec l'AMF")

    response = reader_client.get(URL)

    content = response.content.decode()
    assert "le courriel d'aujourd'hui contiendrait 2 échéances" in content
    assert "Vous n'êtes pas abonné aux rappels par courriel" in content
    link = f"https://conventions.unml.info/conventions/{convention.pk}/"
    assert f'href="{link}">Convention avec l&#x27;AMF</a>' in content
    end, notice = french_date(convention.end_on), french_date(convention.notice_deadline)
    assert f"Décider du renouvellement avant la fin de la convention le {end}" in content
    assert f"Donner le préavis de résiliation au plus tard le {notice}" in content


def test_preview_lists_actions_due_soon_and_overdue_after_the_saved_threshold(reader_client):
    convention = ending_soon(notice_months=None, duration_months=48)
    today = timezone.localdate()
    soon = CommitmentFactory(
        axis__convention=convention,
        text="Former 500 conseillers",
        due_on=today + datetime.timedelta(days=20),
    )
    late = CommitmentFactory(
        axis__convention=convention,
        text="Publier le bilan",
        due_on=today - datetime.timedelta(days=3),
    )
    reader_client.post(URL, {**VALID, "remind_ending": "", "commitment_weeks": "2"})

    content = reader_client.get(URL).content.decode()

    assert "le courriel d'aujourd'hui contiendrait une échéance" in content
    assert "Actions et engagements en retard" in content
    assert (
        f"Réaliser l&#x27;action « Publier le bilan » : échéance dépassée depuis le "
        f"{french_date(late.due_on)} "
        "(il y a 3 jours)"
    ) in content
    assert f"#engagement-{late.pk}" in content
    assert "Former 500 conseillers" not in content

    reader_client.post(URL, {**VALID, "remind_ending": "", "commitment_weeks": "3"})

    content = reader_client.get(URL).content.decode()
    assert (
        f"Réaliser l&#x27;action « Former 500 conseillers » au plus tard le "
        f"{french_date(soon.due_on)} (dans 20 jours)"
    ) in content


def test_commitment_threshold_is_saved_and_bounded(reader_client, reader):
    response = reader_client.post(URL, {**VALID, "commitment_weeks": "53"})

    assert response.status_code == 200
    assert "Indiquez un nombre de semaines entre 1 et 52." in response.content.decode()
    reader_client.post(URL, {**VALID, "commitment_weeks": "6", "remind_commitment": ""})
    preferences = ReminderPreferences.objects.get(user=reader)
    assert (preferences.commitment_weeks, preferences.remind_commitment) == (6, False)


def test_preview_follows_the_saved_preferences_and_matches_the_digest(reader_client, reader):
    convention = ending_soon()
    reader_client.post(URL, {**VALID, "remind_notice": ""})

    content = reader_client.get(URL).content.decode()

    assert "le courriel d'aujourd'hui contiendrait une échéance" in content
    assert "Dates limites de préavis" not in content
    assert send_reminders() == 1
    [message] = mail.outbox
    assert f"la fin de la convention le {french_date(convention.end_on)}" in message.body
    assert "préavis" not in message.body
    # Once sent, the reminder leaves the preview: the next digest has nothing new.
    content = reader_client.get(URL).content.decode()
    assert "Rien de nouveau aujourd'hui" in content


def test_refused_form_keeps_the_preview_of_the_saved_preferences(reader_client):
    ending_soon()
    reader_client.get(URL)

    response = reader_client.post(URL, {**VALID, "remind_notice": "", "notice_weeks": "99"})

    assert "contiendrait 2 échéances" in response.content.decode()


def test_reset_gives_a_new_link_and_records_it_without_the_secret(reader_client, reader):
    reader_client.get(URL)
    old = ReminderPreferences.objects.get(user=reader).calendar_token
    old_feed = f"/compte/calendrier/{old}.ics"

    response = reader_client.post(reverse("accounts:calendar_token_reset"), follow=True)

    new = ReminderPreferences.objects.get(user=reader).calendar_token
    assert new != old
    content = response.content.decode()
    assert "Le lien de votre calendrier a été réinitialisé" in content
    assert f"/compte/calendrier/{new}.ics" in content
    assert old not in content
    reader_client.logout()
    assert reader_client.get(old_feed).status_code == 404
    assert reader_client.get(f"/compte/calendrier/{new}.ics").status_code == 200
    record = ReminderPreferences.objects.get(user=reader).history.first()
    assert record.history_change_reason == "Lien du calendrier réinitialisé"
    assert record.history_user == reader
    assert not hasattr(record, "calendar_token")


def test_reset_only_answers_a_post(reader_client, reader):
    reader_client.get(URL)
    token = ReminderPreferences.objects.get(user=reader).calendar_token

    assert reader_client.get(reverse("accounts:calendar_token_reset")).status_code == 405
    assert ReminderPreferences.objects.get(user=reader).calendar_token == token


def test_page_shows_the_reset_confirmation_and_the_calendar_window(reader_client):
    content = reader_client.get(URL).content.decode()

    assert "Réinitialiser le lien" in content
    assert "l'ancien lien cessera aussitôt de fonctionner" in content
    start = add_months(timezone.localdate(), -3)
    assert f"du {french_date(start)} au" in content


def test_preferences_created_in_the_admin_get_a_token_on_the_first_visit(reader_client, reader):
    ReminderPreferences.objects.create(user=reader, is_subscribed=True)

    reader_client.get(URL)

    preferences = ReminderPreferences.objects.get(user=reader)
    assert preferences.is_subscribed
    assert preferences.calendar_token
    assert preferences.history.first().history_change_reason == "Lien du calendrier créé"


def test_queries_do_not_grow_with_conventions(reader_client):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert reader_client.get(URL).status_code == 200
        return len(queries)

    def convention_with_commitments():
        convention = ending_soon(
            review_every_months=12, declination_deadline=datetime.date(2025, 3, 1)
        )
        for days in (-10, 10):
            due_on = timezone.localdate() + datetime.timedelta(days=days)
            CommitmentFactory(axis__convention=convention, due_on=due_on)

    reader_client.get(URL)
    for _ in range(5):
        convention_with_commitments()
    few = count_queries()
    for _ in range(45):
        convention_with_commitments()
    assert count_queries() == few
