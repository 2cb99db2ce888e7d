"""A national convention's local and regional declinations, as its page shows them.

The table of declinations (partner, region, progress against the deadline) and the counts by
region, in a fixed number of queries whatever the number of declinations. The rules (who
declines, which region, when a declination is overdue) live in ConventionQuerySet:
with_declining_partner() and with_declination_progress().
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from partners.enums import PartnerKind
from partners.models import Partner, Territory
from partners.regions import region_id

from .enums import DeclinationProgress, Scope
from .filters import NO_REGION
from .models import Convention
from .models.convention import RUNNING_STATUSES
from .services import check_declinable

ROW_FIELDS = ("pk", "title", "reference", "scope", "signed_on", "signed_on_precision", "parent_id")


def declinations_url(convention: Convention, **params: str) -> str:
    """The conventions list restricted to the declinations of `convention`, and `params`."""
    query = urlencode({"declinaison_de": convention.pk, **params})
    return f"{reverse('conventions:convention_list')}?{query}"


# A declination against the deadline, as its row says it (a CSS class suffix and a label).
TIMINGS = {
    "overdue": "En retard",
    "late": "Signée en retard",
    "on-time": "Dans les délais",
}


@dataclass
class DeclinationRow:
    convention: Convention
    partner: Partner | None
    region: Territory | None
    progress: DeclinationProgress
    # A key of TIMINGS, or "" (no deadline; or a draft past the deadline of a national
    # convention no longer in force: not overdue, not on time either).
    timing: str = ""

    @property
    def timing_label(self) -> str:
        return TIMINGS.get(self.timing, "")


def _timing(declination: Convention, progress: DeclinationProgress, day: datetime.date) -> str:
    deadline = declination.parent.declination_deadline
    if progress == DeclinationProgress.OVERDUE:
        return "overdue"
    if deadline is None:
        return ""
    if progress == DeclinationProgress.SIGNED:
        return "late" if declination.declination_signed_late else "on-time"
    return "" if declination.parent.declination_deadline_passed_on(day) else "on-time"


@dataclass
class RegionCounts:
    """The declinations declined by the partners of one region (None: region unknown)."""

    region: Territory | None
    signed: int = 0
    preparing: int = 0
    overdue: int = 0
    # Coverage: Missions Locales of the region with a declination (signed or not), out of the
    # Missions Locales of the region recorded as partners.
    missions_locales_declined: int = 0
    missions_locales_known: int = 0
    urls: dict[str, str] = field(default_factory=dict)
    heading: str = ""  # in place of the region's name (the totals)

    @property
    def name(self) -> str:
        if self.heading:
            return self.heading
        return self.region.name if self.region else "Région non renseignée"

    @property
    def total(self) -> int:
        return self.signed + self.preparing + self.overdue

    def count(self, progress: DeclinationProgress) -> None:
        """One more declination at `progress` (the counts are named after its values)."""
        setattr(self, progress.value, getattr(self, progress.value) + 1)

    def add(self, other: "RegionCounts") -> None:
        self.signed += other.signed
        self.preparing += other.preparing
        self.overdue += other.overdue
        self.missions_locales_declined += other.missions_locales_declined
        self.missions_locales_known += other.missions_locales_known


@dataclass
class DeclinationOverview:
    convention: Convention
    # Past the deadline, a draft declination is overdue; only while the national convention
    # is in force (declination_overdue_condition).
    deadline_passed: bool
    in_force: bool
    # Signed and national: an editor may add a declination (services.check_declinable).
    declinable: bool
    rows: list[DeclinationRow]
    regions: list[RegionCounts]
    totals: RegionCounts
    list_url: str


def _counts_urls(list_url: str, **params: str) -> dict[str, str]:
    """The links of a row of counts: `list_url` (declinations_url(), built once: reversing the
    list's URL for each link took longer than the rest of the overview) narrowed by `params`,
    then by each progress."""
    narrowed = f"{list_url}&{urlencode(params)}" if params else list_url
    return {"total": narrowed} | {
        progress.value: f"{narrowed}&{urlencode({'avancement': progress.value})}"
        for progress in DeclinationProgress
    }


def _declinable(convention: Convention) -> bool:
    try:
        check_declinable(convention=convention)
    except ValidationError:
        return False
    return True


def declination_overview(
    convention: Convention, *, on: datetime.date | None = None
) -> DeclinationOverview | None:
    """What the page of the national `convention` shows about its declinations, or None.

    None for a convention that is not national, or a national one that has neither a deadline
    nor a declination (nothing to follow). Reads `convention.declinations` (prefetched by
    for_detail()) to decide, then four queries: the rows (their progress and region computed
    by the database), the Missions Locales known by region, the partners and the regions
    named. The counts by region are added up from the rows.
    """
    if convention.scope != Scope.NATIONAL:
        return None
    if convention.declination_deadline is None and not convention.declinations.all():
        return None
    day = on or timezone.localdate()
    declinations = (
        Convention.objects.filter(parent=convention)
        .with_declination_progress(on=day)
        .with_declining_partner()
    )
    loaded = list(declinations.with_status(on=day).only(*ROW_FIELDS).order_by("title", "pk"))
    known = dict(
        Partner.objects.filter(kind=PartnerKind.MISSION_LOCALE)
        .annotate(region=region_id("territory"))
        .order_by()
        .values("region")
        .annotate(count=Count("pk"))
        .values_list("region", "count")
    )
    partners = Partner.objects.in_bulk({d.db_declining_partner_id for d in loaded} - {None})
    region_ids = {d.db_declination_region_id for d in loaded} | set(known)
    regions = Territory.objects.in_bulk(region_ids - {None})

    rows = []
    for declination in loaded:
        declination.parent = convention  # read by declination_signed_late, without a query
        progress = DeclinationProgress(declination.db_declination_progress)
        rows.append(
            DeclinationRow(
                convention=declination,
                partner=partners.get(declination.db_declining_partner_id),
                region=regions.get(declination.db_declination_region_id),
                progress=progress,
                timing=_timing(declination, progress, day),
            )
        )
    # By region (unknown last), then partner (unknown last); `loaded` is by title.
    rows.sort(
        key=lambda row: (
            row.region is None,
            row.region.name if row.region else "",
            row.partner is None,
            row.partner.name if row.partner else "",
        )
    )

    by_region = {}
    declining_missions_locales = defaultdict(set)
    for declination in loaded:
        region_pk = declination.db_declination_region_id
        counts = by_region.setdefault(region_pk, RegionCounts(region=regions.get(region_pk)))
        counts.count(DeclinationProgress(declination.db_declination_progress))
        if declination.db_declining_partner_kind == PartnerKind.MISSION_LOCALE:
            declining_missions_locales[region_pk].add(declination.db_declining_partner_id)
    for region_pk, partner_ids in declining_missions_locales.items():
        by_region[region_pk].missions_locales_declined = len(partner_ids)
    for region_pk, count in known.items():
        by_region.setdefault(region_pk, RegionCounts(region=regions.get(region_pk)))
        by_region[region_pk].missions_locales_known = count
    list_url = declinations_url(convention)
    totals = RegionCounts(region=None, heading="Toutes les régions")
    for counts in by_region.values():
        area = counts.region.slug if counts.region else NO_REGION
        counts.urls = _counts_urls(list_url, region_declinaison=area)
        totals.add(counts)
    totals.urls = _counts_urls(list_url)
    ordered = sorted(
        by_region.values(), key=lambda c: (c.region is None, c.region.name if c.region else "")
    )
    return DeclinationOverview(
        convention=convention,
        deadline_passed=convention.declination_deadline_passed_on(day),
        in_force=convention.status_on(day) in RUNNING_STATUSES,
        declinable=_declinable(convention),
        rows=rows,
        regions=ordered,
        totals=totals,
        list_url=list_url,
    )
