"""Writes on conventions that touch several rows: each one all or nothing."""

import datetime
import decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from partners.enums import PartnerKind
from partners.models import Partner

from .dates import add_months
from .enums import (
    AmendedField,
    AttachmentKind,
    CommitmentStatus,
    PartyRole,
    Scope,
    Status,
    TerminationMethod,
)
from .forms import (
    AxisInlineFormSet,
    ConventionForm,
    PartyInlineFormSet,
    SignatoryInlineFormSet,
    kept_forms,
)
from .models import (
    Amendment,
    AmendmentChange,
    Attachment,
    Axis,
    Commitment,
    Convention,
    Party,
    Review,
    Statement,
    Target,
    TargetResult,
)
from .versioning import raises_version


def _by(obj: models.Model, user: AbstractBaseUser) -> models.Model:
    """Name `user` in the history record of the next save or delete of `obj`."""
    obj._history_user = user
    return obj


def _delete_removed_rows(formset: BaseInlineFormSet, *, by: AbstractBaseUser) -> None:
    for form in formset.deleted_forms:
        if form.instance.pk:
            _by(form.instance, by).delete()


def _save_rows(
    formset: BaseInlineFormSet,
    *,
    by: AbstractBaseUser,
    ordered: bool = True,
    **parents: models.Model,
) -> list[models.Model]:
    """Save the kept rows of `formset` under `parents`, numbered in the order of the page."""
    saved = []
    for position, form in enumerate(kept_forms(formset), start=1):
        row = form.save(commit=False)
        for name, parent in parents.items():
            setattr(row, name, parent)
        moved = ordered and row.position != position
        if ordered:
            row.position = position
        if row.pk is None or form.has_changed() or moved:
            _by(row, by).save()
        saved.append(row)
    return saved


class EditConflict(Exception):
    """The convention was saved by someone else since the edit page was loaded."""

    def __init__(self, convention: Convention, loaded_version: int):
        super().__init__(f"Convention {convention.pk}: version {loaded_version} is out of date.")
        self.convention = convention
        self.loaded_version = loaded_version


def check_version(*, convention: Convention, loaded_version: int) -> None:
    """Lock `convention` until the end of the transaction and raise EditConflict if it is no
    longer at `loaded_version`, the version the edit page was loaded with.

    The lock makes the check hold until the save is committed: a second save that waits for it
    then finds the version raised by the first one (Convention.save raises it).
    """
    current = (
        Convention.objects.select_for_update()
        .filter(pk=convention.pk)
        .values_list("version", flat=True)
        .get()
    )
    if current != loaded_version:
        raise EditConflict(convention, loaded_version)


@transaction.atomic
@raises_version  # the convention is always saved: its rows do not raise the version again
def convention_save(
    *,
    form: ConventionForm,
    parties: PartyInlineFormSet,
    signatories: SignatoryInlineFormSet,
    axes: AxisInlineFormSet,
    targets: BaseInlineFormSet,
    by: AbstractBaseUser,
) -> Convention:
    """Save a convention as edited on its page: its fields, parties, signatories, axes with their
    actions, and targets. Every form and formset must have been validated.

    Removed rows are deleted before any row is saved, so a partner removed and added again does not
    clash with itself; parties, signatories and actions take the order of the page. Every history
    record names `by`.

    An existing convention is saved only if it is still at the version the page was loaded with
    (the form's `loaded_version`); otherwise EditConflict is raised and nothing is written. The
    convention row is always saved, so that an edit of its rows alone raises its version too.
    """
    if form.instance.pk is not None:
        check_version(convention=form.instance, loaded_version=form.cleaned_data["loaded_version"])
    convention = _by(form.save(commit=False), by)
    convention.save()
    form.save_m2m()

    kept_axes = kept_forms(axes)
    for axis_form in kept_axes:
        _delete_removed_rows(axis_form.commitments, by=by)
    for axis_form in axes.deleted_forms:
        if axis_form.instance.pk:
            for commitment in axis_form.instance.commitments.all():
                _by(commitment, by).delete()
    for formset in (signatories, targets, axes, parties):
        _delete_removed_rows(formset, by=by)

    _save_rows(parties, by=by, convention=convention)
    _save_rows(signatories, by=by, convention=convention)
    _save_rows(targets, by=by, ordered=False, convention=convention)
    axes_saved = _save_rows(axes, by=by, ordered=False, convention=convention)
    for axis_form, axis in zip(kept_axes, axes_saved, strict=True):
        # A new axis's actions belong to the axis's convention (Commitment.save also ensures it).
        _save_rows(axis_form.commitments, by=by, axis=axis, convention=convention)
    return convention


