"""A termination is the end: once "Résilier" is recorded, every page, count, reminder, feed,
export and PDF tells the day the convention really ends (issue 17)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.reminders import due_reminders, french_date
from accounts.roles import READER
from accounts.services import reminder_preferences_for
from conventions.dates import add_months
from conventions.enums import TerminationMethod
from conventions.models import Convention
from conventions.services import convention_terminate
from tests.factories import ConventionFactory, PartnerFactory, RoleUserFactory
from tests.test_exports import read_csv
from tests.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def reader(client):
    user = RoleUserFactory(role=READER)
    client.force_login(user)
    return user


@pytest.fixture
def amf():
    return PartnerFactory(name="Association des maires de France", acronym="AMF")


@pytest.fixture
def convention(amf):
    """In force, its term ending in about seven and a half months, six months' notice: the
    notice is to be given within about six weeks, the end is not within six months."""
    return ConventionFactory(
        title="Convention résiliée en cours",
        signed_on=add_months(today(), -12),
        duration_months=None,
        period_end=add_months(today() + datetime.timedelta(days=45), 6),
        notice_months=6,
        parties=[PartnerFactory(), amf],
    )


def terminate(convention, amf, editor) -> datetime.date:
    """Notice sent ten days ago (or eleven, so that the last day is never a 1st, which French
    typography writes "1er"): return the last day in force, the eve of the effective date."""
    notice = today() - datetime.timedelta(days=10)
    if (add_months(notice, 6) - ONE_DAY).day == 1:
        notice -= ONE_DAY
    convention_terminate(
        convention=convention,
        by_party=amf,
        notice_sent_on=notice,
        method=TerminationMethod.REGISTERED_LETTER,
        by=editor,
    )
    convention = Convention.objects.get(pk=convention.pk)
    last_day = convention.terminated_on - ONE_DAY
    assert convention.end_on == last_day < convention.term_end_on
    return last_day


def dashboard_counts(client) -> dict[str, int]:
    metrics = client.get("/").context["metrics"]
    return {label: count for label, count, _, _ in metrics}


def test_list_shows_and_sorts_by_the_end_of_a_terminated_convention(
    client, reader, convention, amf, editor
):
    ConventionFactory(
        title="Finit dans sept mois", signed_on=add_months(today(), -29), duration_months=36
    )
    last_day = terminate(convention, amf, editor)

    content = client.get(reverse("conventions:convention_list") + "?tri=fin").content.decode()

    assert f'<time datetime="{last_day.isoformat()}">' in content
    assert content.index("Convention résiliée en cours") < content.index("Finit dans sept mois")


def test_dashboard_counts_the_end_not_the_notice_once_terminated(
    client, reader, convention, amf, editor
):
    before = dashboard_counts(client)
    assert before["Se terminent dans les 6 mois"] == 0
    assert before["Préavis à donner dans les 3 mois"] == 1

    terminate(convention, amf, editor)

    after = dashboard_counts(client)
    assert after["Se terminent dans les 6 mois"] == 1
    assert after["Préavis à donner dans les 3 mois"] == 0


def test_reminders_page_reminds_the_end_and_no_longer_the_notice(
    client, reader, convention, amf, editor
):
    notice_line = "Donner le préavis de résiliation au plus tard le"
    assert notice_line in client.get("/compte/rappels/").content.decode()

    last_day = terminate(convention, amf, editor)

    content = client.get("/compte/rappels/").content.decode()
    assert f"la fin de la convention le {french_date(last_day)}" in content
    assert notice_line not in content


def test_calendar_feed_has_the_end_and_no_notice_deadline(client, reader, convention, amf, editor):
    last_day = terminate(convention, amf, editor)
    token = reminder_preferences_for(user=reader).calendar_token

    response = client.get(reverse("accounts:calendar_feed", args=[token]))

    events = Calendar.from_ical(response.content).events
    assert [(str(e["UID"]).split("-")[0], e["DTSTART"].dt) for e in events] == [
        ("ending", last_day)
    ]


def test_export_has_the_end_and_no_notice_deadline(client, reader, convention, amf, editor):
    last_day = terminate(convention, amf, editor)

    header, row = read_csv(client.get("/conventions/export.csv"))

    values = dict(zip(header, row, strict=True))
    assert values["Date de fin"] == f"{last_day:%d/%m/%Y}"
    assert values["Date limite de préavis"] == ""


def test_page_and_pdf_show_the_end_and_no_notice_to_give(client, reader, convention, amf, editor):
    assert "à donner au plus tard le" in client.get(convention.get_absolute_url()).content.decode()

    last_day = terminate(convention, amf, editor)

    content = client.get(convention.get_absolute_url()).content.decode()
    assert f"<dd>{french_date(last_day)}</dd>" in content
    assert "à donner au plus tard le" not in content
    text = pdf_text(client.get(reverse("conventions:convention_pdf", args=[convention.pk])))
    assert f"Date de fin {french_date(last_day)}" in text
    assert "à donner au plus tard le" not in text


def test_digest_reminds_the_end_and_no_longer_the_notice(reader, convention, amf, editor):
    reminder_preferences_for(user=reader)
    kinds = {(r.kind, r.date) for r in due_reminders(reader, on=today())}
    assert kinds == {("notice", convention.notice_deadline)}

    last_day = terminate(convention, amf, editor)

    assert {(r.kind, r.date) for r in due_reminders(reader, on=today())} == {("ending", last_day)}
