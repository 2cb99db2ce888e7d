import datetime
import decimal
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, Length, NullIf
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from partners.enums import PartnerKind
from partners.models import Partner, Territory

from ..dates import SubtractMonths, add_months, end_of_term
from ..enums import (
    ConventionKind,
    DatePrecision,
    DeclinationProgress,
    PartyRole,
    Scope,
    Status,
    TerminationMethod,
)
from ..typography import year_range
from .taxonomy import Audience, Theme

MIN_SIGNED_PARTIES = 2
FINANCIAL_LINK_MESSAGE = (
    "Une convention financière annuelle indique à la fois sa convention cadre et son année "
    "(exercice)."
)
FINANCIAL_KIND_MESSAGE = (
    "Une convention rattachée à une convention cadre est une convention financière : "
    "choisissez ce type."
)
# A reference the registry gives (Convention.next_reference), and the advisory lock key (with
# the year) that makes two numberings of the same year wait for each other.
REFERENCE_PATTERN = re.compile(r"^CONV-(?P<year>\d{4})-\d+$")
REFERENCE_LOCK = 172018  # any number no other lock of the registry uses
# Who declines a national convention: the first party of these kinds in a declination.
DECLINING_PARTNER_KINDS = (PartnerKind.MISSION_LOCALE, PartnerKind.REGIONAL_ASSOCIATION)

# The PostgreSQL text search configuration created by migration 0002: French stemming after
# unaccent, so "Academie" matches "Académie".
SEARCH_CONFIG = "french_unaccent"
# What searches are parsed with (migration 0009): the same without the parts of hyphenated
# words, so "Saint-Nazaire" is the one indexed word 'saint-nazair', not a phrase of three.
SEARCH_QUERY_CONFIG = "french_unaccent_query"
# Derived for the search only: pages and exports never read them.
SEARCH_FIELDS = ("search_document", "search_vector")
# What a convention named in a short list shows (ConventionQuerySet.for_list: the dashboard's
# latest signatures; the conventions list reads its rows as values, list_rows.py), and what
# exports of conventions leave out (for_export).
LIST_FIELDS = (
    "reference",
    "title",
    "kind",
    "signed_on",
    "signed_on_precision",
    "end_on",
    "effective_on",
    "terminated_on",
)
LONG_TEXTS = ("summary", "preamble", "objectives", "follow_up", "communication")
PARTNER_IN_LISTS = ("partner__name", "partner__acronym", "partner__slug", "partner__kind")


class SearchDocumentVector(Func):
    """to_tsvector('french_unaccent', search_document): the stored `search_vector` column.

    PostgreSQL computes it whenever the search document is written, so searching reads the
    stored vector through its GIN index instead of parsing every matching document again.
    SQLite has no text search vectors: the column stays empty there and search() reads the
    folded document itself.
    """

    template = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    arity = 1
    output_field = SearchVectorField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class EndOrFarFuture(Func):
    """The end date, or 31 December 9999 for a convention without one (open-ended or draft).

    "Not ended on a day" and "sorted by end date, those without one last" both compare this,
    so that the index on it (convention_end_order_idx) finds the conventions still running
    from today on instead of reading every one that ended before.
    """

    template = "COALESCE(%(expressions)s, '9999-12-31'::date)"
    arity = 1
    output_field = models.DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "COALESCE(%(expressions)s, '9999-12-31')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def first_known_day(day: datetime.date | None, precision: str) -> datetime.date | None:
    """The date stored for `day` known to `precision` (a DatePrecision): the first day of its
    month or year when only those are known, so that sorting and status read that day."""
    if day is None or precision == DatePrecision.DAY:
        return day
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=SEARCH_QUERY_CONFIG, search_type="websearch")


# The dates a status is computed from, in the order status_from_dates() takes them.
STATUS_DATES = ("signed_on", "effective_on", "end_on", "terminated_on")
# What a page shows of the conventions it links to (renewals, declinations).
RELATED_FIELDS = ("pk", "reference", "title", "predecessor_id", "parent_id", *STATUS_DATES)
# ...and of its financial conventions.
FINANCIAL_FIELDS = ("framework_id", "financial_year", "amount")


def last_day_in_force(
    term_end_on: datetime.date | None, terminated_on: datetime.date | None
) -> datetime.date | None:
    """The day a convention actually ends: its contractual end, or the day before its
    termination takes effect when that comes first (terminated_on is the first day no longer
    in force, end_on the last day in force)."""
    if terminated_on is None:
        return term_end_on
    eve = terminated_on - datetime.timedelta(days=1)
    return eve if term_end_on is None else min(term_end_on, eve)


def status_from_dates(
    day: datetime.date,
    signed_on: datetime.date | None,
    effective_on: datetime.date | None,
    end_on: datetime.date | None,
    terminated_on: datetime.date | None,
) -> Status:
    """A convention's status on `day` (Convention.status_on, and the list's rows, which read
    these dates as values): mirrors status_condition()."""
    if signed_on is None:
        return Status.DRAFT
    if terminated_on is not None and terminated_on <= day:
        return Status.TERMINATED
    if effective_on is not None and effective_on > day:
        return Status.SIGNED
    if end_on is None:
        return Status.IN_FORCE_OPEN_ENDED
    if end_on < day:
        return Status.EXPIRED
    return Status.IN_FORCE


