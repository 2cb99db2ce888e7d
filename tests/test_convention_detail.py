import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.enums import CommitmentStatus, ConventionKind, Scope
from partners.models import Territory
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AudienceFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    SignatoryFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
    role_user,
)
from tests.test_convention_form import form_data, page

pytestmark = pytest.mark.django_db


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def edit_url(convention) -> str:
    return reverse("conventions:convention_update", args=[convention.pk])


@pytest.fixture
def signed_in(client):
    def sign_in(role: str, **fields):
        user = role_user(f"agent-{role.lower()}", role)
        if fields:
            type(user).objects.filter(pk=user.pk).update(**fields)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def amf_convention(unml, amf):
    """The AMF convention of 29 May 2024, with every kind of row a convention can have."""
    predecessor = ConventionFactory(
        title="Convention AMF 2020", signed_on=datetime.date(2020, 1, 1), parties=[unml, amf]
    )
    convention = ConventionFactory(
        title="Convention de partenariat UNML et AMF",
        kind=ConventionKind.NATIONAL_FRAMEWORK,
        signed_on=datetime.date(2024, 5, 29),
        signed_at="Paris",
        event="Congrès des maires",
        effective_on=datetime.date(2024, 6, 1),
        duration_months=36,
        notice_months=3,
        tacit_renewal=True,
        summary="Rapprocher les Missions Locales des communes.",
        preamble="Considérant le rôle des maires,\nles parties conviennent…",
        objectives="Faire connaître les Missions Locales aux élus.",
        follow_up="Un comité de suivi réunit les parties.",
        review_every_months=12,
        communication="Communiqué de presse commun.",
        amount=150000,
        predecessor=predecessor,
        declination_deadline=datetime.date(2024, 9, 30),
        parties=[unml, amf],
    )
    successor = ConventionFactory(
        title="Convention AMF 2027", signed_on=None, predecessor=convention, parties=[unml, amf]
    )
    declination = ConventionFactory(
        title="Déclinaison régionale Bretagne",
        scope=Scope.REGIONAL,
        parent=convention,
        parties=[unml, amf],
    )
    convention.audiences.add(AudienceFactory(name="Jeunes 16-25 ans"))
    convention.themes.add(ThemeFactory(name="Mobilité"))
    convention.territories.add(Territory.objects.create(name="La Réunion", kind="overseas"))
    SignatoryFactory(
        convention=convention,
        partner=unml,
        name="Stéphane Valli",
        title="Président de l'UNML",
        signed_on=datetime.date(2024, 5, 29),
    )
    SignatoryFactory(
        convention=convention,
        partner=amf,
        name="Murielle Fabre",
        title="Secrétaire générale",
        on_behalf_of="le Président de l'AMF",
    )
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", bearer=amf, position=1)
    CommitmentFactory(
        axis=axis,
        text="Organiser des rencontres",
        position=2,
        status=CommitmentStatus.IN_PROGRESS,
        due_on=datetime.date(2025, 3, 31),
    )
    TargetFactory(convention=convention, label="jeunes suivis", value=150000, unit="jeunes")
    AmendmentFactory(convention=convention, summary="Ajout d'un axe numérique")
    ReviewFactory(convention=convention, summary="Bilan de la première année")
    AttachmentFactory(convention=convention, title="Convention signée (PDF)")
    StatementFactory(
        convention=convention,
        person="David Lisnard",
        role="Président",
        organisation=amf,
        text="Les maires sont aux côtés des jeunes.",
    )
    convention.refresh_from_db()
    convention.test_rows = {"successor": successor, "declination": declination, "amf": amf}
    return convention


def test_anonymous_is_sent_to_sign_in(client):
    convention = ConventionFactory()
    response = client.get(detail_url(convention))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.embedded
def test_reader_reads_the_convention_without_edit_link(signed_in, amf_convention):
    content = page(signed_in(READER).get(detail_url(amf_convention)))
    assert '<h1 class="h2 mb-2">Convention de partenariat UNML et AMF</h1>' in content
    assert edit_url(amf_convention) not in content
    assert ">Modifier</a>" not in content.replace('aria-hidden="true"></i> ', "")
    assert "/admin/" not in content


def test_editor_sees_the_edit_link_but_not_the_admin(signed_in, amf_convention):
    content = page(signed_in(EDITOR).get(detail_url(amf_convention)))
    assert f'href="{edit_url(amf_convention)}"' in content
    assert "Administration</a>" not in content


