"""Sign out a session left idle too long, without writing the session on every request.

The time of the last activity is kept in the session and rewritten only when it is older than
SESSION_ACTIVITY_WRITE_INTERVAL: a person browsing causes one session write every few minutes,
not one per page. A request arriving more than SESSION_IDLE_TIMEOUT after the recorded activity
ends the session (deleted from the store) before the view runs, so the page asks to sign in.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

LAST_ACTIVITY_KEY = "last_activity"


def record_activity(session) -> None:
    session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp())


def start_activity_clock(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): the session is being written anyway, start counting now."""
    if request is not None and hasattr(request, "session"):
        record_activity(request.session)


def french_duration(delta: datetime.timedelta) -> str:
    """« 2 heures », « 1 heure », « 90 minutes »."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


class SessionIdleTimeoutMiddleware:
    """After the session and message middleware; LoginRequiredMiddleware then redirects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only signed-in sessions: an anonymous visitor gets no session written.
        if SESSION_KEY in request.session:
            self.check_activity(request)
        return self.get_response(request)

    def check_activity(self, request) -> None:
        now = int(timezone.now().timestamp())
        last = request.session.get(LAST_ACTIVITY_KEY)
        idle = settings.SESSION_IDLE_TIMEOUT
        if last is not None and now - last > idle.total_seconds():
            logout(request)
            messages.info(
                request,
                f"Votre session a pris fin après {french_duration(idle)} sans activité. "
                "Reconnectez-vous pour continuer.",
            )
        elif last is None or now - last >= settings.SESSION_ACTIVITY_WRITE_INTERVAL.total_seconds():
            record_activity(request.session)
