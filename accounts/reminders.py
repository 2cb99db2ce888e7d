"""The daily reminder digest: which deadlines each subscribed user is told about, and sending it.

Run every day from cron (`manage.py send_reminders`). A reminder is keyed by user, convention
(and action or commitment, for theirs), kind and the date it is about, and recorded in
SentReminder when its e-mail is sent: a second run the same day, or the next days, never repeats
it. A new date (an amendment moving the end date, a review held) makes a new reminder. An action
with a due date is reminded twice at most: within the user's threshold, then once overdue.
Each line says what to do and by when, and links to its convention at settings.SITE_URL.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator

from conventions.dates import add_months
from conventions.enums import CommitmentStatus
from conventions.models import Commitment, Convention
from conventions.models.review_schedule import first_day_period_elapsed
from conventions.typography import long_date

from .models import ReminderKind, ReminderPreferences, SentReminder

logger = logging.getLogger(__name__)

# What to do and by when, for each kind: (the date is today or ahead, the date has passed).
WORDING = {
    ReminderKind.ENDING: (
        "Décider du renouvellement avant la fin de la convention le {date}",
        "Convention arrivée à échéance le {date}",
    ),
    ReminderKind.NOTICE: (
        "Donner le préavis de résiliation au plus tard le {date}",
        "Date limite du préavis de résiliation dépassée depuis le {date}",
    ),
    ReminderKind.REVIEW: (
        "Tenir {review}, attendu le {date}",
        "Tenir {review}, attendu depuis le {date}",
    ),
    ReminderKind.DECLINATION: (
        "Faire signer les déclinaisons locales ou régionales au plus tard le {date}",
        "Faire signer les déclinaisons locales ou régionales : échéance dépassée depuis le {date}",
    ),
    ReminderKind.COMMITMENT: (
        "Réaliser l'action « {action} » au plus tard le {date}",
        "Réaliser l'action « {action} » : échéance dépassée depuis le {date}",
    ),
}
WORDING[ReminderKind.COMMITMENT_OVERDUE] = WORDING[ReminderKind.COMMITMENT]
SECTIONS = {
    ReminderKind.ENDING: "Conventions arrivant à échéance",
    ReminderKind.NOTICE: "Dates limites de préavis",
    ReminderKind.REVIEW: "Bilans de suivi en retard",
    ReminderKind.DECLINATION: "Déclinaisons en retard",
    ReminderKind.COMMITMENT: "Actions et engagements à échéance",
    ReminderKind.COMMITMENT_OVERDUE: "Actions et engagements en retard",
}
# Only what the digest shows is loaded.
FIELDS = ("pk", "reference", "title", "end_on", "declination_deadline")
CLOSED_COMMITMENTS = (CommitmentStatus.DONE, CommitmentStatus.DROPPED)
# A review named by how often the convention holds one: "le bilan annuel".
REVIEW_PERIODS = {3: "trimestriel", 6: "semestriel", 12: "annuel"}


@dataclass(frozen=True)
class Reminder:
    kind: str
    convention: Convention
    date: datetime.date
    label: str
    commitment: Commitment | None = None

    @property
    def url(self) -> str:
        return absolute_url(page_path(self.convention, self.commitment))


def page_path(convention: Convention, commitment: Commitment | None = None) -> str:
    """The convention's page, at the action or commitment when there is one."""
    path = convention.get_absolute_url()
    return f"{path}#engagement-{commitment.pk}" if commitment else path


def absolute_url(path: str) -> str:
    """The full address of `path` on the site (settings.SITE_URL): for links read outside it."""
    return f"{settings.SITE_URL}{path}"


def french_date(day: datetime.date) -> str:
    """The date in French words: "1er mars 2027", "2 mars 2027"."""
    return long_date(day)


NEAR_DAYS = {0: "aujourd'hui", 1: "demain", -1: "hier"}


