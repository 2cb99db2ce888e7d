"""Every change to a convention, to the rows hanging off it and to partners is recorded with its
author and told in French; any change to a convention's rows raises its version, so an editor
with the page open is told of it instead of overwriting it."""

import datetime
import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import EDITOR, sync_roles
from conventions.enums import AmendedField
from conventions.models import (
    CONVENTION_ROWS,
    Amendment,
    AmendmentChange,
    Axis,
    Commitment,
    Convention,
    Signatory,
    Target,
    TargetResult,
)
from conventions.services import convention_amend
from partners.models import Contact, KeyFigure, Partner
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
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
    UserFactory,
)
from tests.test_admin import add_rows, admin_url, errors_of
from tests.test_admin import form_data as admin_form_data
from tests.test_convention_form import add_action, add_row, form_data, page, update_url
from tests.test_edit_conflict import CONFLICT_MESSAGE
from tests.test_partner_pages import renaming_data

pytestmark = pytest.mark.django_db

D = datetime.date


def person(username: str, first_name: str, last_name: str, *, role: str = "", admin=False):
    user = UserFactory(
        username=username,
        first_name=first_name,
        last_name=last_name,
        is_staff=admin,
        is_superuser=admin,
    )
    if role:
        user.groups.add(sync_roles()[role])
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(db):
    """An administrator, who works in the Django admin."""
    return person("alice", "Alice", "Martin", admin=True)


@pytest.fixture
def bruno(db):
    """An editor, who works on the convention's edit page."""
    return person("bruno", "Bruno", "Petit", role=EDITOR)


def version_of(convention: Convention) -> int:
    return Convention.objects.values_list("version", flat=True).get(pk=convention.pk)


def plain(html: str) -> str:
    """Spaces of every kind (French thousands separators) made plain."""
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in html)


def history_of(client, url: str) -> str:
    """The "Historique des modifications" section of the page at `url`, spaces made plain."""
    content = plain(page(client.get(url)))
    return content[content.index("Historique des modifications") :]


def convention_history_of(client, convention) -> str:
    return history_of(client, reverse("conventions:convention_detail", args=[convention.pk]))


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


# The edit page's rows ---------------------------------------------------------------------------


def test_rows_edited_on_the_edit_page_are_recorded_with_their_author(bruno, convention, amf):
    axis = AxisFactory(convention=convention, number=1, title="Mobilité")
    dropped = CommitmentFactory(axis=axis, text="Action retirée")
    kept = SignatoryFactory(convention=convention, partner=amf, name="Jeanne Martin")
    removed = SignatoryFactory(convention=convention, partner=amf, name="Paul Durand")
    client = signed_in(bruno)
    data = form_data(client.get(update_url(convention)))
    loaded_version = int(data["loaded_version"])
    data["axes-0-title"] = "Mobilité des jeunes"
    data["axes-0-commitments-0-DELETE"] = "on"
    add_action(data, "axes-0", text="Nouvelle action")
    add_action(data, add_row(data, "axes", title="Numérique"), text="Former aux outils")
    data["signatories-0-title"] = "Présidente déléguée"
    data["signatories-1-DELETE"] = "on"
    add_row(data, "signatories", name="Sophie Leroy", title="Maire", partner=str(amf.pk))

    assert client.post(update_url(convention), data).status_code == 302

    records = [
        latest(Axis, axis.pk),
        latest(Commitment, dropped.pk),
        latest(Signatory, kept.pk),
        latest(Signatory, removed.pk),
        *Axis.history.filter(title="Numérique"),
        *Commitment.history.filter(text__in=["Nouvelle action", "Former aux outils"]),
        *Signatory.history.filter(name="Sophie Leroy"),
    ]
    assert [r.history_type for r in records] == ["~", "-", "~", "-", "+", "+", "+", "+"]
    assert {r.history_user for r in records} == {bruno}
    # One edit, one version, however many rows it changed.
    assert version_of(convention) == loaded_version + 1

    history = convention_history_of(client, convention)
    for told in [
        "<strong>Bruno Petit</strong> : Modification · Axe « Mobilité des jeunes »",
        "Intitulé : Mobilité → Mobilité des jeunes",
        "Suppression · Action ou engagement « Action retirée »",
        "Création · Action ou engagement « Nouvelle action »",
        "Création · Axe « Numérique »",
        "Création · Action ou engagement « Former aux outils »",
        "Modification · Signataire « Jeanne Martin »",
        "Qualité : Président → Présidente déléguée",
        "Suppression · Signataire « Paul Durand »",
        "Création · Signataire « Sophie Leroy »",
    ]:
        assert told in history


