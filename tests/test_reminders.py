import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ReminderKind, ReminderPreferences, SentReminder
from accounts.reminders import due_reminders, french_date, relative_day, send_reminders
from accounts.roles import READER
from conventions.enums import CommitmentStatus
from conventions.typography import french_spacing
from tests.factories import (
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ONLY = {
    "remind_ending": False,
    "remind_notice": False,
    "remind_review": False,
    "remind_declination": False,
    "remind_commitment": False,
}


def subscriber(*, user=None, **preferences):
    user = user or RoleUserFactory(role=READER, first_name="Léa", last_name="Lecture")
    ReminderPreferences.objects.create(user=user, is_subscribed=True, **preferences)
    return user


def subscribed_to(kind_field, **preferences):
    return subscriber(**{**ONLY, kind_field: True, **preferences})


def dates(user, day):
    return [(r.kind, r.convention, r.date) for r in due_reminders(user, on=day)]


# The factory's convention is in force from 1 January 2024 to 31 December 2026, with two months'
# notice: its notice deadline is 31 October 2026.


def test_end_date_exactly_n_months_ahead_is_included_one_day_further_is_not():
    convention = ConventionFactory()
    user = subscribed_to("remind_ending", ending_months=5)

    assert dates(user, datetime.date(2026, 7, 31)) == [
        (ReminderKind.ENDING, convention, datetime.date(2026, 12, 31))
    ]
    assert dates(user, datetime.date(2026, 7, 30)) == []


def test_notice_deadline_exactly_n_weeks_ahead_is_included_one_day_further_is_not():
    convention = ConventionFactory()
    user = subscribed_to("remind_notice", notice_weeks=8)

    assert dates(user, datetime.date(2026, 9, 5)) == [
        (ReminderKind.NOTICE, convention, datetime.date(2026, 10, 31))
    ]
    assert dates(user, datetime.date(2026, 9, 4)) == []
    assert dates(user, datetime.date(2026, 11, 1)) == []


def test_review_is_due_when_the_period_elapsed_since_the_last_one():
    convention = ConventionFactory(review_every_months=12)
    user = subscribed_to("remind_review")

    assert dates(user, datetime.date(2024, 12, 31)) == []
    assert dates(user, datetime.date(2025, 1, 1)) == [
        (ReminderKind.REVIEW, convention, datetime.date(2025, 1, 1))
    ]
    ReviewFactory(convention=convention, held_on=datetime.date(2025, 1, 15))
    assert dates(user, datetime.date(2025, 6, 1)) == []
    assert dates(user, datetime.date(2026, 1, 15)) == [
        (ReminderKind.REVIEW, convention, datetime.date(2026, 1, 15))
    ]


def test_declination_reminder_the_day_after_the_deadline_without_declination():
    convention = ConventionFactory(declination_deadline=datetime.date(2025, 3, 1))
    user = subscribed_to("remind_declination")

    assert dates(user, datetime.date(2025, 3, 1)) == []
    assert dates(user, datetime.date(2025, 3, 2)) == [
        (ReminderKind.DECLINATION, convention, datetime.date(2025, 3, 1))
    ]


def test_commitment_is_reminded_within_the_threshold_then_once_more_when_overdue():
    commitment = CommitmentFactory(due_on=datetime.date(2026, 3, 15))
    convention = commitment.convention
    user = subscribed_to("remind_commitment", commitment_weeks=4)

    assert dates(user, datetime.date(2026, 2, 14)) == []
    due = [(ReminderKind.COMMITMENT, convention, datetime.date(2026, 3, 15))]
    assert dates(user, datetime.date(2026, 2, 15)) == due
    assert dates(user, datetime.date(2026, 3, 15)) == due
    assert dates(user, datetime.date(2026, 3, 16)) == [
        (ReminderKind.COMMITMENT_OVERDUE, convention, datetime.date(2026, 3, 15))
    ]

    assert send_reminders(on=datetime.date(2026, 2, 20)) == 1
    assert send_reminders(on=datetime.date(2026, 3, 1)) == 0
    assert send_reminders(on=datetime.date(2026, 3, 20)) == 1
    assert send_reminders(on=datetime.date(2026, 4, 20)) == 0
    soon, late = (message.body for message in mail.outbox)
    text = commitment.text
    # The digest is set in French typography (non-breaking spaces inside « » and before ":").
    assert (
        french_spacing(f"Réaliser l'action « {text} » au plus tard le 15 mars 2026 (dans 23 jours)")
        in soon
    )
    assert "Actions et engagements à échéance" in soon
    assert (
        french_spacing(
            f"Réaliser l'action « {text} » : échéance dépassée depuis le 15 mars 2026 "
            "(il y a 5 jours)"
        )
        in late
    )
    assert "Actions et engagements en retard" in late
    assert f"/conventions/{convention.pk}/#engagement-{commitment.pk}" in late


def test_commitments_done_dropped_undated_or_of_ended_conventions_are_not_reminded():
    day = datetime.date(2026, 3, 1)
    kept = CommitmentFactory(due_on=datetime.date(2026, 3, 10))
    CommitmentFactory(due_on=datetime.date(2026, 3, 10), status=CommitmentStatus.DONE)
    CommitmentFactory(due_on=datetime.date(2026, 2, 10), status=CommitmentStatus.DROPPED)
    CommitmentFactory(due_on=None)
    terminated = CommitmentFactory(due_on=datetime.date(2026, 3, 10))
    terminated.convention.terminated_on = datetime.date(2026, 2, 1)
    terminated.convention.save()
    CommitmentFactory(
        due_on=datetime.date(2026, 3, 10), axis__convention__signed_on=datetime.date(2019, 1, 1)
    )  # ended in 2021
    CommitmentFactory(due_on=datetime.date(2026, 3, 10), axis__convention__signed_on=None)
    user = subscribed_to("remind_commitment")

    assert dates(user, day) == [(ReminderKind.COMMITMENT, kept.convention, kept.due_on)]


def test_an_action_is_named_on_one_line_and_shortened():
    text = "Former les conseillers\n\n" + "à l'accueil des jeunes " * 10
    commitment = CommitmentFactory(due_on=datetime.date(2026, 3, 10), text=text)
    user = subscribed_to("remind_commitment")

    [reminder] = due_reminders(user, on=datetime.date(2026, 3, 1))

    assert reminder.label.startswith("Réaliser l'action « Former les conseillers à l'accueil")
    assert "…" in reminder.label
    assert "\n" not in reminder.label
    assert commitment.pk == reminder.commitment.pk


@pytest.mark.embedded
def test_two_commitments_due_the_same_day_are_two_reminders_each_sent_once():
    first = CommitmentFactory(due_on=datetime.date(2026, 3, 10))
    CommitmentFactory(axis=first.axis, due_on=datetime.date(2026, 3, 10))
    subscribed_to("remind_commitment")

    assert send_reminders(on=datetime.date(2026, 3, 1)) == 1
    assert send_reminders(on=datetime.date(2026, 3, 2)) == 0

    assert mail.outbox[0].subject == "Conventions UNML : 2 échéances à suivre"
    assert SentReminder.objects.count() == 2


def test_unwanted_kinds_are_not_selected():
    ConventionFactory(review_every_months=12, declination_deadline=datetime.date(2025, 3, 1))
    user = subscriber(**ONLY)

    assert dates(user, datetime.date(2026, 10, 1)) == []


def test_user_not_subscribed_gets_nothing():
    ConventionFactory()
    user = RoleUserFactory(role=READER)
    ReminderPreferences.objects.create(user=user, is_subscribed=False)

    assert send_reminders(on=datetime.date(2026, 9, 5)) == 0
    assert mail.outbox == []


def test_user_without_a_role_or_an_address_gets_nothing():
    ConventionFactory()
    subscriber(user=UserFactory())
    subscriber(user=RoleUserFactory(role=READER, email=""))

    assert send_reminders(on=datetime.date(2026, 9, 5)) == 0
    assert mail.outbox == []


def test_running_twice_sends_one_email_and_never_repeats_a_reminder():
    ConventionFactory()
    subscriber()
    day = datetime.date(2026, 9, 5)

    assert send_reminders(on=day) == 1
    assert send_reminders(on=day) == 0
    assert send_reminders(on=day + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.count() == 2


def test_a_new_date_makes_a_new_reminder():
    ConventionFactory(review_every_months=12)
    subscribed_to("remind_review")
    assert send_reminders(on=datetime.date(2025, 1, 1)) == 1
    assert send_reminders(on=datetime.date(2025, 6, 1)) == 0

    assert send_reminders(on=datetime.date(2026, 1, 1)) == 0  # still the same overdue review
    assert len(mail.outbox) == 1


def test_digest_is_in_french_with_titles_and_dates():
    ConventionFactory(title="Convention avec l'Association des maires de France")
    user = subscriber()

    assert send_reminders(on=datetime.date(2026, 9, 5)) == 1
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Conventions UNML : 2 échéances à suivre"
    assert "Bonjour Léa Lecture," in message.body
    assert "Convention avec l'Association des maires de France" in message.body
    assert (
        "Donner le préavis de résiliation au plus tard le 31 octobre 2026 (dans 56 jours)"
        in message.body
    )
    assert (
        "Décider du renouvellement avant la fin de la convention le 31 décembre 2026 "
        "(dans plus de 3 mois)" in message.body
    )
    assert "INVALID_TEMPLATE_VARIABLE" not in message.body
    assert "Conventions arrivant à échéance" in message.body
    assert "Dates limites de préavis" in message.body


def test_each_line_of_the_digest_links_to_its_convention_with_an_absolute_url(settings):
    settings.SITE_URL = "https://conventions.unml.info"
    convention = ConventionFactory()
    subscribed_to("remind_notice")

    send_reminders(on=datetime.date(2026, 9, 5))

    [message] = mail.outbox
    assert f"https://conventions.unml.info/conventions/{convention.pk}/" in message.body


def test_overdue_deadlines_say_since_when():
    ConventionFactory(review_every_months=12, declination_deadline=datetime.date(2025, 3, 1))
    subscriber(**{**ONLY, "remind_review": True, "remind_declination": True})

    send_reminders(on=datetime.date(2025, 3, 11))

    body = mail.outbox[0].body
    assert (
        "Tenir le bilan annuel, attendu depuis le 1er janvier 2025 (il y a plus de 2 mois)" in body
    )
    assert (
        french_spacing(
            "Faire signer les déclinaisons locales ou régionales : échéance dépassée depuis "
            "le 1er mars 2025 (il y a 10 jours)"
        )
        in body
    )


@pytest.mark.parametrize(
    ("months", "name"),
    [(6, "le bilan semestriel"), (3, "le bilan trimestriel"), (18, "le bilan de suivi")],
)
def test_a_review_is_named_by_its_period(months, name):
    ConventionFactory(review_every_months=months)
    user = subscribed_to("remind_review")

    [reminder] = due_reminders(user, on=datetime.date(2026, 9, 5))

    assert reminder.label.startswith(f"Tenir {name}, attendu depuis le")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 9, 5), "aujourd'hui"),
        (datetime.date(2026, 9, 6), "demain"),
        (datetime.date(2026, 9, 4), "hier"),
        (datetime.date(2026, 10, 5), "dans 30 jours"),
        (datetime.date(2026, 11, 4), "dans 60 jours"),
        (datetime.date(2026, 12, 5), "dans 3 mois"),
        (datetime.date(2026, 12, 6), "dans plus de 3 mois"),
        (datetime.date(2028, 9, 5), "dans 2 ans"),
        (datetime.date(2025, 1, 1), "il y a plus de 20 mois"),
        (datetime.date(2023, 9, 5), "il y a 3 ans"),
    ],
)
def test_how_far_a_date_is_in_words(day, text):
    assert relative_day(day, today=datetime.date(2026, 9, 5)) == text


