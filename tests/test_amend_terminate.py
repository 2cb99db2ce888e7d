"""Amending a convention and terminating it early (issue 5)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, EDITOR
from conventions.enums import AttachmentKind, Status, TerminationMethod
from conventions.models import Amendment, Attachment, Convention
from conventions.services import (
    convention_amend,
    convention_terminate,
    termination_effective_on,
)
from tests.factories import ConventionFactory, PartnerFactory, role_user
from tests.test_convention_form import page
from tests.test_models import assert_status
from tests.test_pdf import pdf_text
from tests.test_uploads import pdf_bytes, upload

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
AMEND_BUTTON = "Ajouter un avenant</a>"
TERMINATE_BUTTON = "Résilier</a>"


def amend_url(convention) -> str:
    return reverse("conventions:convention_amend", args=[convention.pk])


def terminate_url(convention) -> str:
    return reverse("conventions:convention_terminate", args=[convention.pk])


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def messages_of(error) -> list[str]:
    return error.value.messages


# Amend ------------------------------------------------------------------------------------------


def test_amendments_are_numbered_in_order(convention, editor):
    numbers = [
        convention_amend(
            convention=convention, signed_on=D(2025, month, 1), summary="Objet", by=editor
        ).number
        for month in (1, 2, 3)
    ]
    assert numbers == [1, 2, 3]
    assert list(convention.amendments.values_list("number", flat=True)) == [1, 2, 3]


def test_end_date_and_status_follow_the_amendment(convention, editor):
    assert convention.end_on == D(2026, 12, 31)
    convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation d'un an",
        new_end_on=D(2027, 12, 31),
        by=editor,
    )
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.end_on == D(2027, 12, 31)
    assert_status(convention, D(2027, 6, 1), Status.IN_FORCE)
    assert_status(convention, D(2028, 1, 1), Status.EXPIRED)
    # A later amendment that does not move the end date keeps it.
    convention_amend(convention=convention, signed_on=D(2025, 6, 1), summary="Axe", by=editor)
    assert Convention.objects.get(pk=convention.pk).end_on == D(2027, 12, 31)


def test_amendment_and_new_end_date_are_recorded_in_the_history_by_the_editor(convention, editor):
    amendment = convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation",
        new_end_on=D(2027, 6, 30),
        by=editor,
    )
    assert amendment.history.get().history_user == editor
    latest = convention.history.first()
    assert latest.history_user == editor
    assert latest.end_on == D(2027, 6, 30)


@pytest.mark.parametrize(
    ("fields", "kwargs", "message"),
    [
        (
            {"signed_on": None},
            {},
            "Une convention en projet ne reçoit pas d'avenant : "
            "modifiez-la directement avant sa signature.",
        ),
        (
            {},
            {"signed_on": D(2023, 12, 31)},
            "Un avenant ne peut pas être signé avant la convention (signée le 01/01/2024).",
        ),
        (
            {"effective_on": D(2024, 3, 1)},
            {"new_end_on": D(2024, 2, 29)},
            "La nouvelle date de fin ne peut pas précéder la date d'effet de la convention "
            "(01/03/2024).",
        ),
    ],
)
def test_amendment_refusals_are_explained(editor, fields, kwargs, message):
    convention = ConventionFactory(**fields)
    arguments = {"signed_on": D(2025, 1, 1), "summary": "Objet"} | kwargs
    with pytest.raises(ValidationError) as error:
        convention_amend(convention=convention, by=editor, **arguments)
    assert messages_of(error) == [message]
    assert not Amendment.objects.exists()


def test_editor_adds_an_amendment_and_sees_its_effect(editor_client, convention):
    content = page(editor_client.get(amend_url(convention)))
    assert "Enregistrer l'avenant</button>" in content
    response = editor_client.post(
        amend_url(convention),
        {"signed_on": "2025-03-01", "summary": "Prolongation", "new_end_on": "2027-06-30"},
        follow=True,
    )
    content = page(response)
    assert "L&#x27;avenant n° 1 a été enregistré." in content
    assert "<strong>Avenant n° 1</strong> du 1er mars 2025 : Prolongation" in content
    assert "date de fin portée au 30 juin 2027" in content


def test_amendment_dated_before_the_signature_is_refused_on_the_page(editor_client, convention):
    content = page(
        editor_client.post(amend_url(convention), {"signed_on": "2023-01-01", "summary": "X"})
    )
    assert "Un avenant ne peut pas être signé avant la convention" in content
    assert not Amendment.objects.exists()


# Terminate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_sent_on", "effective_on"),
    [
        (D(2024, 12, 31), D(2025, 2, 28)),
        (D(2023, 12, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 3, 15), D(2025, 5, 15)),
    ],
)
def test_effective_date_is_the_end_of_the_two_month_notice(notice_sent_on, effective_on):
    convention = ConventionFactory.build(notice_months=2)
    assert (
        termination_effective_on(convention=convention, notice_sent_on=notice_sent_on)
        == effective_on
    )


def test_without_notice_period_the_termination_takes_effect_when_sent():
    convention = ConventionFactory.build(notice_months=None)
    day = D(2025, 3, 15)
    assert termination_effective_on(convention=convention, notice_sent_on=day) == day


def test_termination_status_on_the_boundary_days(convention, editor, amf):
    convention_terminate(
        convention=convention,
        by_party=amf,
        notice_sent_on=D(2024, 12, 31),
        method=TerminationMethod.REGISTERED_LETTER,
        by=editor,
    )
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.terminated_on == D(2025, 2, 28)
    assert convention.terminated_by == amf
    assert convention.termination_notice_sent_on == D(2024, 12, 31)
    assert convention.termination_method == TerminationMethod.REGISTERED_LETTER
    assert_status(convention, D(2025, 2, 27), Status.IN_FORCE)
    assert_status(convention, D(2025, 2, 28), Status.TERMINATED)
    assert convention.history.first().history_user == editor


@pytest.mark.parametrize(
    ("fields", "terminated_before", "message"),
    [
        (
            {"signed_on": None},
            False,
            "Une convention en projet ne peut pas être résiliée : elle doit d'abord être signée.",
        ),
        ({}, True, "Cette convention est déjà résiliée (à effet du 28/02/2025)."),
    ],
)
def test_termination_of_a_draft_or_twice_is_refused(editor, fields, terminated_before, message):
    amf = PartnerFactory()
    convention = ConventionFactory(parties=[PartnerFactory(), amf], **fields)
    if terminated_before:
        convention_terminate(
            convention=convention,
            by_party=amf,
            notice_sent_on=D(2024, 12, 31),
            method=TerminationMethod.AGREEMENT,
            by=editor,
        )
    with pytest.raises(ValidationError) as error:
        convention_terminate(
            convention=convention,
            by_party=amf,
            notice_sent_on=D(2025, 6, 1),
            method=TerminationMethod.AGREEMENT,
            by=editor,
        )
    assert messages_of(error) == [message]


def test_only_a_party_terminates_and_after_the_signature(convention, editor):
    outsider = PartnerFactory(name="Outsider")
    with pytest.raises(ValidationError) as error:
        convention_terminate(
            convention=convention,
            by_party=outsider,
            notice_sent_on=D(2023, 6, 1),
            method=TerminationMethod.OTHER,
            by=editor,
        )
    assert error.value.message_dict == {
        "by_party": [
            "« Outsider » n'est pas partie à cette convention : "
            "seule une de ses parties peut la résilier."
        ],
        "notice_sent_on": [
            "Le préavis ne peut pas avoir été envoyé avant la signature de la convention "
            "(01/01/2024)."
        ],
    }
    assert Convention.objects.get(pk=convention.pk).terminated_on is None


def test_editor_terminates_after_confirming_the_effective_date(editor_client, convention, amf):
    content = page(editor_client.get(terminate_url(convention)))
    assert "Association des maires de France (AMF)</option>" in content
    data = {
        "by_party": amf.pk,
        "notice_sent_on": "2024-12-31",
        "method": TerminationMethod.REGISTERED_LETTER,
    }
    content = page(editor_client.post(terminate_url(convention), data))
    assert "prendra effet le <strong>28 février 2025</strong>" in content
    assert "Confirmer la résiliation</button>" in content
    assert Convention.objects.get(pk=convention.pk).terminated_on is None

    response = editor_client.post(terminate_url(convention), data | {"confirm": "1"}, follow=True)
    content = page(response)
    assert Convention.objects.get(pk=convention.pk).terminated_on == D(2025, 2, 28)
    assert (
        "Résiliée par Association des maires de France, préavis envoyé le 31 décembre 2024 "
        "(lettre recommandée avec accusé de réception), effet le 28 février 2025"
    ) in content


def test_a_notice_before_the_signature_is_refused_on_the_page(editor_client, convention, amf):
    data = {"by_party": amf.pk, "notice_sent_on": "2023-06-01", "method": "agreement"}
    content = page(editor_client.post(terminate_url(convention), data | {"confirm": "1"}))
    assert "Le préavis ne peut pas avoir été envoyé avant la signature" in content
    assert Convention.objects.get(pk=convention.pk).terminated_on is None


def test_a_partner_outside_the_convention_cannot_be_posted(editor_client, convention):
    data = {"by_party": PartnerFactory().pk, "notice_sent_on": "2025-01-01", "method": "other"}
    editor_client.post(terminate_url(convention), data | {"confirm": "1"})
    assert Convention.objects.get(pk=convention.pk).terminated_on is None


# Permissions and buttons -------------------------------------------------------------------


@pytest.mark.parametrize("url", [amend_url, terminate_url])
def test_reader_cannot_amend_nor_terminate(reader_client, convention, amf, url):
    assert reader_client.get(url(convention)).status_code == 403
    data = {"signed_on": "2025-01-01", "summary": "X", "by_party": amf.pk}
    data |= {"notice_sent_on": "2025-01-01", "method": "other", "confirm": "1"}
    assert reader_client.post(url(convention), data).status_code == 403
    assert not Amendment.objects.exists()
    assert Convention.objects.get(pk=convention.pk).terminated_on is None


def buttons(client, convention) -> set[str]:
    content = page(client.get(detail_url(convention)))
    return {b for b in (AMEND_BUTTON, TERMINATE_BUTTON) if b in content}


def test_reader_sees_neither_button(reader_client, convention):
    assert buttons(reader_client, convention) == set()


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_see_both_buttons_where_they_apply(client, role, amf, editor):
    client.force_login(role_user("personne", role))
    signed = ConventionFactory(parties=[PartnerFactory(), amf])
    draft = ConventionFactory(signed_on=None)
    terminated = ConventionFactory(parties=[PartnerFactory(), amf])
    convention_terminate(
        convention=terminated,
        by_party=amf,
        notice_sent_on=D(2024, 6, 1),
        method=TerminationMethod.AGREEMENT,
        by=editor,
    )
    assert buttons(client, signed) == {AMEND_BUTTON, TERMINATE_BUTTON}
    assert f'href="{amend_url(signed)}"' in page(client.get(detail_url(signed)))
    assert buttons(client, draft) == set()
    assert buttons(client, terminated) == set()


# Nothing to amend nor terminate once the convention has ended -----------------------------------

EXPIRED_AMEND_MESSAGE = (
    "Cette convention est arrivée à échéance le 31/12/2016 : elle ne reçoit plus d'avenant."
)
TERMINATED_AMEND_MESSAGE = (
    "Cette convention est résiliée à effet du 01/03/2025 : elle ne reçoit plus d'avenant."
)
EXPIRED_TERMINATE_MESSAGE = (
    "Cette convention est arrivée à échéance le 31/12/2016 : il n'y a plus rien à résilier."
)


@pytest.fixture
def expired(unml, amf):
    return ConventionFactory(signed_on=D(2015, 1, 1), duration_months=24, parties=[unml, amf])


@pytest.fixture
def terminated(unml, amf):
    return ConventionFactory(
        signed_on=D(2024, 1, 1), terminated_on=D(2025, 3, 1), parties=[unml, amf]
    )


def test_an_expired_or_terminated_convention_takes_no_amendment(expired, terminated, editor):
    for convention, message in (
        (expired, EXPIRED_AMEND_MESSAGE),
        (terminated, TERMINATED_AMEND_MESSAGE),
    ):
        with pytest.raises(ValidationError) as error:
            convention_amend(
                convention=convention, signed_on=D(2025, 6, 1), summary="Objet", by=editor
            )
        assert messages_of(error) == [message]
    assert not Amendment.objects.exists()


def test_an_expired_convention_is_not_terminated(expired, amf, editor):
    with pytest.raises(ValidationError) as error:
        convention_terminate(
            convention=expired,
            by_party=amf,
            notice_sent_on=D(2025, 6, 1),
            method=TerminationMethod.AGREEMENT,
            by=editor,
        )
    assert messages_of(error) == [EXPIRED_TERMINATE_MESSAGE]
    assert Convention.objects.get(pk=expired.pk).terminated_on is None


def test_an_expired_convention_offers_neither_button(editor_client, expired):
    assert buttons(editor_client, expired) == set()


def test_posting_to_an_ended_convention_explains_the_refusal(
    editor_client, expired, terminated, amf
):
    data = {"signed_on": "2025-06-01", "summary": "Objet"}
    response = editor_client.post(amend_url(terminated), data)
    assert response.status_code == 200
    assert TERMINATED_AMEND_MESSAGE.replace("'", "&#x27;") in page(response)
    data = {"by_party": amf.pk, "notice_sent_on": "2025-06-01", "method": "agreement"}
    response = editor_client.post(terminate_url(expired), data | {"confirm": "1"})
    assert response.status_code == 200
    assert EXPIRED_TERMINATE_MESSAGE.replace("'", "&#x27;") in page(response)
    assert not Amendment.objects.exists()
    assert Convention.objects.get(pk=expired.pk).terminated_on is None


# The duration as signed, and what moved the end since -----------------------------------------


@pytest.mark.parametrize(
    ("new_end_on", "label"),
    [
        (
            D(2027, 12, 31),
            "3 ans, prolongée par l&#x27;avenant n° 1 jusqu&#x27;au 31 décembre 2027",
        ),
        (D(2025, 6, 30), "3 ans, réduite par l&#x27;avenant n° 1 jusqu&#x27;au 30 juin 2025"),
    ],
)
def test_page_and_pdf_show_the_signed_duration_and_the_amended_end(
    editor_client, convention, editor, new_end_on, label
):
    convention_amend(convention=convention, signed_on=D(2025, 1, 2), summary="Objet", by=editor)
    convention_amend(
        convention=convention,
        signed_on=D(2025, 2, 3),
        summary="Durée",
        new_end_on=new_end_on,
        by=editor,
    )
    label = label.replace("n° 1", "n° 2")
    assert f"<dd>{label}</dd>" in page(editor_client.get(detail_url(convention)))
    pdf = editor_client.get(reverse("conventions:convention_pdf", args=[convention.pk]))
    assert label.replace("&#x27;", "'") in pdf_text(pdf)


def test_the_duration_says_when_a_termination_ended_it(editor_client, convention, editor, amf):
    convention_terminate(
        convention=convention,
        by_party=amf,
        notice_sent_on=D(2024, 12, 31),
        method=TerminationMethod.REGISTERED_LETTER,
        by=editor,
    )
    content = page(editor_client.get(detail_url(convention)))
    assert "<dd>3 ans, résiliée à effet du 28 février 2025</dd>" in content


def test_an_unamended_duration_reads_as_signed(editor_client, convention):
    assert "<dd>3 ans</dd>" in page(editor_client.get(detail_url(convention)))


# How notice was given: the registered letter, its receipt, the proof ----------------------------


def test_notice_counted_from_receipt_takes_effect_from_the_receipt_date(editor, amf, unml):
    convention = ConventionFactory(notice_from_receipt=True, parties=[unml, amf])
    convention_terminate(
        convention=convention,
        by_party=amf,
        notice_sent_on=D(2025, 3, 10),
        receipt_on=D(2025, 3, 14),
        letter_number="1A 234 567 8901 2",
        method=TerminationMethod.REGISTERED_LETTER,
        by=editor,
    )
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.terminated_on == D(2025, 5, 14)
    assert convention.termination_receipt_on == D(2025, 3, 14)
    assert convention.termination_letter_number == "1A 234 567 8901 2"


def test_notice_counted_from_sending_ignores_the_receipt_date(convention, editor, amf):
    convention_terminate(
        convention=convention,
        by_party=amf,
        notice_sent_on=D(2025, 3, 10),
        receipt_on=D(2025, 3, 14),
        method=TerminationMethod.REGISTERED_LETTER,
        by=editor,
    )
    assert Convention.objects.get(pk=convention.pk).terminated_on == D(2025, 5, 10)


def test_a_receipt_before_the_notice_is_refused(convention, editor, amf):
    with pytest.raises(ValidationError) as error:
        convention_terminate(
            convention=convention,
            by_party=amf,
            notice_sent_on=D(2025, 3, 10),
            receipt_on=D(2025, 3, 9),
            method=TerminationMethod.REGISTERED_LETTER,
            by=editor,
        )
    assert error.value.message_dict == {
        "receipt_on": [
            "L'accusé de réception ne peut pas précéder l'envoi du préavis (10/03/2025)."
        ]
    }
    assert Convention.objects.get(pk=convention.pk).terminated_on is None


def test_editor_records_the_letter_its_receipt_and_the_proof(editor_client, editor, amf, unml):
    convention = ConventionFactory(notice_from_receipt=True, parties=[unml, amf])
    data = {
        "by_party": amf.pk,
        "notice_sent_on": "2025-03-10",
        "method": TerminationMethod.REGISTERED_LETTER,
        "letter_number": "1A 234",
        "receipt_on": "2025-03-14",
    }
    content = page(editor_client.post(terminate_url(convention), data))
    assert "prendra effet le <strong>14 mai 2025</strong>" in content
    assert 'type="file" name="proof"' in content

    proof = upload("accuse-reception.pdf", pdf_bytes())
    response = editor_client.post(
        terminate_url(convention), data | {"confirm": "1", "proof": proof}, follow=True
    )
    content = page(response)
    attachment = Attachment.objects.get(convention=convention)
    assert attachment.kind == AttachmentKind.TERMINATION_PROOF
    assert attachment.history.first().history_user == editor
    assert "Lettre recommandée n° 1A 234" in content
    assert "Accusé de réception du 14 mars 2025" in content
    assert "À réception de la lettre" in content
    text = pdf_text(editor_client.get(reverse("conventions:convention_pdf", args=[convention.pk])))
    assert "lettre recommandée n° 1A 234, accusé de réception du 14 mars 2025" in text


def test_a_proof_in_a_refused_format_is_explained_and_nothing_is_terminated(
    editor_client, convention, amf
):
    data = {
        "by_party": amf.pk,
        "notice_sent_on": "2025-03-10",
        "method": TerminationMethod.REGISTERED_LETTER,
        "confirm": "1",
        "proof": upload("script.exe", b"MZ not a document"),
    }
    response = editor_client.post(terminate_url(convention), data)
    assert response.status_code == 200
    assert "Format refusé" in page(response)
    assert Convention.objects.get(pk=convention.pk).terminated_on is None
    assert not Attachment.objects.exists()
