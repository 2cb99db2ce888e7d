"""Random values through every staff form (tests/fuzzing.py says what is drawn and checked).

Each test posts valid submissions with a few fields, or a formset's management form, replaced by
random values, as a signed-in editor, and checks the answer: never a crash; refused, the page
again with every error in French and the database untouched; accepted, a redirect to a page that
opens, and everything submitted saved. A submission left valid must be accepted.
"""

import copy
import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import event, given, settings
from hypothesis import strategies as st

from accounts.forms import ReminderPreferencesForm
from accounts.models import ReminderPreferences
from accounts.services import reminder_preferences_for, reminder_preferences_save
from conventions.enums import (
    AmendedField,
    CommitmentStatus,
    ConventionKind,
    PartyRole,
    ReviewKind,
    Scope,
    TerminationMethod,
)
from conventions.forms import (
    ALTERED_FORM_MESSAGE,
    DATE_RANGE_MESSAGE,
    MAX_ACTIONS_PER_AXIS,
    MAX_AXES,
    MAX_ROWS,
    MONTHS_RANGE_MESSAGE,
    ROW_GONE_MESSAGE,
    TOO_MANY_ROWS_MESSAGE,
    AxisForm,
    CommitmentRowForm,
    ConventionForm,
    PartnerChoices,
    PartnerRowForm,
    PartyForm,
    SignatoryRowForm,
    TargetForm,
)
from conventions.models import (
    Axis,
    Commitment,
    Convention,
    Party,
    Review,
    Signatory,
    Target,
    TargetResult,
)
from conventions.services import (
    commitment_follow_up,
    convention_amend,
    convention_decline,
    convention_terminate,
    review_save,
)
from conventions.views.follow_up import (
    FRAGMENT_HEADER,
    CommitmentFollowUpForm,
    ReviewForm,
    TargetResultForm,
    result_years,
)
from conventions.views.lifecycle import AmendmentForm, DeclinationForm, TerminationForm
from partners.enums import PartnerKind
from partners.forms import ContactForm, KeyFigureForm, PartnerForm
from partners.models import Contact, KeyFigure, Partner
from tests.factories import (
    AudienceFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    SignatoryFactory,
    TargetFactory,
    TerritoryFactory,
    ThemeFactory,
)
from tests.fuzzing import (
    NUL_MESSAGE,
    as_submitted,
    assert_refused,
    assert_unchanged,
    check_form,
    content_of,
    example,
    examples,
    fuzz_client,
    management_forms,
    mutated,
    valid_text,
)
from tests.test_convention_form import add_row, form_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D = datetime.date
EARLIEST, LATEST = D(1990, 1, 1), D(2040, 12, 31)


def plausible_dates(first=EARLIEST, last=LATEST) -> st.SearchStrategy[str]:
    return st.dates(min_value=first, max_value=last).map(D.isoformat)


def opens(signed_in, response) -> str:
    """An accepted submission redirects to a page that opens."""
    event("accepted")
    assert response.status_code == 302, response.status_code
    page = signed_in.get(response["Location"])
    assert page.status_code == 200
    return content_of(page)


@pytest.fixture
def world(unml, amf, convention):
    """The partners and the signed convention of the tests, with a row of every kind."""
    Partner.objects.filter(pk=unml.pk).update(kind=PartnerKind.NETWORK_HEAD)
    PartnerFactory(name="Mission Locale de Lens", kind=PartnerKind.MISSION_LOCALE)
    PartnerFactory(name="ARML Hauts-de-France", kind=PartnerKind.REGIONAL_ASSOCIATION)
    AudienceFactory(), ThemeFactory(), TerritoryFactory()
    axis = AxisFactory(convention=convention, number=1, title="Insertion")
    CommitmentFactory(axis=axis, bearer=amf)
    CommitmentFactory(axis=axis)
    SignatoryFactory(convention=convention, partner=unml)
    target = TargetFactory(convention=convention, label="jeunes suivis", value=1000, year=2025)
    TargetResult.objects.create(target=target, year=2024, value=500)
    Review.objects.create(
        convention=convention, held_on=D(2024, 6, 1), kind=ReviewKind.STEERING_COMMITTEE
    )
    return convention


@pytest.fixture
def signed_in(editor):
    return fuzz_client(editor)


# The convention page: the form, its parties, signatories, axes with their actions, targets -------

ROW_PREFIXES = ["parties", "signatories", "axes", "targets", "axes-0-commitments"]


