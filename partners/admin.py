from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from conventions.uploads import LOGO_INVALID_IMAGE_MESSAGE, AdminServedFileWidget

from .models import Contact, KeyFigure, Partner, Territory


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of every business model: each record's history is one click away."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's submit_line.html prints {{ onclick_attrib }}, a variable Django's admin
        # no longer provides: define it so the strict test templates do not flag it.
        extra_context = {"onclick_attrib": "", **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Territory)
class TerritoryAdmin(HistoryAdmin):
    list_display = ["name", "kind", "code", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    fields = ["position", "label", "value", "is_minimum", "unit", "year"]
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "role", "email", "phone", "is_press_contact"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "territory"]
    list_filter = ["kind"]
    list_select_related = ["territory"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.ImageField: {
            "widget": AdminServedFileWidget(
                served_by=lambda logo: logo.instance.get_logo_url(), label="logo actuel"
            ),
            "error_messages": {"invalid_image": LOGO_INVALID_IMAGE_MESSAGE},
        },
    }
    fieldsets = [
        (None, {"fields": ["name", "acronym", "article", "slug", "kind", "territory"]}),
        ("Présentation", {"fields": ["description", "website", "founded_year", "logo"]}),
    ]
    inlines = [KeyFigureInline, ContactInline]


@admin.register(KeyFigure)
class KeyFigureAdmin(HistoryAdmin):
    list_display = ["label", "value", "unit", "year", "partner"]
    list_select_related = ["partner"]
    search_fields = ["label", "partner__name", "partner__acronym"]
    autocomplete_fields = ["partner"]


@admin.register(Contact)
class ContactAdmin(HistoryAdmin):
    list_display = ["name", "role", "partner", "email", "is_press_contact"]
    list_filter = ["is_press_contact"]
    list_select_related = ["partner"]
    search_fields = ["name", "role", "email", "partner__name", "partner__acronym"]
    autocomplete_fields = ["partner"]
