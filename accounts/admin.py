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
    ]
    list_filter = ["is_subscribed"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
