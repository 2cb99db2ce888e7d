"""Permissions are kept in the cache (accounts/backends.py) and read again after any change of
roles: a role removed takes effect on the very next request, whoever made the change."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import READER
from tests.factories import role_user

LIST_URL = "/conventions/"


@pytest.fixture
def reader(db):
    return role_user("lea.lecture", READER)


def permission_queries(client, url=LIST_URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries if "auth_permission" in q["sql"]]


def test_permissions_are_read_at_sign_in_then_from_the_cache(client, reader):
    with CaptureQueriesContext(connection) as sign_in:
        client.force_login(reader)
    assert [q for q in sign_in if "auth_permission" in q["sql"]]
    for _ in range(2):
        response, queries = permission_queries(client)
        assert response.status_code == 200 and not queries


def test_a_user_removed_from_a_role_is_refused_at_the_next_request(client, reader):
    client.force_login(reader)
    assert client.get(LIST_URL).status_code == 200
    reader.groups.clear()
    assert client.get(LIST_URL).status_code == 403


def test_a_role_given_takes_effect_at_the_next_request(client, reader):
    reader.groups.clear()
    client.force_login(reader)
    assert client.get(LIST_URL).status_code == 403
    Group.objects.get(name=READER).user_set.add(reader)
    assert client.get(LIST_URL).status_code == 200


def test_a_permission_removed_from_a_role_in_the_admin_is_refused_at_once(
    client, admin_client, reader
):
    reader_client = client.__class__()
    reader_client.force_login(reader)
    assert reader_client.get(LIST_URL).status_code == 200
    group = Group.objects.get(name=READER)
    kept = group.permissions.exclude(codename="view_convention")
    response = admin_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [p.pk for p in kept]},
    )
    assert response.status_code == 302
    assert not group.permissions.filter(codename="view_convention").exists()
    assert reader_client.get(LIST_URL).status_code == 403


def test_a_permission_given_to_the_user_directly_takes_effect(client, reader):
    client.force_login(reader)
    assert client.get("/conventions/nouvelle/").status_code == 403
    reader.user_permissions.add(Permission.objects.get(codename="add_convention"))
    assert client.get("/conventions/nouvelle/").status_code == 200


def test_a_deleted_role_takes_its_permissions_with_it(client, reader):
    client.force_login(reader)
    assert client.get(LIST_URL).status_code == 200
    Group.objects.get(name=READER).delete()
    assert client.get(LIST_URL).status_code == 403


def test_a_user_made_inactive_is_signed_out_at_once(client, reader):
    client.force_login(reader)
    assert client.get(LIST_URL).status_code == 200
    reader.is_active = False
    reader.save()
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_permissions_are_read_again_when_the_cache_lost_them(client, reader):
    from django.core.cache import cache

    client.force_login(reader)
    assert client.get(LIST_URL).status_code == 200
    cache.clear()
    response, queries = permission_queries(client)
    assert response.status_code == 200 and queries
