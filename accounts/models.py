import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

# How far ahead a user may ask to be warned, and what they read when they ask for more.
ENDING_MONTHS_RANGE = (1, 24)
NOTICE_WEEKS_RANGE = (1, 52)
ENDING_MONTHS_MESSAGE = "Indiquez un nombre de mois entre 1 et 24."
NOTICE_WEEKS_MESSAGE = "Indiquez un nombre de semaines entre 1 et 52."


def range_validators(bounds: tuple[int, int], message: str) -> list:
    low, high = bounds
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def range_constraint(field: str, bounds: tuple[int, int], message: str) -> models.CheckConstraint:
    """The database's side of range_validators(), named "reminder_<field>_range"."""
    low, high = bounds
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"reminder_{field}_range",
        violation_error_message=message,
    )


def new_calendar_token() -> str:
    """A secret for the personal calendar URL: 256 random bits, safe in a URL."""
    return secrets.token_urlsafe(32)


class ReminderKind(models.TextChoices):
    ENDING = "ending", "Fin de convention"
    NOTICE = "notice", "Date limite de préavis"
    REVIEW = "review", "Bilan de suivi à tenir"
    DECLINATION = "declination", "Échéance des déclinaisons"
    COMMITMENT = "commitment", "Échéance d'une action ou d'un engagement"
    COMMITMENT_OVERDUE = "commitment_overdue", "Action ou engagement en retard"


class ReminderPreferences(models.Model):
    """What a user wants in the daily reminder digest (accounts/reminders.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="reminder_preferences",
    )
    is_subscribed = models.BooleanField(
        "recevoir les rappels par courriel",
        default=False,
        help_text="Un seul courriel récapitulatif, seulement les jours où il y a du nouveau.",
    )
    remind_ending = models.BooleanField("conventions arrivant à échéance", default=True)
    ending_months = models.PositiveSmallIntegerField(
        "échéance dans les (mois)",
        default=6,
        validators=range_validators(ENDING_MONTHS_RANGE, ENDING_MONTHS_MESSAGE),
        help_text="Prévenir autant de mois avant la fin.",
    )
    remind_notice = models.BooleanField("dates limites de préavis", default=True)
    notice_weeks = models.PositiveSmallIntegerField(
        "date limite de préavis dans les (semaines)",
        default=8,
        validators=range_validators(NOTICE_WEEKS_RANGE, NOTICE_WEEKS_MESSAGE),
        help_text="Prévenir autant de semaines avant la date limite de résiliation.",
    )
    remind_review = models.BooleanField("bilans de suivi en retard", default=True)
    remind_declination = models.BooleanField("déclinaisons en retard", default=True)
    remind_commitment = models.BooleanField("actions et engagements à échéance", default=True)
    commitment_weeks = models.PositiveSmallIntegerField(
        "échéance d'une action dans les (semaines)",
        default=4,
        validators=range_validators(NOTICE_WEEKS_RANGE, NOTICE_WEEKS_MESSAGE),
        help_text="Prévenir autant de semaines avant l'échéance d'une action ou d'un engagement.",
    )
    # The secret part of the personal calendar URL (accounts:calendar_feed), made on first use;
    # a new one makes the old URL stop working at once.
    calendar_token = models.CharField(
        "jeton du calendrier", max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # The token is a secret: its history is not kept, only that it was changed (change reason).
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        verbose_name = "préférences de rappel"
        verbose_name_plural = "préférences de rappel"
        constraints = [
            range_constraint("ending_months", ENDING_MONTHS_RANGE, ENDING_MONTHS_MESSAGE),
            range_constraint("notice_weeks", NOTICE_WEEKS_RANGE, NOTICE_WEEKS_MESSAGE),
            range_constraint("commitment_weeks", NOTICE_WEEKS_RANGE, NOTICE_WEEKS_MESSAGE),
        ]

    def __str__(self):
        return f"Rappels de {self.user}"

    @property
    def kinds(self) -> set[str]:
        wanted = {
            ReminderKind.ENDING: self.remind_ending,
            ReminderKind.NOTICE: self.remind_notice,
            ReminderKind.REVIEW: self.remind_review,
            ReminderKind.DECLINATION: self.remind_declination,
            ReminderKind.COMMITMENT: self.remind_commitment,
            ReminderKind.COMMITMENT_OVERDUE: self.remind_commitment,
        }
        return {kind for kind, on in wanted.items() if on}


class SentReminder(models.Model):
    """A reminder already e-mailed: the same (user, convention, kind, date) is never sent twice;
    nor, for an action or commitment, the same (user, commitment, kind, date)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="sent_reminders",
    )
    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="+",
    )
    commitment = models.ForeignKey(
        "conventions.Commitment",
        verbose_name="action ou engagement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField("type de rappel", max_length=20, choices=ReminderKind.choices)
    due_on = models.DateField("date de l'échéance")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "convention", "kind", "due_on"],
                condition=Q(commitment__isnull=True),
                name="sent_reminder_unique",
                violation_error_message="Ce rappel a déjà été envoyé à cet utilisateur.",
            ),
            # Several actions of one convention may fall due the same day.
            models.UniqueConstraint(
                fields=["user", "commitment", "kind", "due_on"],
                condition=Q(commitment__isnull=False),
                name="sent_reminder_commitment_unique",
                violation_error_message="Ce rappel a déjà été envoyé à cet utilisateur.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.due_on:%d/%m/%Y}"
