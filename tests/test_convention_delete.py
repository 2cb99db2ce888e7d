"""Deleting a convention: an editor deletes a draft, only an administrator a signed convention;
the history records the deletion; "Annuler" on a draft just created by a renewal or a
declination offers to delete it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, EDITOR
from conventions.models import Convention
from conventions.services import convention_delete
from partners.enums import PartnerKind
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    role_user,
)
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db


def delete_url(convention) -> str:
    return reverse("conventions:convention_delete", args=[convention.pk])


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


@pytest.fixture
def draft(unml, amf):
    convention = ConventionFactory(title="Projet UNML et AMF", signed_on=None, parties=[unml, amf])
    CommitmentFactory(axis=AxisFactory(convention=convention))
    return convention


@pytest.fixture
def administrator(db):
    return role_user("ada.administration", ADMINISTRATOR)


def deletion(pk):
    return Convention.history.filter(id=pk, history_type="-").get()


# The service --------------------------------------------------------------------------------


def test_an_editor_deletes_a_draft_and_the_history_records_who(editor, draft):
    pk = draft.pk
    convention_delete(convention=draft, by=editor)
    assert not Convention.objects.filter(pk=pk).exists()
    record = deletion(pk)
    assert record.history_user == editor
    assert record.title == "Projet UNML et AMF"


def test_an_editor_cannot_delete_a_signed_convention(editor, convention):
    with pytest.raises(ValidationError) as raised:
        convention_delete(convention=convention, by=editor)
    assert raised.value.messages == [
        "Cette convention est signée : seul un administrateur peut la supprimer."
    ]
    assert Convention.objects.filter(pk=convention.pk).exists()


def test_an_administrator_deletes_a_signed_convention(administrator, convention):
    convention_delete(convention=convention, by=administrator)
    assert not Convention.objects.filter(pk=convention.pk).exists()
    assert deletion(convention.pk).history_user == administrator


def test_a_convention_with_declinations_or_financial_conventions_is_kept(administrator, convention):
    ConventionFactory(title="Déclinaison", parent=convention)
    with pytest.raises(ValidationError) as raised:
        convention_delete(convention=convention, by=administrator)
    assert "déclinaison" in raised.value.messages[0]
    assert Convention.objects.filter(pk=convention.pk).exists()


def test_a_renewal_of_the_deleted_convention_no_longer_names_it(administrator, convention):
    successor = ConventionFactory(title="Renouvellement", predecessor=convention)
    convention_delete(convention=convention, by=administrator)
    successor.refresh_from_db()
    assert successor.predecessor is None
    latest = successor.history.order_by("-history_date").first()
    assert latest.history_user == administrator
    assert latest.predecessor_id is None


# The pages ----------------------------------------------------------------------------------


def test_the_confirmation_page_names_the_draft_then_deletes_it(editor_client, editor, draft):
    content = page(editor_client.get(delete_url(draft)))
    assert "Supprimer ce projet de convention ?" in content
    assert "Projet UNML et AMF" in content
    assert "historique" in content
    response = editor_client.post(delete_url(draft), follow=True)
    assert response.redirect_chain[-1][0] == reverse("conventions:convention_list")
    assert "La convention « Projet UNML et AMF »" in page(response)
    assert not Convention.objects.filter(pk=draft.pk).exists()
    assert deletion(draft.pk).history_user == editor


def test_an_editor_is_told_why_a_signed_convention_stays(editor_client, convention):
    content = page(editor_client.get(delete_url(convention)))
    assert "seul un administrateur peut la supprimer" in content
    assert "Supprimer la convention</button>" not in content
    response = editor_client.post(delete_url(convention))
    assert response.status_code == 200
    assert "seul un administrateur peut la supprimer" in page(response)
    assert Convention.objects.filter(pk=convention.pk).exists()


def test_an_administrator_deletes_a_signed_convention_from_its_page(
    client, administrator, convention
):
    client.force_login(administrator)
    assert f'href="{delete_url(convention)}"' in page(client.get(detail_url(convention)))
    assert "Cette convention est signée" in page(client.get(delete_url(convention)))
    assert client.post(delete_url(convention)).status_code == 302
    assert not Convention.objects.filter(pk=convention.pk).exists()


def test_the_delete_button_shows_where_the_user_may_delete(client, draft, convention):
    client.force_login(role_user("etienne.edition", EDITOR))
    assert f'href="{delete_url(draft)}"' in page(client.get(detail_url(draft)))
    assert f'href="{delete_url(convention)}"' not in page(client.get(detail_url(convention)))


def test_reader_cannot_delete(reader_client, draft):
    assert reader_client.post(delete_url(draft)).status_code == 403
    assert Convention.objects.filter(pk=draft.pk).exists()


# "Annuler" on a draft just created by a renewal or a declination ----------------------------


def cancel_link(content: str) -> str:
    """The href of the form's "Annuler" button."""
    end = content.index('">Annuler</a>')
    return content[content.rindex('href="', 0, end) + len('href="') : end].replace("&amp;", "&")


def test_cancelling_a_renewal_just_created_offers_to_delete_it(editor_client, convention):
    response = editor_client.post(reverse("conventions:convention_renew", args=[convention.pk]))
    renewal = convention.successors.get()
    assert response.status_code == 302
    form = page(editor_client.get(response["Location"]))
    link = cancel_link(form)
    assert link.startswith(delete_url(renewal))
    confirmation = page(editor_client.get(link))
    assert "Supprimer le projet de renouvellement que vous venez de créer ?" in confirmation
    # Keeping it goes back to the form.
    assert f'href="{reverse("conventions:convention_update", args=[renewal.pk])}' in confirmation
    response = editor_client.post(link)
    assert response["Location"] == detail_url(convention)
    assert not convention.successors.exists()


def test_cancelling_a_declination_just_created_offers_to_delete_it(editor_client, convention):
    partner = PartnerFactory(name="Mission Locale de Rennes", kind=PartnerKind.MISSION_LOCALE)
    response = editor_client.post(
        reverse("conventions:convention_decline", args=[convention.pk]), {"partner": partner.pk}
    )
    declination = convention.declinations.get()
    link = cancel_link(page(editor_client.get(response["Location"])))
    assert link.startswith(delete_url(declination))
    assert "Supprimer le projet de déclinaison" in page(editor_client.get(link))
    assert editor_client.post(link)["Location"] == detail_url(convention)
    assert not convention.declinations.exists()


def test_cancelling_an_edit_goes_back_to_the_convention(editor_client, draft):
    form = page(editor_client.get(reverse("conventions:convention_update", args=[draft.pk])))
    assert cancel_link(form) == detail_url(draft)
