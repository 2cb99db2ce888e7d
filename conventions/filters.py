"""The filters of the conventions list and its exports: the whole state lives in the URL.

GET parameters (other pages link to them):
    q=<texte>                      full-text search (ConventionQuerySet.search)
    partenaire=<partner slug>      a party to the convention
    type=<ConventionKind>          statut=<Status>          portee=<Scope>
    territoire=<territory slug>    thematique=<theme slug>  public=<audience slug>
    signee_de=<year>, signee_a=<year>   signature year range, bounds included
    fin_dans=<months>              in force and ending within that many months
    preavis_dans=<months>          in force, notice deadline within that many months
    bilan_du=1                     reviews due        declinaison_en_retard=1   declinations overdue
    declinaison_de=<convention pk> the declinations of a national convention
    region_declinaison=<territory slug|non-renseignee>   declinations by their partner's region
    avancement=<DeclinationProgress>   declinations signed, in preparation or overdue
    conventions_application=1      frameworks with financial conventions (conventions d'application)
    application_de=<convention pk> the financial conventions of a framework
    tri=<signature|-signature|fin|-fin|intitule|-intitule>
"""

from functools import partial

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F

from partners.models import Partner, Territory
from partners.regions import REGION_KINDS

from .enums import ConventionKind, DeclinationProgress, Scope, Status
from .models import Audience, Convention, Theme
from .models.convention import EndOrFarFuture
from .widgets import SEARCHABLE, FastSelect, ReadOnce

MAX_MONTHS = 120
# A search counts its matches up to COUNTED_MATCHES: beyond, the list says "plus de 1 000" and
# offers those pages only (views.browse.SearchPaginator); counting every match of a common word
# would read all their rows. It orders them by relevance when they are at most RANKED_MATCHES
# (ranking reads the search vector of every match: 1 to 2 ms per 100, docs/performance.md);
# beyond, the latest signed come first and the list says how to narrow the search.
COUNTED_MATCHES = 1000
RANKED_MATCHES = 200
# The value of `region_declinaison` for declinations whose partner has no known region.
NO_REGION = "non-renseignee"

SORTS = {
    "signature": ("signed_on", "Date de signature (plus ancienne d'abord)"),
    "-signature": ("-signed_on", "Date de signature (plus récente d'abord)"),
    "fin": ("end_on", "Date de fin (plus proche d'abord)"),
    "-fin": ("-end_on", "Date de fin (plus lointaine d'abord)"),
    "intitule": ("title", "Intitulé (A → Z)"),
    "-intitule": ("-title", "Intitulé (Z → A)"),
}


def order_expression(field: str):
    """Conventions without the date (drafts, open-ended ones) come last either way."""
    if field == "end_on":
        # The same order, through the index that also finds the conventions in force.
        return EndOrFarFuture(F("end_on")).asc()
    if field.startswith("-"):
        return F(field[1:]).desc(nulls_last=True)
    return F(field).asc(nulls_last=True)


def partner_choices() -> list[tuple[str, str]]:
    """The partner select's options, read as tuples: some 500 partners, whose model instances
    cost more than the rest of the filter panel."""
    partners = Partner.objects.order_by("name").values_list("slug", "name", "acronym")
    return [
        ("", "Tous les partenaires"),
        *((slug, f"{name} ({acronym})" if acronym else name) for slug, name, acronym in partners),
    ]


