import csv
import datetime
import decimal
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import ADMINISTRATOR, EDITOR, READER
from conventions.enums import ConventionKind, TerminationMethod
from tests.factories import (
    AudienceFactory,
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
    "Événement",
    "Date d'effet",
    "Date de fin",
    "Préavis (mois)",
    "Date limite de préavis",
    "Date d'effet de la résiliation",
    "Forme de la résiliation",
    "Résiliée par",
    "Montant (€)",
    "Renouvelle",
    "Convention nationale déclinée",
    "Territoires",
    "Thématiques",
    "Publics cibles",
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
        "",
        "10/12/2024",
        "09/12/2027",
        "2",
        "09/10/2027",
        "",
        "",
        "",
        "",
        "",
        "",
        "France entière",
        "Logement, Mobilité",
        "",
    ]


@pytest.fixture
def terminated_declination(amf_convention):
    """A renewal of a declination of `amf_convention`, terminated: every column is filled."""
    mission = PartnerFactory(name="Mission Locale de Lyon", acronym="ML Lyon")
    earlier = ConventionFactory(title="Première convention lyonnaise", parties=[mission])
    convention = ConventionFactory(
        title="Déclinaison lyonnaise",
        parent=amf_convention,
        predecessor=earlier,
        signed_on=datetime.date(2025, 1, 15),
        signed_at="Lyon",
        event="Salon des maires",
        amount=decimal.Decimal("850000.50"),
        parties=[mission],
    )
    SignatoryFactory(
        convention=convention,
        partner=mission,
        name="Anne Martin",
        title="Directrice",
        on_behalf_of="la Présidente",
    )
    convention.terminated_on = datetime.date(2025, 6, 30)
    convention.termination_notice_sent_on = datetime.date(2025, 4, 30)
    convention.termination_method = TerminationMethod.REGISTERED_LETTER
    convention.terminated_by = mission
    convention.save()
    convention.audiences.add(
        AudienceFactory(name="Jeunes 16-25 ans"), AudienceFactory(name="Employeurs")
    )
    return convention, earlier


def test_exports_carry_what_rebuilds_the_summary(reader_client, terminated_declination):
    convention, earlier = terminated_declination
    parent = convention.parent
    expected = {
        "Signataires": "Anne Martin (Directrice), pour la Présidente, par délégation",
        "Événement": "Salon des maires",
        "Date d'effet de la résiliation": "30/06/2025",
        "Forme de la résiliation": "Lettre recommandée avec accusé de réception",
        "Résiliée par": "ML Lyon",
        "Montant (€)": "850000,50",
        "Renouvelle": earlier.reference,
        "Convention nationale déclinée": parent.reference,
        "Publics cibles": "Employeurs, Jeunes 16-25 ans",
    }
    header, *rows = read_csv(reader_client.get(CSV_URL, {"q": "lyonnaise"}))
    row = dict(zip(header, rows[0], strict=True))
    assert {name: row[name] for name in expected} == expected

    sheet = read_xlsx(reader_client.get(XLSX_URL, {"q": "lyonnaise"}))
    header, *rows = list(sheet.values)
    row = dict(zip(header, rows[0], strict=True))
    assert row["Montant (€)"] == 850000.5
    assert row["Date d'effet de la résiliation"] == datetime.datetime(2025, 6, 30)
    assert row["Renouvelle"] == earlier.reference


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
    parent = ConventionFactory()
    for convention in ConventionFactory.create_batch(45, parent=parent, predecessor=parent):
        SignatoryFactory(convention=convention)
        convention.themes.add(ThemeFactory())
        convention.audiences.add(AudienceFactory())
    assert export_queries() == few
