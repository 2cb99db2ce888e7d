import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conventions.enums import Status
from conventions.models import Axis, Convention
from conventions.models.convention import STATUS_DATES, status_from_dates
from tests.factories import AmendmentFactory, AxisFactory, ConventionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def db_status(convention, day):
    return Convention.objects.with_status(on=day).get(pk=convention.pk).db_status


def db_notice_deadline(convention):
    return Convention.objects.with_notice_deadline().get(pk=convention.pk).db_notice_deadline


def assert_status(convention, day, expected):
    """The database annotation and the Python property agree, and say `expected`."""
    assert convention.status_on(day) == expected
    assert db_status(convention, day) == expected
    assert Convention.objects.in_status(expected, on=day).filter(pk=convention.pk).exists()


# Derived dates -------------------------------------------------------------------------------


def test_end_date_is_derived_from_duration():
    convention = ConventionFactory(signed_on=D(2024, 5, 29), duration_months=36)
    assert convention.effective_on == D(2024, 5, 29)
    assert convention.end_on == D(2027, 5, 28)
    assert convention.duration_label == "3 ans"


def test_end_date_is_the_end_of_an_explicit_period():
    convention = ConventionFactory(
        signed_on=D(2023, 7, 18),
        effective_on=D(2023, 1, 1),
        duration_months=None,
        period_end=D(2025, 12, 31),
    )
    assert convention.end_on == D(2025, 12, 31)
    assert convention.duration_label == "2023–2025"


def test_open_ended_convention_has_no_end_date():
    convention = ConventionFactory(duration_months=None)
    assert convention.end_on is None
    assert convention.notice_deadline is None
    assert db_notice_deadline(convention) is None


def test_latest_amendment_moves_the_end_date_and_deleting_it_restores_it():
    convention = ConventionFactory(signed_on=D(2024, 1, 1), duration_months=12)
    assert convention.end_on == D(2024, 12, 31)
    first = AmendmentFactory(convention=convention, new_end_on=D(2025, 6, 30))
    AmendmentFactory(convention=convention, new_end_on=None)
    convention.refresh_from_db()
    assert convention.end_on == D(2025, 6, 30)
    assert list(convention.amendments.values_list("number", flat=True)) == [1, 2]
    first.delete()
    convention.refresh_from_db()
    assert convention.end_on == D(2024, 12, 31)


@pytest.mark.parametrize(
    ("end_on", "notice", "deadline"),
    [
        (D(2027, 5, 28), 2, D(2027, 3, 28)),
        (D(2027, 5, 31), 3, D(2027, 2, 28)),  # clamped to the end of February
        (D(2028, 5, 31), 3, D(2028, 2, 29)),  # leap year
        (D(2027, 5, 28), 0, D(2027, 5, 28)),
    ],
)
def test_notice_deadline_is_end_date_minus_notice_in_python_and_database(end_on, notice, deadline):
    convention = ConventionFactory(
        effective_on=D(2024, 1, 1), duration_months=None, period_end=end_on, notice_months=notice
    )
    assert convention.notice_deadline == deadline
    assert db_notice_deadline(convention) == deadline


@pytest.mark.parametrize(
    ("terminated_on", "end_on"),
    [
        (D(2025, 3, 1), D(2025, 2, 28)),  # before the term: the eve of its effect
        (D(2027, 1, 1), D(2026, 12, 31)),  # the day after the term: the term
        (D(2028, 6, 1), D(2026, 12, 31)),  # after the term: the term
    ],
)
def test_a_termination_ends_the_convention_the_day_before_it_takes_effect(terminated_on, end_on):
    convention = ConventionFactory(signed_on=D(2024, 1, 1), terminated_on=terminated_on)
    convention.refresh_from_db()
    assert convention.term_end_on == D(2026, 12, 31)
    assert convention.end_on == end_on


def test_a_termination_ends_an_open_ended_convention():
    convention = ConventionFactory(duration_months=None, terminated_on=D(2025, 3, 1))
    assert convention.term_end_on is None
    assert convention.end_on == D(2025, 2, 28)


