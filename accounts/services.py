"""Writes on a user's own account settings, each recorded in the history with the user."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction

from .models import ReminderPreferences, new_calendar_token


def _by(obj: models.Model, user: AbstractBaseUser, reason: str | None = None) -> models.Model:
    """Name `user` (and why, if given) in the history record of the next save of `obj`."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    return obj


@transaction.atomic
def reminder_preferences_for(*, user: AbstractBaseUser) -> ReminderPreferences:
    """The reminder preferences of `user`, created with the defaults on first use, and with
    a calendar token (made on demand: preferences created in the admin have none)."""
    preferences = ReminderPreferences.objects.filter(user=user).first()
    if preferences is None:
        preferences = ReminderPreferences(user=user, calendar_token=new_calendar_token())
        try:
            with transaction.atomic():
                _by(preferences, user).save()
        except IntegrityError:
            # The same user's other tab created them in the meantime.
            preferences = ReminderPreferences.objects.get(user=user)
    if not preferences.calendar_token:
        preferences.calendar_token = new_calendar_token()
        _by(preferences, user, "Lien du calendrier créé").save(update_fields=["calendar_token"])
    return preferences


@transaction.atomic
def reminder_preferences_save(*, form, by: AbstractBaseUser) -> ReminderPreferences:
    """Save the valid preferences `form` (a ReminderPreferencesForm) of `by`."""
    preferences = _by(form.save(commit=False), by)
    # Only the form's fields: a calendar token reset meanwhile in another tab is kept.
    preferences.save(update_fields=form._meta.fields)
    return preferences


@transaction.atomic
def calendar_token_reset(
    *, preferences: ReminderPreferences, by: AbstractBaseUser
) -> ReminderPreferences:
    """Give `preferences` a new calendar token: the old calendar URL stops working at once."""
    preferences.calendar_token = new_calendar_token()
    _by(preferences, by, "Lien du calendrier réinitialisé").save(update_fields=["calendar_token"])
    return preferences