@st.composite
def new_convention(draw, unml: Partner, amf: Partner) -> tuple[dict, dict]:
    """A valid new convention between `unml` and `amf` with random rows; the rows it counts."""
    data = {
        "title": draw(valid_text(255)),
        "kind": draw(st.sampled_from(ConventionKind.values)),
        "scope": draw(st.sampled_from(Scope.values)),
        "signed_on": draw(st.one_of(st.just(""), plausible_dates())),
        "duration_months": str(draw(st.integers(min_value=1, max_value=120))),
        "notice_months": draw(st.sampled_from(["", "0", "2", "6"])),
        "summary": draw(st.text(max_size=40)),
    }
    for prefix in ("parties", "signatories", "axes", "targets"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    parties = [str(unml.pk), str(amf.pk)]
    add_row(data, "parties", partner=parties[0], role=PartyRole.NETWORK)
    add_row(data, "parties", partner=parties[1], role=draw(st.sampled_from(PartyRole.values)))
    rows = {"parties": 2, "signatories": 0, "axes": 0, "commitments": 0, "targets": 0}
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        add_row(
            data,
            "signatories",
            name=draw(valid_text(150)),
            title=draw(valid_text(255)),
            partner=draw(st.sampled_from(parties)),
            signed_on=draw(st.one_of(st.just(""), plausible_dates())),
        )
        rows["signatories"] += 1
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        axis = add_row(data, "axes", title=draw(valid_text(500)), number="")
        data |= {f"{axis}-commitments-TOTAL_FORMS": "0", f"{axis}-commitments-INITIAL_FORMS": "0"}
        rows["axes"] += 1
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            add_row(
                data,
                f"{axis}-commitments",
                text=draw(valid_text(300)),
                bearer=draw(st.sampled_from(["", *parties])),
                status=draw(st.sampled_from(CommitmentStatus.values)),
            )
            rows["commitments"] += 1
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        add_row(
            data,
            "targets",
            label=draw(valid_text(255)),
            value=str(draw(st.integers(min_value=0, max_value=10**11))),
            year=draw(st.sampled_from(["", "2025"])),
        )
        rows["targets"] += 1
    return data, rows


@st.composite
def tampered(draw, data: dict) -> tuple[dict, list[str]]:
    """`data` with a few fields given random values, or its formsets' management forms broken."""
    data, changed = draw(mutated(data, fields=["audiences", "territories", "predecessor"]))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        management = draw(management_forms(ROW_PREFIXES))
        data |= management
        changed += list(management)
    return data, changed


@settings(max_examples=examples(12))
@given(st.data())
def test_fuzz_convention_create(signed_in, unml, amf, data):
    submitted, rows = data.draw(new_convention(unml, amf))
    submitted, changed = data.draw(tampered(submitted))
    with example(signed_in) as before:
        count = Convention.objects.count()
        response = signed_in.post(reverse("conventions:convention_create"), submitted)
        if response.status_code != 302:
            assert changed, "A valid convention was refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        assert Convention.objects.count() == count + 1
        if not changed:
            created = Convention.objects.latest("pk")
            assert created.title == submitted["title"].strip()
            assert {
                "parties": Party.objects.filter(convention=created).count(),
                "signatories": Signatory.objects.filter(convention=created).count(),
                "axes": Axis.objects.filter(convention=created).count(),
                "commitments": Commitment.objects.filter(convention=created).count(),
                "targets": Target.objects.filter(convention=created).count(),
            } == rows


@pytest.fixture
def edit_page(signed_in, world) -> dict:
    """What the convention's edit page posts as loaded."""
    return form_data(signed_in.get(reverse("conventions:convention_update", args=[world.pk])))


@settings(max_examples=examples(12))
@given(st.data())
def test_fuzz_convention_update(signed_in, world, edit_page, data):
    submitted = edit_page | {"title": data.draw(valid_text(255))}
    submitted, changed = data.draw(tampered(submitted))
    version = Convention.objects.get(pk=world.pk).version
    with example(signed_in) as before:
        response = signed_in.post(
            reverse("conventions:convention_update", args=[world.pk]), submitted
        )
        world.refresh_from_db()
        if response.status_code != 302:
            assert changed, "A valid edit was refused."
            if response.context["conflict"]:
                # Another version was posted: the conflict is explained, nothing is written.
                assert "pendant que vous la modifiiez" in content_of(response)
                assert_unchanged(before)
            else:
                assert_refused(response, before)
            assert world.version == version
            return
        opens(signed_in, response)
        assert world.version == version + 1
        if not changed:
            assert world.title == submitted["title"].strip()
            assert world.axes.count() == 1 and world.commitments.count() == 2


# Lifecycle: renew, decline, amend, terminate ----------------------------------------------------


@pytest.fixture
def draft(unml, amf):
    return ConventionFactory(
        title="Projet", signed_on=None, duration_months=None, parties=[unml, amf]
    )


@settings(max_examples=examples(4))
@given(st.data())
def test_fuzz_convention_renew(signed_in, world, draft, data):
    target = data.draw(st.sampled_from([world, draft]))
    submitted, _ = data.draw(mutated({}))
    with example(signed_in) as before:
        response = signed_in.post(
            reverse("conventions:convention_renew", args=[target.pk]), submitted
        )
        if target == draft:
            assert "ne peut pas être renouvelée" in content_of(response)
            assert_refused(response, before)
            return
        opens(signed_in, response)
        assert Convention.objects.filter(predecessor=target).count() == 1


@settings(max_examples=examples(10))
@given(st.data())
def test_fuzz_convention_decline(signed_in, world, draft, data):
    partners = [str(pk) for pk in Partner.objects.values_list("pk", flat=True)]
    target = data.draw(st.sampled_from([world, draft]))
    submitted = {"partner": data.draw(st.sampled_from(partners))}
    submitted, _ = data.draw(mutated(submitted))
    with example(signed_in) as before:
        url = reverse("conventions:convention_decline", args=[target.pk])
        response = signed_in.post(url, submitted)
        if response.status_code != 302:
            assert_refused(response, before)
            return
        opens(signed_in, response)
        declination = Convention.objects.get(parent=target)
        assert declination.parties.filter(partner_id=submitted["partner"]).exists()


@settings(max_examples=examples(15))
@given(st.data())
def test_fuzz_convention_amend(signed_in, world, data):
    submitted = {
        "signed_on": data.draw(plausible_dates(first=D(2024, 1, 1))),
        "summary": data.draw(valid_text(1000)),
        "new_end_on": data.draw(st.one_of(st.just(""), plausible_dates(first=D(2024, 1, 1)))),
    }
    for name in AmendedField.values:
        initial = getattr(world, name)
        submitted[f"initial-{name}"] = "" if initial is None else str(initial)
        submitted[name] = submitted[f"initial-{name}"]
    rewritten = data.draw(st.sampled_from(["", "preamble", "notice_months", "amount"]))
    if rewritten:
        submitted[rewritten] = data.draw(
            valid_text(200) if rewritten == "preamble" else st.integers(0, 100).map(str)
        )
    submitted, changed = data.draw(mutated(submitted))
    with example(signed_in) as before:
        count = world.amendments.count()
        response = signed_in.post(
            reverse("conventions:convention_amend", args=[world.pk]), submitted
        )
        if response.status_code != 302:
            assert changed, "A valid amendment was refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        assert world.amendments.count() == count + 1
        if not changed:
            amendment = world.amendments.latest("number")
            assert amendment.summary == submitted["summary"].strip()
            assert amendment.changes.count() == (1 if rewritten else 0)


@settings(max_examples=examples(15))
@given(st.data())
def test_fuzz_convention_terminate(signed_in, world, unml, amf, data):
    submitted = {
        "by_party": data.draw(st.sampled_from([str(unml.pk), str(amf.pk)])),
        "notice_sent_on": data.draw(plausible_dates(first=D(2024, 1, 1))),
        "method": data.draw(st.sampled_from(TerminationMethod.values)),
    }
    if data.draw(st.booleans()):
        submitted["confirm"] = "1"
    submitted, changed = data.draw(mutated(submitted))
    with example(signed_in) as before:
        url = reverse("conventions:convention_terminate", args=[world.pk])
        response = signed_in.post(url, submitted)
        if response.status_code == 302:
            opens(signed_in, response)
            world.refresh_from_db()
            assert world.terminated_on is not None
            assert world.terminated_by_id == int(submitted["by_party"])
            return
        if response.context["effective_on"]:
            # The confirmation page: nothing is written until it is confirmed.
            assert "confirm" not in submitted
            assert_unchanged(before)
            return
        assert changed, "A valid termination was refused."
        assert_refused(response, before)


# Follow-up: actions, reviews, values reached ----------------------------------------------------


@settings(max_examples=examples(15))
@given(st.data())
def test_fuzz_commitment_follow_up(signed_in, world, data):
    commitment = world.commitments.order_by("pk").first()
    prefix = f"suivi-{commitment.pk}"
    submitted = {
        f"{prefix}-status": data.draw(st.sampled_from(CommitmentStatus.values)),
        f"{prefix}-due_on": data.draw(st.one_of(st.just(""), plausible_dates())),
        f"{prefix}-note": data.draw(st.text(max_size=40)).replace("\x00", ""),
    }
    submitted, changed = data.draw(mutated(submitted))
    fragment = data.draw(st.booleans())
    headers = {FRAGMENT_HEADER: "1"} if fragment else {}
    with example(signed_in) as before:
        url = reverse("conventions:commitment_follow_up", args=[world.pk, commitment.pk])
        response = signed_in.post(url, submitted, headers=headers)
        if response.status_code == 422 or (response.status_code == 200 and not fragment):
            assert_refused(response, before, status=422 if fragment else 200)
            assert changed, "A valid follow-up was refused."
            return
        if fragment:
            assert response.status_code == 200 and response.context["saved_message"]
        else:
            opens(signed_in, response)
        commitment.refresh_from_db()
        if not changed:
            assert commitment.status == submitted[f"{prefix}-status"]
            assert commitment.note == submitted[f"{prefix}-note"].strip()


@st.composite
def review_submission(draw) -> dict:
    return {
        "kind": draw(st.sampled_from(ReviewKind.values)),
        "held_on": draw(plausible_dates(first=D(2024, 1, 1), last=TODAY)),
        "participants": draw(st.text(max_size=30)).replace("\x00", ""),
        "summary": draw(st.text(max_size=30)).replace("\x00", ""),
        "decisions": "",
        "next_review_on": draw(st.sampled_from(["", (TODAY + datetime.timedelta(1)).isoformat()])),
    }


@settings(max_examples=examples(15))
@given(st.data())
def test_fuzz_review_create_and_update(signed_in, world, data):
    review = world.reviews.get()
    url = data.draw(
        st.sampled_from(
            [
                reverse("conventions:review_create", args=[world.pk]),
                reverse("conventions:review_update", args=[world.pk, review.pk]),
            ]
        )
    )
    submitted, changed = data.draw(mutated(data.draw(review_submission())))
    with example(signed_in) as before:
        count = world.reviews.count()
        response = signed_in.post(url, submitted)
        if response.status_code != 302:
            assert changed, "A valid review was refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        created = "ajouter" in url
        assert world.reviews.count() == count + created
        if not changed:
            saved = world.reviews.latest("pk") if created else Review.objects.get(pk=review.pk)
            assert saved.held_on.isoformat() == submitted["held_on"]
            assert saved.summary == submitted["summary"].strip()


@settings(max_examples=examples(3))
@given(st.data())
def test_fuzz_review_delete(signed_in, world, data):
    review = world.reviews.get()
    submitted, _ = data.draw(mutated({}))
    with example(signed_in):
        url = reverse("conventions:review_delete", args=[world.pk, review.pk])
        opens(signed_in, signed_in.post(url, submitted))
        assert not world.reviews.exists()


@settings(max_examples=examples(12))
@given(st.data())
def test_fuzz_target_results(signed_in, world, data):
    target = world.targets.get()
    result = target.results.get()
    submitted = {
        "resultats-TOTAL_FORMS": "2",
        "resultats-INITIAL_FORMS": "1",
        "resultats-0-id": str(result.pk),
        "resultats-0-target": str(target.pk),
        "resultats-0-year": "2024",
        "resultats-0-value": str(data.draw(st.integers(min_value=0, max_value=10**11))),
        "resultats-0-note": "",
        "resultats-1-target": str(target.pk),
        "resultats-1-year": "",
        "resultats-1-value": "",
        "resultats-1-note": "",
    }
    if data.draw(st.booleans()):
        submitted |= {
            "resultats-1-year": "2025",
            "resultats-1-value": str(data.draw(st.integers(min_value=0, max_value=10**6))),
            "resultats-1-note": data.draw(valid_text(255)),
        }
    if data.draw(st.booleans()):
        submitted["resultats-0-DELETE"] = "on"
    submitted, changed = data.draw(mutated(submitted))
    if data.draw(st.integers(min_value=0, max_value=4)) == 0:
        management = data.draw(management_forms(["resultats"]))
        submitted |= management
        changed += list(management)
    with example(signed_in) as before:
        url = reverse("conventions:target_results", args=[world.pk, target.pk])
        response = signed_in.post(url, submitted)
        if response.status_code != 302:
            assert changed, "Valid values were refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        if not changed:
            kept = (
                {} if "resultats-0-DELETE" in submitted else {2024: submitted["resultats-0-value"]}
            )
            if submitted["resultats-1-year"]:
                kept[2025] = submitted["resultats-1-value"]
            saved = {r.year: r.value for r in TargetResult.objects.filter(target=target)}
            assert saved == {year: Decimal(value) for year, value in kept.items()}


# Partners: the partner with its key figures and contacts ----------------------------------------


@st.composite
def partner_submission(draw) -> dict:
    data = {
        "name": draw(valid_text(255)),
        "acronym": draw(st.sampled_from(["", "ML", "ARML"])),
        "kind": draw(st.sampled_from(PartnerKind.values)),
        "description": draw(st.text(max_size=30)).replace("\x00", ""),
        "website": draw(st.sampled_from(["", "https://www.exemple.fr", "exemple.fr"])),
        "founded_year": draw(st.sampled_from(["", "1982", "2100"])),
    }
    for prefix in ("key_figures", "contacts"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "key_figures-0-label": draw(valid_text(150)),
        "key_figures-0-value": str(draw(st.integers(min_value=0, max_value=10**11))),
        "contacts-0-name": draw(valid_text(150)),
        "contacts-0-email": draw(st.sampled_from(["", "contact@exemple.fr"])),
    }
    return data


@settings(max_examples=examples(15))
@given(st.data())
def test_fuzz_partner_create_and_update(signed_in, amf, data):
    url = data.draw(
        st.sampled_from(
            [
                reverse("partners:partner_create"),
                reverse("partners:partner_update", args=[amf.slug]),
            ]
        )
    )
    submitted, changed = data.draw(mutated(data.draw(partner_submission())))
    if data.draw(st.integers(min_value=0, max_value=4)) == 0:
        management = data.draw(management_forms(["key_figures", "contacts"]))
        submitted |= management
        changed += list(management)
    with example(signed_in) as before:
        count = Partner.objects.count()
        response = signed_in.post(url, submitted)
        if response.status_code != 302:
            assert changed, "A valid partner was refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        created = "nouveau" in url
        assert Partner.objects.count() == count + created
        if not changed:
            partner = Partner.objects.latest("pk") if created else Partner.objects.get(pk=amf.pk)
            assert partner.name == submitted["name"].strip()
            assert KeyFigure.objects.filter(partner=partner).count() == 1
            assert Contact.objects.filter(partner=partner).count() == 1


# Reminder preferences ---------------------------------------------------------------------------


@pytest.fixture
def preferences(signed_in, editor) -> ReminderPreferences:
    signed_in.get(reverse("accounts:reminder_preferences"))  # creates them
    return ReminderPreferences.objects.get(user=editor)


@settings(max_examples=examples(12))
@given(st.data())
def test_fuzz_reminder_preferences(signed_in, editor, preferences, data):
    url = reverse("accounts:reminder_preferences")
    submitted = {
        "is_subscribed": "on",
        "remind_ending": "on",
        "ending_months": str(data.draw(st.integers(min_value=1, max_value=24))),
        "notice_weeks": str(data.draw(st.integers(min_value=1, max_value=52))),
        "commitment_weeks": str(data.draw(st.integers(min_value=1, max_value=52))),
    }
    submitted, changed = data.draw(mutated(submitted))
    with example(signed_in) as before:
        response = signed_in.post(url, submitted)
        if response.status_code != 302:
            assert changed, "Valid preferences were refused."
            assert_refused(response, before)
            return
        opens(signed_in, response)
        if not changed:
            preferences = ReminderPreferences.objects.get(user=editor)
            assert preferences.ending_months == int(submitted["ending_months"])
            assert preferences.notice_weeks == int(submitted["notice_weeks"])


@settings(max_examples=examples(3))
@given(st.data())
def test_fuzz_calendar_token_reset(signed_in, preferences, data):
    submitted, _ = data.draw(mutated({}))
    with example(signed_in):
        opens(signed_in, signed_in.post(reverse("accounts:calendar_token_reset"), submitted))
        assert ReminderPreferences.objects.get(pk=preferences.pk).calendar_token != (
            preferences.calendar_token
        )


# The same forms on their own: many more values, without the page around them ------------------
#
# Each form is bound to random values as a request carries them: never a crash; refused, French
# messages; accepted, values the database and the date arithmetic take, which the service the
# page calls stores (or refuses with a ValidationError), in a savepoint rolled back.


def fresh(instance):
    """`instance` as stored: a form writes the submitted values on the object it is given."""
    return type(instance).objects.get(pk=instance.pk)


@settings(max_examples=examples(40))
@given(st.data())
def test_fuzz_convention_form_alone(editor, world, unml, amf, data):
    submitted, _ = data.draw(new_convention(unml, amf))
    fields = {name: value for name, value in submitted.items() if "-" not in name}
    instance = data.draw(st.sampled_from([None, world]))
    if instance is not None:
        instance = fresh(instance)
        fields["loaded_version"] = str(instance.version)
    fields, _ = data.draw(mutated(fields, fields=ConventionForm.base_fields))
    form = ConventionForm(as_submitted(fields), instance=instance)
    check_form(form, save=lambda form: form.save())


ROW_FORMS = {
    PartyForm: {"partner": "amf", "role": st.sampled_from(PartyRole.values)},
    SignatoryRowForm: {
        "name": valid_text(150),
        "title": valid_text(255),
        "partner": "unml",
        "on_behalf_of": st.just(""),
        "signed_on": plausible_dates(),
    },
    AxisForm: {"number": st.sampled_from(["", "2", "7"]), "title": valid_text(500)},
    CommitmentRowForm: {
        "text": valid_text(300),
        "bearer": st.sampled_from(["", "amf"]),
        "status": st.sampled_from(CommitmentStatus.values),
        "due_on": st.one_of(st.just(""), plausible_dates()),
    },
    TargetForm: {
        "label": valid_text(255),
        "value": st.integers(min_value=0, max_value=10**11).map(str),
        "unit": st.just("jeunes"),
        "year": st.sampled_from(["", "2025"]),
    },
}


@settings(max_examples=examples(500))
@given(st.data())
def test_fuzz_convention_row_forms(world, unml, amf, data):
    """The rows of the convention page: parties, signatories, axes, actions, targets."""
    form_class = data.draw(st.sampled_from(list(ROW_FORMS)))
    partners = {"amf": str(amf.pk), "unml": str(unml.pk)}
    fields = {}
    for name, value in ROW_FORMS[form_class].items():
        drawn = data.draw(value) if isinstance(value, st.SearchStrategy) else value
        fields[name] = partners.get(drawn, drawn)
    fields, _ = data.draw(mutated(fields, fields=form_class.base_fields))
    kwargs = {"partners": PartnerChoices.all()} if issubclass(form_class, PartnerRowForm) else {}
    model = form_class._meta.model
    instance = model(axis=world.axes.get()) if model is Commitment else model(convention=world)
    # Saved by the page with the others (services.convention_save): validation only.
    check_form(form_class(as_submitted(fields), instance=instance, **kwargs))


@settings(max_examples=examples(150))
@given(st.data())
def test_fuzz_lifecycle_forms(editor, world, unml, amf, data):
    """The forms of the amendment, termination and declination pages, and their services."""
    convention = fresh(world)
    kind = data.draw(st.sampled_from(["amend", "terminate", "decline"]))
    if kind == "amend":
        fields = {
            "signed_on": data.draw(plausible_dates(first=D(2024, 1, 1))),
            "summary": data.draw(valid_text(1000)),
            "new_end_on": data.draw(st.one_of(st.just(""), plausible_dates())),
            "notice_months": data.draw(st.integers(min_value=0, max_value=24).map(str)),
            "amount": data.draw(st.sampled_from(["", "1500.50"])),
        }
        fields, _ = data.draw(mutated(fields, fields=[*AmendedField.values, "preamble"]))

        def amend(form):
            convention_amend(
                convention=convention,
                signed_on=form.cleaned_data["signed_on"],
                summary=form.cleaned_data["summary"],
                new_end_on=form.cleaned_data["new_end_on"],
                changes=form.changes(),
                by=editor,
            )

        check_form(AmendmentForm(as_submitted(fields), convention=convention), save=amend)
    elif kind == "terminate":
        fields = {
            "by_party": data.draw(st.sampled_from([str(unml.pk), str(amf.pk)])),
            "notice_sent_on": data.draw(plausible_dates(first=D(2024, 1, 1))),
            "method": data.draw(st.sampled_from(TerminationMethod.values)),
        }
        fields, _ = data.draw(mutated(fields))
        check_form(
            TerminationForm(as_submitted(fields), convention=convention),
            save=lambda form: convention_terminate(
                convention=convention, by=editor, **form.cleaned_data
            ),
        )
    else:
        partner = data.draw(st.sampled_from(list(Partner.objects.values_list("pk", flat=True))))
        fields, _ = data.draw(mutated({"partner": str(partner)}))
        check_form(
            DeclinationForm(as_submitted(fields)),
            save=lambda form: convention_decline(
                convention=convention, by=editor, **form.cleaned_data
            ),
        )


@settings(max_examples=examples(250))
@given(st.data())
def test_fuzz_follow_up_forms(editor, world, data):
    """The follow-up of an action, a review, the value reached in a year."""
    kind = data.draw(st.sampled_from(["action", "review", "result"]))
    if kind == "action":
        commitment = world.commitments.order_by("pk").first()
        prefix = f"suivi-{commitment.pk}"
        fields = {
            f"{prefix}-status": data.draw(st.sampled_from(CommitmentStatus.values)),
            f"{prefix}-due_on": data.draw(st.one_of(st.just(""), plausible_dates())),
            f"{prefix}-note": data.draw(valid_text(300)),
        }
        fields, _ = data.draw(mutated(fields))
        form = CommitmentFollowUpForm(as_submitted(fields), instance=copy.copy(commitment))
        check_form(
            form,
            save=lambda form: commitment_follow_up(
                commitment=fresh(commitment), by=editor, **form.cleaned_data
            ),
        )
    elif kind == "review":
        fields, _ = data.draw(mutated(data.draw(review_submission())))
        form = ReviewForm(as_submitted(fields), instance=Review(convention=world))
        check_form(form, save=lambda form: review_save(review=form.save(commit=False), by=editor))
    else:
        target = TargetFactory(convention=world, label="employeurs mobilisés", value=50)
        fields = {
            "year": data.draw(st.integers(min_value=2024, max_value=TODAY.year).map(str)),
            "value": data.draw(st.integers(min_value=0, max_value=10**11).map(str)),
            "note": data.draw(st.one_of(st.just(""), valid_text(255))),
        }
        fields, _ = data.draw(mutated(fields))
        years = result_years(world, TODAY)
        form = TargetResultForm(
            as_submitted(fields), instance=TargetResult(target=target), years=years
        )
        check_form(form, save=lambda form: form.save())


@settings(max_examples=examples(250))
@given(st.data())
def test_fuzz_partner_forms(amf, data):
    """A partner, one of its key figures, one of its contacts."""
    submitted = data.draw(partner_submission())
    kind = data.draw(st.sampled_from(["partner", "key_figures", "contacts"]))
    if kind == "partner":
        fields = {name: value for name, value in submitted.items() if "-" not in name}
        fields, _ = data.draw(mutated(fields, fields=PartnerForm.base_fields))
        instance = data.draw(st.sampled_from([Partner(), fresh(amf)]))
        form = PartnerForm(as_submitted(fields), instance=instance)
    else:
        form_class, model = {
            "key_figures": (KeyFigureForm, KeyFigure),
            "contacts": (ContactForm, Contact),
        }[kind]
        fields = {
            name.removeprefix(f"{kind}-0-"): value
            for name, value in submitted.items()
            if name.startswith(f"{kind}-0-")
        }
        fields, _ = data.draw(mutated(fields, fields=form_class.base_fields))
        form = form_class(as_submitted(fields), instance=model(partner=amf))
    check_form(form, save=lambda form: form.save())


@settings(max_examples=examples(200))
@given(st.data())
def test_fuzz_reminder_preferences_form(editor, data):
    preferences = reminder_preferences_for(user=editor)
    fields = {
        "is_subscribed": "on",
        "ending_months": data.draw(st.integers(min_value=1, max_value=24).map(str)),
        "notice_weeks": data.draw(st.integers(min_value=1, max_value=52).map(str)),
        "commitment_weeks": data.draw(st.integers(min_value=1, max_value=52).map(str)),
    }
    fields, _ = data.draw(mutated(fields, fields=ReminderPreferencesForm.base_fields))
    form = ReminderPreferencesForm(as_submitted(fields), instance=fresh(preferences))
    check_form(form, save=lambda form: reminder_preferences_save(form=form, by=editor))


# What the fuzz tests found, each fixed: the submission that broke the page -----------------------

CREATE_URL = reverse("conventions:convention_create")


def new_convention_data(unml, amf, **fields) -> dict:
    data = {
        "title": "Convention pour l'emploi des jeunes",
        "kind": ConventionKind.PARTNERSHIP,
        "scope": Scope.NATIONAL,
        "signed_on": "2024-05-29",
        "duration_months": "36",
    }
    for prefix in ("parties", "signatories", "axes", "targets"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    add_row(data, "parties", partner=str(unml.pk), role=PartyRole.NETWORK)
    add_row(data, "parties", partner=str(amf.pk), role=PartyRole.PARTNER)
    return data | fields


def refused_with(signed_in, url, data, message) -> None:
    before = Convention.objects.count(), Party.objects.count(), Signatory.objects.count()
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert escape(message) in content_of(response)
    assert (Convention.objects.count(), Party.objects.count(), Signatory.objects.count()) == before


@pytest.mark.parametrize("count", ["abc", "", "1.5", "\x00"])
def test_row_count_that_is_not_a_number_is_refused_in_french(signed_in, unml, amf, count):
    data = new_convention_data(unml, amf, **{"parties-TOTAL_FORMS": count})
    refused_with(signed_in, CREATE_URL, data, ALTERED_FORM_MESSAGE)


def test_thousands_of_rows_are_refused_without_building_them(signed_in, unml, amf):
    data = new_convention_data(unml, amf, **{"axes-TOTAL_FORMS": "1000000"})
    refused_with(signed_in, CREATE_URL, data, TOO_MANY_ROWS_MESSAGE % {"num": MAX_AXES})
    data = new_convention_data(unml, amf, **{"axes-TOTAL_FORMS": "1", "axes-0-title": "Axe"})
    data |= {"axes-0-commitments-TOTAL_FORMS": "500", "axes-0-commitments-INITIAL_FORMS": "0"}
    for i in range(MAX_ACTIONS_PER_AXIS + 1):
        data[f"axes-0-commitments-{i}-text"] = f"Action {i}"
    message = TOO_MANY_ROWS_MESSAGE % {"num": MAX_ACTIONS_PER_AXIS}
    refused_with(signed_in, CREATE_URL, data, message)
    data = new_convention_data(unml, amf, **{"signatories-TOTAL_FORMS": str(MAX_ROWS + 1)})
    refused_with(signed_in, CREATE_URL, data, TOO_MANY_ROWS_MESSAGE % {"num": MAX_ROWS})


def test_new_row_naming_an_existing_one_is_refused(signed_in, world):
    """Its count of existing rows altered (-1), the page sent its parties as new rows: saving
    them broke the unique party constraint (a signatory was silently copied)."""
    data = form_data(signed_in.get(reverse("conventions:convention_update", args=[world.pk])))
    data["parties-INITIAL_FORMS"] = data["signatories-INITIAL_FORMS"] = "-1"
    url = reverse("conventions:convention_update", args=[world.pk])
    refused_with(signed_in, url, data, ALTERED_FORM_MESSAGE)


def test_row_deleted_meanwhile_is_named(signed_in, world):
    """The page was refused without a word when one of its rows had been deleted since."""
    url = reverse("conventions:convention_update", args=[world.pk])
    data = form_data(signed_in.get(url))
    world.signatories.get().delete()
    refused_with(signed_in, url, data, ROW_GONE_MESSAGE)


@pytest.mark.parametrize(
    "fields",
    [
        {"signed_on": "9999-12-01"},  # its end, 36 months later, is past year 9999
        {"signed_on": "0001-01-01"},
        {"signed_on": "2024-01-01", "effective_on": "9999-12-31"},
    ],
)
def test_dates_beyond_the_plausible_years_are_refused(signed_in, unml, amf, fields):
    data = new_convention_data(unml, amf, **fields)
    refused_with(signed_in, CREATE_URL, data, DATE_RANGE_MESSAGE)


def test_notice_of_thousands_of_months_is_refused(signed_in, unml, amf):
    """The notice deadline, 32 767 months before the end, fell before year 1: the convention
    page could no longer be shown."""
    data = new_convention_data(unml, amf, notice_months="32767")
    refused_with(signed_in, CREATE_URL, data, MONTHS_RANGE_MESSAGE)


def test_notice_sent_in_year_9999_is_refused(signed_in, convention):
    """Its termination date, the notice period later, was past year 9999."""
    url = reverse("conventions:convention_terminate", args=[convention.pk])
    data = {"by_party": str(convention.parties.first().partner_id), "notice_sent_on": "9999-12-31"}
    refused_with(signed_in, url, data | {"method": TerminationMethod.OTHER}, DATE_RANGE_MESSAGE)


def test_nul_byte_in_a_text_is_refused_in_french(signed_in, unml, amf):
    data = new_convention_data(unml, amf, title="Convention\x00AMF")
    refused_with(signed_in, CREATE_URL, data, NUL_MESSAGE)


def test_username_longer_than_any_account_is_refused_before_the_lookup(client, db):
    """The lockout recorded the failed attempt under the username typed: beyond its column's
    255 characters, the sign-in page crashed."""
    response = client.post(reverse("login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in content_of(response)
    assert not AccessAttempt.objects.exists()


def test_calendar_feed_token_holding_a_nul_byte_is_not_found(client, db):
    """Looked up as it came, it crashed PostgreSQL's query."""
    assert client.get("/compte/calendrier/%00.ics").status_code == 404
