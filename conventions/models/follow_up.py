from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import Partner

from ..enums import AmendedField, AttachmentKind, ReviewKind
from ..uploads import ATTACHMENT_HELP_TEXT, attachment_upload_to, validate_attachment
from .convention import Convention


class Amendment(models.Model):
    """An avenant: numbered in signature order; it may move the end date."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField("numéro", blank=True)
    signed_on = models.DateField("date de signature")
    summary = models.TextField("objet de l'avenant")
    new_end_on = models.DateField("nouvelle date de fin", null=True, blank=True)
    # When the amendment was recorded, before its changes were applied: the convention's history
    # as of this moment is the version the amendment changed (see conventions/compare.py).
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="amendment_unique_number",
                violation_error_message="Ce numéro d'avenant existe déjà pour cette convention.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="amendment_number_positive",
                violation_error_message="Les avenants sont numérotés à partir de 1.",
            ),
        ]

    def __str__(self):
        return f"Avenant n° {self.number}"

    def save(self, *args, **kwargs):
        if not self.number:
            last = self.convention.amendments.aggregate(last=Max("number"))["last"]
            self.number = (last or 0) + 1
        super().save(*args, **kwargs)
        # The convention's history names whoever the amendment's does (services set it).
        self.convention.refresh_end_on(by=getattr(self, "_history_user", None))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.convention.refresh_end_on(by=getattr(self, "_history_user", None))
        return result


class AmendmentChange(models.Model):
    """A part of the convention's text rewritten by an amendment: what it said, what it says."""

    amendment = models.ForeignKey(
        Amendment, verbose_name="avenant", on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField("partie modifiée", max_length=30, choices=AmendedField.choices)
    old_value = models.TextField("ancienne rédaction", blank=True)
    new_value = models.TextField("nouvelle rédaction", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "modification par avenant"
        verbose_name_plural = "modifications par avenant"
        ordering = ["amendment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["amendment", "field"],
                name="amendment_change_unique_field",
                violation_error_message="Cet avenant modifie déjà cette partie de la convention.",
            ),
        ]

    def __str__(self):
        return f"{self.amendment} : {self.get_field_display()}"


class Review(models.Model):
    """A follow-up meeting or report (comité de suivi, bilan d'étape)."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=ReviewKind.choices)
    participants = models.TextField("participants", blank=True)
    summary = models.TextField("compte rendu", blank=True)
    decisions = models.TextField("décisions", blank=True)
    next_review_on = models.DateField("prochain bilan prévu le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bilan de suivi"
        verbose_name_plural = "bilans de suivi"
        ordering = ["convention", "-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=F("held_on")),
                name="review_next_after_held",
                violation_error_message="Le prochain bilan doit être postérieur à celui-ci.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"

    def clean(self):
        """A review is recorded once held: not in the future, not before the convention was
        signed; the next one it plans comes after it."""
        errors = {}
        today = timezone.localdate()
        signed_on = self.convention.signed_on if self.convention_id else None
        if self.held_on and self.held_on > today:
            errors["held_on"] = ValidationError(
                "Un bilan s'enregistre une fois tenu : sa date ne peut pas être postérieure à "
                f"aujourd'hui ({today:%d/%m/%Y}). Pour prévoir un bilan, indiquez sa date dans "
                "« Prochain bilan prévu le » du dernier bilan tenu.",
                code="review_in_future",
            )
        elif self.held_on and signed_on and self.held_on < signed_on:
            errors["held_on"] = ValidationError(
                "Un bilan ne peut pas précéder la signature de la convention "
                f"({signed_on:%d/%m/%Y}).",
                code="review_before_signature",
            )
        if self.held_on and self.next_review_on and self.next_review_on <= self.held_on:
            errors["next_review_on"] = ValidationError(
                f"Le prochain bilan doit être postérieur à celui-ci ({self.held_on:%d/%m/%Y}).",
                code="review_next_before_held",
            )
        if errors:
            raise ValidationError(errors)


class Attachment(models.Model):
    """A file kept with the convention (the signed copy, an annex...): stored under a random
    name, downloaded only through the convention's pages (see conventions/uploads.py)."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField("titre", max_length=255)
    kind = models.CharField("type", max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(
        "fichier",
        upload_to=attachment_upload_to,
        validators=[validate_attachment],
        help_text=ATTACHMENT_HELP_TEXT,
    )
    added_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["convention", "kind", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conventions:attachment_download", args=[self.convention_id, self.pk])


class Statement(models.Model):
    """A quote from a press release about the convention."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="statements"
    )
    person = models.CharField("personne", max_length=150)
    role = models.CharField("fonction", max_length=255, blank=True)
    organisation = models.ForeignKey(
        Partner,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    text = models.TextField("déclaration")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "déclaration"
        verbose_name_plural = "déclarations"
        ordering = ["convention", "position", "pk"]

    def __str__(self):
        return f"{self.person} ({self.role})" if self.role else self.person
