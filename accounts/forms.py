from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from conventions.forms import StaffFormMixin

from .models import (
    ENDING_MONTHS_MESSAGE,
    ENDING_MONTHS_RANGE,
    NOTICE_WEEKS_MESSAGE,
    NOTICE_WEEKS_RANGE,
    ReminderPreferences,
)


class SignInForm(AuthenticationForm):
    """The sign-in form, refusing a username longer than any account's before looking it up:
    the lockout (django-axes) records every failed attempt under the username typed, in a
    column of limited length. Django's form only tells the browser the limit."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


def threshold_field(label: str, bounds: tuple[int, int], message: str, help_text: str):
    low, high = bounds
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class ReminderPreferencesForm(StaffFormMixin, forms.ModelForm):
    """What a user receives: the digest e-mail, and the kinds of deadline (e-mail and calendar)."""

    ending_months = threshold_field(
        "Prévenir combien de mois avant la fin ?",
        ENDING_MONTHS_RANGE,
        ENDING_MONTHS_MESSAGE,
        "Entre 1 et 24 mois.",
    )
    notice_weeks = threshold_field(
        "Prévenir combien de semaines avant la date limite ?",
        NOTICE_WEEKS_RANGE,
        NOTICE_WEEKS_MESSAGE,
        "Entre 1 et 52 semaines.",
    )
    commitment_weeks = threshold_field(
        "Prévenir combien de semaines avant l'échéance ?",
        NOTICE_WEEKS_RANGE,
        NOTICE_WEEKS_MESSAGE,
        "Entre 1 et 52 semaines.",
    )

    class Meta:
        model = ReminderPreferences
        fields = [
            "is_subscribed",
            "remind_ending",
            "ending_months",
            "remind_notice",
            "notice_weeks",
            "remind_review",
            "remind_declination",
            "remind_commitment",
            "commitment_weeks",
        ]
        labels = {
            "is_subscribed": "Recevoir les rappels par courriel",
            "remind_ending": "Conventions arrivant à leur date de fin",
            "remind_notice": "Dates limites d'envoi d'un préavis de résiliation",
            "remind_review": "Bilans de suivi à tenir",
            "remind_declination": "Déclinaisons locales ou régionales attendues",
            "remind_commitment": "Actions et engagements à échéance",
        }
        help_texts = {
            "is_subscribed": (
                "Un seul courriel récapitulatif, seulement les jours où il y a du nouveau ; "
                "un même rappel n'est jamais envoyé deux fois."
            ),
            "remind_review": "Quand la périodicité prévue est dépassée ou la date prévue passée.",
            "remind_declination": "Quand l'échéance est passée sans déclinaison signée.",
            "remind_commitment": (
                "Avant leur échéance, puis une fois si elle est dépassée, tant qu'ils ne sont "
                "ni réalisés ni abandonnés."
            ),
        }
