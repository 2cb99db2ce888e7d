"""Following a national convention's local and regional declinations: when one is overdue, the
section of the national convention's page, the counts by region and where else the rule shows
(dashboard, list filter, reminder digest)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReminderKind, ReminderPreferences
from accounts.reminders import due_reminders
from accounts.roles import EDITOR, READER
from conventions.declinations import declination_overview
from conventions.enums import DeclinationProgress, Scope
from conventions.models import Convention
from conventions.pdf import summary_html
from conventions.services import convention_decline
from partners.enums import PartnerKind, TerritoryKind
from partners.models import Territory
from tests.factories import (
    ConventionFactory,
    PartnerFactory,
    PartyFactory,
    RoleUserFactory,
    role_user,
)
from tests.lists import listed as listed_conventions
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
# The factory's national convention is in force from 1 January 2024 to 31 December 2026.
DEADLINE = D(2025, 3, 31)
ON_THE_DEADLINE, DAY_AFTER = DEADLINE, D(2025, 4, 1)


def ago(**delta) -> datetime.date:
    return TODAY - relativedelta(**delta)


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def sign(convention: Convention, on: datetime.date) -> Convention:
    convention.signed_on = on
    convention.save()
    return convention


@pytest.fixture
def territories(db):
    """Bretagne with a department and a town in it, an overseas region, the whole country."""
    bretagne = Territory.objects.create(name="Bretagne", kind=TerritoryKind.REGION)
    finistere = Territory.objects.create(
        name="Finistère", kind=TerritoryKind.DEPARTMENT, parent=bretagne
    )
    ille = Territory.objects.create(
        name="Ille-et-Vilaine", kind=TerritoryKind.DEPARTMENT, parent=bretagne
    )
    rennes = Territory.objects.create(name="Bassin rennais", kind=TerritoryKind.LOCAL, parent=ille)
    reunion = Territory.objects.create(name="La Réunion", kind=TerritoryKind.OVERSEAS)
    france = Territory.objects.create(name="France entière", kind=TerritoryKind.NATIONAL)
    return {
        "bretagne": bretagne,
        "finistere": finistere,
        "rennes": rennes,
        "reunion": reunion,
        "france": france,
    }


def mission_locale(name: str, territory=None):
    return PartnerFactory(
        name=f"Mission Locale {name}",
        acronym="",
        kind=PartnerKind.MISSION_LOCALE,
        territory=territory,
    )


def national(**fields) -> Convention:
    defaults = {"title": "Accord-cadre national", "declination_deadline": DEADLINE}
    return ConventionFactory(**{**defaults, **fields})


# The rule: when a declination is overdue ---------------------------------------------------------


def overdue_in_db(declination, day) -> bool:
    return Convention.objects.overdue_declinations(on=day).filter(pk=declination.pk).exists()


def progress_in_db(declination, day) -> str:
    return (
        Convention.objects.with_declination_progress(on=day)
        .values_list("db_declination_progress", flat=True)
        .get(pk=declination.pk)
    )


def assert_rule(declination, day, *, overdue: bool, progress: DeclinationProgress):
    declination = Convention.objects.select_related("parent").get(pk=declination.pk)
    assert declination.declination_overdue_on(day) is overdue
    assert overdue_in_db(declination, day) is overdue
    assert declination.declination_progress_on(day) == progress
    assert progress_in_db(declination, day) == progress


@pytest.mark.parametrize(
    ("day", "overdue"), [(ON_THE_DEADLINE, False), (DAY_AFTER, True), (D(2026, 12, 31), True)]
)
def test_a_draft_declination_is_overdue_from_the_day_after_the_deadline(day, overdue):
    declination = ConventionFactory(parent=national(), scope=Scope.LOCAL, signed_on=None)
    progress = DeclinationProgress.OVERDUE if overdue else DeclinationProgress.PREPARING
    assert_rule(declination, day, overdue=overdue, progress=progress)


@pytest.mark.parametrize(
    ("signed_on", "late"), [(ON_THE_DEADLINE, False), (DAY_AFTER, True), (D(2025, 1, 15), False)]
)
def test_a_signed_declination_is_never_overdue_but_may_be_signed_late(signed_on, late):
    declination = ConventionFactory(parent=national(), scope=Scope.LOCAL, signed_on=signed_on)
    for day in (DAY_AFTER, D(2025, 6, 1)):
        assert_rule(declination, day, overdue=False, progress=DeclinationProgress.SIGNED)
    assert Convention.objects.get(pk=declination.pk).declination_signed_late is late


@pytest.mark.parametrize(
    "parent_fields",
    [
        {"declination_deadline": None},  # no deadline: nothing is ever late
        {"terminated_on": D(2025, 2, 1)},  # the national convention no longer waits
    ],
)
def test_a_draft_is_not_overdue_when_nothing_waits_for_it(parent_fields):
    declination = ConventionFactory(
        parent=national(**parent_fields), scope=Scope.LOCAL, signed_on=None
    )
    assert_rule(declination, DAY_AFTER, overdue=False, progress=DeclinationProgress.PREPARING)


def test_a_draft_is_no_longer_overdue_once_the_national_convention_has_expired():
    declination = ConventionFactory(parent=national(), scope=Scope.LOCAL, signed_on=None)
    assert_rule(declination, D(2026, 12, 31), overdue=True, progress=DeclinationProgress.OVERDUE)
    assert_rule(declination, D(2027, 1, 1), overdue=False, progress=DeclinationProgress.PREPARING)


def test_a_convention_without_national_convention_is_not_overdue():
    convention = ConventionFactory(signed_on=None, declination_deadline=DEADLINE)
    assert convention.declination_overdue_on(DAY_AFTER) is False
    assert overdue_in_db(convention, DAY_AFTER) is False


# The rule, seen from the national convention: dashboard, list filter, reminders --------------


def nationals_overdue(day) -> set[str]:
    return set(Convention.objects.declinations_overdue(on=day).values_list("title", flat=True))


def nationals_overdue_by_model(day) -> set[str]:
    nationals = Convention.objects.filter(scope=Scope.NATIONAL).prefetch_related("declinations")
    return {c.title for c in nationals if c.declinations_overdue_on(day)}


@pytest.fixture
def chased():
    """National conventions with a deadline of 31 March 2025, each with other declinations."""
    national(title="Aucune déclinaison")
    with_draft = national(title="Une déclinaison en projet")
    ConventionFactory(parent=with_draft, scope=Scope.LOCAL, signed_on=None)
    all_signed = national(title="Déclinaisons signées, dont une en retard")
    ConventionFactory(parent=all_signed, scope=Scope.LOCAL, signed_on=D(2025, 3, 1))
    ConventionFactory(parent=all_signed, scope=Scope.REGIONAL, signed_on=D(2025, 5, 1))
    mixed = national(title="Une signée, une en projet")
    ConventionFactory(parent=mixed, scope=Scope.LOCAL, signed_on=D(2025, 3, 1))
    ConventionFactory(parent=mixed, scope=Scope.REGIONAL, signed_on=None)
    national(title="Sans échéance", declination_deadline=None)
    national(title="Résiliée", terminated_on=D(2025, 3, 1))


@pytest.mark.embedded
def test_a_national_convention_is_late_with_no_declination_or_with_one_overdue(chased):
    late = {"Aucune déclinaison", "Une déclinaison en projet", "Une signée, une en projet"}
    assert nationals_overdue(ON_THE_DEADLINE) == set()
    assert nationals_overdue(DAY_AFTER) == late
    assert nationals_overdue_by_model(ON_THE_DEADLINE) == set()
    assert nationals_overdue_by_model(DAY_AFTER) == late
    assert nationals_overdue(D(2027, 1, 1)) == nationals_overdue_by_model(D(2027, 1, 1)) == set()


def test_dashboard_list_filter_and_reminders_name_the_same_conventions(client):
    """Today's dashboard number, the list it links to and today's digest agree."""
    signed = ago(months=6)
    national(title="Sans déclinaison", signed_on=signed, declination_deadline=ago(days=1))
    late = national(
        title="Déclinaison en projet", signed_on=signed, declination_deadline=ago(days=1)
    )
    ConventionFactory(parent=late, scope=Scope.LOCAL, signed_on=None)
    done = national(title="Déclinée", signed_on=signed, declination_deadline=ago(days=1))
    ConventionFactory(parent=done, scope=Scope.LOCAL, signed_on=ago(days=3))
    national(title="Échéance aujourd'hui", signed_on=signed, declination_deadline=TODAY)
    expected = {"Sans déclinaison", "Déclinaison en projet"}

    user = RoleUserFactory(role=READER)
    client.force_login(user)
    dashboard = client.get("/")
    metric = {label: count for label, count, _, _ in dashboard.context["metrics"]}
    assert metric["Déclinaisons locales en retard"] == len(expected)
    listed = client.get(reverse("conventions:convention_list"), {"declinaison_en_retard": 1})
    assert {c.title for c in listed_conventions(listed)} == expected
    ReminderPreferences.objects.create(
        user=user,
        remind_ending=False,
        remind_notice=False,
        remind_review=False,
        remind_declination=True,
    )
    reminders = due_reminders(user, on=TODAY)
    assert {r.convention.title for r in reminders if r.kind == ReminderKind.DECLINATION} == (
        expected
    )


# Counts by region --------------------------------------------------------------------------


@pytest.fixture
def rollout(territories, editor):
    """A national convention declined by partners in Bretagne (a town, a department, the region
    itself), La Réunion, and partners whose region is unknown; one Mission Locale of Bretagne
    has not declined."""
    t = territories
    convention = national(title="Accord-cadre avec le SMA", kind="framework_agreement")
    partners = {
        "rennes": mission_locale("du Bassin rennais", t["rennes"]),
        "brest": mission_locale("du Pays de Brest", t["finistere"]),
        "arml": PartnerFactory(
            name="Association régionale des Missions Locales de Bretagne",
            acronym="ARML Bretagne",
            kind=PartnerKind.REGIONAL_ASSOCIATION,
            territory=t["bretagne"],
        ),
        "reunion": mission_locale("Nord de La Réunion", t["reunion"]),
        "nowhere": mission_locale("sans territoire"),
        "national": mission_locale("rattachée au national", t["france"]),
    }
    mission_locale("de Vannes", t["bretagne"])  # known, has not declined
    declinations = {
        key: convention_decline(convention=convention, partner=partner, by=editor)
        for key, partner in partners.items()
    }
    sign(declinations["rennes"], D(2025, 2, 1))
    sign(declinations["arml"], D(2025, 5, 1))  # signed late
    sign(declinations["nowhere"], D(2025, 3, 1))
    # brest, reunion, national: drafts, overdue after 31 March 2025.
    convention = Convention.objects.for_detail(on=DAY_AFTER).get(pk=convention.pk)
    convention.test_declinations = declinations
    return convention


def counts_table(overview) -> dict[str, tuple]:
    return {
        counts.name: (
            counts.signed,
            counts.preparing,
            counts.overdue,
            counts.total,
            counts.missions_locales_declined,
            counts.missions_locales_known,
        )
        for counts in [*overview.regions, overview.totals]
    }


@pytest.mark.embedded
def test_counts_by_region_of_the_declining_partner(rollout):
    overview = declination_overview(rollout, on=DAY_AFTER)
    # signed, in preparation, overdue, total, Missions Locales declined, known
    # Bretagne: a town's, a department's and the region's own partner; the Missions Locales of
    # Vannes (not declined), Rennes and Brest. Unknown: no territory, or a national one.
    assert [counts.name for counts in overview.regions] == [
        "Bretagne",
        "La Réunion",
        "Région non renseignée",
    ]
    assert counts_table(overview) == {
        "Bretagne": (2, 0, 1, 3, 2, 3),
        "La Réunion": (0, 0, 1, 1, 1, 1),
        "Région non renseignée": (1, 0, 1, 2, 2, 2),
        "Toutes les régions": (3, 0, 3, 6, 5, 6),
    }


def test_before_the_deadline_drafts_are_in_preparation(rollout):
    overview = declination_overview(rollout, on=ON_THE_DEADLINE)
    # Signed is signed whatever the day (as for the status): only Brest's draft changes.
    assert counts_table(overview)["Bretagne"] == (2, 1, 0, 3, 2, 3)
    assert overview.deadline_passed is False


def test_rows_name_partner_region_progress_and_timing(rollout):
    overview = declination_overview(rollout, on=DAY_AFTER)
    rows = [
        (
            row.partner.name if row.partner else None,
            row.region.name if row.region else None,
            row.progress,
            row.timing_label,
        )
        for row in overview.rows
    ]
    assert rows == [
        (
            "Association régionale des Missions Locales de Bretagne",
            "Bretagne",
            "signed",
            "Signée en retard",
        ),
        ("Mission Locale du Bassin rennais", "Bretagne", "signed", "Dans les délais"),
        ("Mission Locale du Pays de Brest", "Bretagne", "overdue", "En retard"),
        ("Mission Locale Nord de La Réunion", "La Réunion", "overdue", "En retard"),
        ("Mission Locale rattachée au national", None, "overdue", "En retard"),
        ("Mission Locale sans territoire", None, "signed", "Dans les délais"),
    ]


def test_a_declination_without_network_party_has_no_partner_nor_region(territories):
    convention = national()
    declination = ConventionFactory(parent=convention, scope=Scope.LOCAL, signed_on=None)
    convention = Convention.objects.for_detail().get(pk=convention.pk)
    (row,) = declination_overview(convention, on=DAY_AFTER).rows
    assert (row.convention, row.partner, row.region) == (declination, None, None)


def test_the_declining_partner_is_the_first_network_party(territories):
    convention = national()
    declination = ConventionFactory(
        parent=convention,
        scope=Scope.LOCAL,
        parties=[
            PartnerFactory(name="AMF"),
            mission_locale("de Quimper", territories["finistere"]),
        ],
    )
    PartyFactory(convention=declination, partner=mission_locale("de Morlaix"), position=9)
    convention = Convention.objects.for_detail().get(pk=convention.pk)
    (row,) = declination_overview(convention, on=DAY_AFTER).rows
    assert (row.partner.name, row.region.name) == ("Mission Locale de Quimper", "Bretagne")


def test_no_section_for_a_declination_nor_for_a_national_convention_with_nothing_to_follow():
    lone = Convention.objects.for_detail().get(pk=national(declination_deadline=None).pk)
    assert declination_overview(lone) is None
    parent = national()
    local = ConventionFactory(parent=parent, scope=Scope.LOCAL)
    assert declination_overview(Convention.objects.for_detail().get(pk=local.pk)) is None
    assert declination_overview(Convention.objects.for_detail().get(pk=parent.pk)) is not None


def test_each_count_links_to_a_list_of_as_many_conventions(client, rollout):
    client.force_login(RoleUserFactory(role=READER))
    overview = declination_overview(rollout)  # today: the list filters on today too
    checked = 0
    for counts in [*overview.regions, overview.totals]:
        expected = {
            "total": counts.total,
            "signed": counts.signed,
            "preparing": counts.preparing,
            "overdue": counts.overdue,
        }
        for key, count in expected.items():
            response = client.get(counts.urls[key])
            assert response.status_code == 200, counts.urls[key]
            assert response.context["paginator"].count == count, (counts.name, key)
            checked += 1
    assert checked == 16


# The page --------------------------------------------------------------------------------------


@pytest.fixture
def followed(territories, editor):
    """Today: a national convention in force, its deadline ten days ago, declined in Bretagne
    (one signed, one still a draft) and by a partner of unknown region."""
    convention = national(
        title="Accord-cadre national", signed_on=ago(months=6), declination_deadline=ago(days=10)
    )
    rennes = convention_decline(
        convention=convention,
        partner=mission_locale("du Bassin rennais", territories["rennes"]),
        by=editor,
    )
    sign(rennes, ago(days=20))
    convention_decline(
        convention=convention,
        partner=mission_locale("du Pays de Brest", territories["finistere"]),
        by=editor,
    )
    convention_decline(convention=convention, partner=mission_locale("sans territoire"), by=editor)
    return convention


def section(content: str) -> str:
    start = content.index('id="declinaisons"')
    return content[start : content.index("</section>", start)]


@pytest.mark.embedded
def test_reader_sees_the_declinations_their_counts_and_which_are_late(reader_client, followed):
    content = page(reader_client.get(detail_url(followed)))
    part = section(content)
    deadline = ago(days=10)
    for fact in [
        "Déclinaisons locales et régionales</h2>",
        f"À signer avant le {deadline.day} ",
        "échéance dépassée</span>",
        "3 déclinaisons :\n      1 signée,\n      0 en préparation,\n      2 en retard.",
        '<th scope="row">Bretagne</th>',
        '<th scope="row">Région non renseignée</th>',
        '<th scope="row">Toutes les régions</th>',
        "Mission Locale du Pays de Brest</a>",
        '<i class="bi bi-exclamation-triangle" aria-hidden="true"></i> En retard</span>',
        "Dans les délais</span>",
        "Locale</td>",
        f'href="/conventions/?declinaison_de={followed.pk}&amp;region_declinaison=bretagne&amp;avancement=overdue"',
    ]:
        assert fact in part, fact
    assert "Ajouter une déclinaison" not in content
    # The sidebar links to the section instead of listing the declinations again.
    assert '<a href="#declinaisons">3 déclinaisons, dont 2 en retard</a>' in content
    links = content[content.index('id="titre-liens"') :]
    links = links[: links.index("</section>")]
    for declination in followed.declinations.all():
        assert detail_url(declination) not in links
        assert content.count(f'href="{detail_url(declination)}"') == 1


def test_editor_may_add_a_declination_from_the_section(client, followed):
    client.force_login(role_user("etienne.redaction", EDITOR))
    part = section(page(client.get(detail_url(followed))))
    decline = reverse("conventions:convention_decline", args=[followed.pk])
    assert f'href="{decline}"><i class="bi bi-diagram-3" aria-hidden="true"></i> Ajouter' in part


def test_a_declination_page_links_to_its_national_convention(reader_client, followed):
    declination = followed.declinations.get(signed_on__isnull=False)
    content = page(reader_client.get(detail_url(declination)))
    assert 'id="declinaisons"' not in content
    assert f'<a href="{detail_url(followed)}">Accord-cadre national</a>' in content


def test_a_national_convention_with_a_deadline_and_no_declination_says_so(client):
    convention = national(signed_on=ago(months=1), declination_deadline=ago(months=-2))
    client.force_login(role_user("lea.lecture", READER))
    part = section(page(client.get(detail_url(convention))))
    assert "Aucune déclinaison pour l'instant." in part
    assert "échéance dépassée" not in part


def page_queries(client, convention) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client.get(detail_url(convention)))
    return len(queries)


def test_page_queries_do_not_grow_with_declinations(client, territories, editor):
    client.force_login(role_user("lea.lecture", READER))
    few, many = national(title="Peu déclinée"), national(title="Très déclinée")
    regions = [territories["rennes"], territories["finistere"], territories["reunion"], None]
    for convention, count in ((few, 1), (many, 30)):
        for number in range(count):
            partner = mission_locale(f"{convention.pk}-{number}", regions[number % 4])
            declination = convention_decline(convention=convention, partner=partner, by=editor)
            if number % 3 == 0:
                sign(declination, D(2025, 2, 1))
    for convention in (few, many):  # the same latest history entries for both
        convention.title += " (modifiée)"
        convention.save()
    assert page_queries(client, few) == page_queries(client, many)


# The list filters the counts link to, and the PDF summary -------------------------------------


def test_list_filters_declinations_by_region_and_progress(client, rollout):
    client.force_login(RoleUserFactory(role=READER))
    url = reverse("conventions:convention_list")
    declinations = rollout.test_declinations

    def listed(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {c.pk for c in listed_conventions(response)}

    # The national convention itself has no region: it never shows among declinations.
    assert listed(region_declinaison="non-renseignee") == {
        declinations["nowhere"].pk,
        declinations["national"].pk,
    }
    assert listed(region_declinaison="la-reunion", avancement="overdue") == {
        declinations["reunion"].pk
    }
    assert listed(declinaison_de=rollout.pk, avancement="signed") == {
        declinations[key].pk for key in ("rennes", "arml", "nowhere")
    }


def test_an_unknown_region_or_progress_is_explained_next_to_the_filter(client, rollout):
    client.force_login(RoleUserFactory(role=READER))
    response = client.get(
        reverse("conventions:convention_list"),
        {"region_declinaison": "atlantide", "avancement": "oublie"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"region_declinaison", "avancement"}
    assert "Sélectionnez un choix valide" in errors["region_declinaison"][0]
    assert response.context["paginator"].count == 0


def test_pdf_summary_gives_the_deadline_and_the_number_of_declinations(rollout):
    html = summary_html(rollout)
    assert "Échéance des déclinaisons</th><td>à signer avant le 31 mars 2025" in html
    assert '<th scope="row">Déclinaisons (6)</th>' in html
