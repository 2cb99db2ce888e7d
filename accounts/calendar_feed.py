"""The personal calendar feed (ICS): the deadlines a user follows, for their calendar app.

Calendar apps fetch it without a session, at a URL holding the user's secret token
(accounts:calendar_feed). It lists, as all-day events, the kinds of deadline the user ticked in
their reminder preferences (the e-mail thresholds do not apply: a calendar shows dates ahead).

Window: from three months ago (a deadline just passed stays visible) to three years ahead (a
usual term of three years, and well beyond the 24 months the e-mail can warn ahead).
Conventions followed: signed ones with no termination recorded (a terminated convention has no
deadline left). The actions and commitments with a due date, neither done nor dropped, of the
conventions in force are one event each. One query per kind ticked, whatever the number of
conventions.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from icalendar import Calendar, Event, vDuration

from conventions.dates import add_months
from conventions.models import Commitment, Convention

from .models import ReminderKind, ReminderPreferences
from .reminders import (
    FIELDS,
    deadline_text,
    open_commitments,
    page_path,
    review_due_on,
    with_review_due_on,
)

MONTHS_BEFORE = 3
MONTHS_AFTER = 36

CALENDAR_NAME = "Échéances des conventions UNML"
PRODID = "-//Union nationale des Missions Locales//Conventions UNML//FR"
# Calendar apps that honour it fetch the feed again after this long.
REFRESH_INTERVAL = datetime.timedelta(hours=12)

SUMMARIES = {
    ReminderKind.ENDING: "Fin de la convention « {title} »",
    ReminderKind.NOTICE: "Date limite de préavis : convention « {title} »",
    ReminderKind.REVIEW: "Bilan de suivi à tenir : convention « {title} »",
    ReminderKind.DECLINATION: "Échéance des déclinaisons : convention « {title} »",
    ReminderKind.COMMITMENT: "Action à réaliser : convention « {title} »",
}


@dataclass(frozen=True)
class Deadline:
    kind: ReminderKind
    convention: Convention
    date: datetime.date
    commitment: Commitment | None = None

    @property
    def uid(self) -> str:
        """Stable from one fetch to the next: a moved date is a new event."""
        about = str(self.convention.pk)
        if self.commitment:
            about += f"-{self.commitment.pk}"
        return f"{self.kind.value}-{about}-{self.date:%Y%m%d}@conventions-unml"

    @property
    def path(self) -> str:
        return page_path(self.convention, self.commitment)

    @property
    def summary(self) -> str:
        return SUMMARIES[self.kind].format(title=self.convention.title)

    @property
    def description(self) -> str:
        line = deadline_text(
            self.kind, self.date, convention=self.convention, commitment=self.commitment
        )
        return f"{line}.\nConvention {self.convention.reference} : {self.convention.title}"


def calendar_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days the feed covers."""
    return add_months(today, -MONTHS_BEFORE), add_months(today, MONTHS_AFTER)


def _followed() -> QuerySet:
    return Convention.objects.filter(signed_on__isnull=False, terminated_on__isnull=True)


def _ending(start, stop):
    # A terminated convention ends too: its end date is the eve of the termination.
    qs = Convention.objects.filter(signed_on__isnull=False, end_on__range=(start, stop))
    qs = qs.only(*FIELDS)
    return [(c, c.end_on) for c in qs]


def _notice(start, stop):
    qs = (
        _followed()
        .with_notice_deadline()
        .filter(db_notice_deadline__range=(start, stop))
        .only(*FIELDS)
    )
    return [(c, c.db_notice_deadline) for c in qs]


def _review(start, stop):
    qs = (
        with_review_due_on(_followed())
        .filter(Q(review_every_months__isnull=False) | Q(db_next_review_on__isnull=False))
        .only(*FIELDS, "review_every_months")
    )
    found = []
    for convention in qs:
        due = review_due_on(convention)
        # A review due after the convention ended will never be held.
        if due and start <= due <= stop and not (convention.end_on and due > convention.end_on):
            found.append((convention, due))
    return found


def _declination(start, stop):
    qs = _followed().awaiting_declination().filter(declination_deadline__range=(start, stop))
    return [(c, c.declination_deadline) for c in qs.only(*FIELDS)]


def _commitments(start, stop, *, on):
    """Those of conventions in force on `on` (not expired, not terminated): an action's due
    date, overdue or not, is one event (COMMITMENT)."""
    due = open_commitments(Convention.objects.in_force(on=on)).filter(due_on__range=(start, stop))
    return [Deadline(ReminderKind.COMMITMENT, c.convention, c.due_on, c) for c in due]


SELECTORS = {
    ReminderKind.ENDING: _ending,
    ReminderKind.NOTICE: _notice,
    ReminderKind.REVIEW: _review,
    ReminderKind.DECLINATION: _declination,
}
CALENDAR_KINDS = (*SELECTORS, ReminderKind.COMMITMENT)


def calendar_deadlines(preferences: ReminderPreferences, *, on: datetime.date) -> list[Deadline]:
    """The deadlines of the kinds `preferences` ask for, in the window around `on`, by date."""
    start, stop = calendar_window(on)
    order = list(ReminderKind)
    deadlines = [
        Deadline(kind, convention, day)
        for kind in SELECTORS
        if kind in preferences.kinds
        for convention, day in SELECTORS[kind](start, stop)
    ]
    if ReminderKind.COMMITMENT in preferences.kinds:
        deadlines += _commitments(start, stop, on=on)
    return sorted(
        deadlines,
        key=lambda d: (
            d.date,
            order.index(d.kind),
            d.convention.title,
            d.convention.pk,
            d.commitment.pk if d.commitment else 0,
        ),
    )


def render_calendar(
    deadlines: list[Deadline],
    *,
    absolute_url: Callable[[str], str],
    stamp: datetime.datetime,
    uid: str,
) -> bytes:
    """The iCalendar file: one all-day event per deadline, linked to its convention's page.

    `absolute_url` turns a path into a full URL; `stamp` is when the file is generated (DTSTAMP);
    `uid` names the calendar itself, the same for each fetch.
    """
    calendar = Calendar.new(
        name=CALENDAR_NAME,
        prodid=PRODID,
        uid=uid,
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=REFRESH_INTERVAL,
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
    # Outlook's and Apple's name for the refresh interval.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    for deadline in deadlines:
        url = absolute_url(deadline.path)
        calendar.add_component(
            Event.new(
                uid=deadline.uid,
                start=deadline.date,
                end=deadline.date + datetime.timedelta(days=1),
                summary=deadline.summary,
                description=f"{deadline.description}\n{url}",
                url=url,
                stamp=stamp,
                categories=[deadline.kind.label],
                transparency="TRANSPARENT",
            )
        )
    return calendar.to_ical()