def test_admin_sees_the_edit_and_admin_links(signed_in, amf_convention):
    client = signed_in(ADMINISTRATOR, is_staff=True)
    content = page(client.get(detail_url(amf_convention)))
    assert f'href="{edit_url(amf_convention)}"' in content
    admin_url = reverse("admin:conventions_convention_change", args=[amf_convention.pk])
    assert f'href="{admin_url}"' in content


def test_page_shows_every_fact_of_the_convention(signed_in, amf_convention):
    content = page(signed_in(READER).get(detail_url(amf_convention)))
    amf = amf_convention.test_rows["amf"]
    facts = [
        amf_convention.reference,
        "Convention cadre nationale",
        '<span class="badge status-badge status-in_force">En vigueur</span>',
        f'href="{reverse("partners:partner_detail", args=[amf.slug])}"',
        "Association des maires de France (AMF)",
        "le 29 mai 2024 à Paris",
        "Congrès des maires",
        "1er juin 2024",  # effective date
        "3 ans",
        "31 mai 2027",  # end date
        "3&nbsp;mois, à donner au plus tard le 28 février 2027",
        "Reconduction tacite</dt>\n          <dd>Oui",
        "Stéphane Valli</strong>, Président de l&#x27;UNML",
        "pour le Président de l&#x27;AMF, par délégation",
        "Rapprocher les Missions Locales des communes.",
        "<p>Considérant le rôle des maires,<br>les parties conviennent…</p>",
        "Faire connaître les Missions Locales aux élus.",
        "Axe 1 : Informer les élus",
        '<span class="commitment-number fw-semibold">1.1</span>',
        "Diffuser un guide aux maires",
        "Porté par : Association des maires de France",
        '<span class="commitment-number fw-semibold">1.2</span>',
        "Porté par : Commun",
        'Avancement : <span class="badge commitment-status commitment-status-in_progress">'
        "En cours</span>",
        "Échéance : 31 mars 2025",
        "jeunes suivis",
        "150\xa0000 jeunes",
        "Un comité de suivi réunit les parties.",
        "tous les 12 mois",
        "Communiqué de presse commun.",
        "150\xa0000\xa0€",
        "Avenant n° 1</strong> du 1er janvier 2025 : Ajout d&#x27;un axe numérique",
        "Comité de suivi du 15 janvier 2025",
        "Bilan de la première année",
        "Convention AMF 2020",
        "Convention AMF 2027",
        "Déclinaison régionale Bretagne",
        '<span class="badge status-badge status-draft">Projet</span>',
        "À signer avant le 30 septembre 2024",
        "Convention signée (PDF)",
        f'href="{amf_convention.attachments.get().get_absolute_url()}"',
        "Les maires sont aux côtés des jeunes.",
        "David Lisnard, Président (Association des maires de France)",
        "Jeunes 16-25 ans",
        "Mobilité",
        "La Réunion",
    ]
    missing = [fact for fact in facts if fact not in content]
    assert missing == []


def test_history_tells_who_changed_what_in_french(client, amf_convention):
    editor = role_user("claire.martin", EDITOR)
    client.force_login(editor)
    data = form_data(client.get(edit_url(amf_convention)))
    data["title"] = "Convention renouvelée"
    data["notice_months"] = "6"
    data["axes-0-commitments-0-bearer"] = ""
    response = client.post(edit_url(amf_convention), data, follow=True)
    content = page(response)
    history = content[content.index("Historique des modifications") :]
    assert "<strong>Élise Claire.Martin</strong> : Modification · Convention" in history
    assert (
        escape("Intitulé : Convention de partenariat UNML et AMF → Convention renouvelée")
        in history
    )
    assert "Préavis de résiliation (mois) : 3 → 6" in history
    assert "Modification · Action ou engagement « Diffuser un guide aux maires »" in history
    assert "Porté par : Association des maires de France → —" in history
    # Newest first: the edit comes before the creation of the rows.
    assert history.index("Préavis") < history.index("Création")


def detail_page_queries(client, convention) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client.get(detail_url(convention)))
    return len(queries)


def test_page_queries_do_not_grow_with_axes_and_actions(signed_in):
    client = signed_in(EDITOR)
    small, large = ConventionFactory(), ConventionFactory()
    for convention, axes in ((small, 1), (large, 10)):
        bearer = convention.parties.first().partner
        for number in range(1, axes + 1):
            axis = AxisFactory(convention=convention, number=number)
            for position in range(3):
                CommitmentFactory(axis=axis, bearer=bearer, position=position)
            SignatoryFactory(convention=convention)
        convention.title += " (modifiée)"
        convention.save()  # its history among the latest entries in both cases
    assert detail_page_queries(client, small) == detail_page_queries(client, large)
