from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from partners.admin import HistoryAdmin

from .enums import Status
from .forms import CommitmentForm, PartyInlineFormSet, SignatoryForm, SignatoryInlineFormSet
from .models import (
    Amendment,
    AmendmentChange,
    Attachment,
    Audience,
    Axis,
    Commitment,
    Convention,
    Party,
    Review,
    Signatory,
    Statement,
    Target,
    TargetResult,
    Theme,
)
from .services import EditConflict, check_version
from .uploads import AdminServedFileWidget, attachment_help_text
from .views.edit import edit_conflict


@admin.register(Audience, Theme)
class LabelAdmin(HistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# Convention ------------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = "statut"
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.in_status(self.value())
        return queryset


class SignatureYearFilter(admin.SimpleListFilter):
    title = "année de signature"
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        years = Convention.objects.dates("signed_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(signed_on__year=int(self.value()))
        return queryset


class PartyInline(admin.TabularInline):
    model = Party
    formset = PartyInlineFormSet
    fields = ["position", "partner", "role"]
    autocomplete_fields = ["partner"]

    def get_extra(self, request, obj=None, **kwargs):
        return 2 if obj is None else 0


class SignatoryInline(admin.TabularInline):
    model = Signatory
    formset = SignatoryInlineFormSet
    fields = ["position", "name", "title", "partner", "on_behalf_of", "signed_on"]
    autocomplete_fields = ["partner"]
    extra = 0


class AxisInline(admin.TabularInline):
    model = Axis
    fields = ["number", "title", "description"]
    show_change_link = True
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["label", "value", "unit", "year"]
    show_change_link = True
    extra = 0


class TargetResultInline(admin.TabularInline):
    model = TargetResult
    fields = ["year", "value", "note"]
    extra = 0


class AmendmentChangeInline(admin.StackedInline):
    model = AmendmentChange
    fields = ["field", ("old_value", "new_value")]
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = Amendment
    fields = ["number", "signed_on", "summary", "new_end_on"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "number":
            field.help_text = "Laisser vide : numéroté à la suite des avenants existants."
        return field


class ReviewInline(admin.StackedInline):
    model = Review
    fields = [("held_on", "kind", "next_review_on"), "participants", "summary", "decisions"]
    extra = 0


class AttachmentFileMixin:
    """The file of an attachment: its link leads to the download view (no public media URL), its
    help text gives the size cap of the settings."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = AdminServedFileWidget(
                served_by=lambda file: file.instance.get_absolute_url(), label="télécharger"
            )
            kwargs["help_text"] = attachment_help_text()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AttachmentInline(AttachmentFileMixin, admin.TabularInline):
    model = Attachment
    fields = ["title", "kind", "file"]
    extra = 0


class StatementInline(admin.StackedInline):
    model = Statement
    fields = [("person", "role", "organisation", "position"), "text"]
    autocomplete_fields = ["organisation"]
    extra = 0


class ConventionAdminForm(forms.ModelForm):
    """The admin's convention form: saving over a change made since the page was loaded is
    refused, as on the staff edit page (services.check_version), with the list of changes
    (`conflict`, shown by admin/conventions/convention/change_form.html)."""

    loaded_version = forms.IntegerField(
        label="Version chargée", widget=forms.HiddenInput, required=False, min_value=1
    )
    loaded_at = forms.DateTimeField(label="Chargée le", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Convention
        fields = []  # those of ConventionAdmin.fieldsets (ModelAdmin.get_form)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["loaded_version"].required = True
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_at"].initial = timezone.now()

    def clean(self):
        cleaned_data = super().clean()
        loaded_version = cleaned_data.get("loaded_version")
        if self.instance.pk is None or loaded_version is None:
            return cleaned_data
        try:
            # Locks the convention until the admin's save is committed (changeform_view's
            # transaction), as convention_save does.
            check_version(convention=self.instance, loaded_version=loaded_version)
        except EditConflict:
            self.conflict = edit_conflict(self.instance, since=cleaned_data.get("loaded_at"))
            # The page shown again carries the current version: saved again, after reading the
            # changes, it replaces them.
            current = Convention.objects.values_list("version", flat=True).get(pk=self.instance.pk)
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = str(current)
            self.data[self.add_prefix("loaded_at")] = timezone.now().isoformat()
            raise ValidationError(
                "Cette convention a été modifiée pendant que vous la modifiiez : lisez les "
                "modifications faites entre-temps avant d'enregistrer à nouveau.",
                code="edit_conflict",
            ) from None
        return cleaned_data


@admin.register(Convention)
class ConventionAdmin(HistoryAdmin):
    form = ConventionAdminForm
    list_per_page = 50
    list_display = ["reference", "title", "kind", "scope", "status_label", "signed_on", "end_on"]
    list_display_links = ["reference", "title"]
    list_filter = ["kind", "scope", StatusFilter, "parties__partner", SignatureYearFilter]
    search_fields = [
        "reference",
        "title",
        "summary",
        "parties__partner__name",
        "parties__partner__acronym",
        "signatories__name",
    ]
    date_hierarchy = "signed_on"
    readonly_fields = ["reference", "status_label", "term_end_on", "end_on", "notice_deadline"]
    autocomplete_fields = ["predecessor", "parent", "framework", "territories", "terminated_by"]
    filter_horizontal = ["audiences", "themes"]
    fieldsets = [
        (
            "Identification",
            {
                "fields": [
                    *("reference", "status_label", "title", "kind", "scope"),
                    ("loaded_version", "loaded_at"),
                ]
            },
        ),
        (
            "Parties et dates",
            {"fields": ["signed_on", "signed_at", "event", "effective_on"]},
        ),
        (
            "Durée et fin",
            {
                "fields": [
                    ("duration_months", "period_end"),
                    ("term_end_on", "end_on"),
                    ("notice_months", "notice_deadline"),
                    "tacit_renewal",
                    ("terminated_on", "termination_notice_sent_on"),
                    ("terminated_by", "termination_method"),
                    ("termination_letter_number", "termination_receipt_on"),
                    "notice_from_receipt",
                ]
            },
        ),
        ("Contenu", {"fields": ["summary", "preamble", "objectives", "communication", "amount"]}),
        ("Suivi", {"fields": ["follow_up", "review_every_months"]}),
        (
            "Liens",
            {
                "fields": [
                    "predecessor",
                    "parent",
                    "declination_deadline",
                    ("framework", "financial_year"),
                ]
            },
        ),
        ("Classement", {"fields": ["audiences", "themes", "territories"]}),
    ]
    inlines = [
        PartyInline,
        SignatoryInline,
        AxisInline,
        TargetInline,
        AmendmentInline,
        ReviewInline,
        AttachmentInline,
        StatementInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status().with_notice_deadline()

    def render_change_form(self, request, context, *args, **kwargs):
        context["conflict"] = getattr(context["adminform"].form, "conflict", None)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="statut", ordering="db_status")
    def status_label(self, obj):
        return obj.current_status.label

    @admin.display(description="date limite de préavis")
    def notice_deadline(self, obj):
        # A read-only callable's value is printed as is: format the date as the model fields are.
        deadline = getattr(obj, "db_notice_deadline", None)
        return date_format(deadline) if deadline else None


# Rows of a convention, each also reachable on its own for its history ---------------------------


class ConventionRowAdmin(HistoryAdmin):
    list_select_related = ["convention"]
    autocomplete_fields = ["convention"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    form = CommitmentForm
    fields = [("position", "bearer", "status", "due_on"), "text", "note"]
    autocomplete_fields = ["bearer"]
    extra = 0


@admin.register(Axis)
class AxisAdmin(ConventionRowAdmin):
    list_display = ["number", "title", "convention"]
    search_fields = ["title", "convention__title", "convention__reference"]
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(ConventionRowAdmin):
    form = CommitmentForm
    list_display = ["__str__", "convention", "axis", "bearer", "status", "due_on"]
    list_filter = ["status"]
    list_select_related = ["convention", "axis", "bearer"]
    search_fields = ["text", "convention__title", "convention__reference"]
    autocomplete_fields = ["convention", "axis", "bearer"]


@admin.register(Party)
class PartyAdmin(ConventionRowAdmin):
    list_display = ["partner", "role", "convention"]
    list_filter = ["role"]
    list_select_related = ["convention", "partner"]
    search_fields = ["partner__name", "partner__acronym", "convention__title"]
    autocomplete_fields = ["convention", "partner"]


@admin.register(Signatory)
class SignatoryAdmin(ConventionRowAdmin):
    form = SignatoryForm
    list_display = ["name", "title", "partner", "convention", "signed_on"]
    list_select_related = ["convention", "partner"]
    search_fields = ["name", "title", "convention__title"]
    autocomplete_fields = ["convention", "partner"]


@admin.register(Target)
class TargetAdmin(ConventionRowAdmin):
    list_display = ["label", "value", "unit", "year", "convention"]
    search_fields = ["label", "convention__title"]
    inlines = [TargetResultInline]


@admin.register(Amendment)
class AmendmentAdmin(ConventionRowAdmin):
    list_display = ["__str__", "signed_on", "new_end_on", "convention"]
    search_fields = ["summary", "convention__title", "convention__reference"]
    date_hierarchy = "signed_on"
    inlines = [AmendmentChangeInline]

    def delete_queryset(self, request, queryset):
        # One by one, so each convention's end date is derived again (Amendment.delete).
        for amendment in queryset.select_related("convention"):
            amendment.delete()


@admin.register(Review)
class ReviewAdmin(ConventionRowAdmin):
    list_display = ["__str__", "kind", "held_on", "next_review_on", "convention"]
    list_filter = ["kind"]
    search_fields = ["summary", "decisions", "convention__title"]
    date_hierarchy = "held_on"


@admin.register(Attachment)
class AttachmentAdmin(AttachmentFileMixin, ConventionRowAdmin):
    list_display = ["title", "kind", "added_at", "convention"]
    list_filter = ["kind"]
    search_fields = ["title", "convention__title"]


@admin.register(Statement)
class StatementAdmin(ConventionRowAdmin):
    list_display = ["person", "role", "organisation", "convention"]
    list_select_related = ["convention", "organisation"]
    search_fields = ["person", "role", "text", "convention__title"]
    autocomplete_fields = ["convention", "organisation"]
