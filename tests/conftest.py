import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.roles import EDITOR, READER
from tests.factories import ConventionFactory, PartnerFactory, UserFactory, role_user

# Property-based tests (tests/test_fuzz_*.py): the same examples on every run and machine, no
# database of failing examples (.hypothesis/ keeps only Hypothesis's caches, ignored by git), no
# time limit per example (a page takes what the machine gives it). The tests take fixtures once
# and roll back each example themselves (tests/fuzzing.py: `example`), hence the function-scoped
# fixtures.
hypothesis_settings.register_profile(
    "conventions",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("conventions")


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database is rolled back after each test; what was cached from it must go too.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="administratrice", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# Staff members by role, and the test client signed in as one of them. --------------------------


@pytest.fixture
def editor(db):
    return role_user("etienne.edition", EDITOR)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reader_client(client):
    client.force_login(role_user("lea.lecture", READER))
    return client


# The parties of most conventions in the tests, and a convention between them. ----------------


@pytest.fixture
def unml(db):
    return PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")


@pytest.fixture
def amf(db):
    return PartnerFactory(name="Association des maires de France", acronym="AMF")


@pytest.fixture
def convention(unml, amf):
    """Signed 1 January 2024 for three years (ends 31 December 2026), two months' notice."""
    return ConventionFactory(title="Convention UNML et AMF", parties=[unml, amf])
