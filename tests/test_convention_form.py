import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import READER
from conventions.enums import CommitmentStatus, ConventionKind, PartyRole
from conventions.forms import (
    AXIS_TITLE_FOR_ACTIONS_MESSAGE,
    BEARER_NOT_A_PARTY_MESSAGE,
    SIGNATORY_NOT_A_PARTY_MESSAGE,
)
from conventions.models import Axis, Commitment, Convention, Party, Signatory, Target
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    SignatoryFactory,
    TargetFactory,
    role_user,
)

pytestmark = pytest.mark.django_db

INVALID = "INVALID_TEMPLATE_VARIABLE"
CREATE_URL = reverse("conventions:convention_create")


@pytest.fixture
def reader(db):
    return role_user("lecteur", READER)


def update_url(convention: Convention) -> str:
    return reverse("conventions:convention_update", args=[convention.pk])


def page(response) -> str:
    content = response.content.decode()
    assert INVALID not in content
    return content


# What a browser posts ---------------------------------------------------------------------------


def _form_values(form) -> dict:
    data = {}
    for field in form:
        value, widget = field.value(), field.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is None:
            data[field.html_name] = ""
        elif isinstance(widget, forms.DateInput):
            data[field.html_name] = widget.format_value(value)
        else:
            data[field.html_name] = str(value)
    return data


def _formset_values(formset) -> dict:
    data = _form_values(formset.management_form)
    for form in formset.forms:
        data |= _form_values(form)
        if hasattr(form, "commitments"):
            data |= _formset_values(form.commitments)
    return data


def form_data(response) -> dict:
    """What the page's form posts as rendered (the empty template rows are not submitted)."""
    forms_ = response.context["forms"]
    data = _form_values(forms_.form)
    for formset in forms_.formsets.values():
        data |= _formset_values(formset)
    return data


def add_row(data: dict, prefix: str, **fields) -> str:
    """Add a row to the `prefix` formset as formsets.js does; return the row's prefix."""
    index = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    row = f"{prefix}-{index}"
    for name, value in fields.items():
        data[f"{row}-{name}"] = value
    return row


def add_action(data: dict, axis: str, **fields) -> str:
    """Add an action under the axis row `axis`, its status preselected as on the page."""
    return add_row(data, f"{axis}-commitments", **({"status": "planned"} | fields))


