"""Implausible dates are shown before saving, and saved once the user confirms them."""

import datetime

import pytest
from django.urls import reverse

from conventions.forms import CONFIRM_WARNINGS
from conventions.models import Convention, Signatory
from conventions.plausibility import plausibility_warnings
from tests.factories import ConventionFactory, PartnerFactory
from tests.test_convention_form import CREATE_URL, add_row, new_convention_data, page

D = datetime.date
TODAY = D(2026, 3, 10)


def warnings_of(convention, signatories=()):
    return [
        (w.field, w.message) for w in plausibility_warnings(convention, signatories, today=TODAY)
    ]


# The rules ------------------------------------------------------------------------------------


def test_a_plausible_convention_has_no_warning():
    convention = Convention(
        signed_on=D(2024, 5, 29), effective_on=D(2024, 9, 1), duration_months=36, notice_months=2
    )
    signatory = Signatory(name="Jeanne Martin", signed_on=D(2024, 5, 29))
    assert warnings_of(convention, [signatory]) == []


def test_a_signature_date_in_the_future_is_implausible():
    assert warnings_of(Convention(signed_on=D(2026, 3, 11), effective_on=D(2026, 3, 11))) == [
        ("signed_on", "La date de signature (11 mars 2026) est postérieure à aujourd'hui.")
    ]
    assert warnings_of(Convention(signed_on=TODAY, effective_on=TODAY)) == []


@pytest.mark.parametrize(
    ("fields", "warned"),
    [
        ({"duration_months": 6, "notice_months": 7}, True),
        ({"duration_months": 6, "notice_months": 6}, False),
        # A period of three months, from 1 January to 31 March.
        ({"period_end": D(2024, 3, 31), "notice_months": 4}, True),
        ({"period_end": D(2024, 3, 31), "notice_months": 3}, False),
        ({"notice_months": 24}, False),  # no term known
    ],
)
def test_a_notice_longer_than_the_term_is_implausible(fields, warned):
    convention = Convention(signed_on=D(2024, 1, 1), effective_on=D(2024, 1, 1), **fields)
    expected = [
        (
            "notice_months",
            f"Le préavis de résiliation ({fields['notice_months']} mois) est plus long que la "
            "durée de la convention.",
        )
    ]
    assert warnings_of(convention) == (expected if warned else [])


def test_a_signatory_who_signed_before_the_convention_is_implausible():
    convention = Convention(signed_on=D(2024, 5, 29), effective_on=D(2024, 5, 29))
    before = Signatory(name="Jeanne Martin", signed_on=D(2024, 5, 28))
    same_day, undated = Signatory(name="Paul", signed_on=D(2024, 5, 29)), Signatory(name="Léa")
    warnings = plausibility_warnings(convention, [before, same_day, undated], today=TODAY)
    assert [(w.field, w.message, w.row) for w in warnings] == [
        (
            "signed_on",
            "Jeanne Martin a signé le 28 mai 2024, avant la date de signature de la convention "
            "(29 mai 2024).",
            before,
        )
    ]


@pytest.mark.parametrize(
    ("effective_on", "warned"),
    [
        (D(2025, 5, 29), False),
        (D(2025, 5, 30), True),
        (D(2023, 5, 29), False),
        (D(2023, 5, 28), True),
    ],
)
def test_an_effective_date_more_than_a_year_from_the_signature_is_implausible(effective_on, warned):
    convention = Convention(signed_on=D(2024, 5, 29), effective_on=effective_on)
    fields = [field for field, _ in warnings_of(convention)]
    assert fields == (["effective_on"] if warned else [])


# The staff form -------------------------------------------------------------------------------


@pytest.fixture
def parties(db):
    return [PartnerFactory(), PartnerFactory()]


def implausible_data(parties) -> dict:
    """A convention signed in the future, with a notice longer than its term."""
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    return new_convention_data(
        *parties, signed_on=tomorrow.isoformat(), duration_months="3", notice_months="6"
    )


def test_warnings_are_shown_and_nothing_is_saved_until_confirmed(editor_client, parties):
    data = implausible_data(parties)
    response = editor_client.post(CREATE_URL, data)

    assert response.status_code == 200
    content = page(response)
    assert not Convention.objects.exists()
    assert "2 valeurs sont inhabituelles : rien n'a encore été enregistré" in content
    assert "Enregistrer quand même" in content
    # In the summary, linked to the field, and next to it.
    assert 'href="#id_notice_months"' in content
    assert 'id="id_notice_months_warning"' in content
    assert 'aria-describedby="id_notice_months_warning"' in content
    assert "Le préavis de résiliation (6 mois) est plus long" in content

    digest = response.context["warnings_digest"]
    response = editor_client.post(CREATE_URL, data | {CONFIRM_WARNINGS: digest})

    assert response.status_code == 302
    assert Convention.objects.get().notice_months == 6


def test_a_confirmation_of_other_warnings_does_not_save(editor_client, parties):
    data = implausible_data(parties)
    digest = editor_client.post(CREATE_URL, data).context["warnings_digest"]
    # Changed since: the effective date is now also far from the signature.
    data["effective_on"] = "2040-01-01"
    response = editor_client.post(CREATE_URL, data | {CONFIRM_WARNINGS: digest})

    assert response.status_code == 200
    assert "3 valeurs sont inhabituelles" in page(response)
    assert not Convention.objects.exists()


def test_a_plausible_convention_is_saved_at_once(editor_client, parties):
    response = editor_client.post(CREATE_URL, new_convention_data(*parties))
    assert response.status_code == 302
    assert Convention.objects.count() == 1


def test_a_signatory_warning_is_shown_on_its_row(editor_client, parties):
    data = new_convention_data(*parties, signed_on="2024-05-29")
    add_row(
        data,
        "signatories",
        name="Jeanne Martin",
        title="Présidente",
        partner=str(parties[0].pk),
        signed_on="2024-05-20",
    )
    response = editor_client.post(CREATE_URL, data)

    content = page(response)
    assert "Signataire 1 — Date de signature : Jeanne Martin a signé le 20 mai 2024" in content
    assert 'id="id_signatories-0-signed_on_warning"' in content
    assert not Convention.objects.exists()


def test_editing_into_an_implausible_date_asks_first(editor_client):
    convention = ConventionFactory(signed_on=D(2024, 1, 1), duration_months=36)
    url = reverse("conventions:convention_update", args=[convention.pk])
    from tests.test_convention_form import form_data

    data = form_data(editor_client.get(url))
    data["effective_on"] = "2026-01-01"
    response = editor_client.post(url, data)

    assert response.status_code == 200
    convention.refresh_from_db()
    assert convention.effective_on == D(2024, 1, 1)
    response = editor_client.post(
        url, data | {CONFIRM_WARNINGS: response.context["warnings_digest"]}
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.effective_on == D(2026, 1, 1)
