"""The search document of a convention: its text and that of everything hanging off it.

`Convention.search_document` is a denormalised copy of every text its page shows: the title,
reference, summary, preamble, objectives, follow-up and communication, amount ("850000",
"850 000 €"), axes, commitments, parties' names and acronyms, signatories (names, titles, "par
délégation de"), targets, amendments and the texts they rewrite, reviews, quotes and the titles
of attachments. It is folded (lower case, accents removed) so that SQLite's plain
contains-search ignores accents too; PostgreSQL's `french_unaccent` configuration gives the same
words, so one format serves both.

Receivers below rebuild it whenever one of those rows changes: a handful of SELECTs for any
number of conventions, then one UPDATE per convention (`queryset.update`, so no signal fires
again and no history row is written).
"""

import decimal
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from partners.models import Partner

from .models import (
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
)

# (model, key to the convention, fields whose text is searched)
SOURCES = [
    (
        "Convention",
        "pk",
        (
            *("reference", "title", "summary", "preamble", "objectives", "event", "signed_at"),
            *("follow_up", "communication", "amount"),
        ),
    ),
    ("Party", "convention_id", ("partner__name", "partner__acronym")),
    ("Signatory", "convention_id", ("name", "title", "on_behalf_of")),
    ("Axis", "convention_id", ("title", "description")),
    ("Commitment", "convention_id", ("text",)),
    ("Target", "convention_id", ("label", "value", "unit")),
    ("Amendment", "convention_id", ("summary",)),
    ("AmendmentChange", "amendment__convention_id", ("old_value", "new_value")),
    ("Review", "convention_id", ("participants", "summary", "decisions")),
    ("Statement", "convention_id", ("person", "role", "text", "organisation__name")),
    ("Attachment", "convention_id", ("title",)),
]
# Searched as the page writes them ("850 000 €") and as typed without spaces ("850000").
EURO_FIELDS = {("Convention", "amount")}

# Ligatures have no Unicode decomposition; PostgreSQL's unaccent maps them the same way.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "\u2019": "'", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, without accents or ligatures: "Académie Œuvre" -> "academie oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# "850 000" (spaces, non-breaking or not, between groups of three digits): one number.
GROUPED_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")


def join_number_groups(text: str) -> str:
    """ "850 000 €" -> "850000 €": searched as the one number "850000" the document holds, not
    as "850" and "000" found anywhere (in "85 000" on SQLite, whose search reads substrings)."""
    return GROUPED_NUMBER.sub(lambda match: re.sub(r"\D", "", match.group()), text)


def number_words(value: decimal.Decimal, *, euros: bool = False) -> str:
    """850000 -> "850000 850 000" (and " €"), the ways a user types the number the page shows."""
    whole = value == value.to_integral_value()
    plain = f"{value:.0f}" if whole else f"{value:.2f}".replace(".", ",")
    grouped = f"{value:,.0f}" if whole else f"{value:,.2f}".replace(".", "!")
    grouped = grouped.replace(",", " ").replace("!", ",")
    return f"{plain} {grouped}{' €' if euros else ''}"


def build_search_documents(convention_ids: Iterable[int], *, apps=global_apps) -> dict[int, str]:
    """The folded search document of each convention, in one query per source whatever their
    number."""
    ids = set(convention_ids)
    if not ids:
        return {}

    parts: dict[int, list[str]] = defaultdict(list)
    for name, key, fields in SOURCES:
        try:
            model = apps.get_model("conventions", name)
        except LookupError:  # an early migration's models (0002): not created yet
            continue
        rows = model.objects.filter(**{f"{key}__in": ids})
        for pk, *values in rows.values_list(key, *fields):
            for field, value in zip(fields, values, strict=True):
                if isinstance(value, decimal.Decimal):
                    value = number_words(value, euros=(name, field) in EURO_FIELDS)
                parts[pk].append(value)
    return {pk: fold("\n".join(text for text in texts if text)) for pk, texts in parts.items()}


def refresh_search_documents(convention_ids: Iterable[int], *, apps=global_apps) -> dict[int, str]:
    """Rebuild and store the search documents of these conventions; return them."""
    documents = build_search_documents(convention_ids, apps=apps)
    manager = apps.get_model("conventions", "Convention").objects
    for pk, document in documents.items():
        # Left out of the change history on purpose: derived text, not a change anyone made.
        manager.filter(pk=pk).update(search_document=document)
    return documents


# Receivers ------------------------------------------------------------------------------------


@receiver(post_save, sender=Convention, dispatch_uid="search_convention_saved")
def convention_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: related rows may not be there yet, and the fixture holds the document
        return
    documents = refresh_search_documents([instance.pk])
    instance.search_document = documents.get(instance.pk, "")


def _deleted_with_its_convention(origin) -> bool:
    """True when the deletion started from the convention itself: nothing left to refresh."""
    model = getattr(origin, "model", type(origin))
    return model is Convention


def _child_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or (origin is not None and _deleted_with_its_convention(origin)):
        return
    if sender is AmendmentChange:
        if origin is not None and getattr(origin, "model", type(origin)) is Amendment:
            return  # deleted with its amendment, whose own deletion refreshes the document
        convention_ids = Amendment.objects.filter(pk=instance.amendment_id).values_list(
            "convention_id", flat=True
        )
    else:
        convention_ids = [instance.convention_id]
    refresh_search_documents(convention_ids)


SEARCHED_ROWS = (
    Axis,
    Commitment,
    Party,
    Signatory,
    Target,
    Amendment,
    AmendmentChange,
    Review,
    Statement,
    Attachment,
)
for child in SEARCHED_ROWS:
    post_save.connect(_child_changed, sender=child, dispatch_uid=f"search_{child.__name__}_saved")
    post_delete.connect(
        _child_changed, sender=child, dispatch_uid=f"search_{child.__name__}_deleted"
    )


@receiver(post_save, sender=Partner, dispatch_uid="search_partner_saved")
def partner_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:  # a new partner is a party to nothing yet
        return
    refresh_search_documents(
        [
            *Party.objects.filter(partner=instance).values_list("convention_id", flat=True),
            *Statement.objects.filter(organisation=instance).values_list(
                "convention_id", flat=True
            ),
        ]
    )