def slug_choices(field) -> list[tuple[str, str]]:
    """The options of a select of territories, themes or audiences (a model choice field
    whose `to_field_name` is their slug) as Django would write them, read as tuples: one
    query, no instance, no server-side cursor."""
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    if field.null_label is not None:
        choices.append((field.null_value, field.null_label))
    return choices + list(field.queryset.values_list("slug", "name"))


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class FlagFilter(django_filters.Filter):
    """A checkbox: `?name=1` (or any non-empty value) applies the filter."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


class ConventionFilterForm(forms.Form):
    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("signee_de"), cleaned.get("signee_a")
        if first is not None and last is not None and first > last:
            self.add_error("signee_a", "L'année de fin doit être postérieure à l'année de début.")
        return cleaned


class ConventionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        max_length=200,
        help_text=(
            "Intitulé, partenaire, signataire, axe, action… "
            "sans tenir compte des accents ni des majuscules."
        ),
    )
    partenaire = django_filters.ModelChoiceFilter(
        label="Partenaire",
        queryset=Partner.objects.all(),
        to_field_name="slug",
        field_name="parties__partner",
    )
    type = django_filters.ChoiceFilter(
        label="Type", field_name="kind", choices=ConventionKind.choices, empty_label="Tous"
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=Status.choices, method="filter_status", empty_label="Tous"
    )
    portee = django_filters.ChoiceFilter(
        label="Portée", field_name="scope", choices=Scope.choices, empty_label="Toutes"
    )
    territoire = django_filters.ModelChoiceFilter(
        label="Territoire",
        queryset=Territory.objects.order_by("name"),
        to_field_name="slug",
        field_name="territories",
        empty_label="Tous",
    )
    thematique = django_filters.ModelChoiceFilter(
        label="Thématique",
        queryset=Theme.objects.order_by("name"),
        to_field_name="slug",
        field_name="themes",
        empty_label="Toutes",
    )
    public = django_filters.ModelChoiceFilter(
        label="Public cible",
        queryset=Audience.objects.order_by("name"),
        to_field_name="slug",
        field_name="audiences",
        empty_label="Tous",
    )
    signee_de = IntegerFilter(
        label="Signée à partir de (année)",
        method="filter_signed_from",
        min_value=1900,
        max_value=2100,
    )
    signee_a = IntegerFilter(
        label="Signée jusqu'en (année)",
        method="filter_signed_until",
        min_value=1900,
        max_value=2100,
    )
    fin_dans = IntegerFilter(
        label="Se termine dans les (mois)",
        method="filter_ending_within",
        min_value=1,
        max_value=MAX_MONTHS,
    )
    preavis_dans = IntegerFilter(
        label="Date limite de préavis dans les (mois)",
        method="filter_notice_within",
        min_value=1,
        max_value=MAX_MONTHS,
    )
    bilan_du = FlagFilter(label="Bilan de suivi en retard", method="filter_reviews_due")
    declinaison_en_retard = FlagFilter(
        label="Déclinaisons locales en retard", method="filter_declinations_overdue"
    )
    declinaison_de = django_filters.ModelChoiceFilter(
        label="Déclinaisons de la convention nationale",
        queryset=Convention.objects.filter(scope=Scope.NATIONAL, declinations__isnull=False)
        .distinct()
        .order_by("title"),
        field_name="parent",
        empty_label="Toutes les conventions",
    )
    region_declinaison = django_filters.ModelChoiceFilter(
        label="Région de la déclinaison",
        queryset=Territory.objects.filter(kind__in=REGION_KINDS).order_by("name"),
        to_field_name="slug",
        method="filter_declination_region",
        empty_label="Toutes",
        null_label="Région non renseignée",
        null_value=NO_REGION,
    )
    avancement = django_filters.ChoiceFilter(
        label="Avancement de la déclinaison",
        choices=DeclinationProgress.choices,
        method="filter_declination_progress",
        empty_label="Tous",
    )
    conventions_application = FlagFilter(
        label="A des conventions d'application (financières)",
        method="filter_has_financial_conventions",
    )
    application_de = django_filters.ModelChoiceFilter(
        label="Conventions d'application de",
        queryset=Convention.objects.filter(financial_conventions__isnull=False)
        .distinct()
        .order_by("title"),
        field_name="framework",
        empty_label="Toutes les conventions",
    )
    tri = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (_, label) in SORTS.items()],
        method="filter_sort",
        empty_label="Par défaut",
    )

    class Meta:
        model = Convention
        fields = []
        form = ConventionFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                attrs = {**widget.attrs, "class": "form-select"}
                field.widget = FastSelect(attrs=attrs, choices=widget.choices)
            else:
                widget.attrs["class"] = "form-control"
        self.form.fields["q"].widget.input_type = "search"
        for name in ("declinaison_de", "application_de"):
            self.narrow_national_choice(name)
        # Read when the selects are rendered, not when the criteria are checked; once each.
        fields = self.form.fields
        fields["partenaire"].widget.choices = ReadOnce(partner_choices)
        for name in ("territoire", "thematique", "public", "region_declinaison"):
            fields[name].widget.choices = ReadOnce(partial(slug_choices, fields[name]))
        for name in ("partenaire", "territoire", "thematique", "public"):
            fields[name].widget.attrs.update(SEARCHABLE)
        for name in ("signee_de", "signee_a", "fin_dans", "preavis_dans"):
            self.form.fields[name].widget.attrs["inputmode"] = "numeric"

    def narrow_national_choice(self, name: str):
        """`declinaison_de` (`application_de`) comes from a national convention's (a
        framework's) page, never from a list of the thousands of them: its select offers only
        the convention asked for, and is hidden when none is."""
        field = self.form.fields[name]
        chosen = self.data.get(name, "") if self.is_bound else ""
        if not chosen:
            field.widget = forms.HiddenInput()
            return
        try:
            pk = Convention._meta.pk.to_python(chosen)
        except ValidationError:
            # Not an id ("²", thousands of digits): the field says so, offering nothing.
            field.queryset = field.queryset.none()
        else:
            field.queryset = field.queryset.filter(pk=pk)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    # Set by filter_queryset() for a search: how many conventions match, up to
    # COUNTED_MATCHES + 1 (the list stops counting there), and whether they are ordered by
    # relevance.
    matches: int | None = None
    ranked = False

    @property
    def too_many_to_rank(self) -> bool:
        return self.matches is not None and self.matches > RANKED_MATCHES

    def filter_queryset(self, queryset):
        """The filters, then the order of a search without a chosen sort: by relevance when
        the matches are few enough to rank, else the list's order. The matches are counted
        here, once (views.browse.SearchPaginator)."""
        queryset = super().filter_queryset(queryset)
        text, sort = self.form.cleaned_data.get("q"), self.form.cleaned_data.get("tri")
        if not text:
            return queryset
        self.matches = queryset.count_up_to(COUNTED_MATCHES)
        self.ranked = not sort and not self.too_many_to_rank
        return queryset.by_relevance(text) if self.ranked else queryset

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value)

    def filter_signed_from(self, queryset, name, value):
        return queryset.signed_between(first_year=value)

    def filter_signed_until(self, queryset, name, value):
        return queryset.signed_between(last_year=value)

    def filter_ending_within(self, queryset, name, value):
        return queryset.ending_within(value)

    def filter_notice_within(self, queryset, name, value):
        return queryset.notice_deadline_within(value)

    def filter_reviews_due(self, queryset, name, value):
        return queryset.reviews_due() if value else queryset

    def filter_declinations_overdue(self, queryset, name, value):
        return queryset.declinations_overdue() if value else queryset

    def filter_has_financial_conventions(self, queryset, name, value):
        return queryset.with_financial_conventions() if value else queryset

    def filter_declination_region(self, queryset, name, value):
        declinations = queryset.filter(parent__isnull=False).with_declining_partner()
        if value == NO_REGION:
            return declinations.filter(db_declination_region_id__isnull=True)
        return declinations.filter(db_declination_region_id=value.pk)

    def filter_declination_progress(self, queryset, name, value):
        return (
            queryset.filter(parent__isnull=False)
            .with_declination_progress()
            .filter(db_declination_progress=value)
        )

    def filter_sort(self, queryset, name, value):
        field, _ = SORTS[value]
        return queryset.order_by(order_expression(field), "title", "pk")
