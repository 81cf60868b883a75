from django.db import migrations


def sync(apps, schema_editor):
    from mrd_ngo.role_permissions import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the models added since (coverage rates, recommendations)."""

    dependencies = [("reports", "0004_meeting_recommendation"), ("agreements", "0003_coverage_rate")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
