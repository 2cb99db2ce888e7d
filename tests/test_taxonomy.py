"""Territories, themes and audiences managed from the staff pages (« Référentiels »): readers see
the lists with what uses each entry, editors add, change and delete them, every write is kept
in the history, and an entry still in use is never deleted (issue 17)."""

import pytest
from django.urls import reverse

from conventions.models import Audience, Theme
from partners.enums import TerritoryKind
from partners.models import Territory
from tests.factories import (
    AudienceFactory,
    ConventionFactory,
    PartnerFactory,
    TerritoryFactory,
    ThemeFactory,
)
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db


def field_error(content: str, name: str) -> str:
    start = content.index(f'id="id_{name}_error"')
    return content[content.index(">", start) + 1 : content.index("</div>", start)]


# Lists -------------------------------------------------------------------------------------------


def test_reader_sees_each_theme_with_the_number_of_conventions_using_it(reader_client):
    mobility, housing = ThemeFactory(name="Mobilité"), ThemeFactory(name="Logement")
    for _ in range(3):
        ConventionFactory().themes.add(mobility)
    content = page(reader_client.get(reverse("taxonomy:theme_list")))
    assert "Mobilité" in content and "Logement" in content
    assert 'data-conventions="3"' in content.split("Mobilité", 1)[1].split("</tr>", 1)[0]
    assert 'data-conventions="0"' in content.split("Logement", 1)[1].split("</tr>", 1)[0]
    # A reader has no button to write.
    assert reverse("taxonomy:theme_create") not in content
    assert reverse("taxonomy:theme_update", args=[mobility.pk]) not in content
    assert reverse("taxonomy:theme_delete", args=[housing.pk]) not in content


def test_territories_list_counts_conventions_partners_and_territories_within(reader_client):
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION)
    TerritoryFactory(name="Finistère", kind=TerritoryKind.DEPARTMENT, parent=region)
    PartnerFactory.create_batch(2, territory=region)
    ConventionFactory().territories.add(region)
    content = page(reader_client.get(reverse("taxonomy:territory_list")))
    row = content.split(">Bretagne<", 1)[1].split("</tr>", 1)[0]
    assert 'data-conventions="1"' in row
    assert 'data-partners="2"' in row
    assert 'data-children="1"' in row
    assert "Région" in row
    finistere = content.split(">Finistère<", 1)[1].split("</tr>", 1)[0]
    assert "Bretagne" in finistere  # its parent


def test_editor_sees_the_buttons_to_add_change_and_delete(editor_client):
    audience = AudienceFactory(name="Élus locaux")
    content = page(editor_client.get(reverse("taxonomy:audience_list")))
    assert reverse("taxonomy:audience_create") in content
    assert reverse("taxonomy:audience_update", args=[audience.pk]) in content
    assert reverse("taxonomy:audience_delete", args=[audience.pk]) in content


M2M = {TerritoryFactory: "territories", ThemeFactory: "themes", AudienceFactory: "audiences"}


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("taxonomy:territory_list", TerritoryFactory),
        ("taxonomy:theme_list", ThemeFactory),
        ("taxonomy:audience_list", AudienceFactory),
    ],
)
def test_the_lists_read_a_fixed_number_of_queries(
    reader_client, name, factory, django_assert_max_num_queries
):
    entries = factory.create_batch(2)
    convention = ConventionFactory()
    getattr(convention, M2M[factory]).add(*entries)
    page(reader_client.get(reverse(name)))  # sessions, permissions cached
    with django_assert_max_num_queries(8) as few:
        page(reader_client.get(reverse(name)))
    for _ in range(20):
        factory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(reader_client.get(reverse(name)))


def test_the_navigation_leads_to_the_reference_lists(reader_client):
    content = page(reader_client.get(reverse("conventions:dashboard")))
    assert f'href="{reverse("taxonomy:territory_list")}">Référentiels</a>' in content
    content = page(reader_client.get(reverse("taxonomy:territory_list")))
    assert reverse("taxonomy:theme_list") in content
    assert reverse("taxonomy:audience_list") in content


# Create and change -------------------------------------------------------------------------------


def test_editor_adds_a_theme_recorded_in_the_history(editor_client, editor):
    response = editor_client.post(reverse("taxonomy:theme_create"), {"name": "Numérique"})
    assert response.status_code == 302
    assert response["Location"] == reverse("taxonomy:theme_list")
    theme = Theme.objects.get(name="Numérique")
    assert theme.slug == "numerique"
    [created] = theme.history.all()
    assert (created.history_type, created.history_user) == ("+", editor)
    content = page(editor_client.get(response["Location"]))
    assert "La thématique « Numérique » a été ajoutée." in content


def test_editor_renames_an_audience_its_identifier_stays(editor_client, editor):
    audience = AudienceFactory(name="Jeunes", slug="jeunes")
    response = editor_client.post(
        reverse("taxonomy:audience_update", args=[audience.pk]), {"name": "Jeunes de 16 à 25 ans"}
    )
    assert response.status_code == 302
    audience.refresh_from_db()
    # Saved searches and links to the list filtered on it keep working.
    assert (audience.name, audience.slug) == ("Jeunes de 16 à 25 ans", "jeunes")
    last = audience.history.first()
    assert (last.history_type, last.history_user, last.name) == ("~", editor, audience.name)


