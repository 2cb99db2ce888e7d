from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(**kwargs):
    from .roles import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        # Listed last in INSTALLED_APPS, so every app's permissions exist by then.
        post_migrate.connect(_sync_roles, sender=self)