# Lifecycle: renew a convention, decline a national one locally or regionally --------------------

# The network's own organisations: a declination is signed by one of them in place of the
# national parties of the network (the UNML).
NETWORK_KINDS = frozenset(
    {PartnerKind.NETWORK_HEAD, PartnerKind.REGIONAL_ASSOCIATION, PartnerKind.MISSION_LOCALE}
)
# Who a national convention is declined for, and the scope of the declination.
DECLINATION_SCOPES = {
    PartnerKind.MISSION_LOCALE: Scope.LOCAL,
    PartnerKind.REGIONAL_ASSOCIATION: Scope.REGIONAL,
}
DECLINATION_TITLE_SUFFIX = " — déclinaison {partner}"


def check_not_ended(*, convention: Convention, refusal: str, code: str) -> None:
    """Raise a ValidationError if `convention` has ended today (expired or terminated): there
    is nothing left to amend, terminate or decline. `refusal` says what it no longer takes."""
    status = convention.status
    if status == Status.TERMINATED:
        raise ValidationError(
            f"Cette convention est résiliée à effet du {_day(convention.terminated_on)} : "
            f"{refusal}.",
            code=f"{code}_terminated",
        )
    if status == Status.EXPIRED:
        raise ValidationError(
            f"Cette convention est arrivée à échéance le {_day(convention.end_on)} : {refusal}.",
            code=f"{code}_expired",
        )


def check_renewable(*, convention: Convention) -> None:
    """Raise a ValidationError saying why `convention` cannot be renewed, if it cannot.

    A draft is edited, not renewed; a convention already renewed is not renewed twice (the
    renewal chain stays a line: renew its latest convention instead).
    """
    if convention.signed_on is None:
        raise ValidationError(
            "Une convention en projet ne peut pas être renouvelée : "
            "modifiez-la directement avant sa signature.",
            code="renew_draft",
        )
    successor = next(iter(convention.successors.all()), None)
    if successor is not None:
        raise ValidationError(
            f"Cette convention est déjà renouvelée par « {successor.title} » : "
            "renouvelez plutôt la convention la plus récente.",
            code="already_renewed",
        )


def check_declinable(*, convention: Convention, partner: Partner | None = None) -> None:
    """Raise a ValidationError saying why `convention` cannot be declined (for `partner`).

    Only a signed national convention still running (neither expired nor terminated) is declined,
    for a Mission Locale or a regional association, once per partner. Errors about the partner are
    raised on the "partner" field.
    """
    if convention.scope != Scope.NATIONAL:
        raise ValidationError(
            "Seule une convention nationale peut être déclinée localement ou régionalement.",
            code="decline_not_national",
        )
    if convention.signed_on is None:
        raise ValidationError(
            "Une convention en projet ne peut pas être déclinée : elle doit d'abord être signée.",
            code="decline_draft",
        )
    check_not_ended(
        convention=convention, refusal="elle ne peut plus être déclinée", code="decline"
    )
    if partner is None:
        return
    if partner.kind not in DECLINATION_SCOPES:
        raise ValidationError(
            {
                "partner": ValidationError(
                    f"« {partner.name} » n'est ni une Mission Locale ni une association "
                    "régionale des Missions Locales : une convention nationale ne se décline "
                    "que pour elles.",
                    code="decline_partner_kind",
                )
            }
        )
    existing = convention.declinations.filter(parties__partner=partner).first()
    if existing is not None:
        raise ValidationError(
            {
                "partner": ValidationError(
                    f"« {partner.name} » a déjà une déclinaison de cette convention : "
                    f"« {existing.title} ».",
                    code="decline_duplicate",
                )
            }
        )


