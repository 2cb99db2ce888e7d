"""An amendment that rewrites parts of a convention's text (issue: amend, text changes)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import READER
from conventions.enums import AmendedField
from conventions.models import Amendment, AmendmentChange, Convention
from conventions.services import convention_amend
from tests.factories import ConventionFactory, PartnerFactory, role_user
from tests.test_convention_form import page
from tests.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
OBJECTIVES = "Rapprocher les Missions Locales des maires.\nInformer les élus."
NEW_OBJECTIVES = "Rapprocher les Missions Locales des communes.\nFormer les élus."


@pytest.fixture
def convention(db):
    """Signed 1 January 2024 for three years, 150 000 €, two months' notice."""
    return ConventionFactory(
        title="Convention UNML et AMF",
        parties=[PartnerFactory(name="UNML"), PartnerFactory(name="AMF")],
        objectives=OBJECTIVES,
        follow_up="Un comité de suivi par an.",
        amount=Decimal("150000"),
        review_every_months=12,
    )


def amend(convention, editor, **kwargs):
    arguments = {"signed_on": D(2025, 1, 1), "summary": "Avenant"} | kwargs
    return convention_amend(convention=convention, by=editor, **arguments)


def recorded(amendment) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old_value, c.new_value) for c in amendment.changes.all()}


# The service ----------------------------------------------------------------------------------


def test_rewritten_parts_are_recorded_and_applied(convention, editor):
    amendment = amend(
        convention,
        editor,
        changes={
            AmendedField.OBJECTIVES: NEW_OBJECTIVES,
            AmendedField.AMOUNT: "200000",
            AmendedField.NOTICE_MONTHS: 3,
            AmendedField.REVIEW_EVERY_MONTHS: None,
        },
    )
    assert recorded(amendment) == {
        "objectives": (OBJECTIVES, NEW_OBJECTIVES),
        "amount": ("150000.00", "200000.00"),
        "notice_months": ("2", "3"),
        "review_every_months": ("12", ""),
    }
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.objectives == NEW_OBJECTIVES
    assert convention.amount == Decimal("200000")
    assert convention.notice_months == 3
    assert convention.review_every_months is None


def test_a_part_given_as_it_stands_is_not_a_change(convention, editor):
    amendment = amend(
        convention,
        editor,
        changes={
            # As a browser sends it: CRLF line breaks, a trailing blank line.
            AmendedField.OBJECTIVES: OBJECTIVES.replace("\n", "\r\n") + "\r\n",
            AmendedField.AMOUNT: "150000.0",
            AmendedField.NOTICE_MONTHS: "2",
            AmendedField.PREAMBLE: "",
        },
    )
    assert not amendment.changes.exists()


def test_new_wording_is_recorded_in_the_history_after_the_amendment_was_recorded(
    convention, editor
):
    amendment = amend(
        convention,
        editor,
        new_end_on=D(2027, 12, 31),
        changes={AmendedField.FOLLOW_UP: "Deux comités de suivi par an."},
    )
    latest = convention.history.first()
    assert latest.history_user == editor
    assert latest.follow_up == "Deux comités de suivi par an."
    assert latest.end_on == D(2027, 12, 31)
    assert latest.history_date > amendment.recorded_at
    # As of the amendment's recording, the convention still read as before.
    assert convention.history.as_of(amendment.recorded_at).follow_up == "Un comité de suivi par an."
    change = AmendmentChange.objects.get()
    assert change.history.get().history_user == editor


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "beaucoup", "La valeur «\xa0beaucoup\xa0» doit être un nombre décimal."),
        ("amount", "-5", "Le montant ne peut pas être négatif."),
        (
            "amount",
            "12345678901.5",
            "Assurez-vous qu\u2019il n\u2019y a pas plus de 10 chiffres avant la virgule.",
        ),
        ("notice_months", "deux", "La valeur «\xa0deux\xa0» doit être un nombre entier."),
        ("notice_months", "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("review_every_months", "6.5", "La valeur «\xa06.5\xa0» doit être un nombre entier."),
    ],
)
def test_numbers_are_checked_with_a_french_message_on_their_field(
    convention, editor, field, value, message
):
    with pytest.raises(ValidationError) as error:
        amend(convention, editor, changes={field: value})
    assert error.value.message_dict == {field: [message]}


