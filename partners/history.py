"""The change history of a record and of the rows hanging off it, told in French.

django-simple-history keeps one historical table per model. For each source (the record itself,
each kind of row) the latest records are read with the id of the record before them (a window
function), then the records before them, the names of the rows they point to and the labels of
the record's many-to-many fields, each in one query: a fixed number of queries, however long
the history. The partner page tells a partner's history (`partner_history`), the convention
page a convention's (conventions/history.py); the French wording is here, for both.
"""

import datetime
import decimal
import difflib
import functools
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.db.models import F, Q, Value, Window
from django.db.models.functions import Lag
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator, capfirst

from .models import Contact, KeyFigure, Partner, Territory

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
EMPTY = "—"
UNKNOWN_USER = "Inconnu"
# A value longer than this is shortened ("…"); a change between two texts this long or longer
# is told word by word (word_diff), else the shortened values could read the same.
SHORT_TEXT = 120
# Words kept on each side of a changed passage.
DIFF_CONTEXT = 3


@dataclass
class FieldChange:
    field: str
    old: str
    new: str
    # For a long text: (kind, words) pieces, kind "same", "del", "ins", "gap" or "note".
    diff: list[tuple[str, str]] | None = None


def word_diff(old: str, new: str, *, context: int = DIFF_CONTEXT) -> list[tuple[str, str]]:
    """The words that changed from `old` to `new`, with `context` words around each change and
    "…" for the unchanged passages between: [("same", "rend compte chaque"), ("del", "année"),
    ("ins", "semestre"), ("same", "au comité de"), ("gap", "…")]."""
    before, after = old.split(), new.split()
    if before == after:
        return [("note", "espaces ou retours à la ligne modifiés")]
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    pieces: list[tuple[str, str]] = []
    end = 0  # where the previous group of changes stopped, in `before`
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > end:
            pieces.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                pieces.append(("same", " ".join(before[i1:i2])))
                continue
            if i2 > i1:
                pieces.append(("del", " ".join(before[i1:i2])))
            if j2 > j1:
                pieces.append(("ins", " ".join(after[j1:j2])))
        end = group[-1][2]
    if end < len(before):
        pieces.append(("gap", "…"))
    return pieces


def _long_texts(old, new) -> bool:
    return (
        isinstance(old, str)
        and isinstance(new, str)
        and bool(old)
        and bool(new)
        and max(len(old), len(new)) > SHORT_TEXT
    )


@dataclass
class HistoryEntry:
    date: datetime.datetime
    user: str
    action: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


class History(list):
    """The entries told, newest first; `complete` is False when older records were left out
    (the panel then says it shows the latest changes, not the whole history)."""

    complete = True


@dataclass(frozen=True)
class Source:
    """The historical records of one model that belong to the history being told.

    `lookup` filters the model's historical table. `name` tells a row apart from its siblings:
    a template of its fields, "{title}", "{target} · {year}" (related rows by their name in
    `named`); empty for the record whose history it is. Fields a form does not edit are left out
    of the changes, except `derived_fields` (an end date computed from others, say).
    """

    model: type[models.Model]
    lookup: Q
    name: str = ""
    derived_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()

    @property
    def name_fields(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.name) if name]


@functools.cache
def historical(model: type[models.Model]) -> type[models.Model]:
    """The historical model of `model`. `model.history` builds a manager class on every access
    (0.2 ms, a dozen times a page)."""
    return model.history.model


