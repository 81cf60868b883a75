from django.db import migrations


def sync(apps, schema_editor):
    from mrd_ngo.role_permissions import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the models added since (administrators see the kept record PDFs)."""

    dependencies = [("reports", "0018_issued_by_the_worker"), ("agreements", "0011_village_model_permission"),
                    ("desk", "0003_sync_roles_model_village")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