def test_refusals_are_given_together_and_nothing_is_saved(convention, editor):
    with pytest.raises(ValidationError) as error:
        amend(
            convention,
            editor,
            signed_on=D(2023, 1, 1),
            changes={AmendedField.OBJECTIVES: NEW_OBJECTIVES, AmendedField.AMOUNT: "-1"},
        )
    assert set(error.value.message_dict) == {"signed_on", "amount"}
    assert not Amendment.objects.exists()
    assert not AmendmentChange.objects.exists()
    convention.refresh_from_db()
    assert convention.objectives == OBJECTIVES
    assert convention.history.count() == 1


# The page ------------------------------------------------------------------------------------


def amend_url(convention) -> str:
    return reverse("conventions:convention_amend", args=[convention.pk])


def form_data(convention, **changes) -> dict:
    """The amend form as a browser posts it: every part with the wording it was loaded with."""
    loaded = {
        name: "" if getattr(convention, name) is None else str(getattr(convention, name))
        for name in AmendedField.values
    }
    return {
        "signed_on": "2025-03-01",
        "summary": "Nouveaux objectifs",
        "new_end_on": "",
        **loaded,
        **{f"initial-{name}": value for name, value in loaded.items()},
        **changes,
    }


def test_amend_form_offers_the_current_wording_folded_away(editor_client, convention):
    content = page(editor_client.get(amend_url(convention)))
    assert '<details class="amend-text mb-3">' in content
    assert '<summary class="mb-2">Modifier aussi le texte de la convention</summary>' in content
    assert "Rapprocher les Missions Locales des maires.\nInformer les élus.</textarea>" in content
    assert 'name="amount" value="150000.00"' in content


def test_editor_rewrites_the_objectives_and_sees_it_on_the_page(editor_client, convention):
    response = editor_client.post(
        amend_url(convention), form_data(convention, objectives=NEW_OBJECTIVES), follow=True
    )
    content = page(response)
    assert "L&#x27;avenant n° 1 a été enregistré." in content
    assert "<strong>Objectifs</strong> : nouvelle rédaction" in content
    assert "<p>Rapprocher les Missions Locales des communes.<br>Former les élus.</p>" in content
    assert "<summary>Ancienne rédaction" in content
    assert "<p>Rapprocher les Missions Locales des maires.<br>Informer les élus.</p>" in content
    amendment = Amendment.objects.get()
    assert recorded(amendment) == {"objectives": (OBJECTIVES, NEW_OBJECTIVES)}


def test_a_part_someone_else_changed_meanwhile_is_not_put_back(editor_client, convention):
    data = form_data(convention, amount="175000")
    Convention.objects.filter(pk=convention.pk).update(objectives="Rédaction d'un collègue")

    editor_client.post(amend_url(convention), data)

    assert recorded(Amendment.objects.get()) == {"amount": ("150000.00", "175000.00")}
    assert Convention.objects.get(pk=convention.pk).objectives == "Rédaction d'un collègue"


def test_a_number_refused_is_explained_next_to_its_field(editor_client, convention):
    content = page(editor_client.post(amend_url(convention), form_data(convention, amount="-10")))
    assert '<details class="amend-text mb-3" open>' in content
    assert (
        '<div id="id_amount_error" class="invalid-feedback d-block">'
        "Assurez-vous que cette valeur est supérieure ou égale à 0.</div>"
    ) in content
    assert not Amendment.objects.exists()


def test_amendment_changes_show_in_the_pdf(client, convention, editor):
    amend(
        convention,
        editor,
        changes={AmendedField.OBJECTIVES: NEW_OBJECTIVES, AmendedField.AMOUNT: "200000"},
    )
    client.force_login(role_user("lea.lecture", READER))
    text = pdf_text(client.get(reverse("conventions:convention_pdf", args=[convention.pk])))
    assert (
        "Objectifs : nouvelle rédaction Rapprocher les Missions Locales des communes. "
        "Former les élus. Ancienne rédaction : Rapprocher les Missions Locales des maires. "
        "Informer les élus."
    ) in text
    assert "Montant : 200 000 € (auparavant : 150 000 €)" in text
