"""Compare two versions of a convention: a renewal with the convention it renews, or the
convention before and after one of its amendments.

A `Snapshot` is what a person reads when comparing: the dates and durations, the text, the
parties, the signatories, the axes with their actions and the quantified targets, each part a
list of `Item`s already worded in French. It is read from the current rows (`snapshot`) or from
django-simple-history's records as they stood at a moment (`snapshot_as_of`, the history
managers' `as_of`), in six or seven queries however many rows the convention has.

`compare` matches the items of two snapshots (axes by number, actions by text within their axis,
signatories by name, parties by partner, targets by label: a renewal's target for another year is
the same target) and tells each one added, removed, changed (with the former and the new value
of each field) or unchanged.
"""

import datetime
import decimal
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format

from partners.models import Partner

from .enums import AmendedField
from .models import Axis, Commitment, Convention, Party, Signatory, Target
from .typography import long_date

EMPTY = "—"
JOINT = "Commun à toutes les parties"
GENERAL_COMMITMENTS = "Engagements communs à la convention"


class RowStatus(models.TextChoices):
    ADDED = "added", "Ajouté"
    REMOVED = "removed", "Supprimé"
    CHANGED = "changed", "Modifié"
    UNCHANGED = "unchanged", "Inchangé"


# Formatting: the words of the convention page -------------------------------------------------


def format_day(day: datetime.date | None) -> str:
    return long_date(day) or EMPTY


