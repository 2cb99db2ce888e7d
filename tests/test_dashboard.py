import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.enums import Scope
from tests.factories import (
    ConventionFactory,
    ReviewFactory,
    RoleUserFactory,
    UserFactory,
    role_user,
)

pytestmark = pytest.mark.django_db

URL = "/"
TODAY = timezone.localdate()


def ago(**delta) -> datetime.date:
    return TODAY - relativedelta(**delta)


@pytest.fixture
def watched():
    """One convention per watch list of the dashboard, plus some that are in none."""
    ConventionFactory(title="Finit bientôt", signed_on=ago(months=33), notice_months=2)
    ConventionFactory(title="Bilan attendu", signed_on=ago(months=13), review_every_months=6)
    reviewed = ConventionFactory(
        title="Bilan tenu", signed_on=ago(months=13), review_every_months=6
    )
    ReviewFactory(convention=reviewed, held_on=ago(months=1))
    ConventionFactory(
        title="Déclinaison en retard", signed_on=ago(months=6), declination_deadline=ago(days=1)
    )
    declined = ConventionFactory(
        title="Déclinée", signed_on=ago(months=6), declination_deadline=ago(months=2)
    )
    ConventionFactory(
        title="Déclinaison", signed_on=ago(months=5), scope=Scope.LOCAL, parent=declined
    )
    ConventionFactory(title="Échue", signed_on=ago(years=4))
    ConventionFactory(title="Projet", signed_on=None)
    ConventionFactory(title="Ancienne", signed_on=datetime.date(2010, 4, 15), duration_months=60)
    ConventionFactory(title="Sans durée", signed_on=ago(months=3), duration_months=None)


def metrics(response) -> dict[str, tuple[int, str]]:
    return {label: (count, url) for label, count, url, _ in response.context["metrics"]}


@pytest.mark.embedded
@pytest.mark.parametrize("role", [READER, EDITOR, ADMINISTRATOR])
def test_every_role_sees_the_dashboard(client, watched, role):
    client.force_login(RoleUserFactory(role=role))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Tableau de bord</h1>" in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/compte/connexion/")


def test_user_without_a_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_dashboard_numbers(reader_client, watched):
    assert {label: count for label, (count, _) in metrics(reader_client.get(URL)).items()} == {
        "En vigueur": 6,
        "En vigueur, durée non précisée": 1,
        "Se terminent dans les 6 mois": 1,
        "Préavis à donner dans les 3 mois": 1,
        "Bilans de suivi en retard": 1,
        "Déclinaisons locales en retard": 1,
    }


def test_each_number_links_to_a_list_with_the_same_count(reader_client, watched):
    for label, (count, url) in metrics(reader_client.get(URL)).items():
        response = reader_client.get(url)
        assert response.status_code == 200, label
        assert response.context["paginator"].count == count, label


def test_each_number_is_a_link(reader_client, watched):
    html = reader_client.get(URL).content.decode()
    for url in [
        "/conventions/?statut=in_force",
        "/conventions/?statut=in_force_open_ended",
        "/conventions/?fin_dans=6&amp;tri=fin",
        "/conventions/?preavis_dans=3&amp;tri=fin",
        "/conventions/?bilan_du=1",
        "/conventions/?declinaison_en_retard=1",
    ]:
        assert f'href="{url}"' in html


def test_latest_signatures_are_the_five_most_recent_with_links(reader_client):
    conventions = [
        ConventionFactory(title=f"Signée il y a {n} mois", signed_on=ago(months=n))
        for n in range(1, 8)
    ]
    response = reader_client.get(URL)
    latest = list(response.context["latest_signatures"])
    assert latest == conventions[:5]
    html = response.content.decode()
    assert f'href="/conventions/{conventions[0].pk}/"' in html
    assert f'href="/conventions/{conventions[5].pk}/"' not in html


def test_signatures_per_year_is_a_table_with_bars_and_links(reader_client):
    for day in (datetime.date(2010, 4, 15), datetime.date(2023, 1, 5), datetime.date(2023, 6, 1)):
        ConventionFactory(signed_on=day)
    ConventionFactory(signed_on=None)
    response = reader_client.get(URL)
    rows = [
        (row["year"], row["count"], row["width"]) for row in response.context["signatures_per_year"]
    ]
    assert rows == [(2010, 1, "50.00"), (2023, 2, "100.00")]
    html = response.content.decode()
    assert "<caption>Nombre de conventions signées chaque année" in html
    assert '<rect class="year-bar" width="50.00" height="1"></rect>' in html
    assert 'href="/conventions/?signee_de=2023&amp;signee_a=2023">2023</a>' in html
    assert "style=" not in html.split("<main", 1)[1]
    assert (
        reader_client.get("/conventions/?signee_de=2023&signee_a=2023").context["paginator"].count
        == 2
    )


def test_dashboard_costs_a_handful_of_queries_whatever_the_number_of_conventions(reader_client):
    ConventionFactory.create_batch(5)
    with CaptureQueriesContext(connection) as few:
        reader_client.get(URL)
    for year in range(2000, 2045):
        ConventionFactory(signed_on=datetime.date(year, 3, 1))
    with CaptureQueriesContext(connection) as many:
        reader_client.get(URL)
    assert len(many) == len(few) <= 12


def test_bars_are_exact_shares_of_the_largest_year(reader_client):
    for year, count in ((2019, 1), (2020, 3), (2021, 7)):
        ConventionFactory.create_batch(count, signed_on=datetime.date(year, 5, 1))
    rows = reader_client.get(URL).context["signatures_per_year"]
    assert [row["width"] for row in rows] == ["14.29", "42.86", "100.00"]


def test_dashboard_offers_the_search_and_a_new_convention_to_editors(client, editor):
    client.force_login(editor)
    html = client.get(URL).content.decode()
    assert 'action="/conventions/"' in html and 'name="q"' in html
    assert 'href="/conventions/nouvelle/"' in html
    client.force_login(role_user("lea.lecture", READER))
    reader_html = client.get(URL).content.decode()
    assert 'name="q"' in reader_html
    assert 'href="/conventions/nouvelle/"' not in reader_html
