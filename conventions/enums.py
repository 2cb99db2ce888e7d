from django.db import models


class ConventionKind(models.TextChoices):
    PARTNERSHIP = "partnership", "Convention de partenariat"
    NATIONAL_FRAMEWORK = "national_framework", "Convention cadre nationale"
    FRAMEWORK_AGREEMENT = "framework_agreement", "Accord-cadre"
    REINFORCED_PARTNERSHIP = "reinforced_partnership", "Accord de partenariat renforcé"
    MULTI_YEAR = "multi_year", "Convention pluriannuelle de partenariat"
    FINANCIAL = "financial", "Convention financière"
    OTHER = "other", "Autre"


class Scope(models.TextChoices):
    NATIONAL = "national", "Nationale"
    REGIONAL = "regional", "Régionale"
    LOCAL = "local", "Locale"


class Status(models.TextChoices):
    """Derived from the dates, never typed: see ConventionQuerySet.with_status()."""

    DRAFT = "draft", "Projet"
    SIGNED = "signed", "Signée, pas encore en vigueur"
    IN_FORCE = "in_force", "En vigueur"
    # Signed, in effect, and no end date known (no duration, period nor amended end).
    IN_FORCE_OPEN_ENDED = "in_force_open_ended", "En vigueur, durée non précisée"
    EXPIRED = "expired", "Échue"
    TERMINATED = "terminated", "Résiliée"

    @property
    def short_label(self) -> str:
        """The label of a badge in a column (the conventions list), where the title needs
        the room; the other pages say it in full."""
        return STATUS_SHORT_LABELS.get(self, self.label)


STATUS_SHORT_LABELS = {
    Status.SIGNED: "Signée (à venir)",
    Status.IN_FORCE_OPEN_ENDED: "En vigueur (fin inconnue)",
}


class DeclinationProgress(models.TextChoices):
    """Where a declination stands against its national convention's deadline: derived, never
    typed (see ConventionQuerySet.with_declination_progress())."""

    SIGNED = "signed", "Signée"
    PREPARING = "preparing", "En préparation"
    OVERDUE = "overdue", "En retard"


class PartyRole(models.TextChoices):
    NETWORK = "network", "Réseau des Missions Locales"
    PARTNER = "partner", "Partenaire"
    STATE = "state", "État"
    FUNDER = "funder", "Financeur"
    OTHER = "other", "Autre"


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    DROPPED = "dropped", "Abandonnée"


class ReviewKind(models.TextChoices):
    STEERING_COMMITTEE = "steering_committee", "Comité de suivi"
    INTERIM_REVIEW = "interim_review", "Bilan d'étape"
    ANNUAL_MEETING = "annual_meeting", "Rencontre annuelle"
    OTHER = "other", "Autre"


class AttachmentKind(models.TextChoices):
    SIGNED_COPY = "signed_copy", "Convention signée"
    ANNEX = "annex", "Annexe"
    PRESS_RELEASE = "press_release", "Communiqué de presse"
    PHOTO = "photo", "Photo"
    TERMINATION_PROOF = "termination_proof", "Preuve de la résiliation"
    OTHER = "other", "Autre"


class TerminationMethod(models.TextChoices):
    REGISTERED_LETTER = "registered_letter", "Lettre recommandée avec accusé de réception"
    AGREEMENT = "agreement", "Accord des parties"
    OTHER = "other", "Autre"


class AmendedField(models.TextChoices):
    """The parts of a convention's text an amendment may rewrite (see services.convention_amend)."""

    PREAMBLE = "preamble", "Préambule"
    OBJECTIVES = "objectives", "Objectifs"
    FOLLOW_UP = "follow_up", "Modalités de suivi"
    COMMUNICATION = "communication", "Communication"
    AMOUNT = "amount", "Montant"
    NOTICE_MONTHS = "notice_months", "Préavis de résiliation"
    REVIEW_EVERY_MONTHS = "review_every_months", "Périodicité des bilans"


class DatePrecision(models.TextChoices):
    """How much of a date is known: a date known to the month or the year is stored as the
    first day of that month or year."""

    DAY = "day", "Date exacte"
    MONTH = "month", "Mois seulement"
    YEAR = "year", "Année seulement"
