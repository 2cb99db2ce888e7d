"""The personal calendar feed (ICS): secret URL, content parsed with icalendar, preferences."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import ReminderPreferences
from accounts.reminders import french_date
from accounts.roles import EDITOR, READER
from accounts.services import calendar_token_reset, reminder_preferences_for
from conventions.dates import add_months
from conventions.enums import CommitmentStatus, Scope
from tests.factories import (
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    RoleUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def followed_convention(**kwargs):
    """Signed a year ago for two years, three months' notice, a review every 18 months and a
    declination deadline next month: one deadline of each kind within the feed's window."""
    return ConventionFactory(
        **{
            "signed_on": add_months(today(), -12),
            "duration_months": 24,
            "notice_months": 3,
            "review_every_months": 18,
            "declination_deadline": today() + datetime.timedelta(days=30),
            **kwargs,
        }
    )


def expected_dates(convention):
    return {
        ("ending", convention.end_on),
        ("notice", convention.notice_deadline),
        ("review", add_months(convention.effective_on, 18)),
        ("declination", convention.declination_deadline),
    }


def feed_url(user):
    return reverse(
        "accounts:calendar_feed", args=[reminder_preferences_for(user=user).calendar_token]
    )


def fetch(client, user):
    response = client.get(feed_url(user))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def kinds_and_dates(calendar):
    return {(str(event["UID"]).split("-", 1)[0], event.start) for event in calendar.events}


@pytest.fixture
def reader():
    return RoleUserFactory(role=READER, first_name="Léa", last_name="Lecture")