def relative_day(day: datetime.date, *, today: datetime.date) -> str:
    """How far `day` is from `today`, in words: "demain", "dans 12 jours", "il y a 3 mois"."""
    days = (day - today).days
    if days in NEAR_DAYS:
        return NEAR_DAYS[days]
    if abs(days) <= 60:
        span = f"{abs(days)} jours"
    else:
        start, stop = sorted((today, day))
        months = (stop.year - start.year) * 12 + stop.month - start.month
        if add_months(start, months) > stop:
            months -= 1
        exact = add_months(start, months) == stop
        span = f"{months} mois" if months < 24 else f"{months // 12} ans"
        if not exact or (months >= 24 and months % 12):
            span = f"plus de {span}"
    return f"dans {span}" if days > 0 else f"il y a {span}"


def deadline_text(
    kind: str,
    day: datetime.date,
    *,
    today: datetime.date | None = None,
    convention: Convention | None = None,
    commitment: Commitment | None = None,
) -> str:
    """What to do and by when: "Donner le préavis de résiliation au plus tard le 1er mars 2027
    (dans 12 jours)". Without `today` (a calendar read any day), no "dans…" and the wording of a
    date ahead. A review reads the `convention`'s review_every_months (loaded with it)."""
    ahead, passed = WORDING[kind]
    words = {"date": french_date(day), "action": "", "review": "le bilan de suivi"}
    if commitment:
        # On one line, shortened as in the history (a text may run over paragraphs).
        words["action"] = Truncator(" ".join(commitment.text.split())).chars(80)
    if kind == ReminderKind.REVIEW and convention is not None:
        period = REVIEW_PERIODS.get(convention.review_every_months)
        if period:
            words["review"] = f"le bilan {period}"
    if today is None:
        return ahead.format(**words)
    wording = passed if day < today else ahead
    return f"{wording.format(**words)} ({relative_day(day, today=today)})"


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


def open_commitments(conventions: QuerySet) -> QuerySet:
    """The actions and commitments of `conventions` that have a due date and are neither done
    nor dropped (Commitment.is_overdue_on's rule), each with its convention's FIELDS."""
    return (
        Commitment.objects.filter(due_on__isnull=False, convention__in=conventions.values("pk"))
        .exclude(status__in=CLOSED_COMMITMENTS)
        .select_related("convention")
        .only("text", "due_on", "convention", *(f"convention__{f}" for f in FIELDS if f != "pk"))
        .order_by("due_on", "pk")
    )


def _commitment(day, weeks):
    due = open_commitments(Convention.objects.in_force(on=day)).filter(
        due_on__gte=day, due_on__lte=day + datetime.timedelta(weeks=weeks)
    )
    return [(c.convention, c.due_on, c) for c in due]


def _commitment_overdue(day, _param):
    late = open_commitments(Convention.objects.in_force(on=day)).filter(due_on__lt=day)
    return [(c.convention, c.due_on, c) for c in late]


SELECTORS = {
    ReminderKind.ENDING: (_ending, "ending_months"),
    ReminderKind.NOTICE: (_notice, "notice_weeks"),
    ReminderKind.REVIEW: (_review, None),
    ReminderKind.DECLINATION: (_declination, None),
    ReminderKind.COMMITMENT: (_commitment, "commitment_weeks"),
    ReminderKind.COMMITMENT_OVERDUE: (_commitment_overdue, None),
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
        # An action's or commitment's selection also names it: (convention, day, commitment).
        for convention, day, *commitment in cache[key]:
            candidates.append((kind, convention, day, commitment[0] if commitment else None))
    if not candidates:
        return []
    sent = set(
        SentReminder.objects.filter(
            user=user, convention__in={convention.pk for _, convention, _, _ in candidates}
        ).values_list("convention_id", "kind", "due_on", "commitment_id")
    )
    reminders = [
        Reminder(
            kind,
            convention,
            day,
            deadline_text(kind, day, today=on, convention=convention, commitment=commitment),
            commitment,
        )
        for kind, convention, day, commitment in candidates
        if (convention.pk, kind.value, day, commitment.pk if commitment else None) not in sent
    ]
    return sorted(
        reminders,
        key=lambda r: (
            r.date,
            r.convention.title,
            r.convention.pk,
            r.commitment.pk if r.commitment else 0,
        ),
    )


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
        SentReminder(
            user=user, convention=r.convention, commitment=r.commitment, kind=r.kind, due_on=r.date
        )
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
