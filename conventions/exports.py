"""CSV and XLSX exports of a list of conventions: one row per convention, French headers."""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .enums import DatePrecision
from .templatetags.dates import partial_date

# (header, column width in the XLSX file)
COLUMNS = [
    ("Référence", 16),
    ("Intitulé", 50),
    ("Type", 30),
    ("Portée", 12),
    ("Statut", 16),
    ("Parties", 40),
    ("Signataires", 50),
    ("Date de signature", 14),
    ("Lieu de signature", 20),
    ("Événement", 30),
    ("Date d'effet", 14),
    ("Date de fin", 14),
    ("Préavis (mois)", 10),
    ("Date limite de préavis", 14),
    ("Date d'effet de la résiliation", 14),
    ("Forme de la résiliation", 24),
    ("Résiliée par", 20),
    ("Montant (€)", 14),
    ("Renouvelle", 16),
    ("Convention nationale déclinée", 16),
    ("Territoires", 30),
    ("Thématiques", 30),
    ("Publics cibles", 30),
]
DATE_FORMAT = "%d/%m/%Y"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_AMOUNT_FORMAT = "#,##0.00"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def signatory_label(signatory) -> str:
    """As the convention page names a signatory: "Anne Martin (Directrice), pour la
    Présidente, par délégation"."""
    label = f"{signatory.name} ({signatory.title})" if signatory.title else signatory.name
    if signatory.on_behalf_of:
        label += f", pour {signatory.on_behalf_of}, par délégation"
    return label


def names(rows) -> str:
    return ", ".join(safe_text(row.name) for row in rows)


def signature_date(convention) -> datetime.date | str | None:
    """The signature date, or "juin 2018", "2018" when only its month or year is known."""
    if convention.signed_on and convention.signed_on_precision != DatePrecision.DAY:
        return partial_date(convention.signed_on, convention.signed_on_precision)
    return convention.signed_on


def convention_rows(conventions: Iterable) -> Iterator[list]:
    """Python values (str, int, date or None) per convention, in the order of COLUMNS.

    Expects `ConventionQuerySet.for_export()`: no query per row.
    """
    for convention in conventions:
        yield [
            convention.reference,
            safe_text(convention.title),
            convention.get_kind_display(),
            convention.get_scope_display(),
            convention.current_status.label,
            ", ".join(safe_text(str(party.partner)) for party in convention.party_list),
            "; ".join(safe_text(signatory_label(s)) for s in convention.signatories.all()),
            signature_date(convention),
            safe_text(convention.signed_at),
            safe_text(convention.event),
            convention.effective_on,
            convention.end_on,
            convention.notice_months,
            convention.db_notice_deadline,
            convention.terminated_on,
            convention.get_termination_method_display(),
            safe_text(convention.terminated_by_label or ""),
            convention.amount,
            convention.predecessor_reference or "",
            convention.parent_reference or "",
            names(convention.territories.all()),
            names(convention.themes.all()),
            names(convention.audiences.all()),
        ]


def filename(extension: str) -> str:
    return f"conventions-{timezone.localdate():%Y-%m-%d}.{extension}"


def attachment(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename(extension)}"'
    return response


def csv_value(value):
    """Dates as 31/12/2026, amounts with a decimal comma (850000,50): what French Excel reads."""
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, decimal.Decimal):
        whole = value == value.to_integral_value()
        return f"{value:.0f}" if whole else f"{value:.2f}".replace(".", ",")
    return value


def csv_response(conventions: Iterable) -> HttpResponse:
    """UTF-8 with a BOM and `;` separators: what French Excel opens without an import wizard."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([header for header, _ in COLUMNS])
    for row in convention_rows(conventions):
        writer.writerow([csv_value(value) for value in row])
    return attachment(response, "csv")


def xlsx_value(value):
    """`value` as a worksheet takes it: the control characters a text may hold (typed or pasted
    into a form) are left out, as XLSX cannot store them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_response(conventions: Iterable) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Conventions"
    sheet.append([header for header, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in convention_rows(conventions):
        sheet.append([xlsx_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
            elif isinstance(cell.value, decimal.Decimal | float):
                cell.number_format = XLSX_AMOUNT_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), "xlsx")
