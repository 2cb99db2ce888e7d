"""CSV and XLSX exports of a list of conventions: one row per convention, French headers."""

import csv
import datetime
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
    ("Date d'effet", 14),
    ("Date de fin", 14),
    ("Préavis (mois)", 10),
    ("Date limite de préavis", 14),
    ("Territoires", 30),
    ("Thématiques", 30),
]
DATE_FORMAT = "%d/%m/%Y"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def signatory_label(signatory) -> str:
    return f"{signatory.name} ({signatory.title})" if signatory.title else signatory.name


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
            convention.effective_on,
            convention.end_on,
            convention.notice_months,
            convention.db_notice_deadline,
            ", ".join(territory.name for territory in convention.territories.all()),
            ", ".join(theme.name for theme in convention.themes.all()),
        ]


def filename(extension: str) -> str:
    return f"conventions-{timezone.localdate():%Y-%m-%d}.{extension}"


def attachment(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename(extension)}"'
    return response


def csv_response(conventions: Iterable) -> HttpResponse:
    """UTF-8 with a BOM and `;` separators: what French Excel opens without an import wizard."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([header for header, _ in COLUMNS])
    for row in convention_rows(conventions):
        writer.writerow(
            [
                value.strftime(DATE_FORMAT) if isinstance(value, datetime.date) else value
                for value in row
            ]
        )
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
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), "xlsx")