# The admin ---------------------------------------------------------------------------------------


def test_the_admin_convention_page_records_the_convention_and_its_inlines(alice, convention):
    AxisFactory(convention=convention, number=1, title="Mobilité")
    client = signed_in(alice)
    url = admin_url(Convention, "change", convention.pk)
    data = admin_form_data(client.get(url))
    data["title"] = "Convention UNML et AMF 2024"
    data["axes-0-title"] = "Mobilité durable"
    add_rows(data, "targets", {"label": "jeunes accompagnés", "value": "1500"})

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert latest(Convention, convention.pk).history_user == alice
    assert Axis.history.filter(history_type="~").get().history_user == alice
    assert Target.history.get().history_user == alice
    history = convention_history_of(client, convention)
    assert "<strong>Alice Martin</strong> : Modification · Convention" in history
    assert "Intitulé : Convention UNML et AMF → Convention UNML et AMF 2024" in history
    assert "<strong>Alice Martin</strong> : Modification · Axe « Mobilité durable »" in history
    assert "Intitulé : Mobilité → Mobilité durable" in history
    assert "<strong>Alice Martin</strong> : Création · Objectif chiffré « jeunes accompagnés »" in (
        history
    )


def test_the_admin_axis_page_records_the_axis_and_its_actions(alice, convention):
    axis = AxisFactory(convention=convention, number=1, title="Mobilité")
    action = CommitmentFactory(axis=axis, text="Diffuser un guide")
    loaded_version = version_of(convention)
    client = signed_in(alice)
    url = admin_url(Axis, "change", axis.pk)
    data = admin_form_data(client.get(url))
    data["title"] = "Mobilité durable"
    data["commitments-0-status"] = "in_progress"

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert latest(Axis, axis.pk).history_user == alice
    assert latest(Commitment, action.pk).history_user == alice
    assert version_of(convention) > loaded_version
    history = convention_history_of(client, convention)
    assert "Modification · Action ou engagement « Diffuser un guide »" in history
    assert "Avancement : Prévue → En cours" in history


def test_delete_selected_in_the_admin_records_one_deletion_per_row(alice, convention):
    axes = [AxisFactory(convention=convention, number=n, title=f"Axe {n}") for n in (1, 2, 3)]
    action = CommitmentFactory(axis=axes[0], text="Action de l'axe 1")
    loaded_version = version_of(convention)
    client = signed_in(alice)
    selected = [axes[0].pk, axes[1].pk]
    data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}

    assert client.post(admin_url(Axis, "changelist"), data).status_code == 302

    deletions = Axis.history.filter(history_type="-")
    assert sorted(d.id for d in deletions) == sorted(selected)
    assert {d.history_user for d in deletions} == {alice}
    # The actions of a deleted axis go with it, recorded too.
    assert Commitment.history.get(id=action.pk, history_type="-").history_user == alice
    assert version_of(convention) > loaded_version
    history = convention_history_of(client, convention)
    assert "<strong>Alice Martin</strong> : Suppression · Axe « Axe 1 »" in history
    assert "<strong>Alice Martin</strong> : Suppression · Axe « Axe 2 »" in history
    assert "Axe « Axe 3 »" in history  # its creation


def test_delete_selected_conventions_records_them_and_their_rows(alice, convention):
    axis = AxisFactory(convention=convention)
    target = TargetFactory(convention=convention)
    result = TargetResult.objects.create(target=target, year=2024, value=100)
    data = {"action": "delete_selected", "_selected_action": [convention.pk], "post": "yes"}

    assert signed_in(alice).post(admin_url(Convention, "changelist"), data).status_code == 302

    assert not Convention.objects.filter(pk=convention.pk).exists()
    for model, pk in [(Convention, convention.pk), (Axis, axis.pk), (TargetResult, result.pk)]:
        assert model.history.get(id=pk, history_type="-").history_user == alice


