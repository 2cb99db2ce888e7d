"""Following up each action from the convention page: status, due date and note, updated in
place (issue: follow-up of commitments)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CommitmentStatus
from conventions.models import Commitment, TargetResult
from conventions.services import commitment_follow_up
from conventions.views.follow_up import FRAGMENT_HEADER
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    ReviewFactory,
    TargetFactory,
)
from tests.test_convention_detail import detail_page_queries
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db

FRAGMENT = {"headers": {FRAGMENT_HEADER: "1"}}
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def convention(db):
    return ConventionFactory(title="Convention UNML et AMF")


@pytest.fixture
def commitment(convention):
    axis = AxisFactory(convention=convention, number=2, title="Informer les élus")
    CommitmentFactory(axis=axis, text="Diffuser un guide aux maires", position=1)
    return CommitmentFactory(axis=axis, text="Organiser des rencontres", position=2)


def follow_up_url(commitment) -> str:
    return reverse(
        "conventions:commitment_follow_up", args=[commitment.convention_id, commitment.pk]
    )


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def follow_up_data(commitment, **fields) -> dict:
    values = {"status": "planned", "due_on": "", "note": ""} | fields
    return {f"suivi-{commitment.pk}-{name}": value for name, value in values.items()}


# On the convention page --------------------------------------------------------------------------


def test_page_shows_status_due_date_and_note_of_each_action(reader_client, commitment):
    Commitment.objects.filter(pk=commitment.pk).update(
        status=CommitmentStatus.IN_PROGRESS,
        due_on=datetime.date(2025, 3, 31),
        note="Deux rencontres tenues sur cinq.",
    )
    content = page(reader_client.get(detail_url(commitment.convention)))
    item = content[content.index(f'id="engagement-{commitment.pk}"') :]
    item = item[: item.index("</li>")]
    assert '<span class="commitment-number fw-semibold">2.2</span>' in content
    assert (
        'Avancement : <span class="badge commitment-status commitment-status-in_progress">'
        "En cours</span>" in item
    )
    assert "Échéance : 31 mars 2025" in item
    assert "Note de suivi :</span> Deux rencontres tenues sur cinq." in item


def test_reader_sees_no_follow_up_control(reader_client, commitment):
    content = page(reader_client.get(detail_url(commitment.convention)))
    assert "Mettre à jour le suivi" not in content
    assert follow_up_url(commitment) not in content
    assert "js/follow_up.js" not in content


def test_editor_gets_a_follow_up_form_next_to_each_action(editor_client, commitment):
    content = page(editor_client.get(detail_url(commitment.convention)))
    item = content[content.index(f'id="engagement-{commitment.pk}"') :]
    item = item[: item.index("</li>")]
    assert "Mettre à jour le suivi" in item
    assert """<span class="visually-hidden"> de l'action 2.2</span>""" in item
    assert f'action="{follow_up_url(commitment)}"' in item
    assert f'name="suivi-{commitment.pk}-status"' in item
    assert f'name="suivi-{commitment.pk}-due_on"' in item
    assert f'name="suivi-{commitment.pk}-note"' in item
    assert "<details" in item and " open" not in item.split(">")[0]
    assert "js/follow_up.js" in content


@pytest.mark.parametrize(
    ("status", "due_on", "late"),
    [
        (CommitmentStatus.PLANNED, YESTERDAY, True),
        (CommitmentStatus.IN_PROGRESS, YESTERDAY, True),
        (CommitmentStatus.PLANNED, TODAY, False),
        (CommitmentStatus.DONE, YESTERDAY, False),
        (CommitmentStatus.DROPPED, YESTERDAY, False),
        (CommitmentStatus.PLANNED, None, False),
    ],
)
def test_an_action_is_late_the_day_after_its_due_date_unless_done_or_dropped(
    reader_client, commitment, status, due_on, late
):
    Commitment.objects.filter(pk=commitment.pk).update(status=status, due_on=due_on)
    commitment.refresh_from_db()
    assert commitment.is_overdue is late
    content = page(reader_client.get(detail_url(commitment.convention)))
    assert ('<span class="badge late-flag">En retard</span>' in content) is late


# Without JavaScript: an ordinary form ------------------------------------------------------------


def test_editor_updates_an_action_and_comes_back_to_it(editor_client, editor, commitment):
    data = follow_up_data(
        commitment, status="done", due_on="2025-06-30", note="Guide diffusé à 35 000 maires."
    )
    response = editor_client.post(follow_up_url(commitment), data)

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(commitment.convention)}#engagement-{commitment.pk}"
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DONE
    assert commitment.due_on == datetime.date(2025, 6, 30)
    assert commitment.note == "Guide diffusé à 35 000 maires."
    record = commitment.history.latest()
    assert record.history_type == "~"
    assert record.history_user == editor

    content = page(editor_client.get(response["Location"]))
    assert "Le suivi de l&#x27;action 2.2 est enregistré." in content
    assert "commitment-status-done" in content


def test_refused_follow_up_shows_the_form_again_with_french_messages(editor_client, commitment):
    data = follow_up_data(commitment, status="fini", due_on="2025-02-31", note="Presque")
    response = editor_client.post(follow_up_url(commitment), data)

    assert response.status_code == 200
    content = page(response)
    assert "Mettre à jour le suivi de l'action 2.2" in content
    status_error = f'id="id_suivi-{commitment.pk}-status_error"'
    due_error = f'id="id_suivi-{commitment.pk}-due_on_error"'
    assert status_error in content and due_error in content
    assert "Sélectionnez un choix valide" in content
    assert "Saisissez une date valide." in content
    # The typed note is kept; nothing is saved.
    assert ">\nPresque</textarea>" in content
    commitment.refresh_from_db()
    assert (commitment.status, commitment.note) == (CommitmentStatus.PLANNED, "")


