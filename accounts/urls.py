from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("rappels/", views.ReminderPreferencesView.as_view(), name="reminder_preferences"),
    path(
        "rappels/calendrier/reinitialiser/",
        views.CalendarTokenResetView.as_view(),
        name="calendar_token_reset",
    ),
    # No session: calendar apps fetch it with the secret token alone.
    # The token is URL-safe base64 (accounts.models.new_calendar_token): a slug.
    path("calendrier/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
