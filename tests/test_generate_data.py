import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from conventions.declinations import declination_overview
from conventions.enums import PartyRole, Scope, Status
from conventions.generate import generate_network, reset_data
from conventions.models import Amendment, Axis, Commitment, Convention, Party, Review, Signatory
from partners.enums import PartnerKind, TerritoryKind
from partners.models import Partner, Territory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

COUNT = 150


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generated once for the module (committed); every test runs in a transaction rolled
    back afterwards, those that reset or add data included."""
    with django_db_blocker.unblock():
        reset_data()
        report = generate_network(count=COUNT, seed=2026)
    yield report
    with django_db_blocker.unblock():
        reset_data()


@pytest.fixture
def network(generated, db):
    return generated


def snapshot():
    return list(
        Convention.objects.order_by("reference").values_list(
            "reference", "title", "signed_on", "end_on", "parent__reference"
        )
    )


def test_network_has_the_partners_of_the_whole_country(network):
    kinds = Counter(Partner.objects.values_list("kind", flat=True))
    assert kinds[PartnerKind.MISSION_LOCALE] == 450
    assert kinds[PartnerKind.REGIONAL_ASSOCIATION] == 15
    assert kinds[PartnerKind.NETWORK_HEAD] == 1
    assert kinds[PartnerKind.STATE] >= 5 and kinds[PartnerKind.ELECTED_OFFICIALS] >= 3
    assert Territory.objects.filter(kind=TerritoryKind.REGION).count() == 13
    # Every Mission Locale works in a region (metropolitan or overseas).
    assert not Partner.objects.filter(
        kind=PartnerKind.MISSION_LOCALE, territory__parent__slug__isnull=True
    ).exists()


def test_declination_tables_name_the_region_of_every_mission_locale(network):
    nationals = Convention.objects.filter(scope=Scope.NATIONAL, declinations__isnull=False)
    seen = 0
    for national in nationals.distinct().for_detail():
        overview = declination_overview(national)
        for row in overview.rows:
            if row.partner and row.partner.kind == PartnerKind.MISSION_LOCALE:
                assert row.region is not None, row.partner.name
                seen += 1
        assert None not in [counts.region for counts in overview.regions]
    assert seen


def test_a_mission_locale_already_recorded_without_region_is_given_its_own(network):
    """--append reuses the partners of the same name; a Mission Locale entered by hand without
    its territory gets the generated one's, so its declinations are counted in its region."""
    recorded = Partner.objects.get(name="Mission Locale de Lyon")
    Partner.objects.filter(pk=recorded.pk).update(territory=None)
    generate_network(count=5, seed=7)
    recorded.refresh_from_db()
    assert recorded.territory.slug == "auvergne-rhone-alpes"


def test_network_has_the_requested_conventions_with_their_rows(network):
    assert Convention.objects.count() == COUNT
    assert Convention.objects.filter(scope=Scope.NATIONAL).exists()
    assert Convention.objects.filter(declination_deadline__isnull=False).exists()
    statuses = Counter(c.db_status for c in Convention.objects.with_status())
    assert {Status.DRAFT, Status.IN_FORCE, Status.EXPIRED} <= set(statuses)

    parties = Counter(Party.objects.values_list("convention_id", flat=True))
    assert min(parties[pk] for pk in Convention.objects.values_list("pk", flat=True)) >= 2
    signatories = Counter(Signatory.objects.values_list("convention_id", flat=True))
    for pk in Convention.objects.filter(signed_on__isnull=False).values_list("pk", flat=True):
        assert signatories[pk] == parties[pk]
    assert not Signatory.objects.filter(convention__signed_on__isnull=True).exists()

    axes = Counter(Axis.objects.values_list("convention_id", flat=True))
    assert set(axes.values()) <= {3, 4, 5, 6} and len(axes) == COUNT
    per_axis = Counter(Commitment.objects.values_list("axis_id", flat=True))
    assert set(per_axis.values()) <= {2, 3, 4, 5} and len(per_axis) == sum(axes.values())
    assert Review.objects.exists() and Amendment.objects.exists()