def test_an_amendment_added_in_the_admin_records_the_new_end_date(alice, convention):
    client = signed_in(alice)
    url = admin_url(Convention, "change", convention.pk)
    data = add_rows(
        admin_form_data(client.get(url)),
        "amendments",
        {"signed_on": "2025-06-01", "summary": "Prolongation", "new_end_on": "2028-12-31"},
    )

    response = client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    record = latest(Convention, convention.pk)
    assert (record.end_on, record.history_user) == (D(2028, 12, 31), alice)
    assert Amendment.history.get().history_user == alice
    history = convention_history_of(client, convention)
    assert "<strong>Alice Martin</strong> : Modification · Convention" in history
    assert "Date de fin : 31 décembre 2026 → 31 décembre 2028" in history
    assert "<strong>Alice Martin</strong> : Création · Avenant « 1 »" in history


def test_an_amendment_on_its_admin_page_records_the_end_date_both_ways(alice, convention):
    client = signed_in(alice)
    data = admin_form_data(client.get(admin_url(Amendment, "add")))
    data |= {
        "convention": str(convention.pk),
        "signed_on": "2025-06-01",
        "summary": "Prolongation et nouveaux objectifs",
        "new_end_on": "2027-06-30",
    }
    add_rows(data, "changes", {"field": AmendedField.OBJECTIVES, "new_value": "Agir ensemble"})

    response = client.post(admin_url(Amendment, "add"), data)

    assert response.status_code == 302, errors_of(response)
    assert latest(Convention, convention.pk).history_user == alice
    assert AmendmentChange.history.get().history_user == alice
    amendment = Amendment.objects.get()
    delete = {"action": "delete_selected", "_selected_action": [amendment.pk], "post": "yes"}
    assert client.post(admin_url(Amendment, "changelist"), delete).status_code == 302
    record = latest(Convention, convention.pk)
    assert (record.end_on, record.history_user) == (D(2026, 12, 31), alice)
    history = convention_history_of(client, convention)
    assert "Date de fin : 31 décembre 2026 → 30 juin 2027" in history
    assert "Date de fin : 30 juin 2027 → 31 décembre 2026" in history
    # Named as it was, though deleted with its amendment.
    changed = "Modification par avenant « avenant n° 1 (supprimé) · Objectifs »"
    assert f"<strong>Alice Martin</strong> : Création · {changed}" in history
    assert f"<strong>Alice Martin</strong> : Suppression · {changed}" in history
    assert "<strong>Alice Martin</strong> : Suppression · Avenant « 1 »" in history


def test_an_amendment_through_the_service_records_the_end_date_once(bruno, convention):
    records = convention.history.count()

    convention_amend(
        convention=convention,
        signed_on=D(2025, 1, 1),
        summary="Prolongation",
        new_end_on=D(2027, 12, 31),
        by=bruno,
    )

    assert convention.history.count() == records + 1
    record = latest(Convention, convention.pk)
    assert (record.end_on, record.history_user) == (D(2027, 12, 31), bruno)


def test_target_results_and_amendment_changes_are_told_on_the_convention_page(bruno, convention):
    target = TargetFactory(convention=convention, label="jeunes suivis")
    result = TargetResult.objects.create(target=target, year=2024, value=1200)
    result.value = 1350
    result.save()
    amendment = AmendmentFactory(convention=convention)
    AmendmentChange.objects.create(
        amendment=amendment, field=AmendedField.NOTICE_MONTHS, old_value="2", new_value="3"
    )

    history = convention_history_of(signed_in(bruno), convention)

    assert "Modification · Valeur atteinte « jeunes suivis · 2024 »" in history
    assert "Valeur atteinte : 1 200 → 1 350" in history
    assert "Création · Modification par avenant « avenant n° 1 · Préavis de résiliation »" in (
        history
    )


# The version: raised by any change to a row -----------------------------------------------------


def _axis(convention):
    return AxisFactory(convention=convention)


def _result(convention):
    return TargetResult.objects.create(
        target=Target.objects.get(convention=convention), year=2024, value=10
    )