def _create(obj: models.Model, *, by: AbstractBaseUser, exclude=None) -> models.Model:
    obj.full_clean(exclude=exclude)
    _by(obj, by).save()
    return obj


def _copy_axes(
    *,
    source: Convention,
    target: Convention,
    bearers: dict[int, int | None],
    by: AbstractBaseUser,
) -> None:
    """Copy the axes and actions of `source` to `target`, their follow-up started afresh.

    An action keeps its text, order and bearer (through `bearers`: old bearer id -> new one, a
    bearer missing from it makes the action joint); its status goes back to planned, its due
    date and follow-up note are cleared: they belonged to the previous period.
    """
    new_axes = {None: None}
    for axis in source.axes.order_by("number"):
        new_axes[axis.pk] = _create(
            Axis(
                convention=target,
                number=axis.number,
                title=axis.title,
                description=axis.description,
            ),
            by=by,
        )
    for commitment in source.commitments.order_by("axis__number", "position", "pk"):
        _create(
            Commitment(
                convention=target,
                axis=new_axes[commitment.axis_id],
                position=commitment.position,
                text=commitment.text,
                bearer_id=bearers.get(commitment.bearer_id),
                status=CommitmentStatus.PLANNED,
            ),
            by=by,
        )


@transaction.atomic
def convention_renew(*, convention: Convention, by: AbstractBaseUser) -> Convention:
    """Create the draft that renews `convention`, pre-filled from it, and return it.

    Copied: title, kind, scope, texts, duration in months (a period end needs an effective date,
    which a draft does not have), notice, tacit renewal, follow-up terms and frequency,
    communication, amount, national convention, audiences, themes, territories; the parties in
    the same order and roles; the axes and their actions (see `_copy_axes`); the quantified
    targets as a starting point, without year nor results (both belong to the old period).
    Not copied: dates, signatories, amendments, reviews, attachments, statements, declination
    deadline. The draft names `convention` as its predecessor; every history record names `by`.
    """
    # Locked, so that two editors clicking "Renouveler" together do not create two drafts.
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    check_renewable(convention=convention)

    successor = Convention(
        title=convention.title,
        kind=convention.kind,
        scope=convention.scope,
        summary=convention.summary,
        preamble=convention.preamble,
        objectives=convention.objectives,
        duration_months=convention.duration_months,
        notice_months=convention.notice_months,
        tacit_renewal=convention.tacit_renewal,
        follow_up=convention.follow_up,
        review_every_months=convention.review_every_months,
        communication=convention.communication,
        amount=convention.amount,
        parent=convention.parent,
        predecessor=convention,
    )
    # The reference is given on saving.
    _create(successor, by=by, exclude=["reference"])
    successor.audiences.set(convention.audiences.all())
    successor.themes.set(convention.themes.all())
    successor.territories.set(convention.territories.all())

    parties = list(convention.parties.order_by("position", "pk"))
    for party in parties:
        _create(
            Party(
                convention=successor,
                partner_id=party.partner_id,
                role=party.role,
                position=party.position,
            ),
            by=by,
        )
    bearers = {party.partner_id: party.partner_id for party in parties}
    _copy_axes(source=convention, target=successor, bearers=bearers, by=by)
    for target in convention.targets.order_by("year", "pk"):
        _create(
            Target(convention=successor, label=target.label, value=target.value, unit=target.unit),
            by=by,
        )
    return successor


