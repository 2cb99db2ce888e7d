"""A convention's reference follows its signature year, whatever the path that signed it."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from conventions.history import convention_history
from conventions.models import Convention
from conventions.services import convention_decline, convention_renew
from partners.enums import PartnerKind
from tests.factories import ConventionFactory, PartnerFactory
from tests.test_admin import form_data as admin_form_data
from tests.test_convention_form import form_data

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def today_2026(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: D(2026, 3, 10))


def sign_on_the_staff_page(client, convention: Convention, signed_on: str) -> Convention:
    url = reverse("conventions:convention_update", args=[convention.pk])
    data = form_data(client.get(url))
    data["signed_on"] = signed_on
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    return Convention.objects.get(pk=convention.pk)


def test_a_draft_takes_a_reference_of_its_creation_year(today_2026):
    draft = ConventionFactory(signed_on=None)
    assert draft.reference == "CONV-2026-001"


def test_a_renewal_signed_later_is_numbered_in_its_signature_year(
    today_2026, editor_client, editor
):
    ConventionFactory(signed_on=D(2018, 2, 1))  # CONV-2018-001
    old = ConventionFactory(signed_on=D(2015, 3, 1))
    renewal = convention_renew(convention=old, by=editor)
    assert renewal.reference == "CONV-2026-001"

    renewal = sign_on_the_staff_page(editor_client, renewal, "2018-06-12")

    assert renewal.reference == "CONV-2018-002"
    # The history says it.
    changes = [c for e in convention_history(renewal) for c in e.changes if c.field == "Référence"]
    assert [(c.old, c.new) for c in changes] == [("CONV-2026-001", "CONV-2018-002")]
    # Saved again, it keeps its number.
    renewal = sign_on_the_staff_page(editor_client, renewal, "2018-06-13")
    assert renewal.reference == "CONV-2018-002"


def test_a_declination_signed_later_is_numbered_in_its_signature_year(
    today_2026, editor_client, editor
):
    # Still in force in 2026 (an ended convention takes no declination).
    national = ConventionFactory(signed_on=D(2025, 1, 10))
    mission_locale = PartnerFactory(kind=PartnerKind.MISSION_LOCALE)
    declination = convention_decline(convention=national, partner=mission_locale, by=editor)
    assert declination.reference == "CONV-2026-001"

    declination = sign_on_the_staff_page(editor_client, declination, "2025-04-02")

    assert declination.reference == "CONV-2025-002"


def test_a_draft_signed_in_the_admin_is_renumbered(today_2026, admin_client):
    draft = ConventionFactory(signed_on=None)
    url = reverse("admin:conventions_convention_change", args=[draft.pk])
    data = admin_form_data(admin_client.get(url))
    data["signed_on"] = "2017-09-30"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    draft.refresh_from_db()
    assert draft.reference == "CONV-2017-001"


def test_a_signature_date_corrected_to_another_year_moves_the_reference():
    convention = ConventionFactory(signed_on=D(2081, 5, 4))  # a typo for 2018
    assert convention.reference == "CONV-2081-001"
    convention.signed_on = D(2018, 5, 4)
    convention.save()
    assert convention.reference == "CONV-2018-001"


def test_a_convention_back_to_draft_keeps_its_reference():
    convention = ConventionFactory(signed_on=D(2018, 5, 4))
    convention.signed_on = None
    convention.effective_on = None
    convention.save()
    assert Convention.objects.get().reference == "CONV-2018-001"


def test_a_reference_not_of_the_registry_is_kept():
    """A reference restored as another registry wrote it is not rewritten."""
    convention = ConventionFactory(signed_on=D(2018, 5, 4))
    Convention.objects.filter(pk=convention.pk).update(reference="UNML-2010-A")
    convention.refresh_from_db()
    convention.title = "Autre intitulé"
    convention.save()
    assert Convention.objects.get().reference == "UNML-2010-A"


def test_generated_and_demo_conventions_are_numbered_in_their_signature_year():
    from conventions.demo import load_demo_data

    load_demo_data()
    signed = Convention.objects.filter(signed_on__isnull=False)
    assert signed.exists()
    for convention in signed:
        assert convention.reference.startswith(f"CONV-{convention.signed_on.year}-")


@pytest.mark.django_db(transaction=True)
def test_two_conventions_signed_together_get_two_references():
    """The second waits for the first one's number to be committed instead of taking it too."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time.")
    parties = [PartnerFactory(), PartnerFactory()]
    first_saved, second_started = threading.Event(), threading.Event()
    errors, references = [], {}

    def first():
        try:
            with transaction.atomic():
                references["first"] = ConventionFactory(signed_on=D(2018, 1, 5), parties=parties)
                first_saved.set()
                second_started.wait(5)
                # Let the second one reach its numbering while this one is not committed.
                threading.Event().wait(0.5)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            first_saved.set()
            connection.close()

    def second():
        try:
            first_saved.wait(5)
            second_started.set()
            references["second"] = ConventionFactory(signed_on=D(2018, 7, 1), parties=parties)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert {references["first"].reference, references["second"].reference} == {
        "CONV-2018-001",
        "CONV-2018-002",
    }
