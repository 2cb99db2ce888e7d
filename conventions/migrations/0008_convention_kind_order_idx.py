# The list filtered by kind: its default order within one kind, and the signature years of one
# kind counted and sorted from the index alone (PostgreSQL only, as convention_list_order_idx:
# SQLite has no NULLS LAST in an index, and its lists are small).
from django.db import migrations

CREATE_SQL = (
    "CREATE INDEX convention_kind_order_idx ON conventions_convention "
    "(kind, signed_on DESC NULLS LAST, title, id)"
)
DROP_SQL = "DROP INDEX IF EXISTS convention_kind_order_idx"


def run_on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0007_search_vector_list_indexes"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE_SQL), run_on_postgresql(DROP_SQL)),
    ]
