"""Demo accounts, one per role, for a local demonstration only."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from .roles import ADMINISTRATOR, EDITOR, READER, sync_roles


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("lecteur", "demo-lecteur-2026", READER, "Léa Lecture"),
    DemoAccount("editeur", "demo-editeur-2026", EDITOR, "Étienne Édition"),
    DemoAccount("admin", "demo-admin-2026", ADMINISTRATOR, "Anne Administration"),
)


def create_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create the missing demo accounts; refuses outside settings that allow them."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise ImproperlyConfigured("Les comptes de démonstration sont interdits avec ces réglages.")
    groups = sync_roles()
    user_model = get_user_model()
    results = []
    for account in DEMO_ACCOUNTS:
        first_name, last_name = account.full_name.split(" ", 1)
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{account.username}@demo.invalid",
                "is_staff": account.role == ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            user.groups.add(groups[account.role])
        results.append((account, created))
    return results