def test_a_convention_terminated_on_its_effective_date_is_saved():
    convention = ConventionFactory(
        signed_on=D(2024, 5, 29), effective_on=D(2024, 7, 1), terminated_on=D(2024, 7, 1)
    )
    assert convention.end_on == D(2024, 6, 30)
    assert_status(convention, D(2024, 7, 1), Status.TERMINATED)


def test_amendment_moves_the_term_and_a_termination_still_ends_it():
    convention = ConventionFactory(signed_on=D(2024, 1, 1), terminated_on=D(2025, 3, 1))
    AmendmentFactory(convention=convention, new_end_on=D(2027, 6, 30))
    convention.refresh_from_db()
    assert convention.term_end_on == D(2027, 6, 30)
    assert convention.end_on == D(2025, 2, 28)


@pytest.mark.parametrize(
    ("termination", "deadline"),
    [
        ({}, D(2026, 10, 31)),
        # Notice sent, the termination not yet in effect: nothing left to give.
        ({"termination_notice_sent_on": D(2025, 1, 1), "terminated_on": D(2025, 3, 1)}, None),
        ({"terminated_on": D(2025, 3, 1)}, None),
    ],
)
def test_no_notice_deadline_once_notice_is_given_in_python_and_database(termination, deadline):
    convention = ConventionFactory(signed_on=D(2024, 1, 1), notice_months=2, **termination)
    assert convention.notice_deadline == deadline
    assert db_notice_deadline(convention) == deadline


@pytest.mark.embedded
def test_notice_deadline_annotation_works_on_the_embedded_database():
    convention = ConventionFactory(
        effective_on=D(2024, 1, 1), duration_months=None, period_end=D(2028, 5, 31), notice_months=3
    )
    assert db_notice_deadline(convention) == D(2028, 2, 29) == convention.notice_deadline


# Status at every boundary ------------------------------------------------------------------


def test_unsigned_convention_is_a_draft():
    convention = ConventionFactory(signed_on=None)
    assert_status(convention, D(2024, 1, 1), Status.DRAFT)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 5, 29), Status.SIGNED),
        (D(2024, 6, 30), Status.SIGNED),
        (D(2024, 7, 1), Status.IN_FORCE),
        (D(2024, 7, 2), Status.IN_FORCE),
        (D(2025, 6, 29), Status.IN_FORCE),
        (D(2025, 6, 30), Status.IN_FORCE),
        (D(2025, 7, 1), Status.EXPIRED),
    ],
)
def test_status_follows_effective_and_end_dates(day, expected):
    convention = ConventionFactory(
        signed_on=D(2024, 5, 29), effective_on=D(2024, 7, 1), duration_months=12
    )
    assert convention.end_on == D(2025, 6, 30)
    assert_status(convention, day, expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 9, 30), Status.IN_FORCE),
        (D(2024, 10, 1), Status.TERMINATED),
        (D(2024, 10, 2), Status.TERMINATED),
        (D(2030, 1, 1), Status.TERMINATED),
    ],
)
def test_termination_takes_effect_on_its_date(day, expected):
    convention = ConventionFactory(signed_on=D(2024, 1, 1), terminated_on=D(2024, 10, 1))
    assert_status(convention, day, expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 6, 30), Status.SIGNED),
        (D(2024, 7, 1), Status.IN_FORCE_OPEN_ENDED),
        (D(2040, 1, 1), Status.IN_FORCE_OPEN_ENDED),
    ],
)
def test_a_convention_without_end_date_is_in_force_for_an_unspecified_term(day, expected):
    convention = ConventionFactory(
        signed_on=D(2024, 5, 29), effective_on=D(2024, 7, 1), duration_months=None
    )
    assert convention.end_on is None
    assert_status(convention, day, expected)
    assert Status.IN_FORCE_OPEN_ENDED.label == "En vigueur, durée non précisée"


