from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    ENDING = "ending", "Fin de convention"
    NOTICE = "notice", "Date limite de préavis"
    REVIEW = "review", "Bilan de suivi à tenir"
    DECLINATION = "declination", "Échéance des déclinaisons"


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
        "échéance dans les (mois)", default=6, help_text="Prévenir autant de mois avant la fin."
    )
    remind_notice = models.BooleanField("dates limites de préavis", default=True)
    notice_weeks = models.PositiveSmallIntegerField(
        "date limite de préavis dans les (semaines)",
        default=8,
        help_text="Prévenir autant de semaines avant la date limite de résiliation.",
    )
    remind_review = models.BooleanField("bilans de suivi en retard", default=True)
    remind_declination = models.BooleanField("déclinaisons en retard", default=True)

    class Meta:
        verbose_name = "préférences de rappel"
        verbose_name_plural = "préférences de rappel"

    def __str__(self):
        return f"Rappels de {self.user}"

    @property
    def kinds(self) -> set[str]:
        wanted = {
            ReminderKind.ENDING: self.remind_ending,
            ReminderKind.NOTICE: self.remind_notice,
            ReminderKind.REVIEW: self.remind_review,
            ReminderKind.DECLINATION: self.remind_declination,
        }
        return {kind for kind, on in wanted.items() if on}


class SentReminder(models.Model):
    """A reminder already e-mailed: the same (user, convention, kind, date) is never sent twice."""

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
                name="sent_reminder_unique",
                violation_error_message="Ce rappel a déjà été envoyé à cet utilisateur.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.due_on:%d/%m/%Y}"
