"""The yearly financial conventions (conventions d'application) of a framework agreement: their
link to it, the section of its page and its PDF, the list filter and the action that prepares
one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import EDITOR
from conventions.enums import ConventionKind, PartyRole
from conventions.models import Convention
from conventions.pdf import summary_html
from tests.factories import ConventionFactory, role_user
from tests.lists import listed
from tests.test_convention_form import form_data, page
from tests.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


@pytest.fixture
def framework(unml, amf):
    return ConventionFactory(
        title="Accord-cadre UNML et AMF",
        kind=ConventionKind.FRAMEWORK_AGREEMENT,
        parties=[unml, amf],
    )


def financial(framework, year, amount=None, **fields):
    return ConventionFactory(
        title=f"Convention financière {year}",
        kind=ConventionKind.FINANCIAL,
        framework=framework,
        financial_year=year,
        amount=amount,
        signed_on=D(year, 1, 15),
        duration_months=12,
        **fields,
    )


@pytest.fixture
def funded(framework):
    financial(framework, 2022, Decimal("900000"))
    financial(framework, 2021, Decimal("850000"))
    return framework


def section(content: str) -> str:
    start = content.index('id="conventions-application"')
    return content[start : content.index("</section>", start)]


# The link, constrained in the database -------------------------------------------------------


def test_a_financial_convention_names_its_framework_and_its_year(framework):
    yearly = financial(framework, 2021)
    assert list(framework.financial_conventions.all()) == [yearly]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"financial_year": 2021}, "framework", "convention cadre"),
        ({"framework": "self"}, "financial_year", "année"),
        (
            {"framework": "self", "financial_year": 2021, "kind": "partnership"},
            "kind",
            "financière",
        ),
    ],
)
def test_a_financial_convention_needs_its_framework_its_year_and_its_kind(
    framework, fields, field, message
):
    fields = {k: framework if v == "self" else v for k, v in fields.items()}
    convention = Convention(
        title="Convention financière",
        kind=fields.pop("kind", ConventionKind.FINANCIAL),
        **fields,
    )
    with pytest.raises(ValidationError) as raised:
        convention.full_clean(exclude=["reference"])
    assert message in " ".join(raised.value.error_dict[field][0].messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.create(title="Convention financière", kind=convention.kind, **fields)


def test_a_framework_has_one_financial_convention_a_year(framework):
    financial(framework, 2021)
    duplicate = Convention(
        title="Autre", kind=ConventionKind.FINANCIAL, framework=framework, financial_year=2021
    )
    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean(exclude=["reference"])
    assert "déjà une convention financière pour cette année" in " ".join(raised.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_convention_is_not_its_own_framework(framework):
    framework.kind = ConventionKind.FINANCIAL
    framework.framework = framework
    framework.financial_year = 2021
    with pytest.raises(ValidationError):
        framework.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        framework.save()


def test_a_financial_convention_does_not_frame_others(framework):
    yearly = financial(framework, 2021)
    nested = Convention(
        title="Imbriquée", kind=ConventionKind.FINANCIAL, framework=yearly, financial_year=2022
    )
    with pytest.raises(ValidationError) as raised:
        nested.full_clean(exclude=["reference"])
    assert "framework" in raised.value.error_dict


# The framework's page and PDF ----------------------------------------------------------------


def test_the_framework_page_lists_its_financial_conventions_by_year_with_the_total(
    reader_client, funded
):
    part = section(page(reader_client.get(detail_url(funded))))
    assert "Conventions d'application" in part
    first, second = funded.financial_conventions.order_by("financial_year")
    assert part.index("2021") < part.index("2022")
    assert f'href="{detail_url(first)}"' in part
    assert f'href="{detail_url(second)}"' in part
    assert "850\u00a0000\u00a0€" in part
    assert "900\u00a0000\u00a0€" in part
    assert "1\u00a0750\u00a0000\u00a0€" in part


def test_a_financial_convention_links_to_its_framework(reader_client, funded):
    yearly = funded.financial_conventions.get(financial_year=2021)
    content = page(reader_client.get(detail_url(yearly)))
    assert 'id="conventions-application"' not in content
    assert f'<a href="{detail_url(funded)}">Accord-cadre UNML et AMF</a>' in content
    assert "Exercice" in content


def test_a_convention_without_financial_conventions_has_no_such_section(reader_client, framework):
    assert 'id="conventions-application"' not in page(reader_client.get(detail_url(framework)))


def test_the_total_says_when_an_amount_is_unknown(reader_client, funded):
    financial(funded, 2023)
    part = section(page(reader_client.get(detail_url(funded))))
    assert "montant non renseigné" in part
    assert "1\u00a0750\u00a0000\u00a0€" in part


def page_queries(client, convention) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client.get(detail_url(convention)))
    return len(queries)


def test_page_queries_do_not_grow_with_financial_conventions(reader_client, unml, amf):
    few = ConventionFactory(title="Peu", parties=[unml, amf])
    many = ConventionFactory(title="Beaucoup", parties=[unml, amf])
    financial(few, 2021, Decimal("1"))
    for year in range(2010, 2025):
        financial(many, year, Decimal("2"))
    assert page_queries(reader_client, few) == page_queries(reader_client, many)


def test_the_pdf_lists_the_financial_conventions_and_their_total(funded):
    convention = Convention.objects.for_detail().get(pk=funded.pk)
    html = summary_html(convention)
    assert "Conventions d'application" in html
    assert "2021 — " in html
    assert "850\u00a0000\u00a0€" in html
    assert "1\u00a0750\u00a0000\u00a0€" in html


def test_the_pdf_file_reads_the_years_amounts_and_total(reader_client, funded):
    text = pdf_text(reader_client.get(reverse("conventions:convention_pdf", args=[funded.pk])))
    assert "Conventions d'application (2)" in text
    assert "2021 — 850 000 €" in text
    assert "2022 — 900 000 €" in text
    assert "Total : 1 750 000 €" in text


def test_a_financial_convention_pdf_names_its_framework(funded):
    yearly = funded.financial_conventions.get(financial_year=2022)
    html = summary_html(Convention.objects.for_detail().get(pk=yearly.pk))
    assert "Accord-cadre UNML et AMF" in html
    assert "exercice 2022" in html


# The list -----------------------------------------------------------------------------------


def test_the_list_filters_frameworks_with_financial_conventions(reader_client, funded, amf):
    ConventionFactory(title="Sans convention d'application", parties=[amf])
    response = reader_client.get(
        reverse("conventions:convention_list"), {"conventions_application": "1"}
    )
    assert response.status_code == 200
    assert [c.pk for c in listed(response)] == [funded.pk]


def test_the_list_filters_the_financial_conventions_of_a_framework(reader_client, funded):
    financial(ConventionFactory(title="Autre cadre"), 2021)
    response = reader_client.get(
        reverse("conventions:convention_list"), {"application_de": funded.pk}
    )
    assert {c.pk for c in listed(response)} == set(
        funded.financial_conventions.values_list("pk", flat=True)
    )


# "Nouvelle convention financière" ----------------------------------------------------------


def new_financial_url(framework) -> str:
    return f"{reverse('conventions:convention_create')}?convention_cadre={framework.pk}"


def test_editor_is_offered_a_new_financial_convention_on_the_framework(client, funded):
    client.force_login(role_user("etienne.edition", EDITOR))
    content = page(client.get(detail_url(funded)))
    assert f'href="{new_financial_url(funded)}"' in content
    assert "Nouvelle convention financière" in content


def test_reader_is_not_offered_a_new_financial_convention(reader_client, funded):
    content = page(reader_client.get(detail_url(funded)))
    assert "Nouvelle convention financière" not in content


def test_a_financial_convention_is_not_offered_one_of_its_own(client, funded):
    client.force_login(role_user("etienne.edition", EDITOR))
    yearly = funded.financial_conventions.get(financial_year=2022)
    assert "Nouvelle convention financière" not in page(client.get(detail_url(yearly)))


def test_the_new_financial_convention_form_is_prefilled_from_the_framework(
    editor_client, funded, unml, amf
):
    response = editor_client.get(new_financial_url(funded))
    data = form_data(response)
    assert data["kind"] == ConventionKind.FINANCIAL
    assert data["framework"] == str(funded.pk)
    assert data["financial_year"] == "2023"  # the year after the latest one
    assert "convention financière 2023" in data["title"]
    assert data["parties-TOTAL_FORMS"] == "2"
    assert [data["parties-0-partner"], data["parties-1-partner"]] == [str(unml.pk), str(amf.pk)]

    content = page(response)
    cancel = content[: content.index('">Annuler</a>')]
    assert cancel.endswith(f'href="{detail_url(funded)}')

    data["amount"] = "950000"
    response = editor_client.post(new_financial_url(funded), data)
    assert response.status_code == 302, response.context["errors"]
    created = funded.financial_conventions.get(financial_year=2023)
    assert created.kind == ConventionKind.FINANCIAL
    assert created.amount == Decimal("950000")
    assert [p.partner for p in created.parties.order_by("position")] == [unml, amf]
    assert created.parties.get(partner=unml).role == PartyRole.PARTNER
    assert created.history.get().history_user is not None


def test_the_new_financial_convention_form_ignores_an_unknown_framework(editor_client):
    response = editor_client.get(f"{reverse('conventions:convention_create')}?convention_cadre=x")
    assert response.status_code == 200
    assert form_data(response)["framework"] == ""


def test_reader_cannot_open_the_new_financial_convention_form(reader_client, funded):
    assert reader_client.get(new_financial_url(funded)).status_code == 403


def test_the_admin_edits_the_framework_and_the_year(admin_client, funded):
    yearly = funded.financial_conventions.get(financial_year=2021)
    url = reverse("admin:conventions_convention_change", args=[yearly.pk])
    content = page(admin_client.get(url))
    assert 'name="framework"' in content
    assert 'name="financial_year" value="2021"' in content


def test_the_edit_form_keeps_the_link_and_refuses_a_year_taken(editor_client, funded):
    yearly = funded.financial_conventions.get(financial_year=2021)
    url = reverse("conventions:convention_update", args=[yearly.pk])
    data = form_data(editor_client.get(url))
    assert data["framework"] == str(funded.pk)
    data["financial_year"] = "2022"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "déjà une convention financière pour cette année" in page(response)