@transaction.atomic
def convention_decline(
    *, convention: Convention, partner: Partner, by: AbstractBaseUser
) -> Convention:
    """Create the draft declination of the national `convention` for `partner`, and return it.

    `partner` is a Mission Locale (local declination) or a regional association (regional one).
    The draft takes the kind, summary, objectives, audiences and themes of the national
    convention, the partner's territory, and its axes and actions (as a renewal does).
    Its parties are `partner` first, for the network, then the national convention's parties
    that are not of the network, in their order: the local counterpart of a national partner
    is not known, the editor replaces it. An action borne nationally by the network is borne
    by `partner`. Every history record names `by`.
    """
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    check_declinable(convention=convention, partner=partner)

    suffix = DECLINATION_TITLE_SUFFIX.format(partner=partner.short_name)
    title_length = Convention._meta.get_field("title").max_length - len(suffix)
    declination = Convention(
        title=f"{convention.title[:title_length]}{suffix}",
        kind=convention.kind,
        scope=DECLINATION_SCOPES[partner.kind],
        summary=convention.summary,
        objectives=convention.objectives,
        parent=convention,
    )
    _create(declination, by=by, exclude=["reference"])
    declination.audiences.set(convention.audiences.all())
    declination.themes.set(convention.themes.all())
    if partner.territory_id:
        declination.territories.set([partner.territory_id])

    _create(
        Party(convention=declination, partner=partner, role=PartyRole.NETWORK, position=1),
        by=by,
    )
    bearers = {partner.pk: partner.pk}
    national_parties = convention.parties.select_related("partner").order_by("position", "pk")
    position = 1
    for party in national_parties:
        if party.role == PartyRole.NETWORK or party.partner.kind in NETWORK_KINDS:
            bearers[party.partner_id] = partner.pk
            continue
        if party.partner_id == partner.pk:
            continue
        position += 1
        _create(
            Party(
                convention=declination,
                partner_id=party.partner_id,
                role=party.role,
                position=position,
            ),
            by=by,
        )
        bearers[party.partner_id] = party.partner_id
    _copy_axes(source=convention, target=declination, bearers=bearers, by=by)
    return declination


# Lifecycle: amend a signed convention, terminate it early ---------------------------------------


