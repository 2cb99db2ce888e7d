"""The search document of a convention: its text and that of everything hanging off it.

`Convention.search_document` is a denormalised copy of the title, reference, summary, preamble,
objectives, axes, commitments, parties' names and acronyms, signatories' names and titles. It is
folded (lower case, accents removed) so that SQLite's plain contains-search ignores accents too;
PostgreSQL's `french_unaccent` configuration gives the same words, so one format serves both.

Receivers below rebuild it whenever one of those rows changes: a handful of SELECTs for any
number of conventions, then one UPDATE per convention (`queryset.update`, so no signal fires
again and no history row is written).
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from partners.models import Partner

from .models import Axis, Commitment, Convention, Party, Signatory

# (model, key to the convention, fields whose text is searched)
SOURCES = [
    (
        "Convention",
        "pk",
        ("reference", "title", "summary", "preamble", "objectives", "event", "signed_at"),
    ),
    ("Party", "convention_id", ("partner__name", "partner__acronym")),
    ("Signatory", "convention_id", ("name", "title")),
    ("Axis", "convention_id", ("title", "description")),
    ("Commitment", "convention_id", ("text",)),
]

# Ligatures have no Unicode decomposition; PostgreSQL's unaccent maps them the same way.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "\u2019": "'", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, without accents or ligatures: "Académie Œuvre" -> "academie oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def build_search_documents(convention_ids: Iterable[int], *, apps=global_apps) -> dict[int, str]:
    """The folded search document of each convention, in five queries whatever their number."""
    ids = set(convention_ids)
    if not ids:
        return {}

    parts: dict[int, list[str]] = defaultdict(list)
    for name, key, fields in SOURCES:
        rows = apps.get_model("conventions", name).objects.filter(**{f"{key}__in": ids})
        for row in rows.values_list(key, *fields):
            parts[row[0]].extend(row[1:])
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
    refresh_search_documents([instance.convention_id])


for child in (Axis, Commitment, Party, Signatory):
    post_save.connect(_child_changed, sender=child, dispatch_uid=f"search_{child.__name__}_saved")
    post_delete.connect(
        _child_changed, sender=child, dispatch_uid=f"search_{child.__name__}_deleted"
    )


@receiver(post_save, sender=Partner, dispatch_uid="search_partner_saved")
def partner_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:  # a new partner is a party to nothing yet
        return
    refresh_search_documents(
        Party.objects.filter(partner=instance).values_list("convention_id", flat=True)
    )
