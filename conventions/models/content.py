import datetime
import decimal

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import Partner

from ..enums import CommitmentStatus
from .convention import Convention


class Axis(models.Model):
    """A numbered axis of cooperation ("axe de coopération")."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="axes"
    )
    number = models.PositiveSmallIntegerField(
        "numéro", blank=True, help_text="Laisser vide : numéroté à la suite des axes existants."
    )
    title = models.CharField("intitulé", max_length=500)
    description = models.TextField("description", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe"
        verbose_name_plural = "axes"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="axis_unique_number",
                violation_error_message=(
                    "Deux axes d'une même convention ne peuvent pas porter le même numéro."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="axis_number_positive",
                violation_error_message="Les axes sont numérotés à partir de 1.",
            ),
        ]

    def __str__(self):
        return f"Axe {self.number} : {self.title}"

    def save(self, *args, **kwargs):
        if not self.number:
            last = Axis.objects.filter(convention_id=self.convention_id).aggregate(m=Max("number"))
            self.number = (last["m"] or 0) + 1
        super().save(*args, **kwargs)


class Commitment(models.Model):
    """An action or commitment, under an axis or the convention as a whole, borne by a party."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="commitments"
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name="axe",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    text = models.TextField("action ou engagement")
    bearer = models.ForeignKey(
        Partner,
        verbose_name="porté par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        help_text="Laisser vide pour un engagement commun à toutes les parties.",
    )
    status = models.CharField(
        "avancement",
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )
    due_on = models.DateField("échéance", null=True, blank=True)
    note = models.TextField("note de suivi", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action ou engagement"
        verbose_name_plural = "actions et engagements"
        ordering = ["convention", "axis__number", "position", "pk"]

    def __str__(self):
        return self.text if len(self.text) <= 80 else f"{self.text[:79]}…"

    def save(self, *args, **kwargs):
        if self.axis_id:
            self.convention_id = self.axis.convention_id
        super().save(*args, **kwargs)

    @property
    def is_joint(self) -> bool:
        return self.bearer_id is None

    def is_overdue_on(self, day: datetime.date) -> bool:
        """Past its due date on `day` and neither done nor dropped (due on `day` is not late)."""
        return (
            self.due_on is not None
            and self.due_on < day
            and self.status not in (CommitmentStatus.DONE, CommitmentStatus.DROPPED)
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class Target(models.Model):
    """A quantified target ("150 000 jeunes suivis en 2010"); what was reached, year by year, is
    in its results."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="targets"
    )
    label = models.CharField("objectif", max_length=255)
    value = models.DecimalField("valeur visée", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=50, blank=True)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "objectif chiffré"
        verbose_name_plural = "objectifs chiffrés"
        ordering = ["convention", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_value_not_negative",
                violation_error_message="Un objectif chiffré ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return self.label


class TargetResult(models.Model):
    """What was reached towards a target in one year."""

    target = models.ForeignKey(
        Target, verbose_name="objectif", on_delete=models.CASCADE, related_name="results"
    )
    year = models.PositiveSmallIntegerField("année")
    value = models.DecimalField("valeur atteinte", max_digits=14, decimal_places=2)
    note = models.CharField("commentaire", max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur atteinte"
        verbose_name_plural = "valeurs atteintes"
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"],
                name="target_result_unique_year",
                violation_error_message="Une valeur est déjà saisie pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_result_not_negative",
                violation_error_message="Une valeur atteinte ne peut pas être négative.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2100),
                name="target_result_year_plausible",
                violation_error_message="Indiquez une année entre 1900 et 2100.",
            ),
        ]

    def __str__(self):
        return f"{self.target} : {self.year}"

    @property
    def share_of_target(self) -> int | None:
        """The value reached as a whole percentage of the target's value (None for a zero target).

        Reads `self.target`, cached by the convention page's prefetch of `targets__results`.
        """
        target_value = self.target.value
        if not target_value:
            return None
        share = decimal.Decimal(str(self.value)) * 100 / decimal.Decimal(str(target_value))
        return int(share.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
