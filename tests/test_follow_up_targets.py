"""Quantified targets: the value reached each year next to the target, on the page and in the PDF,
entered by editors (issue: follow-up of targets)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conventions.models import TargetResult
from conventions.views import follow_up
from tests.factories import ConventionFactory, TargetFactory
from tests.test_convention_form import page
from tests.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def target(db):
    """150 000 young people followed, under a convention in force since 1 January 2024."""
    convention = ConventionFactory(title="Accord-cadre Emploi des jeunes")
    return TargetFactory(convention=convention, label="jeunes suivis", value=150000, unit="jeunes")


def results_url(target) -> str:
    return reverse("conventions:target_results", args=[target.convention_id, target.pk])


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def formset_data(*rows: dict, initial: int = 0) -> dict:
    """What the page posts: `rows` in order, the first `initial` of them already saved."""
    data = {
        "resultats-TOTAL_FORMS": str(len(rows)),
        "resultats-INITIAL_FORMS": str(initial),
        "resultats-MIN_NUM_FORMS": "0",
        "resultats-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        values = {"year": "", "value": "", "note": ""} | row
        data |= {f"resultats-{index}-{name}": value for name, value in values.items()}
    return data


def field_error(content: str, name: str) -> str:
    start = content.index(f'id="id_resultats-{name}_error"')
    return content[content.index(">", start) + 1 : content.index("</div>", start)]


# The share of the target reached ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target_value", "reached", "share"),
    [
        (150000, 162000, 108),
        (150000, 75000, 50),
        (3, 2, 67),  # rounded to the nearest whole percent
        (200, 1, 1),  # 0.5 % rounds half up
        (0, 10, None),  # no share of a zero target
    ],
)
def test_share_of_target_is_a_whole_percentage(target_value, reached, share):
    target = TargetFactory(value=target_value)
    result = TargetResult.objects.create(target=target, year=2024, value=reached)
    assert result.share_of_target == share


def test_page_shows_each_year_reached_with_its_share(reader_client, target):
    TargetResult.objects.create(target=target, year=2025, value=162000, note="Chiffres provisoires")
    TargetResult.objects.create(target=target, year=2024, value=Decimal("140500.50"))
    content = page(reader_client.get(detail_url(target.convention)))
    row = content[content.index(f'id="objectif-{target.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "2024 : 140\xa0500,50 jeunes" in row
    assert "(94&nbsp;%" in row
    assert "2025 : 162\xa0000 jeunes" in row
    assert "(108&nbsp;%" in row
    assert row.index("2024 :") < row.index("2025 :")
    assert "Chiffres provisoires" in row
    assert results_url(target) not in content


def test_page_says_when_no_value_was_entered(editor_client, target):
    content = page(editor_client.get(detail_url(target.convention)))
    row = content[content.index(f'id="objectif-{target.pk}"') :]
    assert "Aucune valeur saisie" in row[: row.index("</tr>")]
    assert f'href="{results_url(target)}"' in row


def test_pdf_lists_each_year_with_its_share(reader_client, target):
    TargetResult.objects.create(target=target, year=2024, value=162000)
    TargetResult.objects.create(target=target, year=2025, value=120000)
    url = reverse("conventions:convention_pdf", args=[target.convention_id])
    text = pdf_text(reader_client.get(url))
    assert "Valeurs atteintes (part de l'objectif)" in text
    assert "2024 : 162 000 jeunes (108 %)" in text
    assert "2025 : 120 000 jeunes (80 %)" in text


# Entering the values ------------------------------------------------------------------------------


def test_editor_enters_the_values_of_two_years(editor_client, editor, target):
    content = page(editor_client.get(results_url(target)))
    assert "Objectif : <strong>150\xa0000 jeunes</strong> en 2025" in content
    assert "Valeur atteinte (jeunes)" in content

    data = formset_data(
        {"year": "2024", "value": "140000"},
        {"year": "2025", "value": "162000.5", "note": "Provisoire"},
    )
    response = editor_client.post(results_url(target), data)

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(target.convention)}#objectif-{target.pk}"
    results = list(target.results.order_by("year").values_list("year", "value", "note"))
    assert results == [(2024, Decimal("140000"), ""), (2025, Decimal("162000.50"), "Provisoire")]
    for result in target.results.all():
        record = result.history.get()
        assert (record.history_type, record.history_user) == ("+", editor)
    content = page(editor_client.get(response["Location"]))
    assert "Les valeurs atteintes de « jeunes suivis » sont enregistrées." in content


def test_editor_changes_and_removes_a_year(editor_client, editor, target):
    kept = TargetResult.objects.create(target=target, year=2024, value=100)
    removed = TargetResult.objects.create(target=target, year=2025, value=200)
    content = page(editor_client.get(results_url(target)))
    assert "Supprimer l&#x27;année 2025" in content
    assert 'name="resultats-0-value" value="100"' in content  # not "100.00"

    data = formset_data(
        {"id": str(kept.pk), "year": "2024", "value": "150"},
        {"id": str(removed.pk), "year": "2025", "value": "200", "DELETE": "on"},
        {},  # the empty row offered for a new year
        initial=2,
    )
    response = editor_client.post(results_url(target), data)

    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.value == 150
    assert not TargetResult.objects.filter(pk=removed.pk).exists()
    assert (kept.history.latest().history_type, kept.history.latest().history_user) == ("~", editor)
    deletion = TargetResult.history.filter(id=removed.pk).latest()
    assert (deletion.history_type, deletion.history_user) == ("-", editor)


def test_a_year_removed_and_entered_again_is_not_a_duplicate(editor_client, target):
    old = TargetResult.objects.create(target=target, year=2024, value=100)
    data = formset_data(
        {"id": str(old.pk), "year": "2024", "value": "100", "DELETE": "on"},
        {"year": "2024", "value": "120"},
        initial=1,
    )
    response = editor_client.post(results_url(target), data)
    assert response.status_code == 302
    assert list(target.results.values_list("year", "value")) == [(2024, Decimal("120"))]


def test_the_same_year_twice_is_refused_next_to_the_second(editor_client, target):
    data = formset_data({"year": "2024", "value": "1"}, {"year": "2024", "value": "2"})
    content = page(editor_client.post(results_url(target), data))
    assert "Les valeurs n'ont pas été enregistrées" in content
    assert field_error(content, "1-year") == (
        "Une valeur est déjà saisie pour 2024 : modifiez plutôt cette ligne."
    )
    assert 'id="id_resultats-0-year_error"' not in content
    assert not target.results.exists()


def test_a_year_already_saved_cannot_be_entered_again(editor_client, target):
    saved = TargetResult.objects.create(target=target, year=2024, value=100)
    data = formset_data(
        {"id": str(saved.pk), "year": "2024", "value": "100"},
        {"year": "2024", "value": "5"},
        initial=1,
    )
    content = page(editor_client.post(results_url(target), data))
    assert field_error(content, "1-year") == (
        "Une valeur est déjà saisie pour 2024 : modifiez plutôt cette ligne."
    )
    assert list(target.results.values_list("value", flat=True)) == [Decimal("100")]


def test_a_negative_value_is_refused(editor_client, target):
    content = page(
        editor_client.post(results_url(target), formset_data({"year": "2024", "value": "-5"}))
    )
    assert field_error(content, "0-value") == "Une valeur atteinte ne peut pas être négative."
    assert not target.results.exists()


@pytest.mark.parametrize("year", ["2023", str(THIS_YEAR + 1), "1850"])
def test_a_year_out_of_the_convention_or_in_the_future_is_refused(editor_client, target, year):
    content = page(
        editor_client.post(results_url(target), formset_data({"year": year, "value": "5"}))
    )
    assert field_error(content, "0-year") == (
        f"Indiquez une année entre 2024 et {THIS_YEAR} : de la prise d&#x27;effet de la "
        "convention à l&#x27;année en cours."
    )
    assert not target.results.exists()


def test_a_convention_taking_effect_later_takes_no_value_yet(editor_client):
    convention = ConventionFactory(signed_on=datetime.date(THIS_YEAR + 1, 1, 1))
    target = TargetFactory(convention=convention)
    data = formset_data({"year": str(THIS_YEAR), "value": "5"})
    content = page(editor_client.post(results_url(target), data))
    assert field_error(content, "0-year") == (
        f"La convention prend effet en {THIS_YEAR + 1} : aucune valeur ne peut encore être saisie."
    )


def test_missing_value_is_named_in_french(editor_client, target):
    content = page(editor_client.post(results_url(target), formset_data({"year": "2024"})))
    assert field_error(content, "0-value") == "Ce champ est obligatoire."


def test_a_year_taken_meanwhile_saves_nothing_and_says_so(editor_client, target, monkeypatch):
    def taken_meanwhile(**kwargs):
        raise IntegrityError("target_result_unique_year")

    monkeypatch.setattr(follow_up, "target_results_save", taken_meanwhile)
    response = editor_client.post(results_url(target), formset_data({"year": "2024", "value": "5"}))
    content = page(response)
    assert response.status_code == 200
    assert "Une valeur vient d&#x27;être enregistrée pour l&#x27;une de ces années" in content
    assert 'value="2024"' in content


def test_a_target_of_another_convention_is_not_found(editor_client, target):
    url = reverse("conventions:target_results", args=[ConventionFactory().pk, target.pk])
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, formset_data({"year": "2024", "value": "5"})).status_code == 404
    assert not target.results.exists()


def test_reader_cannot_enter_values(reader_client, target):
    assert reader_client.get(results_url(target)).status_code == 403
    response = reader_client.post(results_url(target), formset_data({"year": "2024", "value": "5"}))
    assert response.status_code == 403
    assert not target.results.exists()


def test_anonymous_is_sent_to_sign_in(client, target):
    response = client.post(results_url(target), formset_data({"year": "2024", "value": "5"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not target.results.exists()


def test_results_page_queries_do_not_grow_with_years(editor_client):
    def queries(years: int) -> int:
        target = TargetFactory()
        for year in range(2024, 2024 + years):
            TargetResult.objects.create(target=target, year=year, value=year)
        with CaptureQueriesContext(connection) as captured:
            page(editor_client.get(results_url(target)))
        return len(captured)

    assert queries(1) == queries(3)
