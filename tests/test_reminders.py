import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ReminderKind, ReminderPreferences, SentReminder
from accounts.reminders import due_reminders, send_reminders
from accounts.roles import READER
from tests.factories import ConventionFactory, ReviewFactory, RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ONLY = {
    "remind_ending": False,
    "remind_notice": False,
    "remind_review": False,
    "remind_declination": False,
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
    # Non-breaking spaces before the colons: a mail client never starts a line with one.
    assert "Date limite d'envoi du préavis de résiliation\xa0: 31 octobre 2026" in message.body
    assert "Fin de la convention le 31 décembre 2026" in message.body
    assert "INVALID_TEMPLATE_VARIABLE" not in message.body
    assert "Conventions arrivant à échéance" in message.body
    assert "Dates limites de préavis" in message.body


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

    ConventionFactory(review_every_months=12, declination_deadline=datetime.date(2025, 3, 1))
    subscriber()
    few = count_queries()
    for _ in range(4):
        ConventionFactory(review_every_months=12, declination_deadline=datetime.date(2025, 3, 1))
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