def status_condition(status: str, day: datetime.date, *, path: str = "") -> Q:
    """The database condition for a convention to be in `status` on `day`.

    Mirrors status_from_dates() (Convention.status_on); the two are tested against each other
    on every boundary.
    `path` reaches the convention from another model, e.g. "parties__convention__" from Partner.
    """
    signed = Q(**{f"{path}signed_on__isnull": False})
    terminated = Q(**{f"{path}terminated_on__lte": day})
    not_yet_effective = Q(**{f"{path}effective_on__gt": day})
    ended = Q(**{f"{path}end_on__lt": day})
    no_end = Q(**{f"{path}end_on__isnull": True})
    # Through the index on the end date (EndOrFarFuture), from `day` on.
    not_ended = Q(GreaterThanOrEqual(EndOrFarFuture(F(f"{path}end_on")), day))
    return {
        Status.DRAFT: ~signed,
        Status.TERMINATED: signed & terminated,
        Status.SIGNED: signed & ~terminated & not_yet_effective,
        Status.EXPIRED: signed & ~terminated & ~not_yet_effective & ended,
        Status.IN_FORCE: signed & ~terminated & ~not_yet_effective & not_ended & ~no_end,
        Status.IN_FORCE_OPEN_ENDED: signed & ~terminated & ~not_yet_effective & no_end,
    }[Status(status)]


# In effect on the day, whether its end is known or not: what follow-up reviews, declination
# deadlines and other running obligations apply to.
RUNNING_STATUSES = (Status.IN_FORCE, Status.IN_FORCE_OPEN_ENDED)


def running_condition(day: datetime.date, *, path: str = "") -> Q:
    """In force on `day`, with or without a known end (RUNNING_STATUSES)."""
    return status_condition(Status.IN_FORCE, day, path=path) | status_condition(
        Status.IN_FORCE_OPEN_ENDED, day, path=path
    )


def declination_overdue_condition(day: datetime.date) -> Q:
    """The database condition for a declination to be overdue on `day`.

    The rule, in one place: a declination is overdue when it is still a draft (not signed) the
    day after its national convention's declination deadline, while that national convention
    is in force. On the deadline itself it is not overdue yet; once signed it never is (signed
    after the deadline, it is "signée en retard", see Convention.declination_signed_late); a
    national convention expired or terminated no longer waits for it.
    Mirrors Convention.declination_overdue_on(); tested against each other on the boundaries.
    """
    return Q(
        parent__isnull=False,
        signed_on__isnull=True,
        parent__declination_deadline__lt=day,
    ) & running_condition(day, path="parent__")


def detail_prefetches(on: datetime.date | None = None) -> list:
    """The rows a convention's page and PDF show, each kind in one query."""
    from .content import Axis, Commitment
    from .follow_up import Statement

    commitments = Commitment.objects.select_related("bearer").order_by("position", "pk")
    # Renewals and declinations are named and linked (a national convention may have hundreds
    # of declinations): their columns for that, not their texts nor their search columns.
    related = Convention.objects.only(*RELATED_FIELDS).order_by("-signed_on", "title")
    if on:  # else their status comes from their dates in Python (current_status)
        related = related.with_status(on=on)
    return [
        Prefetch("parties", Party.objects.select_related("partner")),
        Prefetch("signatories", Signatory.objects.select_related("partner")),
        Prefetch("axes", Axis.objects.prefetch_related(Prefetch("commitments", commitments))),
        Prefetch(
            "commitments", commitments.filter(axis__isnull=True), to_attr="general_commitments"
        ),
        "targets__results",
        "amendments__changes",
        "reviews",
        "attachments",
        Prefetch("statements", Statement.objects.select_related("organisation")),
        Prefetch("successors", related),
        Prefetch("declinations", related),
        Prefetch(
            "financial_conventions",
            Convention.objects.only(*RELATED_FIELDS, *FINANCIAL_FIELDS).order_by(
                "financial_year", "pk"
            ),
        ),
        "audiences",
        "themes",
        "territories",
    ]