def new_convention_data(*partners, **fields) -> dict:
    """A new signed convention between `partners`, with no other row."""
    data = {
        "title": "Convention pour l'emploi des jeunes",
        "kind": ConventionKind.PARTNERSHIP,
        "scope": "national",
        "signed_on": "2024-05-29",
        "duration_months": "36",
        "notice_months": "2",
    }
    for prefix in ("parties", "signatories", "axes", "targets"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    for partner in partners:
        add_row(data, "parties", partner=str(partner.pk), role=PartyRole.PARTNER)
    data |= fields
    return data


def counts() -> dict:
    models = (Convention, Party, Signatory, Axis, Commitment, Target)
    return {model.__name__: model.objects.count() for model in models}


# Access ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    convention = ConventionFactory()
    for url in (CREATE_URL, update_url(convention)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")


def test_reader_cannot_create_or_edit(client, reader):
    convention = ConventionFactory()
    client.force_login(reader)
    before = counts()
    for url in (CREATE_URL, update_url(convention)):
        assert client.get(url).status_code == 403
        assert client.post(url, new_convention_data()).status_code == 403
    assert counts() == before


@pytest.mark.embedded
def test_editor_opens_the_create_and_edit_pages(editor_client):
    convention = ConventionFactory(title="Convention avec l'AMF")
    AxisFactory(convention=convention, title="Insertion professionnelle")
    content = page(editor_client.get(CREATE_URL))
    assert "Nouvelle convention" in content
    for section in ("Identification", "Parties", "Dates et durée", "Signataires", "Contenu"):
        assert f">{section}</h2>" in content
    assert 'type="date"' in content
    assert 'name="parties-TOTAL_FORMS" value="2"' in content  # two party rows to begin with
    assert 'data-formset-prefix="axes-__prefix__-commitments"' in content
    content = page(editor_client.get(update_url(convention)))
    assert 'value="Convention avec l&#x27;AMF"' in content
    assert 'data-formset-prefix="axes-0-commitments"' in content
    assert "Insertion professionnelle" in content


# Creating and editing --------------------------------------------------------------------------


def test_editor_creates_a_convention_with_all_its_rows(editor_client, editor):
    unml, amf, u2p = PartnerFactory(name="UNML"), PartnerFactory(name="AMF"), PartnerFactory()
    data = new_convention_data(unml, amf, u2p, summary="Accompagner les jeunes des communes.")
    add_row(data, "signatories", name="Stéphane Valli", title="Président", partner=str(unml.pk))
    add_row(
        data,
        "signatories",
        name="David Lisnard",
        title="Président de l'AMF",
        partner=str(amf.pk),
        on_behalf_of="le Président de l'AMF",
        signed_on="2024-05-29",
    )
    axis = add_row(data, "axes", title="Informer les élus")
    add_action(data, axis, text="Diffuser un guide", bearer=str(amf.pk))
    add_action(data, axis, text="Organiser un webinaire", bearer="")
    second = add_row(data, "axes", title="Mobiliser les employeurs", number="")
    add_action(data, second, text="Relayer les offres", status="in_progress")
    add_row(data, "targets", label="jeunes accompagnés", value="150000", year="2025")

    response = editor_client.post(CREATE_URL, data, follow=True)

    convention = Convention.objects.get()
    assert response.redirect_chain == [(f"/conventions/{convention.pk}/", 302)]
    assert "La convention « Convention pour l&#x27;emploi des jeunes » a été créée." in page(
        response
    )
    assert convention.end_on == datetime.date(2027, 5, 28)
    assert [p.partner for p in convention.parties.order_by("position")] == [unml, amf, u2p]
    delegated = convention.signatories.get(name="David Lisnard")
    assert delegated.on_behalf_of == "le Président de l'AMF"
    assert delegated.position == 2
    axes = list(convention.axes.order_by("number"))
    assert [(a.number, a.title) for a in axes] == [
        (1, "Informer les élus"),
        (2, "Mobiliser les employeurs"),
    ]
    first_actions = list(axes[0].commitments.order_by("position"))
    assert [(c.text, c.bearer, c.position) for c in first_actions] == [
        ("Diffuser un guide", amf, 1),
        ("Organiser un webinaire", None, 2),
    ]
    assert all(c.convention_id == convention.pk for c in Commitment.objects.all())
    assert axes[1].commitments.get().status == CommitmentStatus.IN_PROGRESS
    assert convention.targets.get().value == Decimal("150000")
    assert convention.history.get(history_type="+").history_user == editor


def test_editor_edits_a_convention_and_its_rows(editor_client, editor):
    unml, amf = PartnerFactory(name="UNML"), PartnerFactory(name="AMF")
    convention = ConventionFactory(title="Ancien intitulé", parties=[unml, amf])
    axis = AxisFactory(convention=convention, number=1, title="Axe existant")
    kept = CommitmentFactory(axis=axis, text="Action gardée")
    dropped = CommitmentFactory(axis=axis, text="Action retirée")
    target = TargetFactory(convention=convention)
    data = form_data(editor_client.get(update_url(convention)))
    data["title"] = "Nouvel intitulé"
    rows = {data[f"axes-0-commitments-{i}-id"]: i for i in range(2)}
    data[f"axes-0-commitments-{rows[str(dropped.pk)]}-DELETE"] = "on"
    data["targets-0-DELETE"] = "on"
    add_row(data, "signatories", name="Jeanne Martin", title="Présidente", partner=str(amf.pk))
    new_axis = add_row(data, "axes", title="Nouvel axe")
    add_action(data, new_axis, text="Première action", bearer=str(unml.pk))
    add_action(data, new_axis, text="Seconde action")

    response = editor_client.post(update_url(convention), data)

    assert response.status_code == 302
    assert response["Location"] == f"/conventions/{convention.pk}/"
    convention.refresh_from_db()
    assert convention.title == "Nouvel intitulé"
    assert list(axis.commitments.all()) == [kept]
    assert not Target.objects.filter(pk=target.pk).exists()
    assert convention.signatories.get().name == "Jeanne Martin"
    added = convention.axes.get(title="Nouvel axe")
    assert added.number == 2
    assert [c.text for c in added.commitments.order_by("position")] == [
        "Première action",
        "Seconde action",
    ]
    assert {c.convention_id for c in added.commitments.all()} == {convention.pk}
    last = convention.history.first()
    assert last.history_user == editor


def test_removing_a_party_and_adding_it_again_is_accepted(editor_client):
    unml, amf = PartnerFactory(), PartnerFactory()
    convention = ConventionFactory(parties=[unml, amf])
    data = form_data(editor_client.get(update_url(convention)))
    data["parties-1-DELETE"] = "on"
    add_row(data, "parties", partner=str(amf.pk), role=PartyRole.FUNDER)
    assert editor_client.post(update_url(convention), data).status_code == 302
    assert convention.parties.get(partner=amf).role == PartyRole.FUNDER


# Validation ------------------------------------------------------------------------------------


def assert_error_next_to(content: str, field_id: str, message: str):
    """The field is marked invalid, described by its message, and listed in the summary."""
    error_id = f"{field_id}_error"
    assert f'id="{error_id}" class="invalid-feedback d-block">{escape(message)}' in content
    start = content.index(f'id="{field_id}"')
    tag = content[content.rindex("<", 0, start) : content.index(">", start)]
    assert "is-invalid" in tag
    assert error_id in tag  # aria-describedby
    assert f'href="#{field_id}">' in content


def post_invalid(client, url, data) -> str:
    before = counts()
    response = client.post(url, data)
    assert response.status_code == 200
    assert counts() == before  # nothing saved half-way
    content = page(response)
    assert 'role="alert" tabindex="-1"' in content
    return content


def test_a_signed_convention_needs_two_parties(editor_client):
    data = new_convention_data(PartnerFactory())
    axis = add_row(data, "axes", title="Un axe saisi")
    add_action(data, axis, text="Une action saisie")
    content = post_invalid(editor_client, CREATE_URL, data)
    message = "Une convention signée doit compter au moins deux parties."
    assert f'<div class="alert alert-danger py-2" id="parties-erreurs">{message}</div>' in content
    assert f'<a href="#parties">Parties : {message}</a>' in content


def test_a_signatory_signs_for_one_of_the_parties(editor_client):
    unml, amf, stranger = PartnerFactory(), PartnerFactory(), PartnerFactory()
    data = new_convention_data(unml, amf)
    add_row(data, "signatories", name="Paul Durand", title="Directeur", partner=str(stranger.pk))
    content = post_invalid(editor_client, CREATE_URL, data)
    assert_error_next_to(content, "id_signatories-0-partner", SIGNATORY_NOT_A_PARTY_MESSAGE)
    assert "Signataire 1 — Signe pour : " in content


def test_an_action_is_borne_by_one_of_the_parties(editor_client):
    unml, amf = PartnerFactory(), PartnerFactory()
    convention = ConventionFactory(parties=[unml, amf])
    data = form_data(editor_client.get(update_url(convention)))
    axis = add_row(data, "axes", title="Axe")
    add_action(data, axis, text="Action", bearer=str(PartnerFactory().pk))
    content = post_invalid(editor_client, update_url(convention), data)
    assert_error_next_to(content, "id_axes-0-commitments-0-bearer", BEARER_NOT_A_PARTY_MESSAGE)
    assert "Axe 1, action 1 — Porté par : " in content


def test_actions_need_an_axis_title(editor_client):
    data = new_convention_data(PartnerFactory(), PartnerFactory())
    axis = add_row(data, "axes", title="")
    add_action(data, axis, text="Action sans axe")
    content = post_invalid(editor_client, CREATE_URL, data)
    assert_error_next_to(content, "id_axes-0-title", AXIS_TITLE_FOR_ACTIONS_MESSAGE)


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        (
            {"duration_months": "24", "effective_on": "2024-01-01", "period_end": "2025-12-31"},
            "id_period_end",
            "Indiquez une durée ou une fin de période, pas les deux.",
        ),
        ({"duration_months": "0"}, "id_duration_months", "La durée doit être d'au moins un mois."),
        (
            {"duration_months": "", "effective_on": "2024-06-01", "period_end": "2024-01-31"},
            "id_period_end",
            "La fin de période ne peut pas précéder la date d'effet.",
        ),
        ({"title": ""}, "id_title", "Ce champ est obligatoire."),
    ],
)
def test_dates_and_duration_are_checked_in_french(editor_client, fields, field_id, message):
    data = new_convention_data(PartnerFactory(), PartnerFactory(), **fields)
    content = post_invalid(editor_client, CREATE_URL, data)
    assert_error_next_to(content, field_id, message)


