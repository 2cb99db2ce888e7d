import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from accounts.models import ReminderPreferences
from conventions.dates import add_months, end_of_term
from conventions.enums import ConventionKind, Scope, Status
from conventions.forms import BEARER_NOT_A_PARTY_MESSAGE, SIGNATORY_NOT_A_PARTY_MESSAGE
from conventions.models import Amendment, Convention
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AudienceFactory,
    AxisFactory,
    CommitmentFactory,
    ContactFactory,
    ConventionFactory,
    KeyFigureFactory,
    PartnerFactory,
    PartyFactory,
    ReviewFactory,
    SignatoryFactory,
    StatementFactory,
    TargetFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TWO_PARTIES_MESSAGE = "Une convention signée doit compter au moins deux parties."
INVALID = "INVALID_TEMPLATE_VARIABLE"

# Written by django-axes at each sign-in, never added by hand (its admin has no add page).
SIGN_IN = {"user_agent": "Firefox", "http_accept": "text/html", "path_info": "/compte/connexion/"}
RECORDED_BY_SIGN_IN = {"axes.AccessAttempt", "axes.AccessLog"}

OBJECT_FACTORIES = {
    "auth.User": lambda: UserFactory(username="lecteur-admin"),
    "auth.Group": lambda: Group.objects.create(name="Groupe de test"),
    "accounts.ReminderPreferences": lambda: ReminderPreferences.objects.create(
        user=UserFactory(username="abonne")
    ),
    "partners.Territory": TerritoryFactory,
    "partners.Partner": PartnerFactory,
    "partners.KeyFigure": KeyFigureFactory,
    "partners.Contact": ContactFactory,
    "conventions.Audience": AudienceFactory,
    "conventions.Theme": ThemeFactory,
    "conventions.Convention": ConventionFactory,
    "conventions.Party": PartyFactory,
    "conventions.Signatory": SignatoryFactory,
    "conventions.Axis": AxisFactory,
    "conventions.Commitment": CommitmentFactory,
    "conventions.Target": TargetFactory,
    "conventions.Amendment": AmendmentFactory,
    "conventions.Review": ReviewFactory,
    "conventions.Attachment": AttachmentFactory,
    "conventions.Statement": StatementFactory,
    "axes.AccessAttempt": lambda: AccessAttempt.objects.create(
        username="lea.lecture", ip_address="203.0.113.66", failures_since_start=5, **SIGN_IN
    ),
    "axes.AccessLog": lambda: AccessLog.objects.create(
        username="lea.lecture", ip_address="198.51.100.7", **SIGN_IN
    ),
}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist(client, **params):
    response = client.get(admin_url(Convention, "changelist"), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def form_data(response) -> dict:
    """What the admin page's form would post as rendered: the main form and every inline.

    Like a browser, it includes each inline's blank template row (prefix "__prefix__").
    """
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms, formset.empty_form]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None and value is not False:
                data[field.html_name] = "on" if value is True else value
    return data


def add_rows(data: dict, prefix: str, *rows: dict) -> dict:
    """Fill new rows of the `prefix` inline after its existing ones, as "Ajouter" would."""
    template = f"{prefix}-__prefix__-"
    defaults = {k.removeprefix(template): v for k, v in data.items() if k.startswith(template)}
    start = int(data[f"{prefix}-INITIAL_FORMS"])
    for index, row in enumerate(rows, start=start):
        data |= {f"{prefix}-{index}-{name}": value for name, value in (defaults | row).items()}
    data[f"{prefix}-TOTAL_FORMS"] = max(int(data[f"{prefix}-TOTAL_FORMS"]), start + len(rows))
    return data


def errors_of(response) -> list[str]:
    """Every error message the change form shows, main form and inlines."""
    messages = list(response.context["adminform"].form.errors.values())
    for inline in response.context["inline_admin_formsets"]:
        messages += [inline.formset.non_form_errors()]
        messages += [e for form_errors in inline.formset.errors for e in form_errors.values()]
    return [message for error_list in messages for message in error_list]


# Every page of every registered model opens ---------------------------------------------------


def test_every_registered_model_has_an_object_factory():
    assert {model._meta.label for model in REGISTERED} == set(OBJECT_FACTORIES)


@pytest.mark.embedded
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_pages_open_for_every_registered_model(admin_client, model):
    obj = OBJECT_FACTORIES[model._meta.label]()
    urls = [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ]
    if hasattr(obj, "history"):
        urls.append(admin_url(model, "simple_history", obj.pk, obj.history.first().history_id))
    if model._meta.label in RECORDED_BY_SIGN_IN:
        urls.remove(admin_url(model, "add"))
        assert admin_client.get(admin_url(model, "add")).status_code == 403
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert INVALID not in response.content.decode(), url