def test_first_of_the_month_is_written_1er():
    assert french_date(datetime.date(2027, 3, 1)) == "1er mars 2027"
    assert french_date(datetime.date(2027, 3, 2)) == "2 mars 2027"


def test_one_reminder_says_so_in_the_singular():
    ConventionFactory()
    subscribed_to("remind_ending")

    send_reminders(on=datetime.date(2026, 9, 5))
    assert mail.outbox[0].subject == "Conventions UNML : 1 échéance à suivre"


def test_selection_queries_do_not_grow_with_conventions_or_users():
    def count_queries():
        SentReminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            send_reminders(on=datetime.date(2026, 9, 5))
        return len(queries)

    def convention_with_commitments():
        convention = ConventionFactory(
            review_every_months=12, declination_deadline=datetime.date(2025, 3, 1)
        )
        CommitmentFactory(axis__convention=convention, due_on=datetime.date(2026, 9, 20))
        CommitmentFactory(axis__convention=convention, due_on=datetime.date(2026, 8, 20))

    convention_with_commitments()
    subscriber()
    few = count_queries()
    for _ in range(4):
        convention_with_commitments()
    assert count_queries() == few

    subscriber(user=RoleUserFactory(role=READER))
    # A second user costs only their own lock, sent reminders, recording and savepoint.
    assert count_queries() <= few + 6


def test_command_prints_its_summary():
    ConventionFactory()
    subscriber()
    out = StringIO()

    call_command("send_reminders", "--date", "2026-09-05", stdout=out)
    call_command("send_reminders", "--date", "2026-09-05", stdout=out)

    assert out.getvalue().splitlines() == [
        "Rappels : 1 courriel(s) envoyé(s).",
        "Rappels : 0 courriel(s) envoyé(s).",
    ]
    assert len(mail.outbox) == 1
