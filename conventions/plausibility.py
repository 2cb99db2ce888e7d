"""Dates a convention may well have, but that are more often a slip of the keyboard.

Not errors: the staff form shows them and saves once the user confirms ("Enregistrer quand
même"). The rules are here, in one place; the form only places the messages.
"""

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.utils import timezone

from .dates import add_months
from .models import Convention, Signatory
from .templatetags.dates import long_date

# An effective date further than this from the signature is unusual.
EFFECTIVE_WITHIN_MONTHS = 12


class PlausibilityWarning(NamedTuple):
    """What looks wrong (`message`, in French) and where: a field of the convention, or of
    the signatory `row` when there is one."""

    field: str
    message: str
    row: Signatory | None = None


def _signed_on(convention: Convention) -> str:
    return long_date(convention.signed_on)


def _term_shorter_than(convention: Convention, months: int) -> bool:
    """The convention's term (duration, or period from its effective date) is shorter than
    `months` months."""
    if convention.duration_months:
        return convention.duration_months < months
    start = convention.effective_on or convention.signed_on
    if convention.period_end and start:
        return add_months(start, months) > convention.period_end + datetime.timedelta(days=1)
    return False


def plausibility_warnings(
    convention: Convention,
    signatories: Iterable[Signatory] = (),
    *,
    today: datetime.date | None = None,
) -> list[PlausibilityWarning]:
    """What is implausible in `convention` as filled in, and in its `signatories`:

    - a signature date after today (`today`);
    - a notice period longer than the term;
    - a signatory who signed before the convention's signature date;
    - an effective date more than a year before or after the signature.
    """
    today = today or timezone.localdate()
    warnings = []
    signed_on, effective_on = convention.signed_on, convention.effective_on
    if signed_on and signed_on > today:
        warnings.append(
            PlausibilityWarning(
                "signed_on",
                f"La date de signature ({_signed_on(convention)}) est postérieure à aujourd'hui.",
            )
        )
    if effective_on and signed_on and effective_on != signed_on:
        within = EFFECTIVE_WITHIN_MONTHS
        if not add_months(signed_on, -within) <= effective_on <= add_months(signed_on, within):
            warnings.append(
                PlausibilityWarning(
                    "effective_on",
                    f"La date d'effet ({long_date(effective_on)}) est à plus d'un an de la "
                    f"date de signature ({_signed_on(convention)}).",
                )
            )
    notice = convention.notice_months
    if notice and _term_shorter_than(convention, notice):
        warnings.append(
            PlausibilityWarning(
                "notice_months",
                f"Le préavis de résiliation ({notice} mois) est plus long que la durée de la "
                "convention.",
            )
        )
    for signatory in signatories:
        if signed_on and signatory.signed_on and signatory.signed_on < signed_on:
            warnings.append(
                PlausibilityWarning(
                    "signed_on",
                    f"{signatory.name or 'Ce signataire'} a signé le "
                    f"{long_date(signatory.signed_on)}, avant la date de signature de la "
                    f"convention ({_signed_on(convention)}).",
                    row=signatory,
                )
            )
    return warnings