def test_editor_adds_a_department_under_its_region(editor_client, editor):
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION)
    data = {"name": "Finistère", "kind": "department", "code": "29", "parent": region.pk}
    response = editor_client.post(reverse("taxonomy:territory_create"), data)
    assert response.status_code == 302
    department = Territory.objects.get(name="Finistère")
    assert (department.parent, department.code, department.slug) == (region, "29", "finistere")
    assert department.history.get().history_user == editor


def test_a_name_taken_is_refused_next_to_the_field(editor_client):
    ThemeFactory(name="Mobilité")
    response = editor_client.post(reverse("taxonomy:theme_create"), {"name": "Mobilité"})
    assert response.status_code == 200
    assert field_error(page(response), "name") == "Une thématique porte déjà ce nom."
    assert Theme.objects.count() == 1


def test_a_name_whose_identifier_is_taken_is_refused(editor_client):
    ThemeFactory(name="Mobilité")
    response = editor_client.post(reverse("taxonomy:theme_create"), {"name": "mobilite"})
    assert field_error(page(response), "name") == (
        "Ce nom est trop proche de celui de la thématique « Mobilité » : choisissez-en un autre."
    )
    assert Theme.objects.count() == 1


def test_a_territory_cannot_be_placed_under_itself_or_its_own_territories(editor_client):
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION)
    department = TerritoryFactory(name="Finistère", kind="department", parent=region)
    url = reverse("taxonomy:territory_update", args=[region.pk])
    content = page(editor_client.get(url))
    parent_select = content.split('name="parent"', 1)[1].split("</select>", 1)[0]
    assert f'value="{department.pk}"' not in parent_select
    assert f'value="{region.pk}"' not in parent_select
    data = {"name": "Bretagne", "kind": "region", "code": "", "parent": department.pk}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in field_error(page(response), "parent")
    region.refresh_from_db()
    assert region.parent is None


def test_reader_cannot_add_change_or_delete(reader_client):
    theme = ThemeFactory(name="Mobilité")
    for url in (
        reverse("taxonomy:theme_create"),
        reverse("taxonomy:theme_update", args=[theme.pk]),
        reverse("taxonomy:theme_delete", args=[theme.pk]),
    ):
        assert reader_client.get(url).status_code == 403
        assert reader_client.post(url, {"name": "Autre"}).status_code == 403
    assert list(Theme.objects.values_list("name", flat=True)) == ["Mobilité"]


# Delete ------------------------------------------------------------------------------------------


def test_editor_deletes_an_unused_theme_recorded_in_the_history(editor_client, editor):
    theme = ThemeFactory(name="Mobilité")
    url = reverse("taxonomy:theme_delete", args=[theme.pk])
    content = page(editor_client.get(url))
    assert "Supprimer la thématique « Mobilité » ?" in content
    response = editor_client.post(url)
    assert response.status_code == 302
    assert not Theme.objects.exists()
    deleted = Theme.history.filter(history_type="-").get()
    assert (deleted.name, deleted.history_user) == ("Mobilité", editor)
    assert "La thématique « Mobilité » a été supprimée." in page(
        editor_client.get(response["Location"])
    )


def test_a_theme_in_use_is_not_deleted_and_the_page_says_why(editor_client):
    theme = ThemeFactory(name="Mobilité")
    for _ in range(2):
        ConventionFactory().themes.add(theme)
    url = reverse("taxonomy:theme_delete", args=[theme.pk])
    content = page(editor_client.get(url))
    assert "La thématique « Mobilité » ne peut pas être supprimée" in content
    assert "utilisée par 2 conventions" in content
    assert 'type="submit"' not in content.split('id="contenu"', 1)[1]
    response = editor_client.post(url)
    assert response.status_code == 409
    assert "La thématique « Mobilité » ne peut pas être supprimée" in page(response)
    assert Theme.objects.filter(pk=theme.pk).exists()
    assert theme.convention_set.count() == 2


def test_a_territory_of_a_partner_or_holding_others_is_not_deleted(editor_client):
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION)
    PartnerFactory(territory=region)
    TerritoryFactory(name="Finistère", kind="department", parent=region)
    response = editor_client.post(reverse("taxonomy:territory_delete", args=[region.pk]))
    assert response.status_code == 409
    content = page(response)
    assert "Le territoire « Bretagne » ne peut pas être supprimé" in content
    assert "1 partenaire" in content and "1 territoire rattaché" in content
    assert Territory.objects.filter(pk=region.pk).exists()


def test_an_audience_unknown_is_a_404(editor_client):
    assert editor_client.get(reverse("taxonomy:audience_update", args=[999999])).status_code == 404
    assert editor_client.post(reverse("taxonomy:audience_delete", args=[999999])).status_code == 404
    assert not Audience.objects.exists()