def test_follow_up_page_opens_on_its_own(editor_client, commitment):
    content = page(editor_client.get(follow_up_url(commitment)))
    assert """<h1 class="h2 mb-3">Mettre à jour le suivi de l'action 2.2</h1>""" in content
    assert f"#engagement-{commitment.pk}" in content


def test_unchanged_follow_up_writes_nothing(editor_client, commitment):
    count = commitment.history.count()
    response = editor_client.post(follow_up_url(commitment), follow_up_data(commitment))
    assert response.status_code == 302
    assert commitment.history.count() == count


# With JavaScript: the action's fragment of the page ----------------------------------------------


def test_saved_follow_up_answers_with_the_action_fragment(editor_client, commitment):
    data = follow_up_data(commitment, status="done", note="Guide diffusé.")
    response = editor_client.post(follow_up_url(commitment), data, **FRAGMENT)

    assert response.status_code == 200
    assert FRAGMENT_HEADER in response["Vary"]
    content = page(response).strip()
    assert content.startswith(f'<li class="commitment mb-3" id="engagement-{commitment.pk}"')
    assert content.endswith("</li>")
    assert '<span class="commitment-number fw-semibold">2.2</span>' in content
    assert "commitment-status-done" in content and ">Réalisée</span>" in content
    assert "Guide diffusé." in content
    assert "data-follow-up-saved" in content
    assert "Le suivi de l&#x27;action 2.2 est enregistré." in content
    assert '<details class="follow-up-edit no-print mt-1">' in content
    # Said in the fragment, not again on the next page.
    page_content = page(editor_client.get(detail_url(commitment.convention)))
    assert "est enregistré" not in page_content


def test_refused_follow_up_answers_with_the_form_open_and_the_action_as_saved(
    editor_client, commitment
):
    data = follow_up_data(commitment, status="done", due_on="pas une date")
    response = editor_client.post(follow_up_url(commitment), data, **FRAGMENT)

    assert response.status_code == 422
    content = page(response)
    assert '<details class="follow-up-edit no-print mt-1" open>' in content
    assert "Saisissez une date valide." in content
    assert 'aria-invalid="true"' in content
    # The badge shows what is saved, not what was typed.
    assert "commitment-status-planned" in content
    assert "data-follow-up-saved" not in content


def test_an_action_outside_any_axis_is_numbered_among_the_common_ones(editor_client, convention):
    first = Commitment.objects.create(convention=convention, text="Communiquer", position=1)
    second = Commitment.objects.create(convention=convention, text="Évaluer", position=2)
    response = editor_client.post(
        follow_up_url(second), follow_up_data(second, status="in_progress"), **FRAGMENT
    )
    content = page(response)
    assert '<span class="commitment-number fw-semibold">2</span>' in content
    assert first.text not in content


# Rules --------------------------------------------------------------------------------------------


def test_an_action_of_another_convention_is_not_found(editor_client, commitment):
    other = ConventionFactory()
    url = reverse("conventions:commitment_follow_up", args=[other.pk, commitment.pk])
    assert editor_client.get(url).status_code == 404
    response = editor_client.post(url, follow_up_data(commitment, status="done"))
    assert response.status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PLANNED


def test_reader_cannot_update_an_action(reader_client, commitment):
    response = reader_client.post(
        follow_up_url(commitment), follow_up_data(commitment, status="done")
    )
    assert response.status_code == 403
    response = reader_client.post(
        follow_up_url(commitment), follow_up_data(commitment, status="done"), **FRAGMENT
    )
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PLANNED


def test_anonymous_is_sent_to_sign_in(client, commitment):
    response = client.post(follow_up_url(commitment), follow_up_data(commitment, status="done"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PLANNED


def test_service_records_the_follow_up_with_its_author(editor, commitment):
    commitment_follow_up(
        commitment=commitment,
        status=CommitmentStatus.DROPPED,
        due_on=None,
        note="Remplacée par l'action 2.3.",
        by=editor,
    )
    record = Commitment.history.filter(id=commitment.pk).latest()
    assert record.status == CommitmentStatus.DROPPED
    assert record.note == "Remplacée par l'action 2.3."
    assert record.history_user == editor


# The page's cost ---------------------------------------------------------------------------------


def test_page_queries_do_not_grow_with_follow_up_rows(editor_client):
    """Forms for every action, the review schedule and the shares of targets read what the page
    already loaded."""
    small, large = (
        ConventionFactory(review_every_months=6),
        ConventionFactory(review_every_months=6),
    )
    for convention, rows in ((small, 1), (large, 8)):
        bearer = convention.parties.first().partner  # named in the history in both cases
        for number in range(1, rows + 1):
            axis = AxisFactory(convention=convention, number=number)
            for position in range(3):
                CommitmentFactory(
                    axis=axis,
                    bearer=bearer,
                    position=position,
                    due_on=datetime.date(2025, 1, 1),
                    note="Note",
                )
            Commitment.objects.create(convention=convention, text="Commune", position=number)
            ReviewFactory(convention=convention, held_on=datetime.date(2024, number, 1))
            target = TargetFactory(convention=convention)
            for year in (2024, 2025):
                TargetResult.objects.create(target=target, year=year, value=100 * number)
        convention.title += " (modifiée)"
        convention.save()  # its history among the latest entries in both cases
    small_count = detail_page_queries(editor_client, small)
    assert detail_page_queries(editor_client, large) == small_count
