from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import BUSINESS_APPS, sync_roles

    # Sent after each app's permissions are created: the last business app completes the roles.
    if sender.label in BUSINESS_APPS:
        sync_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from . import backends  # noqa: F401  (its receivers renew the roles' token)
        from .middleware import start_activity_clock

        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
        user_logged_in.connect(start_activity_clock, dispatch_uid="accounts.start_activity_clock")
