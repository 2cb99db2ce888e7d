import pytest
from django.core.cache import cache

from accounts.roles import EDITOR, READER
from tests.factories import ConventionFactory, PartnerFactory, UserFactory, role_user


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
