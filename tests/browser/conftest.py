"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import EDITOR, READER, sync_roles

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "motdepasse-navigateur"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


# Runs in every document before its own scripts; the Content-Security-Policy does not apply to it.
CSP_RECORDER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "?"}`
    + ` (${event.sourceFile || event.documentURI}:${event.lineNumber}) ${event.sample}`
  );
});
"""


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy blocked in the test's pages, pop-up windows included."""
    return []


@pytest.fixture
def context(context, csp_violations):
    """Every page the test opens reports what the policy blocks: the test fails if anything was.

    The report goes straight to Python, so a pop-up window that closes itself cannot lose it.
    """
    context.expose_binding("reportCspViolation", lambda source, text: csp_violations.append(text))
    context.add_init_script(CSP_RECORDER)
    yield context
    for open_page in context.pages:
        open_page.evaluate("0")  # let the reports already sent arrive
    assert csp_violations == [], "the Content-Security-Policy blocked something"


@pytest.fixture(autouse=True)
def site_url(live_server, settings):
    """Links built for outside the site (calendar feed, e-mails) lead to the test's server."""
    settings.SITE_URL = live_server.url


def make_user(username: str, role: str):
    groups = sync_roles()
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(groups[role])
    return user


@pytest.fixture
def reader(transactional_db):
    return make_user("lea.lecture", READER)


@pytest.fixture
def editor(transactional_db):
    return make_user("etienne.edition", EDITOR)


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the login form, as a person would, and land on the dashboard."""

    def sign_in_as(user):
        page.goto(f"{live_server.url}/compte/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as


@pytest.fixture
def axe_violations(page):
    """Run axe-core on the current page; return the serious and critical violations."""

    def run():
        # Evaluated by Playwright rather than added as an inline <script>, which the policy blocks.
        page.evaluate(AXE_SCRIPT.read_text())
        result = page.evaluate("async () => await axe.run(document)")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
