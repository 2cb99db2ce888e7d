from django.db import migrations


def refresh_search_documents(apps, schema_editor):
    """Rebuild every document: they now hold every text of the convention page (search.py)."""
    from conventions.search import refresh_search_documents

    Convention = apps.get_model("conventions", "Convention")
    refresh_search_documents(Convention.objects.values_list("pk", flat=True), apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0009_search_query_config_vector_storage"),
    ]

    operations = [
        migrations.RunPython(refresh_search_documents, migrations.RunPython.noop),
    ]