class ConventionQuerySet(models.QuerySet):
    def with_status(self, on: datetime.date | None = None):
        """Annotate `db_status`, the lifecycle status on `on` (today by default)."""
        day = on or timezone.localdate()
        return self.annotate(
            db_status=Case(
                *(When(status_condition(s, day), then=Value(s.value)) for s in Status),
                output_field=models.CharField(),
            )
        )

    def with_notice_deadline(self):
        """Annotate `db_notice_deadline`: the end date minus the notice period, NULL once notice
        was given or the convention terminated (mirrors Convention.notice_deadline)."""
        return self.annotate(
            db_notice_deadline=Case(
                When(
                    Q(termination_notice_sent_on__isnull=False) | Q(terminated_on__isnull=False),
                    then=Value(None, output_field=models.DateField()),
                ),
                default=SubtractMonths(F("end_on"), F("notice_months")),
                output_field=models.DateField(),
            )
        )

    def in_status(self, *statuses: str, on: datetime.date | None = None):
        day = on or timezone.localdate()
        condition = Q()
        for status in statuses:
            condition |= status_condition(status, day)
        return self.filter(condition)

    def in_force(self, on: datetime.date | None = None):
        """In force with a known end date (Status.IN_FORCE): see running() for all in effect."""
        return self.in_status(Status.IN_FORCE, on=on)

    def running(self, on: datetime.date | None = None):
        """In effect on `on` (today), whether its end date is known or not."""
        return self.in_status(*RUNNING_STATUSES, on=on)

    def for_partner(self, partner: Partner):
        return self.filter(parties__partner=partner)

    # Search and the dashboard's watch lists -----------------------------------------------

    def search(self, text: str):
        """Conventions whose search document matches every word of `text`.

        PostgreSQL: French full-text search ignoring accents and case (websearch syntax:
        "quoted phrase", -excluded, or), through the GIN index of the stored vector. SQLite:
        each folded word must appear in the folded document. The order is left as it was:
        see by_relevance().
        """
        from ..search import fold, join_number_groups

        text = join_number_groups(text)
        if connections[self.db].vendor == "postgresql":
            return self.filter(search_vector=search_query(text))
        condition = Q()
        for word in fold(text).replace('"', " ").split():
            condition &= Q(search_document__contains=word)
        return self.filter(condition)

    def by_relevance(self, text: str):
        """The best matches for `text` first (`search_rank`), then the latest signed.

        Ranking reads the vector of every match: the list only asks for it when the matches
        are few (filters.RANKED_MATCHES). SQLite has no ranking: the order is left as it was.
        """
        from ..search import join_number_groups

        if connections[self.db].vendor != "postgresql":
            return self
        return self.annotate(
            search_rank=SearchRank(F("search_vector"), search_query(join_number_groups(text)))
        ).order_by("-search_rank", F("signed_on").desc(nulls_last=True), "pk")

    def count_up_to(self, limit: int) -> int:
        """How many rows match, reading no more than `limit` + 1 of them: more than `limit`
        means "more than `limit`". Only the ids are read (no annotation computed)."""
        return self.order_by().values("pk")[: limit + 1].count()

    def page_stamp(self, pk: int) -> tuple:
        """A stamp of the conventions the page of convention `pk` shows: itself, its whole
        renewal chain, its national convention and its declinations, its framework agreement and
        its financial conventions. Any write to one of them changes it: a save or a row's write
        raises a version (versioning.py), a convention added to the family brings a newer
        `updated_at`, one removed lowers the count. One
        query, through the indexes of the links (under 2 ms for a national convention and its
        declinations on 100 000 conventions)."""
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        sql = f"""
            WITH RECURSIVE chain(id, predecessor_id) AS (
                SELECT id, predecessor_id FROM {table} WHERE id = %s
                UNION
                SELECT c.id, c.predecessor_id FROM {table} c JOIN chain
                    ON c.predecessor_id = chain.id OR c.id = chain.predecessor_id
            ), family(id) AS (
                SELECT id FROM chain
                UNION SELECT id FROM {table} WHERE parent_id = %s
                UNION SELECT parent_id FROM {table} WHERE id = %s AND parent_id IS NOT NULL
                UNION SELECT id FROM {table} WHERE framework_id = %s
                UNION SELECT framework_id FROM {table} WHERE id = %s AND framework_id IS NOT NULL
            )
            SELECT COUNT(*), SUM(c.version), MAX(c.updated_at)
            FROM {table} c JOIN family ON c.id = family.id
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [pk, pk, pk, pk, pk])
            return tuple(cursor.fetchone())

    def signed_between(self, first_year: int | None = None, last_year: int | None = None):
        """Signed in `first_year` or later and in `last_year` or earlier (either may be None)."""
        qs = self
        if first_year is not None:
            qs = qs.filter(signed_on__gte=datetime.date(first_year, 1, 1))
        if last_year is not None:
            qs = qs.filter(signed_on__lte=datetime.date(last_year, 12, 31))
        return qs

    def ending_within(self, months: int, on: datetime.date | None = None):
        """In force on `on` (today) and ending at the latest `months` months later."""
        day = on or timezone.localdate()
        return self.in_force(on=day).filter(end_on__gte=day, end_on__lte=add_months(day, months))

    def notice_deadline_within(self, months: int, on: datetime.date | None = None):
        """In force, with a notice deadline between `on` (today) and `months` months later."""
        day = on or timezone.localdate()
        return (
            self.in_force(on=day)
            .with_notice_deadline()
            .filter(db_notice_deadline__gte=day, db_notice_deadline__lte=add_months(day, months))
        )

    def with_review_schedule(self):
        """Alias `db_review_reference`, the date the review period runs from (the latest review
        held, else the effective date), and `db_next_review_on`, the next review that latest
        review planned (NULL if none)."""
        from .follow_up import Review

        reviews = Review.objects.filter(convention=OuterRef("pk")).order_by("-held_on", "-pk")
        last_held = Subquery(reviews.values("held_on")[:1])
        next_planned = Subquery(reviews.values("next_review_on")[:1])
        return self.alias(
            db_review_reference=Coalesce(last_held, F("effective_on")),
            db_next_review_on=next_planned,
        )

    def reviews_due(self, on: datetime.date | None = None):
        """In force, and a follow-up review is overdue on `on` (today).

        Overdue means either the convention sets a review period and nothing was held within
        that many months (counted from the effective date when no review was ever held), or
        the latest review planned a next one on a date now passed.
        """
        day = on or timezone.localdate()
        period_elapsed = Q(review_every_months__isnull=False) & Q(
            db_review_reference__lte=SubtractMonths(
                Value(day, output_field=models.DateField()), F("review_every_months")
            )
        )
        return (
            self.running(on=day)
            .with_review_schedule()
            .filter(period_elapsed | Q(db_next_review_on__lt=day))
        )

    def awaiting_declination(self):
        """National conventions with a declination deadline and no declination yet, or with a
        declination still a draft (not signed): someone has a declination to get signed."""
        declinations = Convention.objects.filter(parent=OuterRef("pk"))
        return self.filter(scope=Scope.NATIONAL, declination_deadline__isnull=False).filter(
            ~Exists(declinations) | Exists(declinations.filter(signed_on__isnull=True))
        )

    def declinations_overdue(self, on: datetime.date | None = None):
        """National conventions whose declinations are late on `on` (today).

        In force, past their declination deadline, and with no declination at all or with a
        declination still a draft, which on such a convention is exactly a declination overdue
        (declination_overdue_condition). Signed declinations, even signed late, leave nothing
        to chase. The dashboard, the list filter `declinaison_en_retard` and the reminder
        digest all use this. Mirrors Convention.declinations_overdue_on().
        """
        day = on or timezone.localdate()
        return self.running(on=day).awaiting_declination().filter(declination_deadline__lt=day)

    def with_financial_conventions(self):
        """Framework agreements that have at least one financial convention."""
        return self.filter(Exists(Convention.objects.filter(framework=OuterRef("pk")).order_by()))

    # Declinations, seen from their national convention -------------------------------------

    def overdue_declinations(self, on: datetime.date | None = None):
        """Declinations overdue on `on` (today): see declination_overdue_condition()."""
        return self.filter(declination_overdue_condition(on or timezone.localdate()))

    def with_declination_progress(self, on: datetime.date | None = None):
        """Annotate `db_declination_progress` (a DeclinationProgress) on declinations.

        Signed; else overdue (declination_overdue_condition); else in preparation.
        Meaningless on a convention that declines nothing (filter on `parent` first).
        """
        day = on or timezone.localdate()
        return self.annotate(
            db_declination_progress=Case(
                When(signed_on__isnull=False, then=Value(DeclinationProgress.SIGNED.value)),
                When(
                    declination_overdue_condition(day),
                    then=Value(DeclinationProgress.OVERDUE.value),
                ),
                default=Value(DeclinationProgress.PREPARING.value),
                output_field=models.CharField(),
            )
        )

    def with_declining_partner(self):
        """Annotate `db_declining_partner_id`, `db_declining_partner_kind` and
        `db_declination_region_id` on declinations.

        The declining partner is the first party (in the text's order) that is a Mission Locale
        or a regional association: the one services.convention_decline puts first. Its region
        is its territory's (partners/regions.py); all three are NULL without such a party.
        """
        from partners.regions import region_id

        declining = Party.objects.filter(
            convention=OuterRef("pk"), partner__kind__in=DECLINING_PARTNER_KINDS
        ).order_by("position", "pk")
        return self.annotate(
            db_declining_partner_id=Subquery(declining.values("partner_id")[:1]),
            db_declining_partner_kind=Subquery(declining.values("partner__kind")[:1]),
            db_declination_region_id=Subquery(
                declining.annotate(region=region_id("partner__territory")).values("region")[:1]
            ),
        )

    # Loading for display ------------------------------------------------------------------

    def with_party_list(self):
        """Its parties, with their partners' names, in `party_list` (a plain list: no queryset
        built per convention)."""
        parties = (
            Party.objects.select_related("partner")
            .only("convention_id", "role", "position", *PARTNER_IN_LISTS)
            .order_by("position", "pk")
        )
        return self.prefetch_related(Prefetch("parties", queryset=parties, to_attr="party_list"))

    def for_list(self):
        """What a convention named in a short list shows (LIST_FIELDS, `party_list`), nothing
        more. Its status is computed from its dates in Python: the database's CASE
        (with_status) costs more to build than to compute for a few rows."""
        return self.with_party_list().only(*LIST_FIELDS)

    def for_page(self, on: datetime.date | None = None):
        """The convention of a page, without its rows (detail_prefetches() reads them). Its
        status comes from its dates in Python (`current_status`), unless asked as of another
        day: the database's CASE (with_status) costs more to build than to compute for one."""
        page = self.defer(*SEARCH_FIELDS).select_related("predecessor", "parent", "framework")
        return page.with_status(on=on) if on else page

    def for_detail(self, on: datetime.date | None = None):
        """Everything the convention page and its PDF show, in a fixed number of queries."""
        return self.for_page(on=on).prefetch_related(*detail_prefetches(on=on))

    def for_export(self, on: datetime.date | None = None):
        """A list's row plus the notice deadline, termination, signatories, the references of
        its predecessor and parent, territories, themes and audiences; not the long texts nor
        the search columns."""
        signatories = Signatory.objects.order_by("position", "pk")
        return (
            self.with_status(on=on)
            .with_party_list()
            .defer(*SEARCH_FIELDS, *LONG_TEXTS)
            .with_notice_deadline()
            .annotate(
                predecessor_reference=F("predecessor__reference"),
                parent_reference=F("parent__reference"),
                terminated_by_label=Coalesce(
                    NullIf(F("terminated_by__acronym"), Value("")), F("terminated_by__name")
                ),
            )
            .prefetch_related(
                Prefetch("signatories", queryset=signatories),
                "territories",
                "themes",
                "audiences",
            )
        )

    def signatures_per_year(self):
        """[{"year": 2024, "count": 3}, ...] for signed conventions, oldest year first."""
        return (
            self.filter(signed_on__isnull=False)
            .annotate(year=ExtractYear("signed_on"))
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("year")
        )


