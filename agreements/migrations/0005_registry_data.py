from django.db import migrations

# The documents the ministry asks for before renewing an agreement (issue 3); editable in the admin.
CHECKLIST = [
    (1, "លិខិតស្នើសុំបន្តកិច្ចព្រមព្រៀងសហប្រតិបត្តិការ", "Request letter"),
    (2, "របាយការណ៍សកម្មភាព និងហិរញ្ញវត្ថុនៃរយៈពេលដែលកំពុងបញ្ចប់", "Activity and financial report of the ending period"),
    (3, "ផែនការសកម្មភាពថ្មី", "New plan"),
    (4, "វិញ្ញាបនបត្រចុះបញ្ជីអង្គការ", "Registration certificate"),
]


def forwards(apps, schema_editor):
    from mrd_ngo.khmer import normalize_khmer
    from mrd_ngo.role_permissions import sync_role_groups

    Item = apps.get_model("agreements", "RenewalChecklistItem")
    for order, name_km, name_en in CHECKLIST:
        Item.objects.get_or_create(name_en=name_en, defaults={"name_km": name_km, "order": order})

    NGO = apps.get_model("agreements", "NGO")
    ngos = list(NGO.objects.only("pk", "name_km", "name_en", "acronym"))
    for ngo in ngos:
        ngo.search_text = "\n".join(normalize_khmer(v) for v in (ngo.name_km, ngo.name_en, ngo.acronym) if v)
    NGO.objects.bulk_update(ngos, ["search_text"], batch_size=500)

    # The administrators' group gets the permissions of the new models (flags, notices, checklist).
    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Seed the renewal checklist, fill the NGO search keys, give the roles the new permissions."""

    dependencies = [("agreements", "0004_registry"), ("reports", "0005_sync_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
