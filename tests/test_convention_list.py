import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.enums import ConventionKind, Scope
from tests.factories import (
    AudienceFactory,
    ConventionFactory,
    PartnerFactory,
    ReviewFactory,
    RoleUserFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
)
from tests.lists import listed as listed_conventions

pytestmark = pytest.mark.django_db

URL = "/conventions/"
TODAY = timezone.localdate()


def ago(**delta) -> datetime.date:
    return TODAY - relativedelta(**delta)


def later(**delta) -> datetime.date:
    return TODAY + relativedelta(**delta)


@pytest.fixture
def reader_client(client):
    client.force_login(RoleUserFactory(role=READER))
    return client


def titles(response) -> list[str]:
    return [convention.title for convention in listed_conventions(response)]


def listed(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert not response.context["form"].errors
    return sorted(titles(response))


# Access ---------------------------------------------------------------------------------------


@pytest.mark.embedded
@pytest.mark.parametrize("role", [READER, EDITOR, ADMINISTRATOR])
def test_every_role_sees_the_list(client, role):
    ConventionFactory(title="Convention avec l'AMF")
    client.force_login(RoleUserFactory(role=role))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Convention avec l&#x27;AMF" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/compte/connexion/?next=/conventions/")


def test_user_without_a_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_reader_does_not_see_the_new_convention_button(reader_client):
    assert "Nouvelle convention" not in reader_client.get(URL).content.decode()


def test_editor_sees_the_new_convention_button(client):
    client.force_login(RoleUserFactory(role=EDITOR))
    assert 'href="/conventions/nouvelle/"' in client.get(URL).content.decode()


# Rows ------------------------------------------------------------------------------------------


def test_a_row_shows_reference_title_link_kind_parties_status_and_dates(reader_client):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    convention = ConventionFactory(
        title="Convention cadre AMF",
        kind=ConventionKind.NATIONAL_FRAMEWORK,
        signed_on=datetime.date(2024, 5, 29),
        duration_months=36,
        parties=[amf, PartnerFactory(name="Union nationale des Missions Locales", acronym="")],
    )
    html = reader_client.get(URL).content.decode()
    assert convention.reference in html
    assert f'<a href="/conventions/{convention.pk}/">Convention cadre AMF</a>' in html
    assert "Convention cadre nationale" in html
    assert '<abbr title="Association des maires de France">AMF</abbr>' in html
    assert "Union nationale des Missions Locales" in html
    status = convention.status
    assert (
        f'<span class="badge status-badge status-{status.value}">{status.short_label}</span>'
        in html
    )
    assert "29 mai 2024" in html
    assert "28 mai 2027" in html
    normalized = " ".join(html.split())
    assert "1 convention </h2>" in normalized


def test_the_status_badge_is_short_to_leave_the_title_the_room(reader_client):
    ConventionFactory(title="Signée, en vigueur l'an prochain", effective_on=later(years=1))
    html = reader_client.get(URL).content.decode()
    assert '<span class="badge status-badge status-signed">Signée (à venir)</span>' in html
    assert "Signée, pas encore en vigueur</span>" not in html


def test_search_and_filters_are_sent_by_one_button(reader_client):
    html = reader_client.get(URL).content.decode()
    start = html.index('<form method="get" action="/conventions/"')
    form = html[start : html.index("</form>", start)]
    assert 'name="q"' in form and 'name="statut"' in form and 'name="tri"' in form
    assert form.count('type="submit"') == 1
    assert '<button type="submit" class="btn btn-primary">' in form
    assert "Appliquer les filtres" not in form


def test_the_number_of_results_is_written_in_french(reader_client):
    ConventionFactory.create_batch(3)
    html = " ".join(reader_client.get(URL).content.decode().split())
    assert "3 conventions" in html
    assert "Aucune convention" in " ".join(
        reader_client.get(URL, {"q": "introuvable"}).content.decode().split()
    )


@pytest.mark.embedded
def test_pages_have_no_undefined_template_variable(client):
    client.force_login(RoleUserFactory(role=EDITOR))
    ConventionFactory.create_batch(25)
    ConventionFactory(signed_on=None, title="Projet")
    for params in ({}, {"page": 2}, {"q": "partenariat", "statut": "nimporte"}):
        assert "INVALID_TEMPLATE_VARIABLE" not in client.get(URL, params).content.decode()


# Search and filters ------------------------------------------------------------------------------


@pytest.mark.embedded
def test_search_ignores_accents_and_case(reader_client):
    ConventionFactory(
        title="Égalité des chances", parties=[PartnerFactory(name="Académie de police")]
    )
    ConventionFactory(title="Autre convention")
    assert listed(reader_client, q="ACADEMIE") == ["Égalité des chances"]
    assert listed(reader_client, q="egalite") == ["Égalité des chances"]


def test_filter_by_partner_slug(reader_client):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF", slug="amf")
    ConventionFactory(title="Avec l'AMF", parties=[amf, PartnerFactory()])
    ConventionFactory(title="Sans l'AMF")
    assert listed(reader_client, partenaire="amf") == ["Avec l'AMF"]


def test_filter_by_kind_and_scope(reader_client):
    ConventionFactory(title="Financière locale", kind=ConventionKind.FINANCIAL, scope=Scope.LOCAL)
    ConventionFactory(title="Financière nationale", kind=ConventionKind.FINANCIAL)
    ConventionFactory(title="Partenariat local", scope=Scope.LOCAL)
    assert listed(reader_client, type="financial") == ["Financière locale", "Financière nationale"]
    assert listed(reader_client, portee="local") == ["Financière locale", "Partenariat local"]
    assert listed(reader_client, type="financial", portee="local") == ["Financière locale"]


def test_filter_by_status_in_the_database(reader_client):
    ConventionFactory(title="En vigueur", signed_on=ago(months=1))
    ConventionFactory(title="Projet", signed_on=None)
    ConventionFactory(title="Échue", signed_on=ago(years=5), duration_months=12)
    ConventionFactory(title="Résiliée", signed_on=ago(years=1), terminated_on=ago(months=1))
    ConventionFactory(title="Sans durée", signed_on=ago(years=1), duration_months=None)
    assert listed(reader_client, statut="in_force") == ["En vigueur"]
    assert listed(reader_client, statut="in_force_open_ended") == ["Sans durée"]
    assert listed(reader_client, statut="draft") == ["Projet"]
    assert listed(reader_client, statut="expired") == ["Échue"]
    assert listed(reader_client, statut="terminated") == ["Résiliée"]


def test_filter_by_territory_theme_and_audience(reader_client):
    guyane = TerritoryFactory(name="Guyane", slug="guyane", kind="overseas")
    numerique = ThemeFactory(name="Numérique", slug="numerique")
    jeunes = AudienceFactory(name="Jeunes 16-25 ans", slug="jeunes")
    tagged = ConventionFactory(title="Étiquetée")
    tagged.territories.add(guyane)
    tagged.themes.add(numerique)
    tagged.audiences.add(jeunes)
    ConventionFactory(title="Sans étiquette")
    assert listed(reader_client, territoire="guyane") == ["Étiquetée"]
    assert listed(reader_client, thematique="numerique") == ["Étiquetée"]
    assert listed(reader_client, public="jeunes") == ["Étiquetée"]


def test_filter_by_signature_year_range(reader_client):
    for year in (2010, 2020, 2023, 2024):
        ConventionFactory(title=f"Signée en {year}", signed_on=datetime.date(year, 6, 1))
    assert listed(reader_client, signee_de=2020, signee_a=2023) == [
        "Signée en 2020",
        "Signée en 2023",
    ]
    assert listed(reader_client, signee_de=2023) == ["Signée en 2023", "Signée en 2024"]
    assert listed(reader_client, signee_a=2010) == ["Signée en 2010"]


def test_filter_ending_within_months(reader_client):
    ConventionFactory(title="Finit bientôt", signed_on=ago(months=34), duration_months=36)
    ConventionFactory(title="Finit dans un an", signed_on=ago(months=24), duration_months=36)
    ConventionFactory(title="Déjà finie", signed_on=ago(months=40), duration_months=36)
    ConventionFactory(title="Sans fin", duration_months=None)
    assert listed(reader_client, fin_dans=6) == ["Finit bientôt"]
    assert listed(reader_client, fin_dans=13) == ["Finit bientôt", "Finit dans un an"]


def test_filter_notice_deadline_within_months(reader_client):
    # Ends in about 4 months with 2 months' notice: the deadline is in about 2 months.
    ConventionFactory(title="Préavis proche", signed_on=ago(months=32), notice_months=2)
    ConventionFactory(title="Préavis lointain", signed_on=ago(months=12), notice_months=2)
    ConventionFactory(title="Préavis passé", signed_on=ago(months=35), notice_months=2)
    assert listed(reader_client, preavis_dans=3) == ["Préavis proche"]


def test_filter_reviews_due(reader_client):
    ConventionFactory(title="Jamais revue", signed_on=ago(months=13), review_every_months=12)
    recent = ConventionFactory(
        title="Revue récemment", signed_on=ago(months=13), review_every_months=12
    )
    ReviewFactory(convention=recent, held_on=ago(months=2))
    ConventionFactory(title="Trop récente", signed_on=ago(months=3), review_every_months=12)
    late = ConventionFactory(title="Prochain bilan dépassé", signed_on=ago(months=20))
    ReviewFactory(convention=late, held_on=ago(months=8), next_review_on=ago(months=2))
    assert listed(reader_client, bilan_du=1) == ["Jamais revue", "Prochain bilan dépassé"]


def test_filter_declinations_overdue(reader_client):
    signed = ago(months=4)
    late = ConventionFactory(
        title="Sans déclinaison", signed_on=signed, declination_deadline=ago(months=1)
    )
    declined = ConventionFactory(
        title="Déclinée", signed_on=signed, declination_deadline=ago(months=1)
    )
    ConventionFactory(
        title="Déclinaison locale", signed_on=signed, scope=Scope.LOCAL, parent=declined
    )
    ConventionFactory(
        title="Encore le temps", signed_on=signed, declination_deadline=later(months=1)
    )
    assert late.scope == Scope.NATIONAL
    assert listed(reader_client, declinaison_en_retard=1) == ["Sans déclinaison"]


@pytest.mark.parametrize(
    "params, errors",
    [
        ({"statut": "nimporte"}, ["Sélectionnez un choix valide"]),
        ({"fin_dans": "-3"}, ["supérieure ou égale à 1"]),
        ({"signee_de": "abc"}, ["Saisissez un nombre entier"]),
        ({"partenaire": "inconnu"}, ["Sélectionnez un choix valide"]),
        ({"tri": "prix"}, ["Sélectionnez un choix valide"]),
        ({"signee_de": "2024", "signee_a": "2020"}, ["postérieure à l&#x27;année de début"]),
    ],
)
def test_invalid_filters_show_a_french_error_next_to_the_field(reader_client, params, errors):
    ConventionFactory()
    response = reader_client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    field = list(params)[-1]
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Certains critères sont invalides" in html
    for error in errors:
        assert error in html
    assert list(listed_conventions(response)) == []


# Sorting and pagination --------------------------------------------------------------------------


@pytest.fixture
def three_conventions():
    ConventionFactory(title="B", signed_on=datetime.date(2020, 1, 1), duration_months=60)
    ConventionFactory(title="A", signed_on=datetime.date(2022, 1, 1), duration_months=12)
    ConventionFactory(title="C", signed_on=datetime.date(2021, 1, 1), duration_months=18)
    ConventionFactory(title="D (projet)", signed_on=None, duration_months=None)


@pytest.mark.parametrize(
    "tri, expected",
    [
        ("", ["A", "C", "B", "D (projet)"]),
        ("signature", ["B", "C", "A", "D (projet)"]),
        ("-signature", ["A", "C", "B", "D (projet)"]),
        ("fin", ["C", "A", "B", "D (projet)"]),
        ("-fin", ["B", "A", "C", "D (projet)"]),
        ("intitule", ["A", "B", "C", "D (projet)"]),
        ("-intitule", ["D (projet)", "C", "B", "A"]),
    ],
)
def test_sorting(reader_client, three_conventions, tri, expected):
    assert titles(reader_client.get(URL, {"tri": tri})) == expected


def test_sort_choice_overrides_relevance_when_searching(reader_client, three_conventions):
    assert titles(reader_client.get(URL, {"q": "organisation", "tri": "intitule"})) == [
        "A",
        "B",
        "C",
        "D (projet)",
    ]


def test_pagination_shows_50_rows_and_its_links_keep_the_filters(reader_client):
    ConventionFactory.create_batch(55, kind=ConventionKind.FINANCIAL)
    ConventionFactory(title="Autre type")
    response = reader_client.get(URL, {"type": "financial", "tri": "intitule"})
    assert len(listed_conventions(response)) == 50
    html = response.content.decode()
    assert 'href="?type=financial&amp;tri=intitule&amp;page=2"' in html
    assert "Page 1 sur 2" in html
    second = reader_client.get(URL, {"type": "financial", "tri": "intitule", "page": 2})
    assert len(listed_conventions(second)) == 5
    assert 'href="?type=financial&amp;tri=intitule&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "999", "-1"])
def test_a_wrong_page_number_shows_a_page_not_an_error(reader_client, page):
    ConventionFactory.create_batch(3)
    response = reader_client.get(URL, {"page": page})
    assert response.status_code == 200
    assert len(listed_conventions(response)) == 3


def test_export_links_keep_the_current_filters(reader_client):
    ConventionFactory(kind=ConventionKind.FINANCIAL)
    html = reader_client.get(URL, {"type": "financial", "page": 1}).content.decode()
    assert 'href="/conventions/export.csv?type=financial"' in html
    assert 'href="/conventions/export.xlsx?type=financial"' in html


# Cost ------------------------------------------------------------------------------------------


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "organisation", "statut": "in_force"}])
def test_query_count_does_not_grow_with_the_rows(reader_client, params):
    ConventionFactory.create_batch(5)
    few = count_queries(reader_client, params)
    ConventionFactory.create_batch(45)
    assert count_queries(reader_client, params) == few


@pytest.mark.parametrize("day", [datetime.date(2026, 1, 1), datetime.date(2024, 2, 29)])
def test_long_dates_read_as_django_writes_them_in_french(day):
    from django.utils.formats import date_format

    from conventions.templatetags.dates import long_date

    # Django's French, except the first of the month: "1er janvier".
    expected = date_format(day, "j F Y")
    assert long_date(day) == ("1er" + expected[1:] if day.day == 1 else expected)
