from django.db import migrations


def clamp_thresholds(apps, schema_editor):
    """Bring thresholds typed in the admin before the limits existed within them."""
    preferences = apps.get_model("accounts", "ReminderPreferences").objects
    preferences.filter(ending_months__lt=1).update(ending_months=1)
    preferences.filter(ending_months__gt=24).update(ending_months=24)
    preferences.filter(notice_weeks__lt=1).update(notice_weeks=1)
    preferences.filter(notice_weeks__gt=52).update(notice_weeks=52)


class Migration(migrations.Migration):
    """Alone in its transaction: PostgreSQL cannot add the constraints of 0003 to a table with
    rows updated earlier in the same transaction (pending trigger events)."""

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clamp_thresholds, migrations.RunPython.noop),
    ]