class Convention(models.Model):
    reference = models.CharField(
        "référence",
        max_length=20,
        unique=True,
        editable=False,
        help_text="Attribuée automatiquement : CONV-année de signature-numéro.",
    )
    title = models.CharField("intitulé", max_length=255)
    kind = models.CharField("type", max_length=30, choices=ConventionKind.choices)
    scope = models.CharField("portée", max_length=10, choices=Scope.choices, default=Scope.NATIONAL)
    summary = models.TextField("résumé", blank=True)
    preamble = models.TextField("préambule", blank=True)
    objectives = models.TextField("objectifs", blank=True)

    signed_on = models.DateField("date de signature", null=True, blank=True)
    signed_on_precision = models.CharField(
        "précision de la signature",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Si seuls le mois ou l'année sont connus : la date est alors leur premier jour.",
    )
    signed_at = models.CharField("lieu de signature", max_length=150, blank=True)
    event = models.CharField(
        "événement",
        max_length=200,
        blank=True,
        help_text="Salon, congrès… où la convention a été signée.",
    )
    effective_on = models.DateField(
        "date d'effet",
        null=True,
        blank=True,
        help_text=(
            "Début de la période pour une convention pluriannuelle ; "
            "par défaut, la date de signature."
        ),
    )
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    period_end = models.DateField(
        "fin de période", null=True, blank=True, help_text="À la place d'une durée : « 2023-2025 »."
    )
    end_on = models.DateField(
        "date de fin",
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Calculée : la fin contractuelle, ou la veille de la résiliation si elle vient avant."
        ),
    )
    term_end_on = models.DateField(
        "fin contractuelle",
        null=True,
        blank=True,
        editable=False,
        help_text="Calculée : durée ou période, ou dernier avenant qui la modifie.",
    )
    notice_months = models.PositiveSmallIntegerField(
        "préavis de résiliation (mois)", null=True, blank=True
    )
    tacit_renewal = models.BooleanField("reconduction tacite", default=False)
    terminated_on = models.DateField("date d'effet de la résiliation", null=True, blank=True)
    terminated_by = models.ForeignKey(
        Partner,
        verbose_name="résiliée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    termination_notice_sent_on = models.DateField(
        "date d'envoi du préavis de résiliation", null=True, blank=True
    )
    termination_method = models.CharField(
        "forme de la résiliation", max_length=30, choices=TerminationMethod.choices, blank=True
    )
    termination_letter_number = models.CharField(
        "numéro de la lettre recommandée", max_length=50, blank=True
    )
    termination_receipt_on = models.DateField(
        "date de l'accusé de réception du préavis", null=True, blank=True
    )
    notice_from_receipt = models.BooleanField(
        "préavis décompté à réception",
        default=False,
        help_text="Le préavis court à partir de la réception de la lettre, non de son envoi.",
    )

    follow_up = models.TextField("modalités de suivi", blank=True)
    review_every_months = models.PositiveSmallIntegerField(
        "périodicité des bilans (mois)", null=True, blank=True
    )
    communication = models.TextField("communication", blank=True)
    amount = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )

    predecessor = models.ForeignKey(
        "self",
        verbose_name="renouvelle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="convention nationale déclinée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declinations",
    )
    # A yearly financial convention (convention d'application) of a framework agreement:
    # neither a declination (`parent`) nor a renewal (`predecessor`).
    framework = models.ForeignKey(
        "self",
        verbose_name="convention cadre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financial_conventions",
        help_text="Pour une convention financière annuelle : l'accord-cadre qu'elle applique.",
    )
    financial_year = models.PositiveSmallIntegerField(
        "exercice",
        null=True,
        blank=True,
        help_text="L'année que couvre la convention financière (une par année et par cadre).",
    )
    declination_deadline = models.DateField(
        "échéance des déclinaisons",
        null=True,
        blank=True,
        help_text="Date limite de signature des déclinaisons locales ou régionales.",
    )

    audiences = models.ManyToManyField(Audience, verbose_name="publics cibles", blank=True)
    themes = models.ManyToManyField(Theme, verbose_name="thématiques", blank=True)
    territories = models.ManyToManyField(Territory, verbose_name="territoires", blank=True)
    partners = models.ManyToManyField(
        Partner, through="Party", verbose_name="parties", related_name="conventions"
    )

    # Kept up to date by conventions/search.py; folded (lower case, no accents) so SQLite's
    # contains-search ignores accents too. PostgreSQL indexes it (GIN, migration 0002).
    search_document = models.TextField("texte indexé", blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchDocumentVector("search_document"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        verbose_name="vecteur de recherche",
    )

    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # Optimistic locking: raised by every save of an existing convention (see save()), so an
    # edit page can tell that someone else saved since it was loaded (see convention_save).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    # The search document and the version are derived: recording them would show them in the
    # change history.
    history = HistoricalRecords(
        m2m_fields=[audiences, themes, territories],
        excluded_fields=["search_document", "search_vector", "version"],
    )
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-signed_on", "title"]
        # The four dates every status condition reads, so that counting conventions in a
        # status reads this index only, from today's date on for those in force
        # (status_condition); the sort by end date, which also finds those in force. Created by
        # migration 0007 on PostgreSQL only: the GIN index of the search vector, and the list's
        # default order (latest signed first, drafts last: SQLite has no NULLS LAST in indexes).
        indexes = [
            models.Index(
                EndOrFarFuture("end_on"),
                "end_on",
                "effective_on",
                "signed_on",
                "terminated_on",
                name="convention_status_dates_idx",
            ),
            models.Index(EndOrFarFuture("end_on"), "title", "id", name="convention_end_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gt=0),
                name="convention_duration_positive",
                violation_error_message="La durée doit être d'au moins un mois.",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(period_end__isnull=True),
                name="convention_duration_or_period",
                violation_error_message="Indiquez une durée ou une fin de période, pas les deux.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(effective_on__isnull=False),
                name="convention_period_has_start",
                violation_error_message="Une période doit avoir une date de début (date d'effet).",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(period_end__gte=F("effective_on")),
                name="convention_period_end_after_start",
                violation_error_message="La fin de période ne peut pas précéder la date d'effet.",
            ),
            # A convention terminated on its effective date ends the day before it.
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(end_on__gte=F("effective_on"))
                | Q(terminated_on__isnull=False),
                name="convention_end_after_start",
                violation_error_message="La date de fin ne peut pas précéder la date d'effet.",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | Q(effective_on__isnull=False),
                name="convention_signed_has_effective_date",
                violation_error_message="Une convention signée doit avoir une date d'effet.",
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(signed_on__isnull=False, terminated_on__gte=F("signed_on")),
                name="convention_terminated_after_signature",
                violation_error_message=(
                    "Une convention ne peut être résiliée qu'après sa signature."
                ),
            ),
            models.CheckConstraint(
                condition=Q(termination_notice_sent_on__isnull=True)
                | Q(terminated_on__gte=F("termination_notice_sent_on")),
                name="convention_termination_after_notice",
                violation_error_message=(
                    "La résiliation ne peut pas prendre effet avant l'envoi du préavis."
                ),
            ),
            models.CheckConstraint(
                condition=Q(termination_receipt_on__isnull=True)
                | Q(termination_receipt_on__gte=F("termination_notice_sent_on")),
                name="convention_termination_receipt_after_notice",
                violation_error_message=(
                    "L'accusé de réception ne peut pas précéder l'envoi du préavis."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="convention_amount_not_negative",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="convention_not_own_parent",
                violation_error_message=(
                    "Une convention ne peut pas être sa propre convention nationale."
                ),
            ),
            models.CheckConstraint(
                condition=Q(framework__isnull=True, financial_year__isnull=True)
                | Q(framework__isnull=False, financial_year__isnull=False),
                name="convention_framework_and_financial_year",
                violation_error_message=FINANCIAL_LINK_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(framework__isnull=True) | Q(kind=ConventionKind.FINANCIAL),
                name="convention_framework_of_financial_only",
                violation_error_message=FINANCIAL_KIND_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(financial_year__isnull=True)
                | Q(financial_year__gte=1900, financial_year__lte=2100),
                name="convention_financial_year_plausible",
                violation_error_message="L'exercice doit être une année entre 1900 et 2100.",
            ),
            models.CheckConstraint(
                condition=~Q(framework=F("pk")),
                name="convention_not_own_framework",
                violation_error_message=(
                    "Une convention ne peut pas être sa propre convention cadre."
                ),
            ),
            models.UniqueConstraint(
                fields=["framework", "financial_year"],
                name="convention_one_financial_convention_a_year",
                violation_error_message=(
                    "Cette convention cadre a déjà une convention financière pour cette année."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")),
                name="convention_not_own_predecessor",
                violation_error_message="Une convention ne peut pas se renouveler elle-même.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.terminated_on is None:
            # Termination details only describe a termination: cleared with its date.
            self.terminated_by = None
            self.termination_notice_sent_on = None
            self.termination_method = ""
            self.termination_letter_number = ""
            self.termination_receipt_on = None
        self.signed_on = first_known_day(self.signed_on, self.signed_on_precision)
        if self.signed_on and not self.effective_on:
            self.effective_on = self.signed_on
        self.term_end_on = self.derive_term_end_on()
        self.end_on = last_day_in_force(self.term_end_on, self.terminated_on)
        renumber = self.reference_needs_number()
        bump = not self._state.adding and self.pk is not None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                *(["version"] if bump else []),
                *(["reference"] if renumber else []),
            }
        if bump:
            # Incremented in the database, so that a stale object (an admin page loaded earlier)
            # never moves the version back.
            self.version = F("version") + 1
        # The reference's number is taken and saved in one transaction: see next_reference().
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Convention)):
            if renumber:
                self.reference = self.next_reference()
            super().save(*args, **kwargs)
        if bump:
            # Read again from the database the next time it is needed.
            del self.version

    def get_absolute_url(self):
        return reverse("conventions:convention_detail", args=[self.pk])

    # Derived dates and status -------------------------------------------------------------

    def derive_end_on(self) -> datetime.date | None:
        """The last day in force: the contractual end, or the eve of the termination."""
        return last_day_in_force(self.derive_term_end_on(), self.terminated_on)

    def derive_term_end_on(self) -> datetime.date | None:
        """The contractual end: the latest amendment that moves it, else the period or term."""
        if self.pk:
            amended = (
                self.amendments.filter(new_end_on__isnull=False)
                .order_by("-number")
                .values_list("new_end_on", flat=True)
                .first()
            )
            if amended:
                return amended
        if self.period_end:
            return self.period_end
        if self.effective_on and self.duration_months:
            return end_of_term(self.effective_on, self.duration_months)
        return None

    def refresh_end_on(self, *, save: bool = True, by=None) -> None:
        """Derive the end date again, after an amendment was added, changed or deleted.

        When it moved, it is saved through save() so that the convention's history records the
        new date, naming `by` (else the user of the current request) and its version is raised.
        """
        term_end_on = self.derive_term_end_on()
        end_on = last_day_in_force(term_end_on, self.terminated_on)
        moved = (term_end_on, end_on) != (self.term_end_on, self.end_on)
        self.term_end_on, self.end_on = term_end_on, end_on
        if save and moved:
            if by is not None:
                self._history_user = by
            self.save(update_fields=["end_on", "term_end_on", "updated_at"])

    @property
    def notice_deadline(self) -> datetime.date | None:
        """Last day on which a party can give notice so the convention ends early: none once
        notice was given or the convention terminated (mirrors with_notice_deadline())."""
        if self.termination_notice_sent_on is not None or self.terminated_on is not None:
            return None
        if self.end_on is None or self.notice_months is None:
            return None
        return add_months(self.end_on, -self.notice_months)

    def status_on(self, day: datetime.date) -> Status:
        return status_from_dates(
            day, self.signed_on, self.effective_on, self.end_on, self.terminated_on
        )

    @property
    def status(self) -> Status:
        return self.status_on(timezone.localdate())

    @property
    def current_status(self) -> Status:
        """The status from the queryset's `db_status` annotation when present, else computed."""
        db_status = getattr(self, "db_status", None)
        return Status(db_status) if db_status else self.status

    # Declinations (rule: declination_overdue_condition) ------------------------------------

    def declination_deadline_passed_on(self, day: datetime.date) -> bool:
        """A national convention's declination deadline is past on `day` (not on the day)."""
        return self.declination_deadline is not None and self.declination_deadline < day

    def declination_overdue_on(self, day: datetime.date) -> bool:
        """This declination is overdue on `day`: mirrors declination_overdue_condition()."""
        parent = self.parent
        return (
            parent is not None
            and self.signed_on is None
            and parent.declination_deadline_passed_on(day)
            and parent.status_on(day) in RUNNING_STATUSES
        )

    @property
    def declination_overdue(self) -> bool:
        return self.declination_overdue_on(timezone.localdate())

    def declination_progress_on(self, day: datetime.date) -> DeclinationProgress:
        """Mirrors ConventionQuerySet.with_declination_progress()."""
        if self.signed_on is not None:
            return DeclinationProgress.SIGNED
        if self.declination_overdue_on(day):
            return DeclinationProgress.OVERDUE
        return DeclinationProgress.PREPARING

    @property
    def declination_signed_late(self) -> bool:
        """This declination was signed after its national convention's deadline."""
        deadline = self.parent.declination_deadline if self.parent_id else None
        return deadline is not None and self.signed_on is not None and self.signed_on > deadline

    def declinations_overdue_on(self, day: datetime.date) -> bool:
        """This national convention's declinations are late on `day`: mirrors
        ConventionQuerySet.declinations_overdue() (reads `declinations`, prefetched or not)."""
        if not (
            self.scope == Scope.NATIONAL
            and self.declination_deadline_passed_on(day)
            and self.status_on(day) in RUNNING_STATUSES
        ):
            return False
        declinations = list(self.declinations.all())
        return not declinations or any(d.declination_overdue_on(day) for d in declinations)

    def review_schedule(self, on: datetime.date | None = None):
        """When the next follow-up review is expected and whether it is overdue on `on` (today):
        the same rule as `ConventionQuerySet.reviews_due()`, from the reviews as loaded."""
        from .review_schedule import review_schedule

        return review_schedule(self, on or timezone.localdate())

    # Validation and saving ---------------------------------------------------------------

    def clean(self):
        self.signed_on = first_known_day(self.signed_on, self.signed_on_precision)
        if self.signed_on and not self.effective_on:
            self.effective_on = self.signed_on
        errors = {}
        if self.duration_months is not None and self.period_end is not None:
            errors["period_end"] = "Indiquez une durée ou une fin de période, pas les deux."
        if self.period_end and not self.effective_on:
            errors["effective_on"] = "Une période doit avoir une date de début (date d'effet)."
        if self.period_end and self.effective_on and self.period_end < self.effective_on:
            errors["period_end"] = "La fin de période ne peut pas précéder la date d'effet."
        if self.terminated_on and (not self.signed_on or self.terminated_on < self.signed_on):
            errors["terminated_on"] = "Une convention ne peut être résiliée qu'après sa signature."
        elif (
            self.terminated_on
            and self.termination_notice_sent_on
            and self.terminated_on < self.termination_notice_sent_on
        ):
            errors["terminated_on"] = (
                "La résiliation ne peut pas prendre effet avant l'envoi du préavis "
                f"({self.termination_notice_sent_on:%d/%m/%Y})."
            )
        if (
            self.termination_receipt_on
            and self.termination_notice_sent_on
            and self.termination_receipt_on < self.termination_notice_sent_on
        ):
            errors["termination_receipt_on"] = (
                "L'accusé de réception ne peut pas précéder l'envoi du préavis."
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "Une convention ne peut pas être sa propre convention nationale."
        if self.predecessor_id and self.pk and self.predecessor_id == self.pk:
            errors["predecessor"] = "Une convention ne peut pas se renouveler elle-même."
        errors |= self._financial_link_errors()
        if errors:
            raise ValidationError(errors)
        self.term_end_on = self.derive_term_end_on()
        self.end_on = last_day_in_force(self.term_end_on, self.terminated_on)

    def _financial_link_errors(self) -> dict[str, str]:
        """A yearly financial convention names its framework and its year, is of the kind
        "convention financière", and its framework is not itself a financial convention of
        another (the other rules are constraints, checked by full_clean)."""
        if self.framework_id is None and self.financial_year is None:
            return {}
        if self.framework_id is None:
            return {"framework": "Indiquez la convention cadre de cette convention financière."}
        if self.financial_year is None:
            return {"financial_year": "Indiquez l'année (exercice) de cette convention financière."}
        errors = {}
        if self.kind != ConventionKind.FINANCIAL:
            errors["kind"] = FINANCIAL_KIND_MESSAGE
        if self.pk and self.framework_id == self.pk:
            errors["framework"] = "Une convention ne peut pas être sa propre convention cadre."
        elif self.framework.framework_id is not None:
            errors["framework"] = (
                "Cette convention est elle-même une convention financière : choisissez "
                "l'accord-cadre qu'elle applique."
            )
        return errors

    @property
    def financial_total(self) -> decimal.Decimal | None:
        """The amounts of its financial conventions added up (those whose amount is known),
        None without any known amount (reads `financial_conventions`, prefetched or not)."""
        amounts = [c.amount for c in self.financial_conventions.all() if c.amount is not None]
        return sum(amounts, decimal.Decimal(0)) if amounts else None

    @property
    def financial_amount_missing(self) -> bool:
        return any(c.amount is None for c in self.financial_conventions.all())

    def validate_party_count(self, count: int) -> None:
        """A signed convention binds at least two parties (checked where parties are edited)."""
        if self.signed_on and count < MIN_SIGNED_PARTIES:
            raise ValidationError(
                "Une convention signée doit compter au moins deux parties.",
                code="too_few_parties",
            )

    def reference_needs_number(self) -> bool:
        """No reference yet, or one of another year than the signature's: a draft numbered in
        its creation year (a renewal, a declination) is numbered again in the year it is signed,
        and so is a signature date corrected to another year. A draft keeps its number until
        then; a reference not of the form CONV-year-number (restored from elsewhere) is kept."""
        if not self.reference:
            return True
        match = REFERENCE_PATTERN.match(self.reference)
        return bool(match and self.signed_on and int(match["year"]) != self.signed_on.year)

    def next_reference(self) -> str:
        """The next free reference of the signature year (of today for a draft).

        On PostgreSQL the year's numbering is locked (an advisory lock) until the transaction
        that saves the convention ends: two conventions saved together take two numbers, the
        second one counting the first once it is committed. SQLite writes one at a time.
        """
        year = (self.signed_on or timezone.localdate()).year
        prefix = f"CONV-{year}-"
        connection = connections[router.db_for_write(Convention)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REFERENCE_LOCK, year])
        last = (
            Convention.objects.filter(reference__startswith=prefix)
            .order_by(Length("reference").desc(), "-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.removeprefix(prefix)) + 1 if last else 1
        return f"{prefix}{number:03d}"

    @property
    def term_label(self) -> str:
        """The duration as signed, then what moved the end since: "3 ans, prolongée par
        l'avenant n° 1 jusqu'au 31 décembre 2027", "…, résiliée à effet du 1 mars 2025".
        Reads the amendments as loaded (prefetched by the page and the PDF)."""
        parts = [self.duration_label] if self.duration_label else []
        signed_end = self.period_end or (
            end_of_term(self.effective_on, self.duration_months)
            if self.effective_on and self.duration_months
            else None
        )
        moving = [a for a in self.amendments.all() if a.new_end_on is not None]
        latest = max(moving, key=lambda amendment: amendment.number, default=None)
        if latest is not None and latest.new_end_on != signed_end:
            verb = "réduite" if signed_end and latest.new_end_on < signed_end else "prolongée"
            parts.append(
                f"{verb} par l'avenant n° {latest.number} "
                f"jusqu'au {date_format(latest.new_end_on, 'j F Y')}"
            )
        if self.terminated_on:
            parts.append(f"résiliée à effet du {date_format(self.terminated_on, 'j F Y')}")
        label = ", ".join(parts)
        return label[:1].upper() + label[1:] if not self.duration_label else label

    @property
    def duration_label(self) -> str:
        if self.duration_months:
            years, months = divmod(self.duration_months, 12)
            if not months:
                return f"{years} an" if years == 1 else f"{years} ans"
            return f"{self.duration_months} mois"
        if self.period_end and self.effective_on:
            return year_range(self.effective_on.year, self.period_end.year)
        return ""


class Party(models.Model):
    """A partner bound by a convention, in the order the text names them."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="parties"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField(
        "rôle", max_length=20, choices=PartyRole.choices, default=PartyRole.PARTNER
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partie"
        verbose_name_plural = "parties"
        ordering = ["convention", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "partner"],
                name="party_unique_partner",
                violation_error_message="Ce partenaire est déjà partie à la convention.",
            ),
        ]

    def __str__(self):
        return str(self.partner)


class Signatory(models.Model):
    """A person who signed for one of the parties."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="signatories"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name="signe pour",
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="La partie au nom de laquelle cette personne signe.",
    )
    name = models.CharField("nom", max_length=150)
    title = models.CharField("qualité", max_length=255, help_text="« Président de l'AMF »…")
    signed_on = models.DateField("date de signature", null=True, blank=True)
    on_behalf_of = models.CharField(
        "par délégation de",
        max_length=255,
        blank=True,
        help_text="Si la personne signe pour la fonction nommée dans le texte (délégation).",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["convention", "position", "pk"]

    def __str__(self):
        return f"{self.name}, {self.title}"