def _amendment_change(convention):
    return AmendmentChange.objects.create(
        amendment=Amendment.objects.get(convention=convention), field=AmendedField.OBJECTIVES
    )


ROWS = {
    "partie": lambda convention: PartyFactory(convention=convention),
    "signataire": lambda convention: SignatoryFactory(convention=convention),
    "axe": _axis,
    "action": lambda convention: CommitmentFactory(axis=_axis(convention)),
    "objectif": lambda convention: TargetFactory(convention=convention),
    "valeur atteinte": _result,
    "avenant": lambda convention: AmendmentFactory(convention=convention),
    "modification par avenant": _amendment_change,
    "bilan": lambda convention: ReviewFactory(convention=convention),
    "pièce jointe": lambda convention: AttachmentFactory(convention=convention),
    "déclaration": lambda convention: StatementFactory(convention=convention),
}


@pytest.mark.parametrize("make_row", ROWS.values(), ids=ROWS.keys())
def test_saving_or_deleting_any_row_raises_the_version(convention, make_row):
    TargetFactory(convention=convention)
    AmendmentFactory(convention=convention)
    row = make_row(convention)

    version = version_of(convention)
    row.save()
    assert version_of(convention) == version + 1
    row.delete()
    assert version_of(convention) == version + 2


def test_raising_the_version_costs_one_query(convention):
    axis = AxisFactory(convention=convention)
    with CaptureQueriesContext(connection) as queries:
        Axis.objects.filter(pk=axis.pk).get().save()
    raises = [q["sql"] for q in queries if '"version" = ' in q["sql"] and "UPDATE" in q["sql"]]
    assert len(raises) == 1


# Two editors: one in the admin, one on the edit page -----------------------------------------


def test_an_axis_changed_in_the_admin_is_a_conflict_for_the_edit_page(alice, bruno, convention):
    axis = AxisFactory(convention=convention, number=1, title="Mobilité")
    bruno_client = signed_in(bruno)
    bruno_data = form_data(bruno_client.get(update_url(convention)))
    alice_client = signed_in(alice)
    url = admin_url(Axis, "change", axis.pk)
    alice_data = admin_form_data(alice_client.get(url))
    alice_data["title"] = "Mobilité durable"
    assert alice_client.post(url, alice_data).status_code == 302
    bruno_data["summary"] = "Résumé de Bruno"

    response = bruno_client.post(update_url(convention), bruno_data)

    assert response.status_code == 200
    content = page(response)
    assert escape("Cette convention a été modifiée par Alice Martin le ") in content
    assert CONFLICT_MESSAGE in content
    assert "Modification · Axe « Mobilité durable »" in content
    assert "Intitulé : Mobilité → Mobilité durable" in content
    assert "Résumé de Bruno" in content  # what Bruno typed is still in the form
    # Nothing lost: Alice's change is kept, Bruno's is not written over it.
    axis.refresh_from_db()
    convention.refresh_from_db()
    assert (axis.title, convention.summary) == ("Mobilité durable", "")


# Partners ----------------------------------------------------------------------------------------


def partner_history_of(client, partner) -> str:
    return history_of(client, reverse("partners:partner_detail", args=[partner.slug]))


def test_partner_changes_are_recorded_and_shown_on_its_page(bruno):
    partner = PartnerFactory(name="Ancien nom", acronym="AN")
    kept = ContactFactory(partner=partner, name="Reste")
    removed = ContactFactory(partner=partner, name="Part")
    figure = KeyFigureFactory(partner=partner, label="adhérents", value=34000)
    data = renaming_data(figure=figure, kept=kept, removed=removed)
    client = signed_in(bruno)

    response = client.post(reverse("partners:partner_update", args=[partner.slug]), data)

    assert response.status_code == 302
    for model, pk in [(Partner, partner.pk), (KeyFigure, figure.pk), (Contact, removed.pk)]:
        assert latest(model, pk).history_user == bruno
    history = partner_history_of(client, partner)
    for told in [
        "<strong>Bruno Petit</strong> : Modification · Partenaire",
        "Nom : Ancien nom → Nouveau nom",
        "Modification · Chiffre clé « antennes »",
        "Libellé : adhérents → antennes",
        "Valeur : 34 000 → 12",
        "Suppression · Contact « Part »",
        "Création · Contact « Reste »",
    ]:
        assert told in history


