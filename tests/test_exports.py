import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.enums import ConventionKind
from tests.factories import (
    ConventionFactory,
    PartnerFactory,
    RoleUserFactory,
    SignatoryFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CSV_URL = "/conventions/export.csv"
XLSX_URL = "/conventions/export.xlsx"
HEADER = [
    "Référence",
    "Intitulé",
    "Type",
    "Portée",
    "Statut",
    "Parties",
    "Signataires",
    "Date de signature",
    "Lieu de signature",
    "Date d'effet",
    "Date de fin",
    "Préavis (mois)",
    "Date limite de préavis",
    "Territoires",
    "Thématiques",
]


@pytest.fixture
def reader_client(client):
    client.force_login(RoleUserFactory(role=READER))
    return client


@pytest.fixture
def amf_convention():
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    unml = PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")
    convention = ConventionFactory(
        title="Convention cadre nationale AMF-UNML",
        kind=ConventionKind.NATIONAL_FRAMEWORK,
        signed_on=datetime.date(2024, 12, 10),
        signed_at="Paris",
        duration_months=36,
        notice_months=2,
        parties=[amf, unml],
    )
    SignatoryFactory(convention=convention, partner=amf, name="David Lisnard", title="Président")
    SignatoryFactory(convention=convention, partner=unml, name="Stéphane Valli", title="Président")
    convention.territories.add(TerritoryFactory(name="France entière", kind="national"))
    convention.themes.add(ThemeFactory(name="Mobilité"), ThemeFactory(name="Logement"))
    return convention


def read_csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize("role", [READER, EDITOR, ADMINISTRATOR])
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_every_role_can_export(client, role, url):
    client.force_login(RoleUserFactory(role=role))
    assert client.get(url).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(CSV_URL)
    assert response.status_code == 302
    assert response.url.startswith("/compte/connexion/")


def test_user_without_a_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(XLSX_URL).status_code == 403


def test_unknown_format_is_not_found(reader_client):
    assert reader_client.get("/conventions/export.pdf").status_code == 404


def test_csv_opens_in_french_excel(reader_client, amf_convention):
    response = reader_client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="conventions-{today:%Y-%m-%d}.csv"'
    )
    header, row = read_csv(response)
    assert header == HEADER
    assert row == [
        amf_convention.reference,
        "Convention cadre nationale AMF-UNML",
        "Convention cadre nationale",
        "Nationale",
        amf_convention.status.label,
        "AMF, UNML",
        "David Lisnard (Président); Stéphane Valli (Président)",
        "10/12/2024",
        "Paris",
        "10/12/2024",
        "09/12/2027",
        "2",
        "09/10/2027",
        "France entière",
        "Logement, Mobilité",
    ]


def test_xlsx_has_a_header_real_dates_and_column_widths(reader_client, amf_convention):
    response = reader_client.get(XLSX_URL)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"conventions-{timezone.localdate():%Y-%m-%d}.xlsx" in response["Content-Disposition"]
    sheet = read_xlsx(response)
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
    row = dict(zip(HEADER, rows[1], strict=True))
    assert row["Référence"] == amf_convention.reference
    assert row["Parties"] == "AMF, UNML"
    assert row["Date de signature"] == datetime.datetime(2024, 12, 10)
    assert row["Date limite de préavis"] == datetime.datetime(2027, 10, 9)
    assert row["Préavis (mois)"] == 2
    assert sheet["H2"].number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["B"].width == 50
    assert sheet.freeze_panes == "A2"


def test_exports_follow_the_list_filters(reader_client, amf_convention):
    ConventionFactory(title="Convention financière", kind=ConventionKind.FINANCIAL)
    csv_rows = read_csv(reader_client.get(CSV_URL, {"type": "national_framework"}))
    assert [row[1] for row in csv_rows[1:]] == ["Convention cadre nationale AMF-UNML"]
    sheet = read_xlsx(reader_client.get(XLSX_URL, {"q": "financiere"}))
    assert [row[1] for row in list(sheet.values)[1:]] == ["Convention financière"]


def test_invalid_filters_send_back_to_the_list_that_explains_them(reader_client):
    response = reader_client.get(CSV_URL, {"fin_dans": "-3"})
    assert response.status_code == 302
    assert response.url == "/conventions/?fin_dans=-3"


def test_a_formula_typed_in_a_title_is_exported_as_text(reader_client):
    ConventionFactory(title='=HYPERLINK("http://exemple.org")')
    assert read_csv(reader_client.get(CSV_URL))[1][1].startswith("'=")
    assert list(read_xlsx(reader_client.get(XLSX_URL)).values)[1][1].startswith("'=")


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_query_count_does_not_grow_with_the_rows(reader_client, url):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            assert reader_client.get(url).status_code == 200
        return len(queries)

    for convention in ConventionFactory.create_batch(5):
        SignatoryFactory(convention=convention)
    few = export_queries()
    for convention in ConventionFactory.create_batch(45):
        SignatoryFactory(convention=convention)
        convention.themes.add(ThemeFactory())
    assert export_queries() == few
