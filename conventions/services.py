"""Writes on conventions that touch several rows: each one all or nothing."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet

from .forms import (
    AxisInlineFormSet,
    ConventionForm,
    PartyInlineFormSet,
    SignatoryInlineFormSet,
    kept_forms,
)
from .models import Convention


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


@transaction.atomic
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
    """
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
