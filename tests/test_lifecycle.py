"""Renewing a convention and declining a national one locally or regionally (issue 5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import ADMINISTRATOR, EDITOR
from conventions.enums import CommitmentStatus, ConventionKind, PartyRole, Scope, Status
from conventions.models import Axis, Commitment, Convention, Party, Target, TargetResult
from conventions.services import convention_decline, convention_renew
from conventions.templatetags.lifecycle import renewal_chain
from partners.enums import PartnerKind
from partners.models import Territory
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AudienceFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    ReviewFactory,
    SignatoryFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
    role_user,
)
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db

RENEW_DRAFT_MESSAGE = (
    "Une convention en projet ne peut pas être renouvelée : "
    "modifiez-la directement avant sa signature."
)
DECLINE_DRAFT_MESSAGE = (
    "Une convention en projet ne peut pas être déclinée : elle doit d'abord être signée."
)
DECLINE_NOT_NATIONAL_MESSAGE = (
    "Seule une convention nationale peut être déclinée localement ou régionalement."
)


def renew_url(convention) -> str:
    return reverse("conventions:convention_renew", args=[convention.pk])


def decline_url(convention) -> str:
    return reverse("conventions:convention_decline", args=[convention.pk])


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def update_url(convention) -> str:
    return reverse("conventions:convention_update", args=[convention.pk])


def messages_of(error: ValidationError) -> list[str]:
    return error.value.messages


@pytest.fixture
def unml(db):
    return PartnerFactory(
        name="Union nationale des Missions Locales",
        acronym="UNML",
        kind=PartnerKind.NETWORK_HEAD,
    )


@pytest.fixture
def amf(db):
    return PartnerFactory(
        name="Association des maires de France",
        acronym="AMF",
        kind=PartnerKind.ELECTED_OFFICIALS,
    )


@pytest.fixture
def bretagne(db):
    return Territory.objects.create(name="Bretagne", kind="region")


@pytest.fixture
def mission_locale(bretagne):
    return PartnerFactory(
        name="Mission Locale du Pays de Rennes",
        acronym="ML Rennes",
        kind=PartnerKind.MISSION_LOCALE,
        territory=bretagne,
    )


@pytest.fixture
def arml(db):
    return PartnerFactory(
        name="Association régionale des Missions Locales de Bretagne",
        acronym="ARML Bretagne",
        kind=PartnerKind.REGIONAL_ASSOCIATION,
    )


@pytest.fixture
def national(unml, amf):
    """The AMF convention of 29 May 2024: national, signed, with every kind of row."""
    france = PartnerFactory(name="France Travail", acronym="", kind=PartnerKind.PUBLIC_OPERATOR)
    national_text = ConventionFactory(title="Cadre national", signed_on=datetime.date(2020, 1, 1))
    convention = ConventionFactory(
        title="Convention UNML et AMF 2024",
        kind=ConventionKind.NATIONAL_FRAMEWORK,
        signed_on=datetime.date(2024, 5, 29),
        signed_at="Paris",
        event="Congrès des maires",
        effective_on=datetime.date(2024, 6, 1),
        duration_months=36,
        notice_months=3,
        tacit_renewal=True,
        summary="Rapprocher les Missions Locales des communes.",
        preamble="Considérant le rôle des maires…",
        objectives="Faire connaître les Missions Locales aux élus.",
        follow_up="Un comité de suivi réunit les parties.",
        review_every_months=12,
        communication="Communiqué de presse commun.",
        amount=Decimal("150000.00"),
        declination_deadline=datetime.date(2024, 9, 30),
        parent=national_text,
        parties=[unml, amf, france],
    )
    Party.objects.filter(convention=convention, partner=unml).update(role=PartyRole.NETWORK)
    Party.objects.filter(convention=convention, partner=france).update(role=PartyRole.FUNDER)
    convention.audiences.add(AudienceFactory(name="Jeunes 16-25 ans"))
    convention.themes.add(ThemeFactory(name="Mobilité"))
    convention.territories.add(Territory.objects.create(name="National", kind="national"))
    SignatoryFactory(convention=convention, partner=unml, name="Stéphane Valli")
    first = AxisFactory(convention=convention, number=1, title="Informer les élus")
    second = AxisFactory(convention=convention, number=2, title="Mobiliser les employeurs")
    CommitmentFactory(
        axis=first,
        text="Diffuser un guide aux maires",
        bearer=amf,
        position=1,
        status=CommitmentStatus.DONE,
        due_on=datetime.date(2024, 12, 31),
        note="Guide diffusé en novembre.",
    )
    CommitmentFactory(
        axis=first,
        text="Présenter les Missions Locales au congrès",
        bearer=unml,
        position=2,
        status=CommitmentStatus.IN_PROGRESS,
    )
    CommitmentFactory(axis=second, text="Organiser des rencontres", position=1)
    Commitment.objects.create(
        convention=convention, text="Se réunir chaque année", status=CommitmentStatus.DROPPED
    )
    TargetFactory(
        convention=convention, label="jeunes suivis", value=150000, unit="jeunes", year=2025
    )
    TargetResult.objects.create(target=convention.targets.get(), year=2025, value=162000)
    AmendmentFactory(convention=convention, summary="Ajout d'un axe numérique")
    ReviewFactory(convention=convention)
    AttachmentFactory(convention=convention)
    StatementFactory(convention=convention)
    return Convention.objects.get(pk=convention.pk)


# Renewal: what is copied -----------------------------------------------------------------------


def test_renewal_is_a_draft_prefilled_from_the_convention(national, editor):
    renewal = convention_renew(convention=national, by=editor)

    renewal = Convention.objects.get(pk=renewal.pk)
    assert renewal.status == Status.DRAFT
    assert renewal.predecessor == national
    assert list(national.successors.all()) == [renewal]
    assert renewal.reference.startswith("CONV-") and renewal.reference != national.reference
    copied = [
        "title",
        "kind",
        "scope",
        "summary",
        "preamble",
        "objectives",
        "duration_months",
        "notice_months",
        "tacit_renewal",
        "follow_up",
        "review_every_months",
        "communication",
        "amount",
        "parent_id",
    ]
    assert {f: getattr(renewal, f) for f in copied} == {f: getattr(national, f) for f in copied}
    # A draft has no dates: they are those of the new text, still to be signed.
    assert (renewal.signed_on, renewal.effective_on, renewal.end_on) == (None, None, None)
    assert (renewal.signed_at, renewal.event, renewal.declination_deadline) == ("", "", None)
    assert set(renewal.audiences.all()) == set(national.audiences.all())
    assert set(renewal.themes.all()) == set(national.themes.all())
    assert set(renewal.territories.all()) == set(national.territories.all())


def test_renewal_binds_the_same_parties_in_the_same_order_and_roles(national, editor):
    renewal = convention_renew(convention=national, by=editor)

    def parties(convention):
        return list(convention.parties.order_by("position").values_list("partner__name", "role"))

    assert parties(renewal) == parties(national)
    assert parties(renewal)[0] == ("Union nationale des Missions Locales", PartyRole.NETWORK)


def test_renewal_copies_axes_and_restarts_the_follow_up_of_their_actions(national, editor, amf):
    renewal = convention_renew(convention=national, by=editor)

    axes = list(renewal.axes.values_list("number", "title"))
    assert axes == [(1, "Informer les élus"), (2, "Mobiliser les employeurs")]
    actions = list(
        Commitment.objects.filter(convention=renewal)
        .order_by("axis__number", "position")
        .values_list("axis__number", "position", "text", "bearer__acronym")
    )
    assert actions == [
        (1, 1, "Diffuser un guide aux maires", "AMF"),
        (1, 2, "Présenter les Missions Locales au congrès", "UNML"),
        (2, 1, "Organiser des rencontres", None),
        (None, 0, "Se réunir chaque année", None),
    ]
    follow_up = set(
        Commitment.objects.filter(convention=renewal).values_list("status", "due_on", "note")
    )
    assert follow_up == {(CommitmentStatus.PLANNED, None, "")}
    # The renewed convention keeps its own follow-up.
    assert national.commitments.get(bearer=amf).status == CommitmentStatus.DONE


def test_renewal_copies_targets_without_year_nor_results(national, editor):
    renewal = convention_renew(convention=national, by=editor)

    assert list(renewal.targets.values_list("label", "value", "unit", "year")) == [
        ("jeunes suivis", Decimal("150000.00"), "jeunes", None)
    ]
    assert not TargetResult.objects.filter(target__convention=renewal).exists()


def test_renewal_leaves_out_what_belongs_to_the_signed_text(national, editor):
    renewal = convention_renew(convention=national, by=editor)

    assert renewal.signatories.count() == 0
    assert renewal.amendments.count() == 0
    assert renewal.reviews.count() == 0
    assert renewal.attachments.count() == 0
    assert renewal.statements.count() == 0
    assert renewal.declinations.count() == 0


def test_renewal_of_a_convention_with_a_period_keeps_no_dates(editor):
    convention = ConventionFactory(
        signed_on=datetime.date(2023, 1, 10),
        effective_on=datetime.date(2023, 1, 1),
        duration_months=None,
        period_end=datetime.date(2025, 12, 31),
    )
    renewal = convention_renew(convention=convention, by=editor)
    assert (renewal.duration_months, renewal.period_end, renewal.effective_on) == (None,) * 3


def test_every_history_record_of_the_renewal_names_the_editor(national, editor):
    renewal = convention_renew(convention=national, by=editor)

    records = list(Convention.history.filter(id=renewal.pk))
    for model in (Party, Axis, Commitment, Target):
        records += model.history.filter(convention_id=renewal.pk)
    assert len(records) >= 1 + 3 + 2 + 4 + 1
    assert {record.history_user for record in records} == {editor}
    assert {r.history_type for r in records if r.instance_type is not Convention} == {"+"}


def test_a_draft_is_not_renewed(editor):
    draft = ConventionFactory(signed_on=None)
    with pytest.raises(ValidationError) as error:
        convention_renew(convention=draft, by=editor)
    assert messages_of(error) == [RENEW_DRAFT_MESSAGE]
    assert Convention.objects.count() == 1


def test_a_convention_is_renewed_only_once(national, editor):
    renewal = convention_renew(convention=national, by=editor)
    renewal.title = "Convention UNML et AMF 2027"
    renewal.save()
    with pytest.raises(ValidationError) as error:
        convention_renew(convention=national, by=editor)
    assert messages_of(error) == [
        "Cette convention est déjà renouvelée par « Convention UNML et AMF 2027 » : "
        "renouvelez plutôt la convention la plus récente."
    ]
    assert national.successors.count() == 1


# Declination: the rules -------------------------------------------------------------------------


def test_declination_for_a_mission_locale_is_a_local_draft_under_the_national_one(
    national, editor, mission_locale, bretagne
):
    declination = convention_decline(convention=national, partner=mission_locale, by=editor)

    declination = Convention.objects.get(pk=declination.pk)
    assert declination.title == "Convention UNML et AMF 2024 — déclinaison ML Rennes"
    assert declination.scope == Scope.LOCAL
    assert declination.status == Status.DRAFT
    assert declination.parent == national
    assert declination.predecessor is None
    assert list(national.declinations.all()) == [declination]
    assert declination.kind == ConventionKind.NATIONAL_FRAMEWORK
    assert declination.summary == national.summary
    assert declination.objectives == national.objectives
    assert (declination.preamble, declination.amount) == ("", None)
    assert declination.duration_months is None
    assert set(declination.audiences.all()) == set(national.audiences.all())
    assert set(declination.themes.all()) == set(national.themes.all())
    assert list(declination.territories.all()) == [bretagne]
    assert declination.targets.count() == 0
    assert declination.signatories.count() == 0


def test_declination_for_a_regional_association_is_regional(national, editor, arml):
    declination = convention_decline(convention=national, partner=arml, by=editor)
    assert declination.scope == Scope.REGIONAL
    assert declination.title.endswith(" — déclinaison ARML Bretagne")
    # The association has no territory recorded: the editor chooses it.
    assert declination.territories.count() == 0


@pytest.mark.parametrize(
    "kind",
    [
        PartnerKind.NETWORK_HEAD,
        PartnerKind.STATE,
        PartnerKind.PUBLIC_OPERATOR,
        PartnerKind.ELECTED_OFFICIALS,
        PartnerKind.COMPANY,
        PartnerKind.OTHER,
    ],
)
def test_declination_is_only_for_a_mission_locale_or_a_regional_association(national, editor, kind):
    partner = PartnerFactory(name="Organisme quelconque", kind=kind)
    with pytest.raises(ValidationError) as error:
        convention_decline(convention=national, partner=partner, by=editor)
    assert error.value.message_dict == {
        "partner": [
            "« Organisme quelconque » n'est ni une Mission Locale ni une association régionale "
            "des Missions Locales : une convention nationale ne se décline que pour elles."
        ]
    }
    assert national.declinations.count() == 0


def test_a_partner_gets_one_declination_of_a_convention(national, editor, mission_locale, arml):
    convention_decline(convention=national, partner=mission_locale, by=editor)
    with pytest.raises(ValidationError) as error:
        convention_decline(convention=national, partner=mission_locale, by=editor)
    assert error.value.message_dict == {
        "partner": [
            "« Mission Locale du Pays de Rennes » a déjà une déclinaison de cette convention : "
            "« Convention UNML et AMF 2024 — déclinaison ML Rennes »."
        ]
    }
    # Another partner still may.
    convention_decline(convention=national, partner=arml, by=editor)
    assert national.declinations.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"signed_on": datetime.date(2015, 1, 1), "duration_months": 24},
            "Cette convention est arrivée à échéance le 31/12/2016 : "
            "elle ne peut plus être déclinée.",
        ),
        (
            {"terminated_on": datetime.date(2025, 3, 1)},
            "Cette convention est résiliée à effet du 01/03/2025 : "
            "elle ne peut plus être déclinée.",
        ),
    ],
)
def test_an_expired_or_terminated_convention_is_not_declined(
    editor_client, editor, mission_locale, fields, message
):
    convention = ConventionFactory(**fields)
    with pytest.raises(ValidationError) as error:
        convention_decline(convention=convention, partner=mission_locale, by=editor)
    assert messages_of(error) == [message]
    assert buttons(editor_client, convention) == {RENEW_BUTTON}
    response = editor_client.post(decline_url(convention), {"partner": mission_locale.pk})
    assert response.status_code == 200
    assert message in page(response)
    assert convention.declinations.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scope": Scope.REGIONAL}, DECLINE_NOT_NATIONAL_MESSAGE),
        ({"scope": Scope.LOCAL}, DECLINE_NOT_NATIONAL_MESSAGE),
        ({"signed_on": None}, DECLINE_DRAFT_MESSAGE),
    ],
)
def test_only_a_signed_national_convention_is_declined(editor, mission_locale, fields, message):
    convention = ConventionFactory(**fields)
    with pytest.raises(ValidationError) as error:
        convention_decline(convention=convention, partner=mission_locale, by=editor)
    assert messages_of(error) == [message]
    assert convention.declinations.count() == 0


def test_declination_parties_are_the_partner_then_the_national_partners_outside_the_network(
    national, editor, mission_locale
):
    declination = convention_decline(convention=national, partner=mission_locale, by=editor)

    parties = list(
        declination.parties.order_by("position").values_list("partner__name", "role", "position")
    )
    assert parties == [
        ("Mission Locale du Pays de Rennes", PartyRole.NETWORK, 1),
        ("Association des maires de France", PartyRole.PARTNER, 2),
        ("France Travail", PartyRole.FUNDER, 3),
    ]


def test_declination_copies_axes_and_gives_the_network_actions_to_the_partner(
    national, editor, mission_locale
):
    declination = convention_decline(convention=national, partner=mission_locale, by=editor)

    actions = list(
        Commitment.objects.filter(convention=declination)
        .order_by("axis__number", "position")
        .values_list("axis__number", "text", "bearer__acronym", "status", "due_on")
    )
    planned = CommitmentStatus.PLANNED
    assert actions == [
        (1, "Diffuser un guide aux maires", "AMF", planned, None),
        (1, "Présenter les Missions Locales au congrès", "ML Rennes", planned, None),
        (2, "Organiser des rencontres", None, planned, None),
        (None, "Se réunir chaque année", None, planned, None),
    ]
    records = list(Convention.history.filter(id=declination.pk))
    for model in (Party, Axis, Commitment):
        records += model.history.filter(convention_id=declination.pk)
    assert {record.history_user for record in records} == {editor}


# The pages: permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [renew_url, decline_url])
def test_anonymous_is_sent_to_sign_in(client, national, url):
    for response in (client.get(url(national)), client.post(url(national))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [renew_url, decline_url])
def test_reader_cannot_renew_nor_decline(reader_client, national, mission_locale, url):
    assert reader_client.get(url(national)).status_code == 403
    assert reader_client.post(url(national), {"partner": mission_locale.pk}).status_code == 403
    assert Convention.objects.filter(signed_on__isnull=True).count() == 0


# The pages: renewal -----------------------------------------------------------------------------


def test_renew_page_asks_for_confirmation_and_tells_what_is_copied(editor_client, national):
    content = page(editor_client.get(renew_url(national)))
    assert '<h1 class="h2 mb-3">Renouveler cette convention ?</h1>' in content
    assert "Union nationale des Missions Locales, Association des maires de France" in content
    assert "2 axes et 4 actions" in content
    assert "1 objectif chiffré, sans année ni valeur atteinte" in content
    assert "Les signataires" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert "Créer le projet de renouvellement</button>" in content
    assert Convention.objects.filter(predecessor=national).count() == 0  # GET changes nothing


def test_editor_renews_and_lands_on_the_prefilled_draft(editor_client, national):
    response = editor_client.post(renew_url(national))

    renewal = Convention.objects.get(predecessor=national)
    assert response.status_code == 302
    assert response["Location"] == f"{update_url(renewal)}?projet=nouveau"
    response = editor_client.get(response["Location"])
    content = page(response)
    assert (
        escape(
            "Le projet de renouvellement de « Convention UNML et AMF 2024 » a été créé : "
            "vérifiez-le, complétez-le puis enregistrez-le."
        )
        in content
    )
    form = response.context["forms"].form
    assert form["title"].value() == "Convention UNML et AMF 2024"
    assert form["predecessor"].value() == national.pk
    assert form["signed_on"].value() is None
    assert len(response.context["forms"].parties.forms) == 3
    assert len(response.context["forms"].axes.forms) == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_renewing_a_draft_is_explained_on_the_page(editor_client, method):
    draft = ConventionFactory(signed_on=None)
    content = page(getattr(editor_client, method)(renew_url(draft)))
    assert escape(RENEW_DRAFT_MESSAGE) in content
    assert "Créer le projet de renouvellement" not in content
    assert Convention.objects.count() == 1


def test_renewing_twice_is_explained_on_the_page(editor_client, national, editor):
    convention_renew(convention=national, by=editor)
    content = page(editor_client.post(renew_url(national)))
    assert "Cette convention est déjà renouvelée par" in content
    assert national.successors.count() == 1


# The pages: declination -------------------------------------------------------------------------


def test_decline_page_offers_missions_locales_and_regional_associations_by_name(
    editor_client, national, mission_locale, arml, unml, amf
):
    response = editor_client.get(decline_url(national))
    content = page(response)
    choices = [label for value, label in response.context["form"].fields["partner"].choices]
    assert choices == [
        "Choisir un partenaire",
        "Association régionale des Missions Locales de Bretagne (ARML Bretagne) — "
        "Association régionale des Missions Locales",
        "Mission Locale du Pays de Rennes (ML Rennes) — Mission Locale",
    ]
    assert 'name="csrfmiddlewaretoken"' in content
    assert "Créer le projet de déclinaison</button>" in content


def test_editor_declines_for_a_mission_locale_and_lands_on_the_draft(
    editor_client, national, mission_locale
):
    response = editor_client.post(decline_url(national), {"partner": mission_locale.pk})

    declination = Convention.objects.get(parent=national)
    assert response["Location"] == f"{update_url(declination)}?projet=nouveau"
    content = page(editor_client.get(response["Location"]))
    assert (
        escape(
            "Le projet de déclinaison « Convention UNML et AMF 2024 — déclinaison ML Rennes » "
            "a été créé : complétez-le puis enregistrez-le."
        )
        in content
    )


def test_a_second_declination_for_a_partner_is_refused_on_the_page(
    editor_client, national, mission_locale, editor
):
    convention_decline(convention=national, partner=mission_locale, by=editor)
    response = editor_client.post(decline_url(national), {"partner": mission_locale.pk})
    content = page(response)
    assert response.status_code == 200
    assert escape("« Mission Locale du Pays de Rennes » a déjà une déclinaison") in content
    assert national.declinations.count() == 1


def test_a_partner_outside_the_network_cannot_be_posted(editor_client, national, amf):
    response = editor_client.post(decline_url(national), {"partner": amf.pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page(response)
    assert national.declinations.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_declining_a_regional_convention_is_explained_on_the_page(
    editor_client, mission_locale, method
):
    regional = ConventionFactory(scope=Scope.REGIONAL)
    response = getattr(editor_client, method)(decline_url(regional), {"partner": mission_locale.pk})
    content = page(response)
    assert escape(DECLINE_NOT_NATIONAL_MESSAGE) in content
    assert "Créer le projet de déclinaison" not in content
    assert regional.declinations.count() == 0


# The buttons on the convention page -------------------------------------------------------------

RENEW_BUTTON = "Renouveler</a>"
DECLINE_BUTTON = "Décliner localement</a>"


def buttons(client, convention) -> set[str]:
    content = page(client.get(detail_url(convention)))
    return {b for b in (RENEW_BUTTON, DECLINE_BUTTON) if b in content}


def test_reader_sees_no_lifecycle_button(reader_client, national):
    assert buttons(reader_client, national) == set()


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_renew_and_decline_a_signed_national_convention(client, national, role):
    client.force_login(role_user("personne", role))
    content = page(client.get(detail_url(national)))
    assert f'href="{renew_url(national)}"' in content
    assert f'href="{decline_url(national)}"' in content


def test_buttons_show_only_where_the_action_applies(editor_client, editor):
    draft = ConventionFactory(signed_on=None)
    regional = ConventionFactory(scope=Scope.REGIONAL)
    renewed = ConventionFactory()
    convention_renew(convention=renewed, by=editor)
    assert buttons(editor_client, draft) == set()
    assert buttons(editor_client, regional) == {RENEW_BUTTON}
    assert buttons(editor_client, renewed) == {DECLINE_BUTTON}


# The renewal chain and the declinations on the convention page --------------------------------


@pytest.fixture
def chain(editor):
    """2001 -> 2010 -> 2020 -> the 2030 draft."""
    titles = {2001: "Convention 2001", 2010: "Convention 2010", 2020: "Convention 2020"}
    conventions, predecessor = [], None
    for year, title in titles.items():
        predecessor = ConventionFactory(
            title=title,
            signed_on=datetime.date(year, 3, 1),
            duration_months=108,
            predecessor=predecessor,
        )
        conventions.append(predecessor)
    draft = convention_renew(convention=predecessor, by=editor)
    draft.title = "Convention 2030"
    draft.save()
    return [*conventions, draft]


def chain_section(content: str) -> str:
    start = content.index("<dt>Chaîne des renouvellements</dt>")
    return content[start : content.index("</ol>", start)]


def test_the_whole_renewal_chain_shows_on_each_of_its_pages(editor_client, chain):
    today = datetime.date.today()
    for convention in chain:
        section = chain_section(page(editor_client.get(detail_url(convention))))
        positions = [section.index(f"Convention {year}") for year in (2001, 2010, 2020, 2030)]
        assert positions == sorted(positions), convention.title
        assert "(cette convention)" in section
        for other in chain:
            status = other.status_on(today)
            assert f'status-{status.value}">{status.label}</span>' in section
            if other != convention:
                assert f'href="{detail_url(other)}"' in section
        assert f'href="{detail_url(convention)}"' not in section


def test_renewal_chain_is_read_from_either_end(chain):
    for convention in (chain[0], chain[-1], chain[1]):
        loaded = Convention.objects.select_related("predecessor").get(pk=convention.pk)
        assert [c.title for c in renewal_chain(loaded)] == [c.title for c in chain]


def test_renewal_chain_stops_on_a_loop_made_by_hand(chain):
    Convention.objects.filter(pk=chain[0].pk).update(predecessor=chain[-1])
    loaded = Convention.objects.select_related("predecessor").get(pk=chain[1].pk)
    assert sorted(c.pk for c in renewal_chain(loaded)) == sorted(c.pk for c in chain)


def test_renewal_chain_is_capped(editor):
    predecessor = None
    for year in range(1990, 2020):
        predecessor = ConventionFactory(
            signed_on=datetime.date(year, 1, 1), predecessor=predecessor
        )
    loaded = Convention.objects.select_related("predecessor").get(pk=predecessor.pk)
    assert len(renewal_chain(loaded, limit=5)) == 1 + 5


def test_a_single_renewal_shows_the_direct_links_only(editor_client, national, editor):
    renewal = convention_renew(convention=national, by=editor)
    for convention in (national, renewal):
        content = page(editor_client.get(detail_url(convention)))
        assert "Chaîne des renouvellements" not in content
    assert "Convention UNML et AMF 2024</a>" in page(editor_client.get(detail_url(renewal)))


def test_the_national_convention_lists_its_declinations_with_their_status(
    editor_client, national, editor, mission_locale, arml
):
    draft = convention_decline(convention=national, partner=mission_locale, by=editor)
    signed = convention_decline(convention=national, partner=arml, by=editor)
    Convention.objects.filter(pk=signed.pk).update(
        signed_on=datetime.date(2024, 10, 1), effective_on=datetime.date(2024, 10, 1)
    )
    content = page(editor_client.get(detail_url(national)))
    section = content[content.index("Déclinaisons locales et régionales") :]
    for declination, badge in (
        (draft, '<span class="badge status-badge status-draft">Projet</span>'),
        # Signed without a duration: in force for an unspecified term.
        (
            signed,
            '<span class="badge status-badge status-in_force_open_ended">'
            "En vigueur, durée non précisée</span>",
        ),
    ):
        link = f'<a href="{detail_url(declination)}">'
        row = section[section.index(link) : section.index("</tr>", section.index(link))]
        assert declination.parties.first().partner.name in row
        assert badge in row
    # And each declination names the national convention.
    content = page(editor_client.get(detail_url(draft)))
    assert f'<a href="{detail_url(national)}">{national.title}</a>' in content
