"""The daily reminder digest: which deadlines each subscribed user is told about, and sending it.

Run every day from cron (`manage.py send_reminders`). A reminder is keyed by user, convention,
kind and the date it is about, and recorded in SentReminder when its e-mail is sent: a second
run the same day, or the next days, never repeats it. A new date (an amendment moving the end
date, a review held) makes a new reminder.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from conventions.models import Convention
from conventions.models.review_schedule import first_day_period_elapsed
from conventions.typography import long_date

from .models import ReminderKind, ReminderPreferences, SentReminder

logger = logging.getLogger(__name__)

LABELS = {
    ReminderKind.ENDING: "Fin de la convention le {date}",
    ReminderKind.NOTICE: "Date limite d'envoi du préavis de résiliation : {date}",
    ReminderKind.REVIEW: "Bilan de suivi attendu depuis le {date}",
    ReminderKind.DECLINATION: "Déclinaisons non signées à l'échéance du {date}",
}
SECTIONS = {
    ReminderKind.ENDING: "Conventions arrivant à échéance",
    ReminderKind.NOTICE: "Dates limites de préavis",
    ReminderKind.REVIEW: "Bilans de suivi en retard",
    ReminderKind.DECLINATION: "Déclinaisons en retard",
}
# Only what the digest shows is loaded.
FIELDS = ("pk", "reference", "title", "end_on", "declination_deadline")


@dataclass(frozen=True)
class Reminder:
    kind: str
    convention: Convention
    date: datetime.date
    label: str


def french_date(day: datetime.date) -> str:
    return long_date(day)


def _ending(day, months):
    qs = Convention.objects.ending_within(months, on=day).only(*FIELDS)
    return [(c, c.end_on) for c in qs]


def _notice(day, weeks):
    qs = (
        Convention.objects.in_force(on=day)
        .with_notice_deadline()
        .filter(
            db_notice_deadline__gte=day,
            db_notice_deadline__lte=day + datetime.timedelta(weeks=weeks),
        )
        .only(*FIELDS)
    )
    return [(c, c.db_notice_deadline) for c in qs]


def with_review_due_on(conventions):
    """Load what review_due_on() needs with each convention of the `conventions` queryset."""
    return conventions.with_review_schedule().annotate(
        reminder_reference=F("db_review_reference"),
        reminder_next_review_on=F("db_next_review_on"),
    )


def review_due_on(convention: Convention) -> datetime.date | None:
    """When the next follow-up review of `convention` (from with_review_due_on()) is due.

    The earlier of the review period elapsed since the reference date (counted as the database
    and the convention page count it: conventions/models/review_schedule.py) and the date the
    latest review planned: a stable key until a review is held.
    """
    due = []
    if convention.review_every_months and convention.reminder_reference:
        due.append(
            first_day_period_elapsed(convention.reminder_reference, convention.review_every_months)
        )
    if convention.reminder_next_review_on:
        due.append(convention.reminder_next_review_on)
    return min(due, default=None)


def _review(day, _param):
    qs = with_review_due_on(Convention.objects.reviews_due(on=day)).only(
        *FIELDS, "review_every_months"
    )
    # reviews_due() only returns conventions whose review_due_on() is today or earlier.
    return [(convention, review_due_on(convention)) for convention in qs]


def _declination(day, _param):
    qs = Convention.objects.declinations_overdue(on=day).only(*FIELDS)
    return [(c, c.declination_deadline) for c in qs]


SELECTORS = {
    ReminderKind.ENDING: (_ending, "ending_months"),
    ReminderKind.NOTICE: (_notice, "notice_weeks"),
    ReminderKind.REVIEW: (_review, None),
    ReminderKind.DECLINATION: (_declination, None),
}


def due_reminders(
    user,
    *,
    on: datetime.date,
    cache: dict | None = None,
    preferences: ReminderPreferences | None = None,
) -> list[Reminder]:
    """The reminders `user` asked for on day `on`, minus those already sent, soonest first.

    Ignores `is_subscribed` (so it can preview the digest); at most one query per kind plus
    one for the sent reminders. `cache` shares the selections between users of one run.
    `preferences` are the user's, when already loaded.
    """
    if preferences is None:
        try:
            preferences = user.reminder_preferences
        except ReminderPreferences.DoesNotExist:
            return []
    cache = {} if cache is None else cache
    candidates = []
    for kind in ReminderKind:
        if kind not in preferences.kinds:
            continue
        select, param_name = SELECTORS[kind]
        param = getattr(preferences, param_name) if param_name else None
        key = (kind, param, on)
        if key not in cache:
            cache[key] = select(on, param)
        candidates += [(kind, convention, day) for convention, day in cache[key]]
    if not candidates:
        return []
    sent = set(
        SentReminder.objects.filter(
            user=user, convention__in={convention.pk for _, convention, _ in candidates}
        ).values_list("convention_id", "kind", "due_on")
    )
    reminders = [
        Reminder(kind, convention, day, LABELS[kind].format(date=french_date(day)))
        for kind, convention, day in candidates
        if (convention.pk, kind.value, day) not in sent
    ]
    return sorted(reminders, key=lambda r: (r.date, r.convention.title, r.convention.pk))


def subject(count: int) -> str:
    plural = "s" if count > 1 else ""
    return f"Conventions UNML : {count} échéance{plural} à suivre"


def digest_sections(reminders: list[Reminder]) -> list[dict]:
    """The digest's non-empty sections, in a fixed order: {"title": ..., "reminders": [...]}."""
    sections = [
        {"title": title, "reminders": [r for r in reminders if r.kind == kind]}
        for kind, title in SECTIONS.items()
    ]
    return [section for section in sections if section["reminders"]]


