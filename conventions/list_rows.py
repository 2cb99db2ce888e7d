"""The rows of the conventions list, read as values rather than as model instances.

A page of the list shows 50 rows. Read as instances (a convention, its parties and their
partners: some 200 objects) and rendered through their methods, they took half the time of a
page rendered from scratch; read as values into dicts, 16 ms instead of 41
(docs/performance.md). Each row is kept in the cache under its convention's version and its
status (page_cache.row_keys): rendered again when the convention changes, when its status does
(at midnight) or when a partner does.
"""

import datetime
from collections import defaultdict
from typing import TypedDict

from django.urls import reverse

from .enums import ConventionKind, Status
from .models import Convention, Party
from .models.convention import STATUS_DATES, status_from_dates


class ListRow(TypedDict):
    """A row, as a dict: the template engine looks keys up first, and attributes only after
    failing that (an exception per attribute, a third of the rendering time)."""

    pk: int
    version: int
    updated_at: datetime.datetime
    reference: str
    title: str
    kind_label: str
    signed_on: datetime.date | None
    signed_on_precision: str
    end_on: datetime.date | None
    status: Status
    # Filled in for the rows rendered only (fill_in), the others coming from the cache:
    url: str
    # (name, acronym) of each party, in their order.
    parties: list[tuple[str, str]]


def read_rows(ids: list[int], day: datetime.date) -> dict[int, ListRow]:
    """The rows of these conventions, what their cache keys need and their own columns, in
    one query (page_cache.row_keys)."""
    fields = (
        "pk",
        "version",
        "updated_at",
        "reference",
        "title",
        "kind",
        "signed_on_precision",
        *STATUS_DATES,
    )
    values = Convention.objects.filter(pk__in=ids).values_list(*fields)
    rows = {}
    for pk, version, updated_at, reference, title, kind, precision, *dates in values:
        rows[pk] = ListRow(
            pk=pk,
            version=version,
            updated_at=updated_at,
            reference=reference,
            title=title,
            url="",
            kind_label=ConventionKind(kind).label,
            signed_on=dates[0],
            signed_on_precision=precision,
            end_on=dates[2],
            status=status_from_dates(day, *dates),
            parties=[],
        )
    return rows


def fill_in(rows: list[ListRow]) -> None:
    """Add what rendering these rows needs besides: their parties (in one query), their URL."""
    parties = defaultdict(list)
    names = (
        Party.objects.filter(convention_id__in=[row["pk"] for row in rows])
        .order_by("position", "pk")
        .values_list("convention_id", "partner__name", "partner__acronym")
    )
    for convention_id, name, acronym in names:
        parties[convention_id].append((name, acronym))
    for row in rows:
        row["parties"] = parties[row["pk"]]
        row["url"] = reverse("conventions:convention_detail", args=[row["pk"]])
