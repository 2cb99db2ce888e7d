"""PostgreSQL going away in the middle of a request: a French error page, no partial write, and
the next request served once the database answers again."""

import pytest
from django.db import OperationalError, connection, connections
from django.template import loader
from django.test import Client
from django.urls import reverse

from conventions import services
from conventions.models import Axis, Commitment, Convention, Party
from conventions.views.lifecycle import new_draft_url
from tests.factories import AxisFactory, CommitmentFactory, ConventionFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"
)

UNAVAILABLE = "Le service est momentanément indisponible"
NOTHING_SAVED = "Rien n'a été enregistré"


def terminate_from_another_connection(victim) -> None:
    """End `victim`'s server process as a database restart or a network cut would: from
    another connection, so that the victim learns of it on its next statement."""
    with victim.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("select pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@pytest.mark.embedded
def test_the_error_page_needs_neither_database_nor_request():
    # No database access is allowed in this test: rendering the page would fail if it read any.
    page = loader.get_template("500.html").render()
    assert UNAVAILABLE in page
    assert NOTHING_SAVED in page
    assert "/static/css/app.css" in page


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_database_lost_during_a_renewal_saves_nothing_and_the_next_request_succeeds(
    editor, monkeypatch, caplog
):
    convention = ConventionFactory(title="Convention cadre nationale entre l'AMF et l'UNML")
    axis = AxisFactory(convention=convention, number=1, title="Informer les élus")
    CommitmentFactory(convention=convention, axis=axis, text="Diffuser un guide aux maires")
    before = {
        model: model.objects.count()
        for model in (Convention, Convention.history.model, Party, Axis, Commitment)
    }
    # A browser, not a test: the server's error is answered with its page, not raised here.
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    renew = reverse("conventions:convention_renew", args=[convention.pk])

    copy_axes = services._copy_axes

    def copy_axes_after_losing_the_database(**kwargs):
        # The renewal draft, its parties and their history are written by now.
        assert Convention.objects.filter(predecessor=convention).exists()
        terminate_from_another_connection(connection)
        return copy_axes(**kwargs)

    monkeypatch.setattr(services, "_copy_axes", copy_axes_after_losing_the_database)
    response = client.post(renew)

    assert response.status_code == 500
    page = response.content.decode()
    assert UNAVAILABLE in page and NOTHING_SAVED in page
    assert "Traceback" not in page and "OperationalError" not in page
    # The statement after the cut failed: that error, logged for the administrator, made the page.
    [logged] = [record for record in caplog.records if record.name == "django.request"]
    assert isinstance(logged.exc_info[1], OperationalError)

    # What the server does when a request ends: a broken connection is dropped, not reused.
    connection.close_if_unusable_or_obsolete()
    after = {model: model.objects.count() for model in before}
    assert after == before
    assert not Convention.objects.filter(predecessor=convention).exists()

    # The database is back: the same action now succeeds.
    monkeypatch.undo()
    response = client.post(renew)
    renewal = Convention.objects.get(predecessor=convention)
    assert response.status_code == 302
    assert response["Location"] == new_draft_url(renewal)
    assert renewal.axes.get().commitments.get().text == "Diffuser un guide aux maires"
