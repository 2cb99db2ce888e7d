"""Random criteria through the conventions list, its exports and the partners list
(tests/fuzzing.py says what is drawn and checked).

Whatever the query string: never a crash; criteria the list cannot read are named on the page,
in French, with no convention listed; the exports send such criteria back to the list, which
explains them; nothing is ever written.
"""

import datetime
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conventions.enums import ConventionKind, DeclinationProgress, Scope, Status
from conventions.filters import NO_REGION, SORTS
from conventions.models import Convention
from conventions.views.browse import filtered_conventions
from partners.enums import PartnerKind
from partners.filters import PartnerFilter
from partners.models import Partner
from partners.regions import REGION_KINDS
from tests.factories import (
    AudienceFactory,
    ConventionFactory,
    PartnerFactory,
    TerritoryFactory,
    ThemeFactory,
)
from tests.fuzzing import (
    ENGLISH,
    NUL_MESSAGE,
    as_submitted,
    assert_refused,
    assert_storable,
    assert_unchanged,
    content_of,
    example,
    examples,
    fuzz_client,
    values,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("conventions:convention_list")


@pytest.fixture
def world(unml, amf, convention):
    """Conventions whose texts hold what the forms accept: control characters, emoji, markup,
    right-to-left marks, a title at its longest; a national one with a declination."""
    region = TerritoryFactory(name="Hauts-de-France", kind=REGION_KINDS[0])
    ThemeFactory(name="Numérique"), AudienceFactory(name="Jeunes 16-25 ans")
    mission_locale = PartnerFactory(
        name="Mission Locale \x0b de Lens 😀", kind=PartnerKind.MISSION_LOCALE, territory=region
    )
    ConventionFactory(
        title="Déclinaison <b>locale</b> \x01\x1f ‮ مرحبا",
        scope=Scope.LOCAL,
        signed_on=None,
        duration_months=None,
        parent=convention,
        parties=[mission_locale, amf],
        summary="\x0c" * 3 + "é" * 2000,
    )
    ConventionFactory(title="T" * 255, signed_on=datetime.date(1900, 1, 1), parties=[unml, amf])
    convention.declination_deadline = datetime.date(2024, 6, 1)
    convention.save()
    return convention


@pytest.fixture
def signed_in(editor):
    return fuzz_client(editor)


@st.composite
def criteria(draw, world) -> dict:
    """Some of the list's parameters, each a value it offers or anything at all."""
    offered = {
        "q": st.sampled_from(
            ["amf", "déclinaison", "mission locale", "été 2024", '"a b" -c or d', "a & | ! :* <->"]
        ),
        "partenaire": st.sampled_from(["amf", "unml", "mission-locale-de-lens"]),
        "type": st.sampled_from(ConventionKind.values),
        "statut": st.sampled_from(Status.values),
        "portee": st.sampled_from(Scope.values),
        "territoire": st.just("hauts-de-france"),
        "thematique": st.just("numerique"),
        "public": st.just("jeunes-16-25-ans"),
        "signee_de": st.integers(min_value=1900, max_value=2100).map(str),
        "signee_a": st.integers(min_value=1900, max_value=2100).map(str),
        "fin_dans": st.integers(min_value=1, max_value=120).map(str),
        "preavis_dans": st.integers(min_value=1, max_value=120).map(str),
        "bilan_du": st.just("1"),
        "declinaison_en_retard": st.just("1"),
        "declinaison_de": st.just(str(world.pk)),
        "region_declinaison": st.sampled_from(["hauts-de-france", NO_REGION]),
        "avancement": st.sampled_from(DeclinationProgress.values),
        "tri": st.sampled_from(list(SORTS)),
        "page": st.sampled_from(["1", "2", "-1", "last", "999999"]),
    }
    names = draw(st.lists(st.sampled_from(sorted(offered)), max_size=5, unique=True))
    params = {}
    for name in names:
        params[name] = draw(st.one_of(offered[name], values))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        params[draw(st.text(max_size=10))] = draw(values)
    return params


def assert_listed(response, before) -> None:
    """The list answers: criteria it cannot read are explained, and then nothing is listed."""
    form = response.context["form"]
    if form.errors:
        assert_refused(response, before)
        assert not response.context["convention_ids"]
        return
    event("listed")
    assert response.status_code == 200
    content_of(response)
    assert_unchanged(before)


@settings(max_examples=examples(40))
@given(st.data())
def test_fuzz_convention_list(signed_in, world, data):
    params = data.draw(criteria(world))
    with example(signed_in) as before:
        assert_listed(signed_in.get(LIST_URL, params), before)


@settings(max_examples=examples(20))
@given(st.data())
def test_fuzz_convention_exports(signed_in, world, data):
    params = data.draw(criteria(world))
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]))
    with example(signed_in) as before:
        response = signed_in.get(reverse("conventions:convention_export", args=[fmt]), params)
        if response.status_code == 302:
            # Criteria it cannot read: the list with the same criteria explains them.
            assert response["Location"].startswith(f"{LIST_URL}?")
            assert_listed(signed_in.get(response["Location"]), before)
            return
        if response["Content-Type"].startswith("text/html"):
            # The same, in place: the criteria are too long for a redirect.
            assert_listed(response, before)
            assert response.context["form"].errors
            return
        event("exported")
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "text/csv" if fmt == "csv" else "application/vnd.openxmlformats"
        )
        assert_unchanged(before)