def format_moment(moment: datetime.datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{date_format(moment, 'j F Y')} à {date_format(moment, 'H:i')}"


def format_number(value: decimal.Decimal | int | str) -> str:
    """150000.00 -> "150 000", 1234.5 -> "1 234,50" (French grouping and decimal comma)."""
    value = decimal.Decimal(value)
    whole = value == value.to_integral_value()
    return number_format(value, decimal_pos=0 if whole else 2, force_grouping=True)


def _text(value: str | None) -> str:
    return value.strip() if value and value.strip() else EMPTY


def _months(months: int | None, wording: str = "{} mois") -> str:
    return wording.format(months) if months is not None else EMPTY


def _amount(amount: decimal.Decimal | None) -> str:
    return f"{format_number(amount)} €" if amount is not None else EMPTY


# How each part an amendment may rewrite reads (see services.convention_amend).
AMENDED_VALUE_WORDING = {
    AmendedField.AMOUNT: lambda text: _amount(decimal.Decimal(text)),
    AmendedField.NOTICE_MONTHS: lambda text: _months(int(text)),
    AmendedField.REVIEW_EVERY_MONTHS: lambda text: _months(int(text), "tous les {} mois"),
}


def amended_value_label(field: str, text: str) -> str:
    """A value an amendment set or replaced, as stored in AmendmentChange, as a person reads it:
    "150 000 €", "2 mois", "tous les 6 mois"; a text as it is; nothing as "—"."""
    if not text:
        return EMPTY
    wording = AMENDED_VALUE_WORDING.get(field)
    return wording(text) if wording else text


def _key_text(text: str) -> str:
    """Text as matched between versions: case and spacing do not tell two rows apart."""
    return " ".join(text.split()).casefold()


# Snapshots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of a snapshot: `key` matches it with its counterpart in the other version,
    `values` are (field label, value) pairs; a one-value item has an empty field label."""

    key: tuple
    label: str
    values: tuple[tuple[str, str], ...] = ()
    level: int = 0


@dataclass(frozen=True)
class Snapshot:
    """A convention as it stood at `moment` (None: as it is now), part by part."""

    convention: Convention
    moment: datetime.datetime | None
    sections: tuple[tuple[str, tuple[Item, ...]], ...]

    @property
    def caption(self) -> str:
        if self.moment is None:
            return "Version actuelle"
        return f"Version du {format_moment(self.moment)}"


def _one(key: str, label: str, value: str) -> Item:
    return Item(key=(key,), label=label, values=(("", value),))


def _dates(convention: Convention, names: dict[int, str]) -> list[Item]:
    termination = EMPTY
    if convention.terminated_on:
        parts = [f"à effet du {format_day(convention.terminated_on)}"]
        if convention.terminated_by_id:
            parts.append(f"par {names.get(convention.terminated_by_id, EMPTY)}")
        if convention.termination_notice_sent_on:
            parts.append(f"préavis envoyé le {format_day(convention.termination_notice_sent_on)}")
        if convention.termination_method:
            parts.append(convention.get_termination_method_display().lower())
        termination = ", ".join(parts)
    return [
        _one(
            "signed_on",
            "Date de signature",
            format_day(convention.signed_on) if convention.signed_on else "Non signée",
        ),
        _one("signed_at", "Lieu de signature", _text(convention.signed_at)),
        _one("effective_on", "Date d'effet", format_day(convention.effective_on)),
        _one("duration", "Durée ou période", convention.duration_label or EMPTY),
        _one("end_on", "Date de fin", format_day(convention.end_on)),
        _one("notice_months", "Préavis de résiliation", _months(convention.notice_months)),
        _one("tacit_renewal", "Reconduction tacite", "Oui" if convention.tacit_renewal else "Non"),
        _one("termination", "Résiliation", termination),
    ]


def _texts(convention: Convention) -> list[Item]:
    return [
        _one("title", "Intitulé", convention.title),
        _one("summary", "Résumé", _text(convention.summary)),
        _one("preamble", "Préambule", _text(convention.preamble)),
        _one("objectives", "Objectifs", _text(convention.objectives)),
        _one("follow_up", "Modalités de suivi", _text(convention.follow_up)),
        _one(
            "review_every_months",
            "Périodicité des bilans",
            _months(convention.review_every_months, "tous les {} mois"),
        ),
        _one("communication", "Communication", _text(convention.communication)),
        _one("amount", "Montant", _amount(convention.amount)),
    ]


def _ordered(rows: Iterable, *fields: str) -> list:
    return sorted(rows, key=lambda row: (*(getattr(row, f) or 0 for f in fields), row.pk))


def _parties(parties: Iterable[Party], names: dict[int, str]) -> list[Item]:
    return [
        Item(
            key=("party", party.partner_id),
            label=names.get(party.partner_id, EMPTY),
            values=(("Rôle", party.get_role_display()),),
        )
        for party in _ordered(parties, "position")
    ]


def _signatories(signatories: Iterable[Signatory], names: dict[int, str]) -> list[Item]:
    return [
        Item(
            key=("signatory", _key_text(signatory.name)),
            label=signatory.name,
            values=(
                ("Qualité", _text(signatory.title)),
                ("Signe pour", names.get(signatory.partner_id, EMPTY)),
                ("Par délégation de", _text(signatory.on_behalf_of)),
                ("Date de signature", format_day(signatory.signed_on)),
            ),
        )
        for signatory in _ordered(signatories, "position")
    ]


def _commitment(number: int | None, commitment: Commitment, names: dict[int, str]) -> Item:
    bearer = names.get(commitment.bearer_id, EMPTY) if commitment.bearer_id else JOINT
    return Item(
        key=("commitment", number, _key_text(commitment.text)),
        label=" ".join(commitment.text.split()),
        values=(
            ("Porté par", bearer),
            ("Avancement", commitment.get_status_display()),
            ("Échéance", format_day(commitment.due_on)),
        ),
        level=1,
    )


def _axes(
    axes: Iterable[Axis], commitments: Iterable[Commitment], names: dict[int, str]
) -> list[Item]:
    axes = _ordered(axes, "number")
    numbers = {axis.pk: axis.number for axis in axes}
    by_number = defaultdict(list)
    for commitment in _ordered(commitments, "position"):
        # An action whose axis is not in this version counts as common to the convention.
        by_number[numbers.get(commitment.axis_id)].append(commitment)
    items = []
    for axis in axes:
        items.append(
            Item(
                key=("axis", axis.number),
                label=f"Axe {axis.number}",
                values=(("Intitulé", axis.title), ("Description", _text(axis.description))),
            )
        )
        items += [_commitment(axis.number, c, names) for c in by_number[axis.number]]
    if by_number[None]:
        items.append(Item(key=("axis", None), label=GENERAL_COMMITMENTS))
        items += [_commitment(None, c, names) for c in by_number[None]]
    return items


def _targets(targets: Iterable[Target]) -> list[Item]:
    return [
        Item(
            key=("target", _key_text(target.label)),
            label=target.label,
            values=(
                ("Valeur visée", f"{format_number(target.value)} {target.unit}".strip()),
                ("Année", str(target.year) if target.year else EMPTY),
            ),
        )
        for target in _ordered(targets, "year")
    ]


def _distinct_keys(items: list[Item]) -> tuple[Item, ...]:
    """Two rows with the same key (two signatories of the same name) are told apart by their
    order: the first keeps its key, the next ones take a rank."""
    seen: dict[tuple, int] = defaultdict(int)
    distinct = []
    for item in items:
        rank = seen[item.key]
        seen[item.key] += 1
        distinct.append(replace(item, key=(*item.key, rank)) if rank else item)
    return tuple(distinct)


def _partner_names(ids: set[int | None]) -> dict[int, str]:
    ids.discard(None)
    rows = Partner.objects.filter(pk__in=ids).order_by().values_list("pk", "name", "acronym")
    return {pk: f"{name} ({acronym})" if acronym else name for pk, name, acronym in rows}


def _build(
    convention: Convention,
    moment: datetime.datetime | None,
    *,
    parties: Sequence[Party],
    signatories: Sequence[Signatory],
    axes: Sequence[Axis],
    commitments: Sequence[Commitment],
    targets: Sequence[Target],
) -> Snapshot:
    names = _partner_names(
        {convention.terminated_by_id}
        | {party.partner_id for party in parties}
        | {signatory.partner_id for signatory in signatories}
        | {commitment.bearer_id for commitment in commitments}
    )
    sections = [
        ("Dates et durée", _dates(convention, names)),
        ("Texte et suivi", _texts(convention)),
        ("Parties", _parties(parties, names)),
        ("Signataires", _signatories(signatories, names)),
        ("Axes et actions", _axes(axes, commitments, names)),
        ("Objectifs chiffrés", _targets(targets)),
    ]
    return Snapshot(
        convention=convention,
        moment=moment,
        sections=tuple((title, _distinct_keys(items)) for title, items in sections),
    )


ROW_MODELS = {
    "parties": Party,
    "signatories": Signatory,
    "axes": Axis,
    "commitments": Commitment,
    "targets": Target,
}


def snapshot(convention: Convention) -> Snapshot:
    """`convention` as it is now, read from its rows."""
    rows = {
        name: list(model.objects.filter(convention_id=convention.pk))
        for name, model in ROW_MODELS.items()
    }
    return _build(convention, None, **rows)


def snapshot_as_of(convention: Convention, moment: datetime.datetime) -> Snapshot | None:
    """`convention` as its history recorded it at `moment`, or None if it had no record yet.

    Each model's history manager gives, for every row, its latest record up to `moment` unless
    that record is a deletion (`as_of`): the rows of the convention then.
    """
    past = Convention.history.as_of(moment).filter(pk=convention.pk).first()
    if past is None:
        return None
    rows = {
        name: list(model.history.as_of(moment).filter(convention_id=convention.pk))
        for name, model in ROW_MODELS.items()
    }
    return _build(past, moment, **rows)


# Comparison --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueChange:
    """One field of a row in both versions; None where the row is not in that version."""

    label: str
    old: str | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old != self.new


@dataclass(frozen=True)
class Cell:
    """One field of a row as one version shows it."""

    label: str
    text: str
    changed: bool


@dataclass(frozen=True)
class Row:
    label: str
    status: RowStatus
    values: tuple[ValueChange, ...]
    level: int = 0

    @property
    def in_old(self) -> bool:
        return self.status != RowStatus.ADDED

    @property
    def in_new(self) -> bool:
        return self.status != RowStatus.REMOVED

    @property
    def old_cells(self) -> list[Cell]:
        return [Cell(v.label, v.old, v.changed) for v in self.values if v.old is not None]

    @property
    def new_cells(self) -> list[Cell]:
        return [Cell(v.label, v.new, v.changed) for v in self.values if v.new is not None]

    @property
    def changed_labels(self) -> list[str]:
        """The labels of the fields that changed (a one-value row has none)."""
        return [value.label for value in self.values if value.changed and value.label]


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    hidden: int = 0  # unchanged rows left out by Comparison.changes_only()


@dataclass(frozen=True)
class Comparison:
    old: Snapshot
    new: Snapshot
    sections: tuple[Section, ...]

    def count(self, status: RowStatus) -> int:
        return sum(row.status == status for section in self.sections for row in section.rows)

    @property
    def added(self) -> int:
        return self.count(RowStatus.ADDED)

    @property
    def removed(self) -> int:
        return self.count(RowStatus.REMOVED)

    @property
    def changed(self) -> int:
        return self.count(RowStatus.CHANGED)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def changes_only(self) -> "Comparison":
        """The same comparison without its unchanged rows."""
        sections = []
        for section in self.sections:
            rows = tuple(row for row in section.rows if row.status != RowStatus.UNCHANGED)
            sections.append(Section(section.title, rows, hidden=len(section.rows) - len(rows)))
        return replace(self, sections=tuple(sections))


def _row(old: Item | None, new: Item | None) -> Row:
    item = new or old
    old_values = dict(old.values) if old else {}
    new_values = dict(new.values) if new else {}
    labels = list(new_values) + [label for label in old_values if label not in new_values]
    values = tuple(
        ValueChange(
            label,
            old_values.get(label, EMPTY) if old else None,
            new_values.get(label, EMPTY) if new else None,
        )
        for label in labels
    )
    if old is None:
        status = RowStatus.ADDED
    elif new is None:
        status = RowStatus.REMOVED
    elif any(value.changed for value in values):
        status = RowStatus.CHANGED
    else:
        status = RowStatus.UNCHANGED
    return Row(label=item.label, status=status, values=values, level=item.level)


def _compare_items(old_items: Sequence[Item], new_items: Sequence[Item]) -> tuple[Row, ...]:
    """Rows in the order of the new version, each removed row after the row it followed."""
    old_by_key = {item.key: item for item in old_items}
    new_keys = {item.key for item in new_items}
    removed_after: dict[tuple | None, list[Item]] = defaultdict(list)
    anchor = None
    for item in old_items:
        if item.key in new_keys:
            anchor = item.key
        else:
            removed_after[anchor].append(item)
    rows = [_row(item, None) for item in removed_after[None]]
    for item in new_items:
        rows.append(_row(old_by_key.get(item.key), item))
        rows += [_row(removed, None) for removed in removed_after[item.key]]
    return tuple(rows)


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from `old` to `new`, part by part and row by row."""
    sections = tuple(
        Section(title, _compare_items(old_items, new_items))
        for (title, old_items), (_, new_items) in zip(old.sections, new.sections, strict=True)
    )
    return Comparison(old=old, new=new, sections=sections)
