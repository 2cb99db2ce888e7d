import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.roles import ADMINISTRATOR, EDITOR, READER, sync_roles

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_roles_are_created_by_migrate_with_growing_permissions():
    reader, editor, administrator = codenames(READER), codenames(EDITOR), codenames(ADMINISTRATOR)
    assert {"view_convention", "view_partner"} <= reader
    assert not any(c.startswith(("add_", "change_", "delete_")) for c in reader)
    assert reader < editor < administrator
    assert {"add_convention", "change_axis"} <= editor
    assert "delete_convention" not in editor
    assert {"delete_convention", "change_user", "add_user"} <= administrator


def test_sync_roles_is_idempotent():
    before = {role: codenames(role) for role in (READER, EDITOR, ADMINISTRATOR)}
    sync_roles()
    assert {role: codenames(role) for role in before} == before
    assert Group.objects.count() == 3


@pytest.mark.embedded
def test_demo_accounts_get_one_role_each_and_are_printed(capsys):
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    output = capsys.readouterr().out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"lecteur", "editeur", "admin"}
    assert [g.name for g in users["lecteur"].groups.all()] == [READER]
    assert users["editeur"].has_perm("conventions.change_convention")
    assert not users["lecteur"].has_perm("conventions.change_convention")
    assert users["admin"].is_staff and users["admin"].has_perm("conventions.delete_convention")
    assert users["lecteur"].check_password("demo-lecteur-2026")
    assert "mot de passe : demo-editeur-2026" in output
    assert "déjà présent" in output


def test_demo_accounts_are_never_created_without_the_development_settings(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="interdits"):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()
