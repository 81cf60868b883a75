from django.db import migrations


def sync(apps, schema_editor):
    from mrd_ngo.role_permissions import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the daily-work models (data-entry officers send reminders to NGOs)."""

    dependencies = [("desk", "0001_notifications"), ("reports", "0010_period_lock_changes")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