@pytest.mark.embedded
def test_feed_lists_every_deadline_kind_as_an_all_day_event(client, reader, settings):
    settings.SITE_URL = "https://conventions.unml.info"
    convention = followed_convention(title="Convention avec l'AMF")

    calendar = fetch(client, reader)

    assert kinds_and_dates(calendar) == expected_dates(convention)
    for event in calendar.events:
        assert type(event.start) is datetime.date
        assert event.end == event.start + datetime.timedelta(days=1)
        assert event.DTSTAMP is not None
        assert str(event["URL"]) == f"https://conventions.unml.info/conventions/{convention.pk}/"
        assert convention.reference in str(event["DESCRIPTION"])
        assert str(event["URL"]) in str(event["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == "Échéances des conventions UNML"
    assert calendar.refresh_interval == datetime.timedelta(hours=12)


def test_summaries_and_descriptions_are_in_french(client, reader):
    convention = followed_convention(title="Convention avec l'AMF")

    events = {str(e["UID"]).split("-", 1)[0]: e for e in fetch(client, reader).events}

    assert str(events["ending"]["SUMMARY"]) == "Fin de la convention « Convention avec l'AMF »"
    assert str(events["notice"]["SUMMARY"]) == (
        "Date limite de préavis : convention « Convention avec l'AMF »"
    )
    assert str(events["review"]["SUMMARY"]) == (
        "Bilan de suivi à tenir : convention « Convention avec l'AMF »"
    )
    assert str(events["declination"]["SUMMARY"]) == (
        "Échéance des déclinaisons : convention « Convention avec l'AMF »"
    )
    end = convention.end_on
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    first = "er" if end.day == 1 else ""
    assert (
        f"Décider du renouvellement avant la fin de la convention le {end.day}{first} "
        f"{months[end.month - 1]} {end.year}."
    ) in str(events["ending"]["DESCRIPTION"])
    notice = convention.notice_deadline
    assert (f"Donner le préavis de résiliation au plus tard le {french_date(notice)}.") in str(
        events["notice"]["DESCRIPTION"]
    )


@pytest.mark.embedded
def test_each_open_action_with_a_due_date_is_an_event(client, reader, settings):
    settings.SITE_URL = "https://conventions.unml.info"
    convention = followed_convention(title="Convention avec l'AMF")
    due_on = today() + datetime.timedelta(days=40)
    first = CommitmentFactory(axis__convention=convention, text="Former", due_on=due_on)
    second = CommitmentFactory(axis__convention=convention, text="Publier", due_on=due_on)
    CommitmentFactory(axis__convention=convention, due_on=due_on, status=CommitmentStatus.DONE)
    CommitmentFactory(axis__convention=convention, due_on=None)
    expired = followed_convention(signed_on=add_months(today(), -30))  # ended 6 months ago
    CommitmentFactory(axis__convention=expired, due_on=today() - datetime.timedelta(days=20))
    terminated = followed_convention(terminated_on=today() - datetime.timedelta(days=1))
    CommitmentFactory(axis__convention=terminated, due_on=due_on)

    events = [e for e in fetch(client, reader).events if str(e["UID"]).startswith("commitment-")]

    assert len(events) == 2
    assert {event.start for event in events} == {due_on}
    assert len({str(event["UID"]) for event in events}) == 2
    by_url = {str(event["URL"]): event for event in events}
    base = f"https://conventions.unml.info/conventions/{convention.pk}/"
    assert set(by_url) == {f"{base}#engagement-{first.pk}", f"{base}#engagement-{second.pk}"}
    event = by_url[f"{base}#engagement-{first.pk}"]
    assert str(event["SUMMARY"]) == "Action à réaliser : convention « Convention avec l'AMF »"
    assert f"Réaliser l'action « Former » au plus tard le {french_date(due_on)}." in str(
        event["DESCRIPTION"]
    )


def test_uids_are_stable_from_one_fetch_to_the_next(client, reader):
    followed_convention()

    first = [str(e["UID"]) for e in fetch(client, reader).events]
    second = [str(e["UID"]) for e in fetch(client, reader).events]

    assert first == second
    assert len(set(first)) == 4


def test_a_moved_date_is_a_new_event(client, reader):
    convention = followed_convention()
    before_review = add_months(convention.effective_on, 18)
    before = {str(e["UID"]) for e in fetch(client, reader).events}

    planned = today() + datetime.timedelta(days=60)
    ReviewFactory(
        convention=convention,
        held_on=today() - datetime.timedelta(days=10),
        next_review_on=planned,
    )

    after = {str(e["UID"]) for e in fetch(client, reader).events}
    assert before - after == {f"review-{convention.pk}-{before_review:%Y%m%d}@conventions-unml"}
    assert after - before == {f"review-{convention.pk}-{planned:%Y%m%d}@conventions-unml"}


def test_response_is_a_private_calendar_that_leaks_no_token(client, reader):
    followed_convention()

    response = client.get(feed_url(reader))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_unchecked_kinds_are_left_out(client, reader):
    convention = followed_convention()
    preferences = reminder_preferences_for(user=reader)
    preferences.remind_notice = False
    preferences.remind_declination = False
    preferences.save()

    assert kinds_and_dates(fetch(client, reader)) == {
        ("ending", convention.end_on),
        ("review", add_months(convention.effective_on, 18)),
    }


def test_nothing_checked_gives_an_empty_but_valid_calendar(client, reader):
    followed_convention()
    ReminderPreferences.objects.create(
        user=reader,
        remind_ending=False,
        remind_notice=False,
        remind_review=False,
        remind_declination=False,
        remind_commitment=False,
    )

    calendar = fetch(client, reader)

    assert calendar.events == []
    assert str(calendar["VERSION"]) == "2.0"


def test_window_runs_from_three_months_ago_to_three_years_ahead(client, reader):
    def ending_on(day, title):
        # Signed long before, for a period ending on `day`.
        return ConventionFactory(
            title=title,
            signed_on=add_months(day, -48),
            duration_months=None,
            period_end=day,
            notice_months=None,
        )

    ending_on(add_months(today(), -3), "juste dans la fenêtre (passé)")
    ending_on(add_months(today(), -3) - datetime.timedelta(days=1), "trop ancienne")
    ending_on(add_months(today(), 36), "juste dans la fenêtre (futur)")
    ending_on(add_months(today(), 36) + datetime.timedelta(days=1), "trop lointaine")

    summaries = {str(e["SUMMARY"]) for e in fetch(client, reader).events}

    assert summaries == {
        "Fin de la convention « juste dans la fenêtre (passé) »",
        "Fin de la convention « juste dans la fenêtre (futur) »",
    }


def test_drafts_and_declined_conventions_have_no_deadline_terminated_ones_only_their_end(
    client, reader
):
    followed_convention(title="Projet", signed_on=None)
    terminated = followed_convention(title="Résiliée")
    terminated.terminated_on = today()
    terminated.save()
    declined = followed_convention(title="Déclinée")
    followed_convention(title="Locale", parent=declined, scope=Scope.LOCAL)

    events = fetch(client, reader).events
    titles = {str(e["SUMMARY"]).split("« ")[1].rstrip(" »") for e in events}

    assert titles == {"Déclinée", "Locale", "Résiliée"}
    assert [
        (str(e["UID"]).split("-")[0], e["DTSTART"].dt) for e in events if "Résiliée" in e["SUMMARY"]
    ] == [("ending", today() - datetime.timedelta(days=1))]
    assert not any(
        str(e["UID"]).startswith("declination-") and "Déclinée" in str(e["SUMMARY"]) for e in events
    )


def test_review_due_after_the_end_is_left_out(client, reader):
    followed_convention(review_every_months=30)

    kinds = {kind for kind, _ in kinds_and_dates(fetch(client, reader))}

    assert kinds == {"ending", "notice", "declination"}


def test_reset_token_stops_the_old_url_at_once(client, reader):
    followed_convention()
    old_url = feed_url(reader)
    assert client.get(old_url).status_code == 200

    calendar_token_reset(preferences=reader.reminder_preferences, by=reader)

    assert client.get(old_url).status_code == 404
    new_url = feed_url(reader)
    assert new_url != old_url
    assert client.get(new_url).status_code == 200


def test_unknown_token_is_not_found(client, reader):
    reminder_preferences_for(user=reader)

    response = client.get(reverse("accounts:calendar_feed", args=["pas-le-bon-jeton"]))

    assert response.status_code == 404


def test_inactive_user_or_one_who_may_not_read_conventions_gets_404(client, reader):
    url = feed_url(reader)
    reader.is_active = False
    reader.save()
    assert client.get(url).status_code == 404

    no_role = UserFactory()
    assert client.get(feed_url(no_role)).status_code == 404


def test_a_direct_permission_is_enough(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_convention"))

    assert client.get(feed_url(user)).status_code == 200


def test_each_user_gets_their_own_token_and_preferences(client, reader):
    convention = followed_convention()
    editor = RoleUserFactory(role=EDITOR)
    ReminderPreferences.objects.create(
        user=editor, remind_ending=True, remind_notice=False, remind_review=False,
        remind_declination=False,
        remind_commitment=False,
    )  # fmt: skip

    assert feed_url(reader) != feed_url(editor)
    assert kinds_and_dates(fetch(client, editor)) == {("ending", convention.end_on)}
    assert kinds_and_dates(fetch(client, reader)) == expected_dates(convention)


def test_queries_do_not_grow_with_conventions(client, reader):
    url = feed_url(reader)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def convention_with_an_action():
        convention = followed_convention()
        due_on = today() + datetime.timedelta(days=10)
        CommitmentFactory(axis__convention=convention, due_on=due_on)

    for _ in range(5):
        convention_with_an_action()
    client.get(url)  # the user's permissions are then in the cache (accounts/backends.py)
    few = count_queries()
    for _ in range(45):
        convention_with_an_action()
    assert len(fetch(client, reader).events) == 250
    assert count_queries() == few
