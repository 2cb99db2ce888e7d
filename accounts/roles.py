"""The three roles of the application, as Django groups with model permissions."""

from django.contrib.auth.models import Group, Permission

READER = "Lecteur"
EDITOR = "Éditeur"
ADMINISTRATOR = "Administrateur"

BUSINESS_APPS = ("partners", "conventions")

# Each role holds the permissions of the previous one plus its own actions.
ROLE_ACTIONS = {
    READER: {"view"},
    EDITOR: {"view", "add", "change"},
    ADMINISTRATOR: {"view", "add", "change", "delete"},
}


def role_permissions(role: str):
    actions = ROLE_ACTIONS[role]
    codenames = Permission.objects.filter(content_type__app_label__in=BUSINESS_APPS)
    selected = [p for p in codenames if p.codename.split("_", 1)[0] in actions]
    if role == ADMINISTRATOR:
        selected += Permission.objects.filter(content_type__app_label="auth")
        # Sign-in lockouts and log (django-axes): see them, and delete one to unlock a colleague.
        selected += Permission.objects.filter(
            content_type__app_label="axes", codename__regex=r"^(view|delete)_"
        )
    return selected


def sync_roles() -> dict[str, Group]:
    """Create or update the role groups so they hold exactly their permissions (idempotent)."""
    groups = {}
    for role in ROLE_ACTIONS:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = {p.pk for p in role_permissions(role)}
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
        groups[role] = group
    return groups
