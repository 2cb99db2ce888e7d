"""The page shown instead of the sign-in form while a username is locked out (django-axes)."""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a French page, status 429, telling until when the lockout lasts.

    The lockout ends one cool-off after the last failure recorded for this username and address
    (a try during the lockout records nothing: AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    """
    cool_off = get_cool_off(request)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    last_failures = [qs.aggregate(last=Max("attempt_time"))["last"] for qs in attempts]
    last_failure = max((t for t in last_failures if t), default=timezone.now())
    unlock_at = last_failure + cool_off
    remaining = max((unlock_at - timezone.now()).total_seconds(), 0)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(math.ceil(remaining / 60), 1),
        "unlock_at": timezone.localtime(unlock_at),
    }
    return render(request, "registration/locked_out.html", context, status=429)