def test_nothing_typed_is_lost_on_a_validation_error(editor_client):
    unml, amf = PartnerFactory(), PartnerFactory()
    convention = ConventionFactory(parties=[unml, amf])
    SignatoryFactory(convention=convention, partner=unml, name="Signataire enregistré")
    data = form_data(editor_client.get(update_url(convention)))
    data |= {"summary": "Un résumé tapé avec soin", "duration_months": "0"}
    add_row(data, "signatories", name="Nouvelle signataire", title="Vice-présidente")
    axis = add_row(data, "axes", title="Axe tapé")
    add_action(data, axis, text="Action tapée sous l'axe")
    add_action(data, axis, text="Deuxième action tapée", bearer=str(amf.pk))
    add_row(data, "targets", label="Objectif tapé", value="1200")

    content = post_invalid(editor_client, update_url(convention), data)

    for typed in (
        "Un résumé tapé avec soin",
        'value="Signataire enregistré"',
        'value="Nouvelle signataire"',
        'value="Axe tapé"',
        "Action tapée sous l&#x27;axe",
        "Deuxième action tapée",
        'value="Objectif tapé"',
        'value="1200"',
    ):
        assert typed in content
    assert 'name="axes-0-commitments-TOTAL_FORMS" value="2"' in content
    assert f'<option value="{amf.pk}" selected>' in content


