"""The Content-Security-Policy blocks injected scripts; every page, the admin's too, works under it.

Every browser test fails when the policy blocks anything (tests/browser/conftest.py): the app's own
pages are covered by the other tests of this directory, the Django admin's by the ones below.
"""

import time

import pytest
from django.contrib.auth import get_user_model

from partners.models import Partner, Territory
from tests.browser.conftest import PASSWORD
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(reports: list, timeout: float = 5) -> list:
    deadline = time.monotonic() + timeout
    while not reports and time.monotonic() < deadline:
        time.sleep(0.05)
    return reports


def test_an_injected_inline_script_is_blocked_and_recorded(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/compte/connexion/")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    assert page.evaluate("window.injected") is None
    [report] = wait_for(csp_violations)
    assert report.startswith("script-src-elem refused inline")
    csp_violations.clear()  # expected here: the teardown check must not fail this test


@pytest.fixture
def superuser(transactional_db):
    return get_user_model().objects.create_superuser(username="ada.admin", password=PASSWORD)


@pytest.fixture
def admin_page(page, live_server, superuser):
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill(superuser.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def test_admin_convention_pages_work_under_the_policy(admin_page, live_server):
    convention = ConventionFactory(title="Convention UNML et AMF")
    base = f"{live_server.url}/admin/conventions/convention/"

    admin_page.goto(base)
    admin_page.locator("#action-toggle").check()  # actions.js
    assert admin_page.get_by_text("1 sur 1 sélectionné").is_visible()

    admin_page.goto(f"{base}{convention.pk}/change/")
    # SelectFilter2.js builds the two-list widgets, select2 the autocomplete fields.
    assert admin_page.locator("#id_themes_from").count() == 1
    assert admin_page.locator(".field-predecessor .select2-container").count() == 1
    admin_page.locator("#id_signed_on ~ .datetimeshortcuts .date-icon").click()
    assert admin_page.locator(".calendarbox:visible").count() == 1  # DateTimeShortcuts.js
    admin_page.locator("#parties-group").get_by_role("button", name="Ajouter un objet").click()
    assert admin_page.locator("#parties-group .dynamic-parties").count() == 3  # inlines.js

    admin_page.goto(f"{base}{convention.pk}/history/")  # simple_history's list
    assert admin_page.get_by_role("link", name="Convention UNML et AMF").count() >= 1


def test_admin_fills_the_slug_and_adds_a_territory_in_a_pop_up(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/partners/partner/add/")
    admin_page.locator("#id_name").fill("Association des maires de France")
    admin_page.locator("#id_name").press("Tab")  # prepopulate.js listens to change
    assert admin_page.locator("#id_slug").input_value() == "association-des-maires-de-france"

    with admin_page.expect_popup() as opened:
        admin_page.locator("#add_id_territory").click()
    popup = opened.value
    popup.locator("#id_name").fill("Guyane")
    popup.locator("#id_name").press("Tab")
    popup.locator("#id_kind").select_option(index=1)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Enregistrer").click()

    territory = Territory.objects.get(name="Guyane")
    assert admin_page.locator("#id_territory").input_value() == str(territory.pk)
    admin_page.locator("#id_kind").select_option(index=1)
    admin_page.get_by_role("button", name="Enregistrer", exact=True).click()
    admin_page.wait_for_url(f"{live_server.url}/admin/partners/partner/")
    assert Partner.objects.get(slug="association-des-maires-de-france").territory == territory