def test_status_in_python_and_database_agree_on_every_combination_of_dates():
    day = D(2025, 1, 1)
    around = (day - ONE_DAY, day, day + ONE_DAY)
    rows, expected = [], {}
    for signed_on in (None, D(2024, 1, 1)):
        for effective_on in around if signed_on else (None, *around):
            for end_on in (None, *around):
                for terminated_on in (None, *around) if signed_on else (None,):
                    if end_on and effective_on and end_on < effective_on and not terminated_on:
                        continue  # refused by the database (convention_end_after_start)
                    reference = f"T-{len(rows)}"
                    dates = (signed_on, effective_on, end_on, terminated_on)
                    expected[reference] = status_from_dates(day, *dates)
                    rows.append(
                        Convention(
                            reference=reference,
                            title=reference,
                            kind="partnership",
                            **dict(zip(STATUS_DATES, dates, strict=True)),
                        )
                    )
    Convention.objects.bulk_create(rows)  # the dates as given: save() would derive end_on
    assert set(expected.values()) == set(Status)
    annotated = dict(Convention.objects.with_status(on=day).values_list("reference", "db_status"))
    assert annotated == expected
    for status in Status:
        filtered = set(
            Convention.objects.in_status(status, on=day).values_list("reference", flat=True)
        )
        assert filtered == {ref for ref, value in expected.items() if value == status}, status


def test_a_convention_without_end_date_still_runs_for_reviews_and_declinations():
    day = D(2025, 6, 1)
    convention = ConventionFactory(
        signed_on=D(2024, 1, 1),
        duration_months=None,
        review_every_months=6,
        declination_deadline=D(2025, 3, 1),
    )
    assert convention.status_on(day) == Status.IN_FORCE_OPEN_ENDED
    assert list(Convention.objects.reviews_due(on=day)) == [convention]
    assert convention.review_schedule(on=day).is_overdue
    assert list(Convention.objects.declinations_overdue(on=day)) == [convention]
    assert convention.declinations_overdue_on(day)


@pytest.mark.embedded
def test_status_annotation_counts_conventions_per_status():
    day = D(2025, 1, 1)
    ConventionFactory(signed_on=None)
    ConventionFactory(signed_on=D(2024, 1, 1), duration_months=36)
    ConventionFactory(signed_on=D(2024, 1, 1), duration_months=36)
    ConventionFactory(signed_on=D(2020, 1, 1), duration_months=12)
    ConventionFactory(signed_on=D(2024, 12, 1), effective_on=D(2025, 3, 1))
    ConventionFactory(signed_on=D(2024, 1, 1), terminated_on=D(2024, 6, 1))
    ConventionFactory(signed_on=D(2024, 1, 1), duration_months=None)
    counts = {
        status: Convention.objects.in_status(status, on=day).count() for status in Status.values
    }
    assert counts == {
        "draft": 1,
        "signed": 1,
        "in_force": 2,
        "in_force_open_ended": 1,
        "expired": 1,
        "terminated": 1,
    }
    for convention in Convention.objects.with_status(on=day):
        assert convention.db_status == convention.status_on(day)


def test_status_property_uses_today(monkeypatch):
    convention = ConventionFactory(signed_on=D(2024, 1, 1), duration_months=12)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: D(2024, 12, 31))
    assert convention.status == Status.IN_FORCE
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: D(2025, 1, 1))
    assert convention.status == Status.EXPIRED
    assert Convention.objects.with_status().get().db_status == Status.EXPIRED


# References ----------------------------------------------------------------------------------


def test_reference_is_generated_from_the_signature_year():
    first = ConventionFactory(signed_on=D(2024, 5, 29))
    second = ConventionFactory(signed_on=D(2024, 6, 1))
    other_year = ConventionFactory(signed_on=D(2010, 1, 26))
    assert (first.reference, second.reference) == ("CONV-2024-001", "CONV-2024-002")
    assert other_year.reference == "CONV-2010-001"
    second.title = "Nouvel intitulé"
    second.save()
    assert second.reference == "CONV-2024-002"


