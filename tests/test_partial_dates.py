"""A signature date known only to the month or the year: stored as its first day, shown so."""

import datetime

import pytest
from django.urls import reverse

from conventions.enums import DatePrecision, Status
from conventions.models import Convention
from conventions.templatetags.dates import on_partial_date, partial_date
from tests.factories import ConventionFactory, PartnerFactory
from tests.test_convention_form import CREATE_URL, new_convention_data, page

D = datetime.date


@pytest.mark.parametrize(
    ("precision", "text", "after_signed"),
    [
        ("day", "12 juin 2018", "le 12 juin 2018"),
        ("month", "juin 2018", "en juin 2018"),
        ("year", "2018", "en 2018"),
    ],
)
def test_a_partial_date_is_written_as_known(precision, text, after_signed):
    day = D(2018, 6, 12) if precision == "day" else D(2018, 6, 1)
    if precision == "year":
        day = D(2018, 1, 1)
    assert partial_date(day, precision) == text
    assert on_partial_date(day, precision) == after_signed
    assert partial_date(None, precision) == ""


@pytest.mark.django_db
def test_a_partial_signature_date_is_stored_as_its_first_day():
    convention = ConventionFactory(
        signed_on=D(2018, 6, 17), signed_on_precision=DatePrecision.MONTH, duration_months=12
    )
    convention.refresh_from_db()
    assert convention.signed_on == D(2018, 6, 1)
    assert convention.effective_on == D(2018, 6, 1)
    assert convention.status_on(D(2018, 6, 1)) == Status.IN_FORCE
    convention.signed_on_precision = DatePrecision.YEAR
    convention.save()
    assert convention.signed_on == D(2018, 1, 1)


@pytest.mark.django_db
def test_editor_records_a_signature_known_to_the_month(editor_client):
    parties = [PartnerFactory(), PartnerFactory()]
    data = new_convention_data(*parties, signed_on="2018-06-12", signed_on_precision="month")
    response = editor_client.post(CREATE_URL, data)
    assert response.status_code == 302
    convention = Convention.objects.get()
    assert (convention.signed_on, convention.reference) == (D(2018, 6, 1), "CONV-2018-001")

    detail = page(editor_client.get(reverse("conventions:convention_detail", args=[convention.pk])))
    assert "<dd>en juin 2018</dd>" in detail
    listing = page(editor_client.get(reverse("conventions:convention_list")))
    assert ">juin 2018</time>" in listing


@pytest.mark.django_db
def test_exports_and_pdf_write_the_partial_signature_date(editor_client):
    convention = ConventionFactory(
        title="Convention de 2018", signed_on=D(2018, 3, 3), signed_on_precision="year"
    )
    csv = editor_client.get(reverse("conventions:convention_export", args=["csv"]))
    assert ";2018;" in csv.content.decode("utf-8-sig") or ",2018," in csv.content.decode(
        "utf-8-sig"
    )
    from conventions.exports import convention_rows

    row = next(convention_rows(Convention.objects.for_export()))
    assert row[7] == "2018"
    assert convention.reference == "CONV-2018-001"


@pytest.mark.django_db
def test_the_partner_page_writes_the_partial_signature_date(editor_client):
    partner = PartnerFactory()
    ConventionFactory(
        signed_on=D(2018, 3, 3), signed_on_precision="year", parties=[partner, PartnerFactory()]
    )
    content = page(editor_client.get(reverse("partners:partner_detail", args=[partner.slug])))
    assert "<td>2018</td>" in content