def _latest_records(source: Source, limit: int) -> list:
    previous = Window(
        Lag("history_id"),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
    )
    return list(
        historical(source.model)
        .objects.filter(source.lookup)
        .annotate(previous_history_id=previous)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def _recorded(sources: Sequence[Source]) -> list[Source]:
    """The sources that hold any record, asked in one query: most kinds of rows of a record
    have none (never written since an import), and each query for the latest records costs
    more to build than this one."""
    if len(sources) < 2:
        return list(sources)
    present = [
        historical(source.model)
        .objects.filter(source.lookup)
        .order_by()
        .annotate(source=Value(index, output_field=models.IntegerField()))
        .values_list("source", flat=True)
        for index, source in enumerate(sources)
    ]
    found = set(present[0].union(*present[1:]))
    return [source for index, source in enumerate(sources) if index in found]


def _user_label(record) -> str:
    user = record.history_user
    if user is None:
        return UNKNOWN_USER
    return user.get_full_name() or user.get_username()


def _m2m_labels(model: type[models.Model], names: Sequence[str], records: list) -> dict:
    """(history id, field name) -> the labels `model`'s record carried in that history record."""
    labels: dict[tuple[int, str], set[str]] = {
        (r.history_id, name): set() for r in records for name in names
    }
    if not records:
        return labels
    history = historical(model)
    for name in names:
        relation = history._meta.get_field(f"{history._meta.model_name}_{name}")
        target = model._meta.get_field(name).related_model._meta.model_name
        rows = relation.related_model.objects.filter(history_id__in=[r.history_id for r in records])
        for row in rows.select_related(target):
            related = getattr(row, target)
            labels[(row.history_id, name)].add(str(related) if related else EMPTY)
    return labels


class _Namer:
    """Formats values for a person: choice labels, French dates and numbers, related names."""

    def __init__(self, records: list, named: dict[type[models.Model], str]):
        wanted: dict[type[models.Model], set] = {model: set() for model in named}
        for record in records:
            for model_field in record.instance_type._meta.concrete_fields:
                if model_field.is_relation and model_field.related_model in wanted:
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
        self.names = {}
        for model, pks in wanted.items():
            if not pks:
                continue
            template = named[model]
            fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
            rows = model.objects.filter(pk__in=pks).order_by().values("pk", *fields)
            for row in rows:
                self.names[(model, row.pop("pk"))] = template.format(**row)
            deleted = {pk for pk in pks if (model, pk) not in self.names}
            if deleted and hasattr(model, "history"):
                # Named as they were last recorded (the latest record of each wins).
                records = (
                    historical(model)
                    .objects.filter(id__in=deleted)
                    .order_by("history_date", "history_id")
                )
                for row in records.values("id", *fields):
                    pk = row.pop("id")
                    self.names[(model, pk)] = f"{template.format(**row)} (supprimé)"

    def value(self, model_field: models.Field, value) -> str:
        if value is None or value == "":
            return EMPTY
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return "oui" if value else "non"
        if model_field.is_relation:
            return self.names.get((model_field.related_model, value), "(supprimé)")
        if isinstance(value, datetime.date):
            return date_format(value)
        if isinstance(value, decimal.Decimal):
            whole = value == value.to_integral_value()
            return number_format(value, decimal_pos=0 if whole else None, force_grouping=True)
        return Truncator(str(value)).chars(SHORT_TEXT)

    def subject(self, record, source: Source) -> str:
        model = record.instance_type
        label = capfirst(model._meta.verbose_name)
        if not source.name:
            return label
        values = {}
        for name in source.name_fields:
            model_field = model._meta.get_field(name)
            values[name] = self.value(model_field, getattr(record, model_field.attname))
        return f"{label} « {Truncator(source.name.format(**values)).chars(60)} »"


def _changed_fields(record, before, source: Source) -> list[tuple[str, object, object]]:
    """(field name, old value, new value) of the fields a person edits, and of the derived
    fields named by `source` (which diff_against leaves out, as any field not editable)."""
    delta = record.diff_against(before, excluded_fields=source.m2m_fields)
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    for name in source.derived_fields:
        old, new = getattr(before, name), getattr(record, name)
        if old != new:
            changes.append((name, old, new))
    return changes


def tell_history(
    sources: Sequence[Source], *, named: dict[type[models.Model], str], limit: int
) -> History:
    """The latest `limit` changes found in `sources`, newest first: who, when, what changed.

    A record saved again without a change is left out. `named` tells how the rows a field
    points to are named: {Partner: "{name}"}.
    """
    by_model = {source.model: source for source in sources}
    # One more than asked from each source: whether older records exist.
    records = sorted(
        chain.from_iterable(_latest_records(source, limit + 1) for source in _recorded(sources)),
        key=lambda r: (r.history_date, r.history_id),
        reverse=True,
    )
    complete = len(records) <= limit
    records = records[:limit]

    previous = {}
    for model in by_model:
        ids = [
            r.previous_history_id
            for r in records
            if r.instance_type is model and r.history_type == "~" and r.previous_history_id
        ]
        if ids:
            rows = historical(model).objects.filter(history_id__in=ids)
            previous.update(((model, r.history_id), r) for r in rows)

    namer = _Namer([*records, *previous.values()], named)
    m2m = {}
    for model, source in by_model.items():
        if source.m2m_fields:
            with_m2m = [r for r in records if r.instance_type is model]
            with_m2m += [rec for (m, _), rec in previous.items() if m is model]
            m2m.update(_m2m_labels(model, source.m2m_fields, with_m2m))

    entries = History()
    entries.complete = complete
    for record in records:
        model = record.instance_type
        source = by_model[model]
        entry = HistoryEntry(
            date=record.history_date,
            user=_user_label(record),
            action=ACTIONS[record.history_type],
            subject=namer.subject(record, source),
        )
        if record.history_type == "~":
            before = previous.get((model, record.previous_history_id))
            if before is None:
                continue
            for name, old, new in _changed_fields(record, before, source):
                model_field = model._meta.get_field(name)
                texts = not model_field.choices and _long_texts(old, new)
                entry.changes.append(
                    FieldChange(
                        capfirst(model_field.verbose_name),
                        namer.value(model_field, old),
                        namer.value(model_field, new),
                        diff=word_diff(old, new) if texts else None,
                    )
                )
            for name in source.m2m_fields:
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


# The partner page --------------------------------------------------------------------------------

PARTNER_HISTORY_LIMIT = 10


def partner_history(partner: Partner, *, limit: int = PARTNER_HISTORY_LIMIT) -> list[HistoryEntry]:
    """The latest changes to `partner`, its key figures and contacts, newest first."""
    sources = [
        Source(Partner, Q(id=partner.pk)),
        Source(KeyFigure, Q(partner_id=partner.pk), name="{label}"),
        Source(Contact, Q(partner_id=partner.pk), name="{name}"),
    ]
    return tell_history(sources, named={Territory: "{name}", Partner: "{name}"}, limit=limit)
