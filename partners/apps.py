from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_sqlite_fold(sender, connection, **kwargs):
    """SQLite has no unaccent: give it `fold_text`, conventions.search.fold in SQL (filters.py)."""
    if connection.vendor != "sqlite":
        return
    from conventions.search import fold

    connection.connection.create_function(
        "fold_text", 1, lambda text: None if text is None else fold(text), deterministic=True
    )


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partenaires"

    def ready(self):
        connection_created.connect(register_sqlite_fold, dispatch_uid="partners_sqlite_fold")
