from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin

from partners.admin import HistoryAdmin

from .models import ReminderPreferences


@admin.register(ReminderPreferences)
class ReminderPreferencesAdmin(HistoryAdmin):
    list_display = [
        "user",
        "is_subscribed",
        "remind_ending",
        "ending_months",
        "remind_notice",
        "notice_weeks",
        "remind_review",
        "remind_declination",
        "remind_commitment",
        "commitment_weeks",
    ]
    list_filter = ["is_subscribed"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


# Sign-in lockouts (deleting one unlocks that username at once) and the sign-in log, with
# django-axes' own read-only pages.
admin.site.register(AccessAttempt, AccessAttemptAdmin)
admin.site.register(AccessLog, AccessLogAdmin)
