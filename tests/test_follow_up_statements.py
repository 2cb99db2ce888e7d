"""Quotes (déclarations) from the press releases: added, changed and removed from the convention
page by editors; readers see them (issue 17)."""

import pytest
from django.urls import reverse

from conventions.models import Statement
from tests.factories import ConventionFactory, PartnerFactory, StatementFactory
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(db):
    return ConventionFactory(title="Convention UNML et AMF")


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def create_url(convention) -> str:
    return reverse("conventions:statement_create", args=[convention.pk])


def update_url(statement) -> str:
    return reverse("conventions:statement_update", args=[statement.convention_id, statement.pk])


def delete_url(statement) -> str:
    return reverse("conventions:statement_delete", args=[statement.convention_id, statement.pk])


def statement_data(**fields) -> dict:
    return {
        "person": "David Lisnard",
        "role": "Président de l'AMF",
        "organisation": "",
        "text": "Les maires sont aux côtés des Missions Locales.",
        "position": "1",
    } | fields


def field_error(content: str, name: str) -> str:
    start = content.index(f'id="id_{name}_error"')
    return content[content.index(">", start) + 1 : content.index("</div>", start)]


def test_reader_sees_the_quotes_without_controls(reader_client, convention):
    statement = StatementFactory(convention=convention, person="Stéphane Valli")
    content = page(reader_client.get(detail_url(convention)))
    assert "Stéphane Valli" in content
    assert create_url(convention) not in content
    assert update_url(statement) not in content
    assert delete_url(statement) not in content


def test_editor_sees_add_edit_and_delete_links_even_without_quotes(editor_client, convention):
    content = page(editor_client.get(detail_url(convention)))
    assert f'href="{create_url(convention)}"' in content
    statement = StatementFactory(convention=convention)
    content = page(editor_client.get(detail_url(convention)))
    assert f'href="{update_url(statement)}"' in content
    assert f'href="{delete_url(statement)}"' in content


def test_editor_adds_a_quote_and_the_page_shows_it(editor_client, editor, convention):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    page(editor_client.get(detail_url(convention)))  # cached before the write

    response = editor_client.post(create_url(convention), statement_data(organisation=amf.pk))

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(convention)}#declarations"
    statement = convention.statements.get()
    assert (statement.person, statement.organisation) == ("David Lisnard", amf)
    record = statement.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    content = page(editor_client.get(response["Location"]))
    assert "La déclaration de David Lisnard est enregistrée." in content
    assert "Les maires sont aux côtés des Missions Locales." in content
    assert "Association des maires de France" in content


def test_a_quote_needs_a_person_and_a_text(editor_client, convention):
    content = page(editor_client.post(create_url(convention), statement_data(person="", text="")))
    assert "La déclaration n\u2019a pas été enregistrée" in content
    assert field_error(content, "person") == "Ce champ est obligatoire."
    assert field_error(content, "text") == "Ce champ est obligatoire."
    assert not convention.statements.exists()


def test_editor_changes_a_quote(editor_client, editor, convention):
    statement = StatementFactory(convention=convention)
    page(editor_client.get(detail_url(convention)))
    page(editor_client.get(update_url(statement)))

    response = editor_client.post(update_url(statement), statement_data(text="Texte corrigé."))

    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Texte corrigé."
    record = statement.history.latest()
    assert (record.history_type, record.history_user) == ("~", editor)
    assert "Texte corrigé." in page(editor_client.get(detail_url(convention)))


def test_editor_deletes_a_quote_after_confirming(editor_client, editor, convention):
    statement = StatementFactory(convention=convention, text="À retirer du registre.")
    page(editor_client.get(detail_url(convention)))
    content = page(editor_client.get(delete_url(statement)))
    assert "Supprimer cette déclaration ?" in content
    assert "À retirer du registre." in content

    response = editor_client.post(delete_url(statement))

    assert response["Location"] == f"{detail_url(convention)}#declarations"
    assert not Statement.objects.filter(pk=statement.pk).exists()
    record = Statement.history.filter(id=statement.pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)
    content = page(editor_client.get(detail_url(convention)))
    assert "a été supprimée." in content
    assert "À retirer du registre." not in content.split("Historique des modifications")[0]


def test_a_quote_of_another_convention_is_not_found(editor_client, convention):
    statement = StatementFactory(convention=ConventionFactory())
    for name in ("statement_update", "statement_delete"):
        url = reverse(f"conventions:{name}", args=[convention.pk, statement.pk])
        assert editor_client.get(url).status_code == 404
        assert editor_client.post(url, statement_data()).status_code == 404
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_reader_cannot_add_change_or_delete_a_quote(reader_client, convention):
    statement = StatementFactory(convention=convention)
    for url in (create_url(convention), update_url(statement), delete_url(statement)):
        assert reader_client.get(url).status_code == 403
        assert reader_client.post(url, statement_data()).status_code == 403
    assert list(convention.statements.all()) == [statement]


def test_the_quote_pages_read_a_fixed_number_of_queries(
    editor_client, convention, django_assert_max_num_queries
):
    PartnerFactory.create_batch(20)
    statement = StatementFactory(convention=convention)
    for url in (create_url(convention), update_url(statement), delete_url(statement)):
        with django_assert_max_num_queries(12):
            page(editor_client.get(url))


def test_the_organisation_is_chosen_by_its_full_name_as_in_every_partner_select(
    editor_client, convention, amf
):
    """Its options read « Association des maires de France (AMF) », not the bare acronym:
    the label a person (or a browser test) looks for, the one the parties' selects show."""
    content = page(editor_client.get(create_url(convention)))
    select = content.split('name="organisation"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{amf.pk}">Association des maires de France (AMF)</option>' in select
    assert "data-searchable-select" in select
