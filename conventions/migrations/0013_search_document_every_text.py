from django.db import migrations


def refresh_search_documents(apps, schema_editor):
    """Rebuild every document: they now hold every text of the convention page (search.py)."""
    from conventions.search import refresh_search_documents

    Convention = apps.get_model("conventions", "Convention")
    refresh_search_documents(Convention.objects.values_list("pk", flat=True), apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0012_convention_financial_conventions"),
    ]

    operations = [
        migrations.RunPython(refresh_search_documents, migrations.RunPython.noop),
    ]
