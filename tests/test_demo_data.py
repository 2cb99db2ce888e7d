import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from conventions import demo
from conventions.declinations import declination_overview
from conventions.demo import load_demo_data
from conventions.enums import PartyRole, Status
from conventions.models import Convention
from partners.enums import PartnerKind, TerritoryKind
from partners.models import Contact, Partner, Territory
from partners.regions import region_id

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

D = datetime.date


@pytest.fixture
def loaded(db):
    return load_demo_data()


def convention(title):
    return Convention.objects.get(title=title)


def demo_models():
    """Every table the loader may write to, the historical and many-to-many ones included."""
    return [
        model
        for label in ("partners", "conventions")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def snapshot():
    return {
        model._meta.label: sorted(model._default_manager.values_list(), key=repr)
        for model in demo_models()
    }


# Content -----------------------------------------------------------------------------------------


def test_the_six_conventions_of_the_documents_are_loaded(loaded):
    assert set(Convention.objects.values_list("title", flat=True)) == {
        demo.ACADEMIE_TITLE,
        demo.U2P_TITLE,
        demo.DGOM_TITLE,
        demo.SMA_TITLE,
        demo.EMPLOI_2010_TITLE,
        demo.AMF_TITLE,
    }
    assert loaded.conventions.created == 6
    assert Convention.objects.filter(signed_on__isnull=True).count() == 0


def test_amf_convention_has_four_axes_with_the_actions_of_the_text(loaded):
    amf = convention(demo.AMF_TITLE)
    axes = list(amf.axes.order_by("number"))
    assert [axis.number for axis in axes] == [1, 2, 3, 4]
    assert [axis.commitments.count() for axis in axes] == [3, 5, 3, 4]
    assert amf.commitments.filter(axis__isnull=True).count() == 0


def test_amf_commitments_are_joint_except_the_one_the_amf_network_supports(loaded):
    amf = convention(demo.AMF_TITLE)
    borne = amf.commitments.filter(bearer__isnull=False)
    assert [(c.axis.number, c.bearer.slug) for c in borne] == [(2, "amf")]


def test_amf_convention_lasts_three_years_from_signature_with_two_months_notice(loaded):
    amf = convention(demo.AMF_TITLE)
    assert amf.effective_on == amf.signed_on == demo.AMF_DEMO_SIGNED_ON
    assert amf.duration_months == 36
    assert amf.duration_label == "3 ans"
    assert amf.end_on == D(2027, 12, 9)
    assert amf.notice_months == 2
    assert amf.notice_deadline == D(2027, 10, 9)
    assert amf.review_every_months == 12
    assert "valeur de démonstration" in amf.summary


def test_amf_convention_is_signed_by_both_presidents(loaded):
    amf = convention(demo.AMF_TITLE)
    assert [(s.name, s.title, s.partner.slug) for s in amf.signatories.all()] == [
        (
            "David Lisnard",
            "Président de l'Association des maires de France et des présidents d'intercommunalité",
            "amf",
        ),
        ("Stéphane Valli", "Président de l'Union nationale des Missions Locales", "unml"),
    ]
    assert all(s.signed_on == amf.signed_on for s in amf.signatories.all())
    assert [p.partner.slug for p in amf.parties.all()] == ["unml", "amf"]


def test_2010_agreement_binds_three_parties_for_five_years(loaded):
    agreement = convention(demo.EMPLOI_2010_TITLE)
    assert [(p.partner.slug, p.role) for p in agreement.parties.all()] == [
        ("etat-emploi", PartyRole.STATE),
        ("pole-emploi", PartyRole.PARTNER),
        ("cnml", PartyRole.NETWORK),
    ]
    assert agreement.signed_on == D(2010, 1, 26)
    assert agreement.signed_at == "Paris"
    assert (agreement.effective_on, agreement.end_on) == (D(2010, 1, 1), D(2014, 12, 31))
    assert agreement.duration_label == "2010–2014"
    assert agreement.end_on.year - agreement.effective_on.year + 1 == 5


def test_2010_agreement_has_its_three_signatories(loaded):
    agreement = convention(demo.EMPLOI_2010_TITLE)
    assert [(s.name, s.partner.slug) for s in agreement.signatories.all()] == [
        ("Laurent Wauquiez", "etat-emploi"),
        ("Christian Charpy", "pole-emploi"),
        ("Bernard Perrut", "cnml"),
    ]
    assert agreement.signatories.get(name="Christian Charpy").title == (
        "Directeur général de Pôle emploi"
    )


def test_2010_agreement_targets_150_000_young_people_followed_in_2010(loaded):
    target = convention(demo.EMPLOI_2010_TITLE).targets.get()
    assert (target.value, target.unit, target.year) == (150_000, "jeunes", 2010)
    assert not target.results.exists()


def test_dgom_convention_covers_exactly_the_six_overseas_territories(loaded):
    dgom = convention(demo.DGOM_TITLE)
    assert set(dgom.territories.values_list("name", flat=True)) == {
        "Guadeloupe",
        "Guyane",
        "La Réunion",
        "Martinique",
        "Mayotte",
        "Saint-Martin",
    }
    assert set(dgom.territories.values_list("kind", flat=True)) == {TerritoryKind.OVERSEAS}
    assert Territory.objects.filter(kind=TerritoryKind.OVERSEAS).count() == 6


def test_dgom_convention_runs_over_2023_2025_without_named_signatories(loaded):
    dgom = convention(demo.DGOM_TITLE)
    assert dgom.signed_on == D(2023, 7, 18)
    assert (dgom.effective_on, dgom.end_on) == (D(2023, 1, 1), D(2025, 12, 31))
    assert dgom.axes.count() == 3
    assert not dgom.signatories.exists()
    assert dgom.signed_at == ""


def test_sma_accord_cadre_declinations_are_due_three_months_after_signature(loaded):
    sma = convention(demo.SMA_TITLE)
    assert sma.signed_on == D(2023, 9, 21)
    assert sma.declination_deadline == D(2023, 12, 21)
    assert sma.commitments.get(due_on__isnull=False).due_on == sma.declination_deadline
    assert (sma.effective_on, sma.end_on) == (D(2023, 1, 1), D(2025, 12, 31))
    assert "Hypothèse" in sma.summary


def test_press_contacts_of_each_press_release_are_recorded(loaded):
    press = {
        (c.partner.slug, c.email, c.phone) for c in Contact.objects.filter(is_press_contact=True)
    }
    assert press == {
        ("academie-de-police", "academie-comm@interieur.gouv.fr", "01 60 37 10 42"),
        ("unml", "elegourrier@unml.info", "06 35 82 20 46"),
        ("u2p", "jcdelerue@u2p-france.fr", "06 77 64 40 78"),
        ("dgom", "mompresse@outre-mer.gouv.fr", "01 53 69 26 74"),
    }


def test_police_and_u2p_conventions_quote_one_person_per_party(loaded):
    police = convention(demo.ACADEMIE_TITLE)
    u2p = convention(demo.U2P_TITLE)
    assert [(s.person, s.organisation.slug) for s in police.statements.all()] == [
        ("Thierry Marty", "unml"),
        ("Philippe Lutz", "academie-de-police"),
    ]
    assert [(s.person, s.organisation.slug) for s in u2p.statements.all()] == [
        ("Françoise Raynaud", "unml"),
        ("Michel Picon", "u2p"),
    ]
    # The U2P release quotes the two people who are recorded as its signatories.
    assert list(u2p.signatories.values_list("name", flat=True)) == [
        "Françoise Raynaud",
        "Michel Picon",
    ]


def test_police_convention_is_open_ended_with_commitments_per_party(loaded):
    police = convention(demo.ACADEMIE_TITLE)
    assert police.signed_on == D(2024, 5, 29)
    assert police.duration_months is None and police.end_on is None
    assert police.axes.count() == 3
    bearers = list(police.commitments.values_list("bearer__slug", flat=True))
    assert bearers.count("academie-de-police") == 3
    assert bearers.count("unml") == 1


def test_u2p_convention_lasts_three_years_with_three_objectives(loaded):
    u2p = convention(demo.U2P_TITLE)
    assert (u2p.signed_on, u2p.end_on) == (D(2025, 5, 21), D(2028, 5, 20))
    assert [axis.commitments.count() for axis in u2p.axes.all()] == [2, 2, 1]
    assert {
        "Mixité des métiers",
        "Égalité professionnelle",
        "Transition écologique",
        "Transition numérique",
        "Intelligence artificielle",
    } <= set(u2p.themes.values_list("name", flat=True))


def test_demo_statuses_follow_the_dates(loaded):
    on = D(2026, 6, 1)
    statuses = dict(Convention.objects.with_status(on=on).values_list("title", "db_status"))
    assert statuses == {
        # Its text sets no duration: in force, for an unspecified term.
        demo.ACADEMIE_TITLE: Status.IN_FORCE_OPEN_ENDED,
        demo.U2P_TITLE: Status.IN_FORCE,
        demo.AMF_TITLE: Status.IN_FORCE,
        demo.DGOM_TITLE: Status.EXPIRED,
        demo.SMA_TITLE: Status.EXPIRED,
        demo.EMPLOI_2010_TITLE: Status.EXPIRED,
    }


def test_partner_figures_mark_plus_de_as_a_minimum(loaded):
    amf = Partner.objects.get(slug="amf")
    assert amf.founded_year == 1907
    figures = {f.label: (f.value, f.is_minimum) for f in amf.key_figures.all()}
    assert figures == {
        "adhérents": (34000, True),
        "associations départementales de maires": (102, False),
    }
    unml = Partner.objects.get(slug="unml")
    assert unml.founded_year == 2003
    assert unml.key_figures.get(label="jeunes accompagnés chaque année").is_minimum
    assert "France Travail" in Partner.objects.get(slug="pole-emploi").description


# Idempotence -------------------------------------------------------------------------------------


def test_every_mission_locale_of_the_demo_has_its_region(loaded):
    """A declination table never says « Région non renseignée » for a Mission Locale."""
    missions_locales = Partner.objects.filter(kind=PartnerKind.MISSION_LOCALE).annotate(
        region=region_id("territory")
    )
    assert missions_locales.count() >= 3
    assert not missions_locales.filter(region__isnull=True).exists()
    # Every metropolitan region can be chosen for a Mission Locale staff add to the demo.
    assert Territory.objects.filter(kind=TerritoryKind.REGION).count() == 13
    sma = Convention.objects.get(declination_deadline__isnull=False)
    overview = declination_overview(Convention.objects.for_detail().get(pk=sma.pk))
    assert overview.regions and None not in [counts.region for counts in overview.regions]


def test_loading_twice_adds_updates_and_historises_nothing(loaded):
    before = snapshot()
    assert any(label.endswith("HistoricalConvention") and rows for label, rows in before.items())

    second = load_demo_data()

    assert {label: len(rows) for label, rows in snapshot().items()} == {
        label: len(rows) for label, rows in before.items()
    }
    assert snapshot() == before
    assert second.conventions.created == 0
    assert second.conventions.existing == 6
    assert all(tally.created == 0 for tally in vars(second).values())


def test_loader_keeps_an_existing_convention_as_it_is(db):
    load_demo_data()
    amf = convention(demo.AMF_TITLE)
    amf.axes.get(number=4).delete()

    report = load_demo_data()

    assert report.conventions.existing == 6
    assert convention(demo.AMF_TITLE).axes.count() == 3


def test_command_reports_in_french_what_it_created(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("load_demo_data", stdout=first)
    call_command("load_demo_data", stdout=second)
    assert "6 conventions créées, 0 déjà présentes" in first.getvalue()
    assert "13 partenaires créés, 0 déjà présents" in first.getvalue()
    assert "0 conventions créées, 6 déjà présentes" in second.getvalue()
    assert "0 thématiques créées, 21 déjà présentes" in second.getvalue()
    assert Convention.objects.count() == 6