# Query counts ----------------------------------------------------------------------------------


# Layout of the rows ------------------------------------------------------------------------------


def test_the_help_of_the_rows_is_written_once_per_section(editor_client):
    convention = ConventionFactory()
    for number in (1, 2):
        axis = AxisFactory(convention=convention, number=number)
        CommitmentFactory.create_batch(2, axis=axis)
    SignatoryFactory.create_batch(3, convention=convention)
    content = page(editor_client.get(update_url(convention)))
    for help_text in (
        "Laisser vide : numéroté à la suite des axes existants.",
        "Laisser vide pour un engagement commun à toutes les parties.",
        escape("« Président de l'AMF »…"),
        "La partie au nom de laquelle cette personne signe.",
    ):
        assert content.count(help_text) == 1, help_text
    # Each row's field is still described by its help, written once above the rows.
    described = re.findall(r'aria-describedby="([^"]+)"', content)
    assert 'aria-describedby="aide-signatory-title"' in content
    for ids in described:
        for described_by in ids.split():
            assert f'id="{described_by}"' in content, described_by


def edit_page_queries(client, convention) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client.get(update_url(convention)))
    return len(queries)


def test_edit_page_queries_do_not_grow_with_rows(editor_client):
    small, large = ConventionFactory(), ConventionFactory()
    for convention, axes in ((small, 1), (large, 10)):
        partners = [party.partner for party in convention.parties.all()]
        for number in range(1, axes + 1):
            axis = AxisFactory(convention=convention, number=number)
            for partner in (*partners, None):
                CommitmentFactory(axis=axis, bearer=partner)
            SignatoryFactory(convention=convention)
            TargetFactory(convention=convention)
    assert edit_page_queries(editor_client, small) == edit_page_queries(editor_client, large)


def test_a_failure_while_saving_leaves_nothing_half_saved(editor_client, monkeypatch):
    data = new_convention_data(PartnerFactory(), PartnerFactory())
    axis = add_row(data, "axes", title="Axe")
    add_action(data, axis, text="Action")
    add_row(data, "targets", label="jeunes", value="10")

    def fail(*args, **kwargs):
        raise RuntimeError("panne pendant l'enregistrement")

    monkeypatch.setattr(Target, "save", fail)  # after the convention and its parties
    before = counts()
    with pytest.raises(RuntimeError):
        editor_client.post(CREATE_URL, data)
    assert counts() == before


def test_termination_cannot_be_moved_before_its_notice(editor_client):
    convention = ConventionFactory(
        signed_on=datetime.date(2024, 1, 1),
        terminated_on=datetime.date(2024, 9, 1),
        termination_notice_sent_on=datetime.date(2024, 7, 1),
    )
    data = form_data(editor_client.get(update_url(convention)))
    data["terminated_on"] = "2024-06-01"
    content = post_invalid(editor_client, update_url(convention), data)
    assert_error_next_to(
        content,
        "id_terminated_on",
        "La résiliation ne peut pas prendre effet avant l'envoi du préavis (01/07/2024).",
    )


def test_clearing_the_termination_date_clears_its_details(editor_client):
    party = PartnerFactory()
    convention = ConventionFactory(
        parties=[party, PartnerFactory()],
        signed_on=datetime.date(2024, 1, 1),
        terminated_on=datetime.date(2024, 9, 1),
        terminated_by=party,
        termination_notice_sent_on=datetime.date(2024, 7, 1),
        termination_method="registered_letter",
    )
    data = form_data(editor_client.get(update_url(convention)))
    data["terminated_on"] = ""
    response = editor_client.post(update_url(convention), data)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.terminated_by, convention.termination_notice_sent_on) == (None, None)
    assert convention.termination_method == ""