# Invariants: French messages from full_clean, and the database refuses them too --------------


def validation_messages(instance):
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return [m for messages in excinfo.value.message_dict.values() for m in messages]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"duration_months": 0}, "La durée doit être d'au moins un mois."),
        (
            {"duration_months": 12, "period_end": D(2025, 12, 31)},
            "Indiquez une durée ou une fin de période, pas les deux.",
        ),
        (
            {"duration_months": None, "period_end": D(2023, 12, 31)},
            "La fin de période ne peut pas précéder la date d'effet.",
        ),
        (
            {
                "signed_on": None,
                "effective_on": None,
                "duration_months": None,
                "period_end": D(2025, 1, 1),
            },
            "Une période doit avoir une date de début (date d'effet).",
        ),
        (
            {"signed_on": None, "terminated_on": D(2024, 3, 1)},
            "Une convention ne peut être résiliée qu'après sa signature.",
        ),
        (
            {"terminated_on": D(2023, 3, 1)},
            "Une convention ne peut être résiliée qu'après sa signature.",
        ),
        ({"amount": -1}, "Le montant ne peut pas être négatif."),
    ],
)
def test_invalid_convention_is_refused_with_a_french_message(fields, message):
    convention = ConventionFactory.build(
        **{"signed_on": D(2024, 1, 1), "effective_on": D(2024, 1, 1), **fields}
    )
    assert message in validation_messages(convention)


@pytest.mark.parametrize(
    "fields",
    [
        {"duration_months": 0},
        {"duration_months": 12, "period_end": D(2025, 12, 31)},
        {"duration_months": None, "period_end": D(2023, 12, 31)},
        {"signed_on": None, "terminated_on": D(2024, 3, 1)},
        {"amount": -1},
    ],
)
def test_database_refuses_what_validation_refuses(fields):
    convention = ConventionFactory.build(
        **{"signed_on": D(2024, 1, 1), "effective_on": D(2024, 1, 1), **fields}
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        convention.save()


def test_convention_cannot_be_its_own_parent_or_predecessor():
    convention = ConventionFactory()
    convention.parent = convention
    convention.predecessor = convention
    messages = validation_messages(convention)
    assert "Une convention ne peut pas être sa propre convention nationale." in messages
    assert "Une convention ne peut pas se renouveler elle-même." in messages
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(parent=convention)


def test_axis_numbers_are_unique_within_a_convention():
    axis = AxisFactory(number=1)
    duplicate = Axis(convention=axis.convention, number=1, title="Doublon")
    assert (
        "Deux axes d'une même convention ne peuvent pas porter le même numéro."
        in validation_messages(duplicate)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    AxisFactory(number=1)  # the same number in another convention is fine


def test_axis_numbers_start_at_one():
    axis = Axis(convention=ConventionFactory(), number=0, title="Axe zéro")
    assert "Les axes sont numérotés à partir de 1." in validation_messages(axis)


def test_signed_convention_needs_two_parties():
    convention = ConventionFactory.build(signed_on=D(2024, 1, 1))
    with pytest.raises(ValidationError, match="au moins deux parties"):
        convention.validate_party_count(1)
    convention.validate_party_count(2)
    ConventionFactory.build(signed_on=None).validate_party_count(1)  # a draft may have one


def test_every_write_is_recorded_in_the_history():
    convention = ConventionFactory(title="Première version")
    convention.title = "Deuxième version"
    convention.save()
    assert [h.title for h in convention.history.all()] == ["Deuxième version", "Première version"]
    assert convention.parties.first().history.count() == 1


def test_axes_without_a_number_are_numbered_after_the_last_one():
    convention = ConventionFactory()
    Axis.objects.create(convention=convention, number=3, title="Troisième")
    added = Axis.objects.create(convention=convention, title="Suivant")
    assert added.number == 4
    assert Axis.objects.create(convention=ConventionFactory(), title="Premier").number == 1