# Convention changelist: search, filters, query count -----------------------------------------


def test_convention_search_finds_partner_acronyms_and_signatory_names(admin_client):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    with_amf = ConventionFactory(parties=[amf, PartnerFactory()])
    signed_by_her = SignatoryFactory(name="Sandrine Simonnet").convention
    ConventionFactory()

    assert changelist(admin_client, q="AMF") == {with_amf}
    assert changelist(admin_client, q="Simonnet") == {signed_by_her}


def test_convention_list_filters_select_the_right_conventions(admin_client):
    today = timezone.localdate()
    amf = PartnerFactory(acronym="AMF")
    in_force = ConventionFactory(signed_on=today - datetime.timedelta(days=30), parties=[amf])
    draft = ConventionFactory(signed_on=None, kind=ConventionKind.FINANCIAL)
    expired = ConventionFactory(
        signed_on=datetime.date(2015, 3, 1), duration_months=12, scope=Scope.LOCAL
    )

    assert changelist(admin_client, statut=Status.IN_FORCE) == {in_force}
    assert changelist(admin_client, statut=Status.DRAFT) == {draft}
    assert changelist(admin_client, statut=Status.EXPIRED) == {expired}
    assert changelist(admin_client, kind__exact=ConventionKind.FINANCIAL) == {draft}
    assert changelist(admin_client, scope__exact=Scope.LOCAL) == {expired}
    assert changelist(admin_client, parties__partner__id__exact=amf.pk) == {in_force}
    assert changelist(admin_client, annee="2015") == {expired}


def test_signature_year_filter_lists_the_years_present(admin_client):
    ConventionFactory(signed_on=datetime.date(2015, 3, 1))
    ConventionFactory(signed_on=datetime.date(2024, 5, 29))
    ConventionFactory(signed_on=None)
    response = admin_client.get(admin_url(Convention, "changelist"))
    [year_filter] = [
        f for f in response.context["cl"].filter_specs if f.title == "année de signature"
    ]
    assert year_filter.lookup_choices == [("2024", "2024"), ("2015", "2015")]


def test_convention_changelist_query_count_does_not_grow_with_rows(admin_client):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(admin_url(Convention, "changelist")).status_code == 200
        return len(queries)

    ConventionFactory.create_batch(3)
    with_three = count_queries()
    ConventionFactory.create_batch(27)
    assert count_queries() == with_three


def test_convention_changelist_shows_the_status_in_french(admin_client):
    ConventionFactory(signed_on=None)
    response = admin_client.get(admin_url(Convention, "changelist"))
    assert Status.DRAFT.label in response.content.decode()


# Convention change form: rules spanning the inlines -------------------------------------------


