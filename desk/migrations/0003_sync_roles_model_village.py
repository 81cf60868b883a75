from django.db import migrations


def sync(apps, schema_editor):
    from mrd_ngo.role_permissions import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give administrators the new permission to mark or unmark model villages."""

    dependencies = [
        ("desk", "0002_roles"),
        ("agreements", "0011_village_model_permission"),
        ("reports", "0012_issued_summaries"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
