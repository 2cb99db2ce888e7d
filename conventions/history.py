"""The change history of a convention and of every row hanging off it, told in French.

django-simple-history keeps one historical table per model. The latest records of each are read
with the id of the record before them (a window function), then the records before them, the
names of the partners, axes and conventions they point to and the labels of the convention's
many-to-many fields, each in one query: about 25 queries at most, however long the history.
"""

import datetime
import decimal
from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.db.models import F, Window
from django.db.models.functions import Lag
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator, capfirst

from partners.models import Partner

from .models import (
    Amendment,
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

HISTORY_LIMIT = 30
ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
EMPTY = "—"
M2M_FIELDS = ("audiences", "themes", "territories")

# How a row is named in the history: the field that tells it apart from its siblings.
ROW_NAMES = {
    Party: "partner",
    Signatory: "name",
    Axis: "title",
    Commitment: "text",
    Target: "label",
    Amendment: "number",
    Review: "held_on",
    Attachment: "title",
    Statement: "person",
}
# Related models whose names a change may show: read once for the whole page.
NAMED_MODELS = {Partner: "name", Axis: "title", Convention: "title"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    date: datetime.datetime
    user: str
    action: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


def _latest_records(model: type[models.Model], convention: Convention, limit: int):
    history = model.history.model
    lookup = {"id": convention.pk} if model is Convention else {"convention_id": convention.pk}
    previous = Window(
        Lag("history_id"),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
    )
    return list(
        history.objects.filter(**lookup)
        .annotate(previous_history_id=previous)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def _user_label(record) -> str:
    user = record.history_user
    if user is None:
        return "Inconnu"
    return user.get_full_name() or user.get_username()


def _m2m_labels(records: list) -> dict[tuple[int, str], set[str]]:
    """(history id, field name) -> the labels the convention carried in that record."""
    labels: dict[tuple[int, str], set[str]] = {
        (r.history_id, name): set() for r in records for name in M2M_FIELDS
    }
    if not records:
        return labels
    history = Convention.history.model
    for name in M2M_FIELDS:
        relation = history._meta.get_field(f"historicalconvention_{name}")
        through = relation.related_model
        target = Convention._meta.get_field(name).related_model._meta.model_name
        rows = through.objects.filter(history_id__in=[r.history_id for r in records])
        for row in rows.select_related(target):
            related = getattr(row, target)
            labels[(row.history_id, name)].add(str(related) if related else EMPTY)
    return labels


class _Namer:
    """Formats values for a person: choice labels, French dates and numbers, related names."""

    def __init__(self, records: list, previous: dict):
        wanted: dict[type[models.Model], set] = {model: set() for model in NAMED_MODELS}
        for record in chain(records, previous.values()):
            for model_field in record.instance_type._meta.concrete_fields:
                if model_field.is_relation and model_field.related_model in wanted:
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
        self.names = {}
        for model, pks in wanted.items():
            if pks:
                attr = NAMED_MODELS[model]
                rows = model.objects.filter(pk__in=pks).order_by().values_list("pk", attr)
                for pk, name in rows:
                    self.names[(model, pk)] = name

    def value(self, model_field: models.Field, value) -> str:
        if value is None or value == "":
            return EMPTY
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return "oui" if value else "non"
        if model_field.is_relation:
            return self.names.get((model_field.related_model, value), f"n° {value} (supprimé)")
        if isinstance(value, datetime.date):
            return date_format(value)
        if isinstance(value, decimal.Decimal):
            whole = value == value.to_integral_value()
            return number_format(value, decimal_pos=0 if whole else None, force_grouping=True)
        return Truncator(str(value)).chars(120)

    def subject(self, record) -> str:
        model = record.instance_type
        if model is Convention:
            return "Convention"
        model_field = model._meta.get_field(ROW_NAMES[model])
        name = self.value(model_field, getattr(record, model_field.attname))
        return f"{capfirst(model._meta.verbose_name)} « {Truncator(name).chars(60)} »"


def convention_history(convention: Convention, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The latest changes to `convention` and its rows, newest first: who, when, what changed."""
    models_ = [Convention, *ROW_NAMES]
    records = sorted(
        chain.from_iterable(_latest_records(m, convention, limit) for m in models_),
        key=lambda r: (r.history_date, r.history_id),
        reverse=True,
    )[:limit]

    previous = {}
    for model in models_:
        history = model.history.model
        ids = [
            r.previous_history_id
            for r in records
            if r.instance_type is model and r.history_type == "~" and r.previous_history_id
        ]
        if ids:
            previous.update(
                ((model, r.history_id), r) for r in history.objects.filter(history_id__in=ids)
            )

    namer = _Namer(records, previous)
    convention_records = [r for r in records if r.instance_type is Convention]
    convention_records += [rec for (model, _), rec in previous.items() if model is Convention]
    m2m = _m2m_labels(convention_records)

    entries = []
    for record in records:
        model = record.instance_type
        entry = HistoryEntry(
            date=record.history_date,
            user=_user_label(record),
            action=ACTIONS[record.history_type],
            subject=namer.subject(record),
        )
        before = previous.get((model, record.previous_history_id))
        if record.history_type == "~":
            if before is None:
                continue
            delta = record.diff_against(before, excluded_fields=M2M_FIELDS)
            for change in delta.changes:
                model_field = model._meta.get_field(change.field)
                entry.changes.append(
                    FieldChange(
                        capfirst(model_field.verbose_name),
                        namer.value(model_field, change.old),
                        namer.value(model_field, change.new),
                    )
                )
            if model is Convention:
                for name in M2M_FIELDS:
                    old = m2m[(before.history_id, name)]
                    new = m2m[(record.history_id, name)]
                    if old != new:
                        entry.changes.append(
                            FieldChange(
                                capfirst(model._meta.get_field(name).verbose_name),
                                ", ".join(sorted(old)) or EMPTY,
                                ", ".join(sorted(new)) or EMPTY,
                            )
                        )
            if not entry.changes:
                continue  # saved again without a change
        entries.append(entry)
    return entries