@settings(max_examples=examples(3))
@given(st.data())
def test_fuzz_selection_dossier(signed_in, world, data):
    params = data.draw(criteria(world))
    with example(signed_in) as before:
        response = signed_in.get(reverse("conventions:selection_pdf"), params)
        if response.status_code == 302 and response["Location"].startswith(f"{LIST_URL}?"):
            assert_listed(signed_in.get(response["Location"]), before)
            return
        if response["Content-Type"].startswith("text/html"):
            assert_listed(response, before)
            assert response.context["form"].errors
            return
        event("dossier")
        assert response.status_code in (200, 302)
        assert_unchanged(before)


@settings(max_examples=examples(40))
@given(st.data())
def test_fuzz_partner_list(signed_in, world, data):
    offered = {
        "q": st.sampled_from(["amf", "mission", "lens", "😀"]),
        "kind": st.sampled_from(PartnerKind.values),
        "page": st.sampled_from(["1", "2", "0", "-1", "last", "999999"]),
    }
    names = data.draw(st.lists(st.sampled_from(sorted(offered)), max_size=3, unique=True))
    params = {name: data.draw(st.one_of(offered[name], values)) for name in names}
    with example(signed_in) as before:
        response = signed_in.get(reverse("partners:partner_list"), params)
        assert response.status_code == 200, response.status_code
        filterset = response.context["filter"]
        if filterset.form.errors:
            # Criteria the list cannot read are left out (the other ones still apply).
            event("ignored")
            assert {"q", "kind"} >= set(filterset.form.errors)
        else:
            event("listed")
        content_of(response)
        assert_unchanged(before)


# The filters on their own: many more criteria, the query each one makes run ------------------


def check_filters(filterset) -> None:
    """Criteria refused in French, or a query the database runs."""
    messages = [message for errors in filterset.form.errors.values() for message in errors]
    for message in messages:
        assert not ENGLISH.search(message), message
    if filterset.is_bound and not filterset.is_valid():
        event("refused")
        assert messages
        return
    event("filtered")
    if filterset.is_bound:
        assert_storable(filterset.form.cleaned_data)
    list(filterset.qs[:5])


@settings(max_examples=examples(220))
@given(st.data())
def test_fuzz_convention_filters_alone(world, data):
    params = as_submitted(data.draw(criteria(world)))
    check_filters(
        filtered_conventions(RequestFactory().get("/", params), Convention.objects.for_list())
    )


@settings(max_examples=examples(200))
@given(st.data())
def test_fuzz_partner_filters_alone(world, data):
    offered = st.sampled_from(["amf", "mission", "lens", *PartnerKind.values])
    names = data.draw(st.lists(st.sampled_from(["q", "kind"]), max_size=2, unique=True))
    params = {name: data.draw(st.one_of(offered, values)) for name in names}
    check_filters(PartnerFilter(as_submitted(params), queryset=Partner.objects.all()))


# What the fuzz tests found, each fixed ----------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_declination_filter_that_is_not_an_id_is_explained(signed_in, value):
    """A digit Python reads but not as a number, or one of thousands of digits: a crash."""
    response = signed_in.get(LIST_URL, {"declinaison_de": value})
    assert response.status_code == 200
    assert response.context["form"].errors["declinaison_de"]
    assert "Sélectionnez un choix valide" in content_of(response)


@pytest.mark.parametrize("name", ["convention_export", "selection_pdf"])
def test_criteria_too_long_for_a_redirect_are_explained_in_place(signed_in, name):
    """The list explaining them was reached through a redirect, which Django refuses beyond
    16 384 characters: a "Bad Request (400)" page, in English."""
    url = reverse(f"conventions:{name}", args=["csv"] if name == "convention_export" else [])
    response = signed_in.get(url, {"fin_dans": "é" * 3000})
    assert response.status_code == 200
    assert response.context["form"].errors["fin_dans"] == ["Saisissez un nombre entier."]
    content_of(response)


def test_xlsx_export_leaves_out_the_control_characters_of_a_text(signed_in, convention):
    """A title holding a control character (the forms accept them) broke the XLSX export."""
    Convention.objects.filter(pk=convention.pk).update(title="Convention\x01 UNML\x0b et AMF")
    response = signed_in.get(reverse("conventions:convention_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Convention UNML et AMF" in titles


@pytest.mark.parametrize("number", ["999", "0", "dernière"])
def test_partner_list_page_out_of_range_shows_the_nearest_page(signed_in, unml, amf, number):
    response = signed_in.get(reverse("partners:partner_list"), {"page": number})
    assert response.status_code == 200
    assert response.context["partners"]


def test_partner_list_leaves_out_a_search_holding_a_nul_byte(signed_in, unml, amf):
    """The search is left out, the other criteria apply."""
    params = {"q": "amf\x00", "kind": PartnerKind.ASSOCIATION}
    response = signed_in.get(reverse("partners:partner_list"), params)
    assert response.context["filter"].form.errors["q"] == [NUL_MESSAGE]
    listed = Partner.objects.filter(kind=PartnerKind.ASSOCIATION)
    assert len(response.context["partners"]) == listed.count() > 1
    content_of(response)


@pytest.mark.parametrize("params", [{"q": "amf\x00"}, {"tri": "\x00"}, {"tri": "fin\x00"}])
def test_nul_byte_in_the_search_or_the_sort_is_explained_in_french(signed_in, params):
    response = signed_in.get(LIST_URL, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["convention_ids"]
    content_of(response)