def _day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def check_amendable(
    *,
    convention: Convention,
    signed_on: datetime.date | None = None,
    new_end_on: datetime.date | None = None,
) -> None:
    """Raise a ValidationError saying why `convention` cannot take this amendment, if it cannot.

    A draft is edited, not amended; nor is an expired or terminated convention. An amendment is
    signed on or after the convention; a new end date is on or after the convention's effective
    date. Errors about the amendment's own dates are raised on their field ("signed_on",
    "new_end_on").
    """
    if convention.signed_on is None:
        raise ValidationError(
            "Une convention en projet ne reçoit pas d'avenant : "
            "modifiez-la directement avant sa signature.",
            code="amend_draft",
        )
    check_not_ended(convention=convention, refusal="elle ne reçoit plus d'avenant", code="amend")
    errors = {}
    if signed_on is not None and signed_on < convention.signed_on:
        errors["signed_on"] = ValidationError(
            "Un avenant ne peut pas être signé avant la convention "
            f"(signée le {_day(convention.signed_on)}).",
            code="amend_before_signature",
        )
    start = convention.effective_on or convention.signed_on
    if new_end_on is not None and new_end_on < start:
        errors["new_end_on"] = ValidationError(
            "La nouvelle date de fin ne peut pas précéder la date d'effet de la convention "
            f"({_day(start)}).",
            code="amend_end_before_start",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def _amended_text(value) -> str:
    """A part of the convention as an AmendmentChange records it: a text with plain line breaks
    (browsers send CRLF) and no surrounding blanks, a number as written, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return f"{value:f}"
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


NEGATIVE_AMOUNT_MESSAGE = "Le montant ne peut pas être négatif."


def amended_parts(*, convention: Convention, changes: dict[str, object]) -> dict[str, object]:
    """The parts of `convention` that `changes` ({AmendedField: new value}) really rewrite,
    with their new value; a part given as it already stands is left out.

    Raise a ValidationError, on the field of each part, if a new value is not valid: amount,
    notice and review period are numbers (the amount to the cent, not negative).
    """
    rewritten, errors = {}, {}
    for name, raw in changes.items():
        model_field = Convention._meta.get_field(AmendedField(name).value)
        if isinstance(model_field, models.TextField):
            value = _amended_text(raw)
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            value = None
        else:
            try:
                value = model_field.clean(raw.strip() if isinstance(raw, str) else raw, convention)
            except ValidationError as error:
                errors[name] = error
                continue
            if name == AmendedField.AMOUNT:
                value = value.quantize(decimal.Decimal("0.01"))
                if value < 0:
                    errors[name] = ValidationError(NEGATIVE_AMOUNT_MESSAGE, code="amount_negative")
                    continue
        if _amended_text(value) != _amended_text(getattr(convention, name)):
            rewritten[name] = value
    if errors:
        raise ValidationError(errors)
    return rewritten


@transaction.atomic
def convention_amend(
    *,
    convention: Convention,
    signed_on: datetime.date,
    summary: str,
    new_end_on: datetime.date | None = None,
    changes: dict[str, object] | None = None,
    by: AbstractBaseUser,
) -> Amendment:
    """Add an amendment to the signed `convention` and return it.

    The amendment takes the next number. When it sets a new end date, the convention's end date
    (and so its status) follows. `changes` ({AmendedField: new value}) rewrites parts of the
    convention's text: each part that really changes (see `amended_parts`) is recorded as an
    AmendmentChange, its former and new value as text, and applied to the convention. The
    amendment's `recorded_at` is taken before anything is applied: the convention's history as
    of then is the version it amended (conventions/compare.py). The convention's history
    records the changes; every history record names `by`. Refusals (`check_amendable`,
    `amended_parts`) are raised together, before anything is written.
    """
    # Locked, so that two amendments added together do not take the same number.
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    recorded_at = timezone.now()
    errors = {}
    try:
        check_amendable(convention=convention, signed_on=signed_on, new_end_on=new_end_on)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        errors.update(error.error_dict)
    try:
        rewritten = amended_parts(convention=convention, changes=changes or {})
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)

    amendment = Amendment(
        convention=convention,
        signed_on=signed_on,
        summary=summary,
        new_end_on=new_end_on,
        recorded_at=recorded_at,
    )
    # The number is given on saving, which also refreshes the convention's end date (on
    # `convention`, the amendment's own convention object, saved with a history record naming
    # `by` when the date moves: see Amendment.save).
    _create(amendment, by=by, exclude=["number"])
    for name, value in rewritten.items():
        _create(
            AmendmentChange(
                amendment=amendment,
                field=name,
                old_value=_amended_text(getattr(convention, name)),
                new_value=_amended_text(value),
            ),
            by=by,
        )
        setattr(convention, name, value)
    if rewritten:
        _by(convention, by).save()
    return amendment


def termination_effective_on(
    *,
    convention: Convention,
    notice_sent_on: datetime.date,
    receipt_on: datetime.date | None = None,
) -> datetime.date:
    """The day a termination noticed on `notice_sent_on` takes effect: the notice period later
    (clamped to the end of a shorter month), or that very day when there is no notice period.
    A convention whose notice runs from its receipt (`notice_from_receipt`) counts it from
    `receipt_on`, the date of the acknowledgment of receipt, when known."""
    start = receipt_on if convention.notice_from_receipt and receipt_on else notice_sent_on
    if not convention.notice_months:
        return start
    return add_months(start, convention.notice_months)


def check_terminable(
    *,
    convention: Convention,
    by_party: Partner | None = None,
    notice_sent_on: datetime.date | None = None,
) -> None:
    """Raise a ValidationError saying why `convention` cannot be terminated (so), if it cannot.

    Only a signed convention neither expired nor already terminated is terminated, by one of its
    parties, with a notice sent on or after its signature. Errors about the party or the notice date
    are raised on their field ("by_party", "notice_sent_on").
    """
    if convention.signed_on is None:
        raise ValidationError(
            "Une convention en projet ne peut pas être résiliée : elle doit d'abord être signée.",
            code="terminate_draft",
        )
    if convention.terminated_on is not None:
        raise ValidationError(
            f"Cette convention est déjà résiliée (à effet du {_day(convention.terminated_on)}).",
            code="already_terminated",
        )
    check_not_ended(
        convention=convention, refusal="il n'y a plus rien à résilier", code="terminate"
    )
    errors = {}
    if by_party is not None and not convention.parties.filter(partner=by_party).exists():
        errors["by_party"] = ValidationError(
            f"« {by_party.name} » n'est pas partie à cette convention : "
            "seule une de ses parties peut la résilier.",
            code="terminate_not_party",
        )
    if notice_sent_on is not None and notice_sent_on < convention.signed_on:
        errors["notice_sent_on"] = ValidationError(
            "Le préavis ne peut pas avoir été envoyé avant la signature de la convention "
            f"({_day(convention.signed_on)}).",
            code="terminate_before_signature",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def convention_terminate(
    *,
    convention: Convention,
    by_party: Partner,
    notice_sent_on: datetime.date,
    method: TerminationMethod | str,
    by: AbstractBaseUser,
    letter_number: str = "",
    receipt_on: datetime.date | None = None,
    proof=None,
) -> Convention:
    """Record that `by_party` terminated `convention` by a notice sent on `notice_sent_on`.

    The termination takes effect at the end of the notice period (see
    `termination_effective_on`, from `receipt_on` when the convention counts notice from its
    receipt): the convention is in force until the day before, terminated from that day.
    How notice was given is kept: the registered letter's number, the date of its
    acknowledgment of receipt, and `proof`, an uploaded file attached to the convention as
    the termination's proof (checked like any attachment). Every history record names `by`.
    """
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    check_terminable(convention=convention, by_party=by_party, notice_sent_on=notice_sent_on)
    if receipt_on is not None and receipt_on < notice_sent_on:
        raise ValidationError(
            {
                "receipt_on": ValidationError(
                    "L'accusé de réception ne peut pas précéder l'envoi du préavis "
                    f"({_day(notice_sent_on)}).",
                    code="receipt_before_notice",
                )
            }
        )
    convention.terminated_by = by_party
    convention.termination_notice_sent_on = notice_sent_on
    convention.termination_method = method
    convention.termination_letter_number = letter_number.strip()
    convention.termination_receipt_on = receipt_on
    convention.terminated_on = termination_effective_on(
        convention=convention, notice_sent_on=notice_sent_on, receipt_on=receipt_on
    )
    convention.full_clean()
    _by(convention, by).save()
    if proof is not None:
        try:
            attachment_add(
                attachment=Attachment(
                    convention=convention,
                    title=TERMINATION_PROOF_TITLE,
                    kind=AttachmentKind.TERMINATION_PROOF,
                    file=proof,
                ),
                by=by,
            )
        except ValidationError as error:
            messages = error.message_dict.get("file", error.messages)
            raise ValidationError({"proof": messages}) from error
    return convention


TERMINATION_PROOF_TITLE = "Preuve de la résiliation (lettre recommandée, accusé de réception)"


# Deleting a convention -------------------------------------------------------------------------

DELETE_PERMISSION = "conventions.delete_convention"


def check_deletable(*, convention: Convention, by: AbstractBaseUser) -> None:
    """Raise a ValidationError saying why `by` cannot delete `convention`, if they cannot.

    A convention never signed (a draft) is deleted by whoever edits conventions; a signed one
    only by an administrator (the "delete" permission). A convention that others decline or
    apply (declinations, financial conventions) is kept: those are deleted or moved first.
    Reads `declinations` and `financial_conventions` as prefetched, if they are.
    """
    if convention.signed_on is not None and not by.has_perm(DELETE_PERMISSION):
        raise ValidationError(
            "Cette convention est signée : seul un administrateur peut la supprimer.",
            code="delete_signed",
        )
    if convention.declinations.all():
        raise ValidationError(
            "Cette convention a des déclinaisons locales ou régionales : supprimez-les ou "
            "rattachez-les à une autre convention avant de la supprimer.",
            code="delete_declined",
        )
    if convention.financial_conventions.all():
        raise ValidationError(
            "Cette convention a des conventions financières : supprimez-les ou rattachez-les à "
            "une autre convention cadre avant de la supprimer.",
            code="delete_framework",
        )


@transaction.atomic
def convention_delete(*, convention: Convention, by: AbstractBaseUser) -> None:
    """Delete `convention` with its rows (parties, axes, attachments...), if `by` may (see
    `check_deletable`). The history records the deletion, naming `by`; a renewal of it no
    longer names it as its predecessor, which its own history records too. The attachments'
    files are left to the storage's clean-up."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    check_deletable(convention=convention, by=by)
    for successor in convention.successors.all():
        successor.predecessor = None
        _by(successor, by).save()
    _by(convention, by).delete()


# Follow-up: the progress of actions, review meetings, the values reached towards targets ----------


@transaction.atomic
def commitment_follow_up(
    *,
    commitment: Commitment,
    status: CommitmentStatus | str,
    due_on: datetime.date | None,
    note: str,
    by: AbstractBaseUser,
) -> Commitment:
    """Record how far `commitment` has got: its status, due date and follow-up note.

    Its text and bearer are left as they are (they belong to the convention's text). The
    history record names `by`.
    """
    commitment.status = status
    commitment.due_on = due_on
    commitment.note = note
    commitment.full_clean()
    _by(commitment, by).save()
    return commitment


@transaction.atomic
def review_save(*, review: Review, by: AbstractBaseUser) -> Review:
    """Add or change a follow-up review of its convention (see Review.clean for its rules); the
    history record names `by`."""
    review.full_clean()
    _by(review, by).save()
    return review


@transaction.atomic
def review_delete(*, review: Review, by: AbstractBaseUser) -> None:
    """Delete a follow-up review; the history record names `by`."""
    _by(review, by).delete()


@transaction.atomic
def statement_save(*, statement: Statement, by: AbstractBaseUser) -> Statement:
    """Add or change a quote (déclaration) of its convention; the history record names `by`."""
    statement.full_clean()
    _by(statement, by).save()
    return statement


@transaction.atomic
def statement_delete(*, statement: Statement, by: AbstractBaseUser) -> None:
    """Delete a quote of its convention; the history record names `by`."""
    _by(statement, by).delete()


@transaction.atomic
def target_results_save(
    *, target: Target, results: BaseInlineFormSet, by: AbstractBaseUser
) -> list[TargetResult]:
    """Save the values reached towards `target` as edited on its page, year by year: the
    `results` formset, validated. Removed years are deleted before any is saved, so a year
    removed and entered again does not clash with itself. Every history record names `by`.

    Raises IntegrityError, and writes nothing, if a year is taken meanwhile by someone else.
    """
    _delete_removed_rows(results, by=by)
    return _save_rows(results, by=by, ordered=False, target=target)


# Attachments ------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, attachment: Attachment, by: AbstractBaseUser) -> Attachment:
    """Add a file to its convention, after checking it (conventions/uploads.py: kind read from
    its bytes, size); it is stored under a random name. The history record names `by`."""
    attachment.full_clean()
    _by(attachment, by).save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: AbstractBaseUser) -> None:
    """Remove a file from its convention; the history record names `by`. The stored file is
    deleted once the removal is committed (stored_files.py; not before: a rollback keeps the row
    and its file)."""
    _by(attachment, by).delete()