def test_delete_selected_contacts_in_the_admin_is_shown_on_the_partner_page(alice):
    partner = PartnerFactory()
    contacts = [ContactFactory(partner=partner, name=name) for name in ("Marie", "Paul")]
    client = signed_in(alice)
    data = {
        "action": "delete_selected",
        "_selected_action": [c.pk for c in contacts],
        "post": "yes",
    }

    assert client.post(admin_url(Contact, "changelist"), data).status_code == 302

    deletions = Contact.history.filter(history_type="-")
    assert deletions.count() == 2
    assert {d.history_user for d in deletions} == {alice}
    history = partner_history_of(client, partner)
    assert "<strong>Alice Martin</strong> : Suppression · Contact « Marie »" in history
    assert "<strong>Alice Martin</strong> : Suppression · Contact « Paul »" in history


def test_a_partner_without_history_says_so(bruno):
    partner = PartnerFactory()
    Partner.history.filter(id=partner.pk).delete()
    assert "Aucune modification enregistrée." in partner_history_of(signed_in(bruno), partner)


# Query counts: the history does not make a page's queries grow -----------------------------------


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client.get(url))
    return len(queries)


def test_convention_page_queries_do_not_grow_with_its_history(bruno):
    def queries_for(rows: int) -> int:
        convention = ConventionFactory()
        targets = [TargetFactory(convention=convention) for _ in range(rows)]
        results = [TargetResult.objects.create(target=t, year=2024, value=1) for t in targets]
        amendments = [AmendmentFactory(convention=convention) for _ in range(rows)]
        changes = [
            AmendmentChange.objects.create(amendment=a, field=AmendedField.OBJECTIVES)
            for a in amendments
        ]
        axes = [AxisFactory(convention=convention) for _ in range(rows)]
        # The latest changes, the same in both cases: one of each kind.
        convention.title += " (modifiée)"
        targets[0].label += " (modifié)"
        results[0].note = "Chiffre provisoire"
        amendments[0].summary += " (modifié)"
        changes[0].new_value = "Agir ensemble"
        axes[0].title += " (modifié)"
        party = convention.parties.first()
        party.position = 5
        latest_changes = (convention, targets[0], results[0], amendments[0], changes[0], axes[0])
        for row in (*latest_changes, party):
            row.save()
        return _page_queries(client, reverse("conventions:convention_detail", args=[convention.pk]))

    client = signed_in(bruno)
    assert queries_for(1) == queries_for(12)


def test_partner_page_queries_do_not_grow_with_its_history(bruno):
    def queries_for(rows: int) -> int:
        partner = PartnerFactory()
        figures = KeyFigureFactory.create_batch(rows, partner=partner)
        contacts = ContactFactory.create_batch(rows, partner=partner)
        figures[0].label = "antennes"
        figures[0].save()
        contacts[0].role = "Directrice"
        contacts[0].save()
        partner.description = "Nouvelle présentation"
        partner.save()
        return _page_queries(client, reverse("partners:partner_detail", args=[partner.slug]))

    client = signed_in(bruno)
    assert queries_for(1) == queries_for(12)


@pytest.mark.embedded  # the union of the historical tables on SQLite too
def test_only_the_historical_tables_holding_records_are_read(convention):
    from conventions.history import convention_history

    def history_tables(queries) -> list[str]:
        return sorted(
            {table for q in queries for table in re.findall(r'FROM "(\w*historical\w*)"', q["sql"])}
        )

    # Rows never recorded (loaded in bulk, as generated data): one query tells it.
    for model in (Convention, *CONVENTION_ROWS):
        model.history.all().delete()
    with CaptureQueriesContext(connection) as queries:
        assert convention_history(convention) == []
    assert len(queries) == 1

    AxisFactory(convention=convention, title="Mobilité")
    with CaptureQueriesContext(connection) as queries:
        (entry,) = convention_history(convention)
    assert entry.subject == "Axe « Mobilité »"
    # After the query asking which tables hold records, the axes' table alone.
    assert len(history_tables(queries[:1])) == len(CONVENTION_ROWS) + 3
    assert history_tables(queries[1:]) == ["conventions_historicalaxis"]
