"""The signed-in user's own reminder settings and their personal calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .calendar_feed import CALENDAR_KINDS, calendar_deadlines, calendar_window, render_calendar
from .forms import ReminderPreferencesForm
from .models import ReminderPreferences
from .reminders import absolute_url, digest_sections, due_reminders
from .services import calendar_token_reset, reminder_preferences_for, reminder_preferences_save

# Whoever may read the conventions may be reminded of their deadlines.
REMINDER_PERMISSION = "conventions.view_convention"


# The page shows the secret calendar URL: no cache keeps a copy.
@method_decorator(never_cache, name="dispatch")
class ReminderPreferencesView(PermissionRequiredMixin, View):
    """Edit one's own preferences (created on the first visit), preview today's digest and get
    the calendar URL. There is no user in the URL: nobody reaches someone else's settings."""

    permission_required = REMINDER_PERMISSION
    raise_exception = True
    template_name = "accounts/reminder_preferences.html"

    def get(self, request):
        preferences = reminder_preferences_for(user=request.user)
        context = self.saved_context(preferences)
        return self.render(context, ReminderPreferencesForm(instance=preferences))

    def post(self, request):
        preferences = reminder_preferences_for(user=request.user)
        # Read before the form writes the submitted values on the instance: a refused form
        # leaves the preview and the calendar as they are.
        context = self.saved_context(preferences)
        form = ReminderPreferencesForm(request.POST, instance=preferences)
        if form.is_valid():
            reminder_preferences_save(form=form, by=request.user)
            messages.success(request, "Vos préférences de rappel ont été enregistrées.")
            return redirect("accounts:reminder_preferences")
        return self.render(context, form)

    def saved_context(self, preferences: ReminderPreferences) -> dict:
        today = timezone.localdate()
        reminders = due_reminders(self.request.user, on=today, preferences=preferences)
        feed_url = absolute_url(
            reverse("accounts:calendar_feed", args=[preferences.calendar_token])
        )
        window_start, window_end = calendar_window(today)
        return {
            "preferences_subscribed": preferences.is_subscribed,
            "preview_count": len(reminders),
            "preview_sections": digest_sections(reminders),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "window_start": window_start,
            "window_end": window_end,
            "calendar_kinds": [kind.label for kind in CALENDAR_KINDS if kind in preferences.kinds],
        }

    def render(self, context: dict, form: ReminderPreferencesForm):
        return render(self.request, self.template_name, {**context, "form": form})


class CalendarTokenResetView(PermissionRequiredMixin, View):
    """Replace one's calendar token: the old URL gives 404 from now on."""

    permission_required = REMINDER_PERMISSION
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request):
        preferences = reminder_preferences_for(user=request.user)
        calendar_token_reset(preferences=preferences, by=request.user)
        messages.success(
            request,
            "Le lien de votre calendrier a été réinitialisé : l'ancien lien ne fonctionne plus. "
            "Abonnez vos agendas au nouveau lien.",
        )
        return redirect(reverse("accounts:reminder_preferences") + "#calendrier")


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    """The ICS file of the deadlines the token's owner follows (accounts/calendar_feed.py).

    The token is the only credential: an unknown or replaced one, or an owner who may no longer
    read the conventions, gets the same 404.
    """
    preferences = get_object_or_404(
        ReminderPreferences.objects.select_related("user"), calendar_token=token
    )
    owner = preferences.user
    if not (owner.is_active and owner.has_perm(REMINDER_PERMISSION)):
        raise Http404("Calendrier introuvable.")
    now = timezone.now().replace(microsecond=0)
    body = render_calendar(
        calendar_deadlines(preferences, on=timezone.localdate(now)),
        absolute_url=absolute_url,
        stamp=now,
        uid=f"calendar-{owner.pk}@conventions-unml",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="conventions-unml.ics"'
    # Personal: no shared cache keeps it, no search engine lists it, and the URL holding the
    # token is never sent on as a referrer.
    response["Cache-Control"] = "private"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def csrf_failure(request, reason: str = ""):
    """A form refused for its CSRF token (CSRF_FAILURE_VIEW): most often a page left open
    past the end of its session. The page says so in French, in the site's layout."""
    return render(request, "403_csrf.html", status=403)
