"""Comparing two versions of a convention: a renewal with the convention it renews, the
convention before and after an amendment (issue: compare versions)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conventions.compare import RowStatus, compare, snapshot, snapshot_as_of
from conventions.enums import CommitmentStatus, PartyRole
from conventions.models import Commitment, Convention
from conventions.services import convention_amend, convention_renew
from tests.factories import (
    AmendmentFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    PartyFactory,
    SignatoryFactory,
    TargetFactory,
)
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db

D = datetime.date
ADDED, REMOVED, CHANGED, UNCHANGED = (
    RowStatus.ADDED,
    RowStatus.REMOVED,
    RowStatus.CHANGED,
    RowStatus.UNCHANGED,
)


def rows(comparison, section: str) -> dict[str, tuple[RowStatus, dict]]:
    """{row label: (status, {field label: (old, new)})} of one part of `comparison`."""
    found = next(s for s in comparison.sections if s.title == section)
    return {
        row.label: (row.status, {v.label: (v.old, v.new) for v in row.values}) for row in found.rows
    }


def statuses(comparison, section: str) -> list[tuple[str, RowStatus]]:
    found = next(s for s in comparison.sections if s.title == section)
    return [(row.label, row.status) for row in found.rows]


@pytest.fixture
def convention(unml, amf):
    """Signed 1 January 2024 for three years: two axes of two actions, two signatories."""
    convention = ConventionFactory(
        title="Convention UNML et AMF",
        parties=[unml, amf],
        objectives="Rapprocher les Missions Locales des maires.",
        amount=Decimal("150000"),
    )
    inform = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(axis=inform, position=1, text="Diffuser un guide aux maires", bearer=amf)
    CommitmentFactory(axis=inform, position=2, text="Présenter le réseau au congrès")
    employ = AxisFactory(convention=convention, number=2, title="Mobiliser les employeurs")
    CommitmentFactory(axis=employ, position=1, text="Relayer les offres d'emploi", bearer=unml)
    CommitmentFactory(axis=employ, position=2, text="Organiser un job dating")
    SignatoryFactory(convention=convention, partner=unml, name="Stéphane Valli", title="Président")
    SignatoryFactory(convention=convention, partner=amf, name="David Lisnard", title="Président")
    TargetFactory(convention=convention, label="jeunes accompagnés", value=1000, year=2024)
    return Convention.objects.get(pk=convention.pk)


# The diff -------------------------------------------------------------------------------------


def test_a_convention_compared_with_itself_has_no_changes(convention):
    comparison = compare(snapshot(convention), snapshot(convention))
    assert not comparison.has_changes
    assert all(row.status == UNCHANGED for s in comparison.sections for row in s.rows)


def test_axes_are_matched_by_number(convention, editor):
    renewal = convention_renew(convention=convention, by=editor)
    axes = {axis.number: axis for axis in renewal.axes.all()}
    axes[2].title = "Mobiliser les entreprises"
    axes[2].save()
    axes[1].delete()
    AxisFactory(convention=renewal, number=3, title="Agir pour la mobilité")

    comparison = compare(snapshot(convention), snapshot(renewal))

    found = rows(comparison, "Axes et actions")
    assert found["Axe 1"][0] == REMOVED
    assert found["Axe 1"][1]["Intitulé"] == ("Informer les élus", None)
    assert found["Axe 2"] == (
        CHANGED,
        {
            "Intitulé": ("Mobiliser les employeurs", "Mobiliser les entreprises"),
            "Description": ("—", "—"),
        },
    )
    assert found["Axe 3"][0] == ADDED
    assert found["Axe 3"][1]["Intitulé"] == (None, "Agir pour la mobilité")


def test_commitments_are_matched_by_text_within_their_axis(convention, editor, amf):
    renewal = convention_renew(convention=convention, by=editor)
    Commitment.objects.filter(convention=convention, text="Diffuser un guide aux maires").update(
        status=CommitmentStatus.DONE
    )
    # Reworded: another action. Moved to another axis: not the same action either.
    renewal.commitments.filter(text="Organiser un job dating").update(
        text="Organiser deux job datings"
    )
    moved = renewal.commitments.get(text="Présenter le réseau au congrès")
    moved.axis = renewal.axes.get(number=2)
    moved.save()
    renewal.commitments.filter(text="Relayer les offres d'emploi").update(
        due_on=D(2028, 6, 30), bearer=amf
    )

    comparison = compare(snapshot(convention), snapshot(renewal))

    assert statuses(comparison, "Axes et actions") == [
        ("Axe 1", UNCHANGED),
        ("Diffuser un guide aux maires", CHANGED),
        ("Présenter le réseau au congrès", REMOVED),
        ("Axe 2", UNCHANGED),
        ("Relayer les offres d'emploi", CHANGED),
        ("Organiser un job dating", REMOVED),
        ("Présenter le réseau au congrès", ADDED),
        ("Organiser deux job datings", ADDED),
    ]
    found = rows(comparison, "Axes et actions")
    assert found["Diffuser un guide aux maires"][1]["Avancement"] == ("Réalisée", "Prévue")
    relay = found["Relayer les offres d'emploi"][1]
    assert relay["Échéance"] == ("—", "30 juin 2028")
    assert relay["Porté par"] == (
        "Union nationale des Missions Locales (UNML)",
        "Association des maires de France (AMF)",
    )


def test_dates_changed_by_an_amendment_show_their_former_and_new_value(convention, editor):
    before = snapshot(convention)
    convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation",
        new_end_on=D(2027, 12, 31),
        changes={"notice_months": 3},
        by=editor,
    )
    after = snapshot(Convention.objects.get(pk=convention.pk))

    comparison = compare(before, after)

    dates = rows(comparison, "Dates et durée")
    assert dates["Date de fin"] == (CHANGED, {"": ("31 décembre 2026", "31 décembre 2027")})
    assert dates["Préavis de résiliation"] == (CHANGED, {"": ("2 mois", "3 mois")})
    assert dates["Date de signature"][0] == UNCHANGED
    assert (comparison.changed, comparison.added, comparison.removed) == (2, 0, 0)


def test_signatories_are_matched_by_name_and_parties_by_partner(convention, editor, unml, amf):
    renewal = convention_renew(convention=convention, by=editor)  # signatories are not copied
    SignatoryFactory(convention=renewal, partner=unml, name="Stéphane Valli", title="Président")
    SignatoryFactory(
        convention=renewal, partner=amf, name="Murielle Fabre", title="Secrétaire générale"
    )
    renewal.parties.filter(partner=amf).update(role=PartyRole.FUNDER)
    france_travail = PartnerFactory(name="France Travail", acronym="")
    PartyFactory(convention=renewal, partner=france_travail)

    comparison = compare(snapshot(convention), snapshot(renewal))

    assert statuses(comparison, "Signataires") == [
        ("Stéphane Valli", UNCHANGED),
        ("David Lisnard", REMOVED),
        ("Murielle Fabre", ADDED),
    ]
    assert rows(comparison, "Parties") == {
        "Union nationale des Missions Locales (UNML)": (
            UNCHANGED,
            {"Rôle": ("Partenaire", "Partenaire")},
        ),
        "Association des maires de France (AMF)": (
            CHANGED,
            {"Rôle": ("Partenaire", "Financeur")},
        ),
        "France Travail": (ADDED, {"Rôle": (None, "Partenaire")}),
    }


def test_targets_are_matched_by_label(convention, editor):
    renewal = convention_renew(convention=convention, by=editor)  # the year is not copied
    renewal.targets.update(value=1500)
    TargetFactory(convention=renewal, label="employeurs mobilisés", value=200, year=2027)

    comparison = compare(snapshot(convention), snapshot(renewal))

    assert rows(comparison, "Objectifs chiffrés") == {
        "jeunes accompagnés": (
            CHANGED,
            {"Valeur visée": ("1\xa0000", "1\xa0500"), "Année": ("2024", "—")},
        ),
        "employeurs mobilisés": (ADDED, {"Valeur visée": (None, "200"), "Année": (None, "2027")}),
    }


def test_changes_only_leaves_the_unchanged_rows_out(convention, editor):
    renewal = convention_renew(convention=convention, by=editor)
    renewal.axes.filter(number=1).update(title="Informer et former les élus")

    comparison = compare(snapshot(convention), snapshot(renewal)).changes_only()

    axes = next(s for s in comparison.sections if s.title == "Axes et actions")
    assert [row.label for row in axes.rows] == ["Axe 1"]
    assert axes.hidden == 5


# Versions read from the history ----------------------------------------------------------------


def test_snapshot_as_of_a_moment_reads_the_rows_as_they_stood(convention, editor):
    moment = timezone.now()
    Commitment.objects.get(text="Organiser un job dating").delete()
    axis = convention.axes.get(number=1)
    axis.title = "Informer et former les élus"
    axis.save()
    CommitmentFactory(axis=axis, position=3, text="Former les secrétaires de mairie")
    convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation",
        new_end_on=D(2027, 12, 31),
        changes={"objectives": "Rapprocher les Missions Locales des communes."},
        by=editor,
    )

    now = Convention.objects.get(pk=convention.pk)
    comparison = compare(snapshot_as_of(convention, moment), snapshot(now))

    assert statuses(comparison, "Axes et actions") == [
        ("Axe 1", CHANGED),
        ("Diffuser un guide aux maires", UNCHANGED),
        ("Présenter le réseau au congrès", UNCHANGED),
        ("Former les secrétaires de mairie", ADDED),
        ("Axe 2", UNCHANGED),
        ("Relayer les offres d'emploi", UNCHANGED),
        ("Organiser un job dating", REMOVED),
    ]
    texts = rows(comparison, "Texte et suivi")
    assert texts["Objectifs"] == (
        CHANGED,
        {
            "": (
                "Rapprocher les Missions Locales des maires.",
                "Rapprocher les Missions Locales des communes.",
            )
        },
    )
    # The end date as the history recorded it, before and after the amendment.
    assert rows(comparison, "Dates et durée")["Date de fin"][1][""] == (
        "31 décembre 2026",
        "31 décembre 2027",
    )


def test_no_version_before_the_convention_was_recorded(convention):
    assert snapshot_as_of(convention, convention.created_at - datetime.timedelta(days=1)) is None


# The pages -----------------------------------------------------------------------------------


def renewal_url(successor) -> str:
    return reverse("conventions:renewal_compare", args=[successor.pk])


def amendment_url(amendment) -> str:
    return reverse(
        "conventions:amendment_compare", args=[amendment.convention_id, amendment.number]
    )


def test_reader_compares_a_renewal_with_the_convention_it_renews(reader_client, convention, editor):
    renewal = convention_renew(convention=convention, by=editor)
    renewal.title = "Convention UNML et AMF 2027-2029"
    renewal.save()
    renewal.axes.filter(number=2).update(title="Mobiliser les entreprises")

    content = page(reader_client.get(renewal_url(renewal)))

    assert "Ce que le renouvellement a changé" in content
    assert '<th scope="col">Convention précédente</th>' in content
    assert '<th scope="col">Renouvellement</th>' in content
    assert f'href="{convention.get_absolute_url()}">Convention UNML et AMF</a>' in content
    assert "Version actuelle" in content
    assert "Mobiliser les employeurs" in content
    assert '<mark class="compare-changed">Mobiliser les entreprises</mark>' in content
    assert "Supprimé</span>" in content  # the signatories, not copied to the renewal
    assert "Modifié</span>" in content


def test_renewal_comparison_is_linked_both_ways_from_the_convention_pages(
    reader_client, convention, editor
):
    renewal = convention_renew(convention=convention, by=editor)
    link = f'href="{renewal_url(renewal)}"'
    assert link in page(reader_client.get(convention.get_absolute_url()))
    successor_page = page(reader_client.get(renewal.get_absolute_url()))
    assert f"{link}>Comparer avec la convention précédente</a>" in successor_page


def test_a_convention_that_renews_nothing_has_no_renewal_comparison(reader_client, convention):
    assert reader_client.get(renewal_url(convention)).status_code == 404


def test_unchanged_rows_can_be_hidden(reader_client, convention, editor):
    renewal = convention_renew(convention=convention, by=editor)
    url = renewal_url(renewal)
    everything = page(reader_client.get(url))
    assert "Rapprocher les Missions Locales des maires." in everything
    assert f'href="{url}?modifications=1">Masquer les lignes inchangées</a>' in everything

    changes = page(reader_client.get(url, {"modifications": "1"}))
    assert "Rapprocher les Missions Locales des maires." not in changes
    assert f'href="{url}">Afficher aussi les lignes inchangées</a>' in changes
    assert "Aucun changement dans cette partie (2 lignes inchangées)." in changes


def test_reader_sees_what_an_amendment_changed(reader_client, convention, editor):
    first = convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation d'un an",
        new_end_on=D(2027, 12, 31),
        changes={"objectives": "Rapprocher les Missions Locales des communes."},
        by=editor,
    )
    second = convention_amend(
        convention=convention,
        signed_on=D(2025, 6, 1),
        summary="Nouveau montant",
        changes={"amount": "200000"},
        by=editor,
    )

    content = page(reader_client.get(amendment_url(first)))
    assert "Ce que l&#x27;avenant n° 1 a changé" in content
    assert "Avant l&#x27;avenant n° 1" in content
    assert "Après l&#x27;avenant n° 1, avant l&#x27;avenant n° 2" in content
    assert "31 décembre 2026" in content
    assert '<mark class="compare-changed">31 décembre 2027</mark>' in content
    assert (
        '<mark class="compare-changed">Rapprocher les Missions Locales des communes.</mark>'
        in content
    )
    # The second amendment's amount is not the first one's doing.
    assert "200" not in content.split("Montant</th>")[1].split("</tr>")[0]
    assert f"href=\"{amendment_url(second)}\">Voir ce qu'a changé l'avenant n° 2" in content

    content = page(reader_client.get(amendment_url(second)))
    assert "Après l&#x27;avenant n° 2</th>" in content
    assert "150\xa0000 €" in content
    assert '<mark class="compare-changed">200\xa0000 €</mark>' in content


def test_each_amendment_links_to_what_it_changed(reader_client, convention, editor):
    amendment = convention_amend(
        convention=convention, signed_on=D(2025, 1, 1), summary="Objet", by=editor
    )
    content = page(reader_client.get(convention.get_absolute_url()))
    assert f'<a href="{amendment_url(amendment)}">Voir ce qui a changé' in content


def test_unknown_amendment_is_not_found(reader_client, convention):
    url = reverse("conventions:amendment_compare", args=[convention.pk, 1])
    assert reader_client.get(url).status_code == 404


def test_amendment_older_than_the_history_says_so(reader_client, convention):
    amendment = AmendmentFactory(
        convention=convention, recorded_at=convention.created_at - datetime.timedelta(days=1)
    )
    content = page(reader_client.get(amendment_url(amendment)))
    assert "L'historique ne permet pas de reconstituer cette version" in content
    assert "Lignes modifiées" not in content


def _fill(convention, axes: int) -> None:
    bearer = convention.parties.first().partner
    for number in range(1, axes + 1):
        axis = AxisFactory(convention=convention, number=number)
        for position in range(3):
            CommitmentFactory(axis=axis, bearer=bearer, position=position)
        SignatoryFactory(convention=convention, name=f"Signataire {number}")
        TargetFactory(convention=convention, label=f"Objectif {number}")


def count_queries(client, url) -> int:
    # Once before counting: the user's permissions are then in the cache (accounts/backends.py),
    # whatever roles the test gave meanwhile.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page(client.get(url))
    return len(queries)


def test_renewal_comparison_queries_do_not_grow_with_axes_and_actions(reader_client, editor):
    counts = []
    for axes in (1, 10):
        convention = ConventionFactory()
        _fill(convention, axes)
        renewal = convention_renew(convention=convention, by=editor)
        counts.append(count_queries(reader_client, renewal_url(renewal)))
    assert counts[0] == counts[1]


def test_amendment_comparison_queries_do_not_grow_with_axes_and_actions(reader_client, editor):
    counts = []
    for axes in (1, 10):
        convention = ConventionFactory()
        _fill(convention, axes)
        amendments = [
            convention_amend(
                convention=convention,
                signed_on=D(2025, month, 1),
                summary="Objet",
                changes={"objectives": f"Objectifs {month}"},
                by=editor,
            )
            for month in (1, 2)
        ]
        counts.append(
            [count_queries(reader_client, amendment_url(amendment)) for amendment in amendments]
        )
    assert counts[0] == counts[1]


def test_editing_a_convention_after_an_amendment_counts_as_after_it(convention, editor):
    """The latest amendment is compared with the convention as it is now."""
    amendment = convention_amend(
        convention=convention, signed_on=D(2025, 1, 1), summary="Objet", by=editor
    )
    convention.refresh_from_db()
    convention.communication = "Communiqué commun"
    convention.save()
    old = snapshot_as_of(convention, amendment.recorded_at)
    comparison = compare(old, snapshot(convention))
    assert rows(comparison, "Texte et suivi")["Communication"][1][""] == (
        "—",
        "Communiqué commun",
    )
