"""The change history of a convention and of every row hanging off it, told in French.

Told by partners/history.py (one historical table per model; a fixed number of queries however
long the history, under 40 for a convention); this module says which records belong to a
convention and how its rows are named.
"""

from django.db.models import Q

from partners.history import (
    UNKNOWN_USER,
    FieldChange,
    HistoryEntry,
    Source,
    historical,
    tell_history,
)
from partners.models import Partner

from .models import (
    CONVENTION_ROWS,
    Amendment,
    AmendmentChange,
    Attachment,
    Axis,
    Commitment,
    Convention,
    Party,
    Review,
    Signatory,
    Statement,
    Target,
    TargetResult,
)

__all__ = ["UNKNOWN_USER", "FieldChange", "HistoryEntry", "convention_history"]

HISTORY_LIMIT = 30
M2M_FIELDS = ("audiences", "themes", "territories")

# How each of CONVENTION_ROWS is named in the history: the fields that tell it apart from its
# siblings.
ROW_NAMES = {
    Party: "{partner}",
    Signatory: "{name}",
    Axis: "{title}",
    Commitment: "{text}",
    Target: "{label}",
    Amendment: "{number}",
    Review: "{held_on}",
    Attachment: "{title}",
    Statement: "{person}",
}
# Related rows a change may name: read once for the whole page.
NAMED_MODELS = {
    Partner: "{name}",
    Axis: "{title}",
    Convention: "{title}",
    Target: "{label}",
    Amendment: "avenant n° {number}",
}


def convention_sources(convention: Convention) -> list[Source]:
    """The historical records of `convention`, of its rows and of their own rows (a target's
    results, an amendment's changes: found through every target or amendment it ever had)."""
    targets = historical(Target).objects.filter(convention_id=convention.pk).values("id")
    amendments = historical(Amendment).objects.filter(convention_id=convention.pk).values("id")
    return [
        # The end date (duration, period, amendments) and the reference (signature year) are
        # derived but worth telling.
        Source(
            Convention,
            Q(id=convention.pk),
            derived_fields=("end_on", "reference"),
            m2m_fields=M2M_FIELDS,
        ),
        *(
            Source(model, Q(convention_id=convention.pk), name=ROW_NAMES[model])
            for model in CONVENTION_ROWS
        ),
        Source(TargetResult, Q(target_id__in=targets), name="{target} · {year}"),
        Source(AmendmentChange, Q(amendment_id__in=amendments), name="{amendment} · {field}"),
    ]


def convention_history(convention: Convention, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The latest changes to `convention` and its rows, newest first: who, when, what changed."""
    return tell_history(convention_sources(convention), named=NAMED_MODELS, limit=limit)
