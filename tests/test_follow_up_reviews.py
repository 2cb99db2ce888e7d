"""Follow-up reviews (comité de suivi, bilan d'étape…): recorded from the convention page, and
when the next one is due (issue: follow-up of reviews)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from conventions.enums import ReviewKind
from conventions.models import Convention, Review
from conventions.models.review_schedule import first_day_period_elapsed
from tests.factories import ConventionFactory, ReviewFactory
from tests.test_convention_form import page

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ONE_DAY = datetime.timedelta(days=1)


def ago(**delta) -> datetime.date:
    return TODAY - relativedelta(**delta)


def french(day: datetime.date) -> str:
    with translation.override("fr"):
        return date_format(day, "j F Y")


@pytest.fixture
def convention(db):
    """In force for five years from two years ago, with a review every twelve months."""
    return ConventionFactory(
        title="Convention UNML et AMF",
        signed_on=ago(years=2),
        duration_months=60,
        review_every_months=12,
    )


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def create_url(convention) -> str:
    return reverse("conventions:review_create", args=[convention.pk])


def update_url(review) -> str:
    return reverse("conventions:review_update", args=[review.convention_id, review.pk])


def delete_url(review) -> str:
    return reverse("conventions:review_delete", args=[review.convention_id, review.pk])


def review_data(**fields) -> dict:
    return {
        "kind": ReviewKind.STEERING_COMMITTEE,
        "held_on": ago(days=1).isoformat(),
        "participants": "Stéphane Valli (UNML), Murielle Fabre (AMF)",
        "summary": "Bilan de la deuxième année : 12 rencontres départementales.",
        "decisions": "Étendre les rencontres aux Outre-mer.",
        "next_review_on": "",
    } | fields


def field_error(content: str, name: str) -> str:
    """The message shown under the field `name`."""
    start = content.index(f'id="id_{name}_error"')
    return content[content.index(">", start) + 1 : content.index("</div>", start)]


# One rule for an overdue review: the page agrees with the dashboard, list and reminders ---------


def boundary_conventions():
    """Conventions whose review falls due on a boundary: month ends, leap days, planned dates."""
    rows = {}
    # In force from 1 January 2024 to 31 December 2026 (the factory's default).
    rows["never reviewed"] = ConventionFactory(review_every_months=12)
    rows["monthly, 31 January"] = ConventionFactory(review_every_months=1)
    ReviewFactory(convention=rows["monthly, 31 January"], held_on=datetime.date(2025, 1, 31))
    rows["half-yearly, 31 August"] = ConventionFactory(review_every_months=6)
    ReviewFactory(convention=rows["half-yearly, 31 August"], held_on=datetime.date(2024, 8, 31))
    rows["yearly, leap day"] = ConventionFactory(review_every_months=12)
    ReviewFactory(convention=rows["yearly, leap day"], held_on=datetime.date(2024, 2, 29))
    rows["planned only"] = ConventionFactory()
    ReviewFactory(
        convention=rows["planned only"],
        held_on=datetime.date(2025, 1, 15),
        next_review_on=datetime.date(2025, 6, 30),
    )
    rows["planned before the period ends"] = ConventionFactory(review_every_months=12)
    ReviewFactory(
        convention=rows["planned before the period ends"],
        held_on=datetime.date(2025, 1, 15),
        next_review_on=datetime.date(2025, 3, 1),
    )
    # Two reviews the same day: the one recorded last counts (it planned nothing).
    rows["same day twice"] = ConventionFactory()
    ReviewFactory(
        convention=rows["same day twice"],
        held_on=datetime.date(2025, 1, 15),
        next_review_on=datetime.date(2025, 2, 1),
    )
    ReviewFactory(convention=rows["same day twice"], held_on=datetime.date(2025, 1, 15))
    rows["expired"] = ConventionFactory(review_every_months=12, signed_on=datetime.date(2020, 1, 1))
    rows["not yet in force"] = ConventionFactory(
        review_every_months=1, signed_on=datetime.date(2024, 1, 1)
    )
    Convention.objects.filter(pk=rows["not yet in force"].pk).update(
        effective_on=datetime.date(2025, 6, 1), end_on=datetime.date(2028, 5, 31)
    )
    rows["terminated"] = ConventionFactory(
        review_every_months=1, terminated_on=datetime.date(2025, 2, 1)
    )
    rows["ending"] = ConventionFactory(review_every_months=12, signed_on=datetime.date(2023, 1, 1))
    return rows


BOUNDARY_DAYS = sorted(
    {
        day + datetime.timedelta(days=shift)
        for day in (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 2, 28),
            datetime.date(2025, 3, 1),
            datetime.date(2025, 3, 2),
            datetime.date(2025, 7, 1),
            datetime.date(2025, 2, 2),
            datetime.date(2025, 6, 1),
            datetime.date(2025, 12, 31),
            datetime.date(2026, 1, 1),
        )
        for shift in (-1, 0, 1)
    }
)


def test_the_page_and_the_watch_lists_agree_on_overdue_reviews_on_every_boundary_day():
    rows = boundary_conventions()
    conventions = list(Convention.objects.for_detail().filter(pk__in=[c.pk for c in rows.values()]))
    names = {c.pk: name for name, c in rows.items()}
    for day in BOUNDARY_DAYS:
        in_database = {
            names[pk] for pk in Convention.objects.reviews_due(on=day).values_list("pk", flat=True)
        }
        in_python = {names[c.pk] for c in conventions if c.review_schedule(on=day).is_overdue}
        assert in_python == in_database, day


@pytest.mark.parametrize(
    ("name", "overdue_since"),
    [
        ("never reviewed", datetime.date(2025, 1, 1)),
        # 31 January plus a month: not on 28 February, as the database counts it.
        ("monthly, 31 January", datetime.date(2025, 3, 1)),
        ("half-yearly, 31 August", datetime.date(2025, 3, 1)),
        ("yearly, leap day", datetime.date(2025, 3, 1)),
        ("planned only", datetime.date(2025, 7, 1)),
        ("planned before the period ends", datetime.date(2025, 3, 2)),
        ("ending", datetime.date(2024, 1, 1)),
    ],
)
def test_a_review_is_overdue_from_the_first_day_the_watch_lists_flag_it(name, overdue_since):
    convention = boundary_conventions()[name]
    convention = Convention.objects.for_detail().get(pk=convention.pk)
    due = set(Convention.objects.reviews_due(on=overdue_since))
    not_yet = set(Convention.objects.reviews_due(on=overdue_since - ONE_DAY))

    assert convention.review_schedule(on=overdue_since).overdue_since == overdue_since
    assert convention.review_schedule(on=overdue_since - ONE_DAY).overdue_since is None
    assert convention in due
    assert convention not in not_yet


def test_no_review_is_due_for_a_convention_not_in_force():
    rows = boundary_conventions()
    for name in ("expired", "not yet in force", "terminated"):
        convention = Convention.objects.for_detail().get(pk=rows[name].pk)
        schedule = convention.review_schedule(on=datetime.date(2025, 5, 31))
        assert not schedule.is_overdue, name
        assert not schedule.in_force


def test_first_day_period_elapsed_clamps_like_the_database():
    assert first_day_period_elapsed(datetime.date(2025, 1, 15), 12) == datetime.date(2026, 1, 15)
    assert first_day_period_elapsed(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 3, 1)
    assert first_day_period_elapsed(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 3, 1)
    assert first_day_period_elapsed(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 5, 1)


# On the convention page ---------------------------------------------------------------------------


def test_page_says_how_often_when_last_and_when_next(reader_client, convention):
    held_on = ago(months=3).replace(day=10)
    ReviewFactory(convention=convention, held_on=held_on, kind=ReviewKind.INTERIM_REVIEW)
    content = page(reader_client.get(detail_url(convention)))
    assert "Un bilan tous les 12 mois" in content
    assert f"Bilan d&#x27;étape du {french(held_on)}" in content
    assert f"Attendu le {french(held_on + relativedelta(months=12))}" in content
    assert "Bilan en retard" not in content


def test_page_says_when_the_planned_review_comes_first(reader_client, convention):
    planned = TODAY + datetime.timedelta(days=20)
    ReviewFactory(convention=convention, held_on=ago(months=1), next_review_on=planned)
    content = page(reader_client.get(detail_url(convention)))
    assert f"Prévu le {french(planned)}" in content


def test_page_flags_a_review_overdue_and_adding_one_clears_it(editor_client, convention):
    held_on = ago(months=13).replace(day=10)
    ReviewFactory(convention=convention, held_on=held_on)
    due_on = held_on + relativedelta(months=12)
    content = page(editor_client.get(detail_url(convention)))
    assert f"Bilan en retard depuis le {french(due_on)}</strong>" in content
    assert f"dernier bilan tenu le {french(held_on)}" in content
    assert convention in Convention.objects.reviews_due()

    editor_client.post(create_url(convention), review_data())
    content = page(editor_client.get(detail_url(convention)))
    assert "Bilan en retard" not in content
    assert convention not in Convention.objects.reviews_due()


def test_page_flags_a_review_never_held(reader_client):
    convention = ConventionFactory(signed_on=ago(months=14), review_every_months=12)
    content = page(reader_client.get(detail_url(convention)))
    due_on = convention.effective_on + relativedelta(months=12)
    assert f"Bilan en retard depuis le {french(due_on)}</strong> : aucun bilan" in content
    assert "Aucun bilan enregistré" in content


def test_a_convention_without_a_review_period_has_no_flag(reader_client):
    convention = ConventionFactory(signed_on=ago(months=14))
    content = page(reader_client.get(detail_url(convention)))
    assert "Périodicité des bilans</dt>" in content and "Non fixée" in content
    assert "Bilan en retard" not in content
    assert "Prochain bilan</dt>" not in content


def test_reader_sees_the_reviews_without_controls(reader_client, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=1))
    content = page(reader_client.get(detail_url(convention)))
    assert "Point d&#x27;étape sur les actions engagées" in content
    assert create_url(convention) not in content
    assert update_url(review) not in content
    assert delete_url(review) not in content


def test_editor_sees_add_edit_and_delete_links(editor_client, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=1))
    content = page(editor_client.get(detail_url(convention)))
    assert f'href="{create_url(convention)}"' in content
    assert f'href="{update_url(review)}"' in content
    assert f'href="{delete_url(review)}"' in content
    edit_period = reverse("conventions:convention_update", args=[convention.pk])
    assert f'href="{edit_period}#id_review_every_months"' in content


# Adding, changing and deleting a review -----------------------------------------------------------


def test_editor_adds_a_review(editor_client, editor, convention):
    next_on = TODAY + relativedelta(months=6)
    response = editor_client.post(
        create_url(convention), review_data(next_review_on=next_on.isoformat())
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(convention)}#bilans"
    review = convention.reviews.get()
    assert review.held_on == ago(days=1)
    assert review.next_review_on == next_on
    assert review.decisions == "Étendre les rencontres aux Outre-mer."
    record = review.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    content = page(editor_client.get(response["Location"]))
    assert "Le bilan « Comité de suivi du " in content and "» est enregistré." in content
    assert f"Prévu le {french(next_on)}" in content


def test_add_page_opens_with_a_steering_committee_chosen(editor_client, convention):
    content = page(editor_client.get(create_url(convention)))
    assert '<option value="steering_committee" selected>Comité de suivi</option>' in content
    assert "La convention prévoit un bilan tous les 12 mois." in content


def test_a_review_in_the_future_is_refused(editor_client, convention):
    tomorrow = TODAY + ONE_DAY
    response = editor_client.post(create_url(convention), review_data(held_on=tomorrow.isoformat()))
    content = page(response)
    assert field_error(content, "held_on").startswith(
        "Un bilan s&#x27;enregistre une fois tenu : sa date ne peut pas être postérieure à "
        f"aujourd&#x27;hui ({TODAY:%d/%m/%Y})."
    )
    assert not convention.reviews.exists()


def test_a_review_held_today_is_accepted(editor_client, convention):
    response = editor_client.post(create_url(convention), review_data(held_on=TODAY.isoformat()))
    assert response.status_code == 302
    assert convention.reviews.get().held_on == TODAY


def test_the_next_review_comes_after_this_one(editor_client, convention):
    held_on = ago(days=3)
    data = review_data(held_on=held_on.isoformat(), next_review_on=held_on.isoformat())
    content = page(editor_client.post(create_url(convention), data))
    assert field_error(content, "next_review_on") == (
        f"Le prochain bilan doit être postérieur à celui-ci ({held_on:%d/%m/%Y})."
    )
    assert not convention.reviews.exists()


def test_a_review_before_the_signature_is_refused(editor_client, convention):
    before = convention.signed_on - ONE_DAY
    content = page(
        editor_client.post(create_url(convention), review_data(held_on=before.isoformat()))
    )
    assert field_error(content, "held_on") == (
        "Un bilan ne peut pas précéder la signature de la convention "
        f"({convention.signed_on:%d/%m/%Y})."
    )


def test_missing_and_mistyped_fields_are_named_in_french(editor_client, convention):
    data = review_data(kind="", held_on="", next_review_on="30/02/2026")
    content = page(editor_client.post(create_url(convention), data))
    assert "Le bilan n'a pas été enregistré" in content
    assert field_error(content, "kind") == "Ce champ est obligatoire."
    assert field_error(content, "held_on") == "Ce champ est obligatoire."
    assert field_error(content, "next_review_on") == "Saisissez une date valide."


def test_editor_changes_a_review(editor_client, editor, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=2))
    page(editor_client.get(update_url(review)))
    data = review_data(held_on=review.held_on.isoformat(), summary="Compte rendu complété.")
    response = editor_client.post(update_url(review), data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.summary == "Compte rendu complété."
    record = review.history.latest()
    assert (record.history_type, record.history_user) == ("~", editor)


def test_editor_deletes_a_review_after_confirming(editor_client, editor, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=2))
    content = page(editor_client.get(delete_url(review)))
    assert "Supprimer ce bilan ?" in content
    assert Review.objects.filter(pk=review.pk).exists()

    response = editor_client.post(delete_url(review))

    assert response["Location"] == f"{detail_url(convention)}#bilans"
    assert not Review.objects.filter(pk=review.pk).exists()
    record = Review.history.filter(id=review.pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)
    content = page(editor_client.get(detail_url(convention)))
    assert "a été supprimé." in content
    assert "Suppression · Bilan de suivi" in content


def test_a_review_of_another_convention_is_not_found(editor_client, convention):
    review = ReviewFactory(convention=ConventionFactory(), held_on=ago(months=2))
    for name in ("review_update", "review_delete"):
        url = reverse(f"conventions:{name}", args=[convention.pk, review.pk])
        assert editor_client.get(url).status_code == 404
        assert editor_client.post(url, review_data()).status_code == 404
    assert Review.objects.filter(pk=review.pk).exists()


def test_reader_cannot_add_change_or_delete_a_review(reader_client, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=2))
    for url in (create_url(convention), update_url(review), delete_url(review)):
        assert reader_client.get(url).status_code == 403
        assert reader_client.post(url, review_data()).status_code == 403
    assert list(convention.reviews.all()) == [review]


def test_anonymous_is_sent_to_sign_in(client, convention):
    review = ReviewFactory(convention=convention, held_on=ago(months=2))
    for url in (create_url(convention), update_url(review), delete_url(review)):
        response = client.post(url, review_data())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert list(convention.reviews.all()) == [review]