def render_digest(user, reminders: list[Reminder]) -> str:
    with translation.override("fr"):
        return render_to_string(
            "accounts/reminder_digest.txt",
            {
                "name": user.get_full_name() or user.username,
                "count": len(reminders),
                "sections": digest_sections(reminders),
            },
        )


def subscribers():
    """Subscribed, active users with an e-mail address who may read the conventions."""
    may_view = {"codename": "view_convention", "content_type__app_label": "conventions"}
    return (
        ReminderPreferences.objects.filter(is_subscribed=True, user__is_active=True)
        .exclude(user__email="")
        .filter(
            Q(user__is_superuser=True)
            | Q(**{f"user__groups__permissions__{k}": v for k, v in may_view.items()})
            | Q(**{f"user__user_permissions__{k}": v for k, v in may_view.items()})
        )
        .distinct()
        .select_related("user")
        .order_by("user__pk")
    )


@transaction.atomic
def _send_digest(preferences: ReminderPreferences, day: datetime.date, cache: dict) -> bool:
    # The lock makes a concurrent run wait, then find the reminders recorded by this one.
    ReminderPreferences.objects.select_for_update().filter(pk=preferences.pk).exists()
    user = preferences.user
    reminders = due_reminders(user, on=day, cache=cache)
    if not reminders:
        return False
    SentReminder.objects.bulk_create(
        SentReminder(user=user, convention=r.convention, kind=r.kind, due_on=r.date)
        for r in reminders
    )
    # Sent last: if it fails, the transaction rolls back and tomorrow's run tries again.
    send_mail(
        subject(len(reminders)),
        render_digest(user, reminders),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return True


def send_reminders(*, on: datetime.date | None = None) -> int:
    """E-mail each subscriber one digest of their new reminders; return the e-mails sent."""
    day = on or timezone.localdate()
    cache = {}
    sent = 0
    for preferences in subscribers():
        try:
            sent += _send_digest(preferences, day, cache)
        except (smtplib.SMTPException, OSError):
            # One refused address must not deprive the others of their digest.
            logger.exception("Échec de l'envoi des rappels à %s", preferences.user.email)
    return sent
