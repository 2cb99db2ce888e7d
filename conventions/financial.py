"""The yearly financial conventions (conventions d'application) of a framework agreement.

A financial convention names its framework (`Convention.framework`) and its year
(`financial_year`, one a year per framework), and is of the kind "convention financière": the
model's constraints hold the rules. Here: which conventions may frame financial conventions,
and how the page of a new one is pre-filled from its framework.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from .enums import ConventionKind
from .models import Convention

FINANCIAL_TITLE_SUFFIX = " — convention financière {year}"


def check_can_frame(*, convention: Convention) -> None:
    """Raise a ValidationError saying why `convention` cannot take a financial convention.

    A financial convention applies a signed framework; it does not frame others itself.
    """
    if convention.kind == ConventionKind.FINANCIAL or convention.framework_id is not None:
        raise ValidationError(
            "Une convention financière n'a pas elle-même de convention d'application.",
            code="frame_financial",
        )
    if convention.signed_on is None:
        raise ValidationError(
            "Une convention en projet n'a pas encore de convention financière : "
            "elle doit d'abord être signée.",
            code="frame_draft",
        )


def can_frame(convention: Convention) -> bool:
    try:
        check_can_frame(convention=convention)
    except ValidationError:
        return False
    return True


def next_financial_year(framework: Convention) -> int:
    """The year after its latest financial convention, else the year it took effect (or, for
    want of it, this year)."""
    latest = (
        framework.financial_conventions.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .first()
    )
    if latest is not None:
        return latest + 1
    start = framework.effective_on or framework.signed_on
    return start.year if start else timezone.localdate().year


def financial_convention_initial(framework: Convention) -> tuple[dict, list[dict]]:
    """The initial values of a new financial convention of `framework` (its page, the fields
    of the convention form) and of its parties: the framework's, in its order and roles.

    Nothing is saved: the editor completes the page (amount, dates) and saves it.
    """
    year = next_financial_year(framework)
    suffix = FINANCIAL_TITLE_SUFFIX.format(year=year)
    title_length = Convention._meta.get_field("title").max_length - len(suffix)
    initial = {
        "title": f"{framework.title[:title_length]}{suffix}",
        "kind": ConventionKind.FINANCIAL,
        "scope": framework.scope,
        "framework": framework.pk,
        "financial_year": year,
        "audiences": list(framework.audiences.all()),
        "themes": list(framework.themes.all()),
        "territories": list(framework.territories.all()),
    }
    parties = [
        {"partner": party.partner_id, "role": party.role}
        for party in framework.parties.order_by("position", "pk")
    ]
    return initial, parties
