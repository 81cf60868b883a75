from django.db import migrations


def sync(apps, schema_editor):
    from mrd_ngo.role_permissions import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the models added since (the gazetteer's districts and communes)."""

    dependencies = [("reports", "0010_period_lock_changes"), ("agreements", "0010_gazetteer")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