def test_signed_convention_needs_two_parties(admin_client):
    convention = ConventionFactory(title="Titre d'origine")
    url = admin_url(Convention, "change", convention.pk)
    data = form_data(admin_client.get(url)) | {"title": "Nouveau titre", "parties-1-DELETE": "on"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert TWO_PARTIES_MESSAGE in response.content.decode()
    convention.refresh_from_db()
    assert convention.title == "Titre d'origine"
    assert convention.parties.count() == 2


def test_same_partner_cannot_be_a_party_twice(admin_client):
    partner = PartnerFactory()
    url = admin_url(Convention, "add")
    data = form_data(admin_client.get(url)) | {"title": "Doublon", "kind": ConventionKind.OTHER}
    add_rows(data, "parties", {"partner": partner.pk}, {"partner": partner.pk})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Ce partenaire est déjà partie à la convention." in errors_of(response)
    assert not Convention.objects.filter(title="Doublon").exists()


def test_signatory_must_sign_for_one_of_the_parties(admin_client):
    convention = ConventionFactory()
    outsider = PartnerFactory()
    url = admin_url(Convention, "change", convention.pk)
    data = add_rows(
        form_data(admin_client.get(url)),
        "signatories",
        {"name": "Jean Dupont", "title": "Directeur", "partner": outsider.pk, "position": 1},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert escape(SIGNATORY_NOT_A_PARTY_MESSAGE) in response.content.decode()
    assert not convention.signatories.exists()


def test_signatory_cannot_sign_for_a_party_removed_in_the_same_form(admin_client):
    convention = ConventionFactory(parties=[PartnerFactory(), PartnerFactory(), PartnerFactory()])
    leaving = convention.parties.last().partner
    url = admin_url(Convention, "change", convention.pk)
    data = form_data(admin_client.get(url)) | {"parties-2-DELETE": "on"}
    add_rows(data, "signatories", {"name": "Jean Dupont", "title": "DG", "partner": leaving.pk})

    response = admin_client.post(url, data)

    assert SIGNATORY_NOT_A_PARTY_MESSAGE in errors_of(response)
    assert convention.parties.count() == 3


def test_convention_with_parties_signatory_and_axis_is_saved_and_shows_derived_dates(
    admin_client,
):
    today = timezone.localdate()
    signed_on = today - datetime.timedelta(days=10)
    unml, amf = PartnerFactory(acronym="UNML"), PartnerFactory(acronym="AMF")
    url = admin_url(Convention, "add")
    data = form_data(admin_client.get(url)) | {
        "title": "Convention de partenariat UNML - AMF",
        "kind": ConventionKind.PARTNERSHIP,
        "scope": Scope.NATIONAL,
        "signed_on": signed_on.isoformat(),
        "duration_months": 12,
        "notice_months": 2,
    }
    add_rows(data, "parties", {"partner": unml.pk, "position": 1}, {"partner": amf.pk})
    # AMF is not saved as a party yet: the signatory is checked against the submitted parties.
    add_rows(
        data, "signatories", {"name": "David Lisnard", "title": "Président", "partner": amf.pk}
    )
    add_rows(data, "axes", {"number": 1, "title": "Mobilité des jeunes en milieu rural"})

    response = admin_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    convention = Convention.objects.get(title="Convention de partenariat UNML - AMF")
    assert [p.partner for p in convention.parties.all()] == [amf, unml]
    assert convention.signatories.get().partner == amf
    assert convention.axes.get().number == 1
    page = admin_client.get(admin_url(Convention, "change", convention.pk)).content.decode()
    end_on = end_of_term(signed_on, 12)
    notice_deadline = add_months(end_on, -2)
    assert f'<div class="readonly">{Status.IN_FORCE.label}</div>' in page
    assert f'<div class="readonly">{date_format(end_on)}</div>' in page
    assert f'<div class="readonly">{date_format(notice_deadline)}</div>' in page
    assert f'<div class="readonly">{convention.reference}</div>' in page


def test_amendment_added_without_a_number_is_numbered_and_moves_the_end_date(admin_client):
    convention = ConventionFactory()
    AmendmentFactory(convention=convention, number=1)
    url = admin_url(Convention, "change", convention.pk)
    new_end = datetime.date(2028, 12, 31)
    data = add_rows(
        form_data(admin_client.get(url)),
        "amendments",
        {"signed_on": "2025-06-01", "summary": "Prolongation", "new_end_on": new_end.isoformat()},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert Amendment.objects.get(convention=convention, summary="Prolongation").number == 2
    convention.refresh_from_db()
    assert convention.end_on == new_end


def test_deleting_amendments_from_their_list_restores_the_end_date(admin_client):
    convention = ConventionFactory()
    original_end = convention.end_on
    amendment = AmendmentFactory(convention=convention, new_end_on=datetime.date(2030, 1, 1))
    data = {"action": "delete_selected", "_selected_action": [amendment.pk], "post": "yes"}

    response = admin_client.post(admin_url(Amendment, "changelist"), data)

    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.end_on == original_end


# Axis change form: commitments ----------------------------------------------------------------


def test_commitment_bearer_must_be_a_party(admin_client):
    axis = AxisFactory()
    party = axis.convention.parties.first().partner
    url = admin_url(axis, "change", axis.pk)
    data = form_data(admin_client.get(url))

    outsider_row = {"text": "Former les conseillers", "bearer": PartnerFactory().pk}
    response = admin_client.post(url, add_rows(dict(data), "commitments", outsider_row))
    assert BEARER_NOT_A_PARTY_MESSAGE in errors_of(response)
    assert not axis.commitments.exists()

    party_row = {"text": "Former les conseillers", "bearer": party.pk}
    response = admin_client.post(url, add_rows(dict(data), "commitments", party_row))
    assert response.status_code == 302, errors_of(response)
    assert axis.commitments.get().bearer == party
    assert axis.commitments.get().convention == axis.convention


def test_axis_inline_links_to_the_axis_page_with_its_commitments(admin_client):
    axis = AxisFactory()
    page = admin_client.get(admin_url(Convention, "change", axis.convention.pk)).content.decode()
    assert admin_url(axis, "change", axis.pk) in page