def test_generated_rows_satisfy_the_model_rules(network):
    for convention in Convention.objects.order_by("pk")[::10]:
        stored_end_on = convention.end_on
        convention.full_clean()
        # The end date computed by the generator is the one save() would derive.
        assert convention.derive_end_on() == stored_end_on
    for model in (Party, Signatory, Axis, Commitment, Amendment, Review):
        for row in model.objects.order_by("pk")[::25]:
            row.full_clean()
    for partner in Partner.objects.order_by("pk")[::20]:
        partner.full_clean()


def test_references_are_numbered_per_year_of_signature(network):
    for reference, signed_on in Convention.objects.values_list("reference", "signed_on"):
        year = signed_on.year if signed_on else 2026
        assert reference.startswith(f"CONV-{year}-")


def test_declinations_are_signed_by_a_mission_locale_or_regional_association(network):
    declinations = Convention.objects.filter(parent__isnull=False)
    assert declinations.exists()
    for declination in declinations.select_related("parent"):
        assert declination.parent.scope == Scope.NATIONAL
        first = declination.parties.order_by("position").select_related("partner").first()
        assert first.role == PartyRole.NETWORK
        assert first.partner.kind in (
            PartnerKind.MISSION_LOCALE,
            PartnerKind.REGIONAL_ASSOCIATION,
        )
        expected = (
            Scope.LOCAL if first.partner.kind == PartnerKind.MISSION_LOCALE else Scope.REGIONAL
        )
        assert declination.scope == expected
        assert declination.title.startswith(declination.parent.title[:40])


def test_renewals_follow_the_convention_they_renew(network):
    renewals = Convention.objects.filter(predecessor__isnull=False).select_related("predecessor")
    assert renewals.exists()
    for renewal in renewals:
        assert renewal.title == renewal.predecessor.title
        assert renewal.predecessor.signed_on is not None
        if renewal.signed_on:
            assert renewal.signed_on >= renewal.predecessor.signed_on


def test_amendments_are_numbered_from_one(network):
    numbers = defaultdict(list)
    for convention_id, number in Amendment.objects.values_list("convention_id", "number"):
        numbers[convention_id].append(number)
    assert numbers
    for found in numbers.values():
        assert sorted(found) == list(range(1, len(found) + 1))


def test_generated_conventions_are_found_by_search(network):
    convention = Convention.objects.filter(parent__isnull=False).order_by("pk").first()
    local = convention.parties.get(position=1).partner
    found = Convention.objects.search(f'"{local.name}"')
    assert convention in found
    assert convention in Convention.objects.search(convention.reference)


def test_same_seed_gives_the_same_data(network):
    first = snapshot()
    reset_data()
    generate_network(count=COUNT, seed=2026)
    assert snapshot() == first
    reset_data()
    generate_network(count=COUNT, seed=7)
    assert [row[1] for row in snapshot()] != [row[1] for row in first]


def test_command_refuses_to_add_to_existing_data_without_a_flag(network):
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_data", conventions=5, stdout=io.StringIO())
    assert Convention.objects.count() == COUNT


def test_command_appends_or_resets(network):
    out = io.StringIO()
    call_command("generate_data", conventions=20, append=True, stdout=out)
    assert Convention.objects.count() == COUNT + 20
    assert Partner.objects.filter(kind=PartnerKind.MISSION_LOCALE).count() == 450
    assert "20 / 20 conventions…" in out.getvalue()

    call_command("generate_data", conventions=30, reset=True, stdout=io.StringIO())
    assert Convention.objects.count() == 30
    assert Partner.objects.filter(kind=PartnerKind.NETWORK_HEAD).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pages are tested there")
def test_generated_conventions_open_in_the_browser(network, reader_client):
    convention = Convention.objects.filter(parent__isnull=False).order_by("pk").first()
    response = reader_client.get(reverse("conventions:convention_detail", args=[convention.pk]))
    assert response.status_code == 200
    national = convention.parent
    response = reader_client.get(reverse("conventions:convention_detail", args=[national.pk]))
    assert response.status_code == 200
    response = reader_client.get(reverse("conventions:convention_list"), {"q": "Mission Locale"})
    assert response.status_code == 200
