"""The official gazetteer: districts and communes, and villages with their code, commune and folded names."""

import django.contrib.postgres.indexes
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def fold_existing_names(apps, schema_editor):
    """The search keys of the villages recorded before the gazetteer (the same folding as Village.save())."""
    from mrd_ngo.khmer import normalize_khmer

    Village = apps.get_model("agreements", "Village")
    villages = list(Village.objects.all())
    for village in villages:
        village.name_km_key = normalize_khmer(village.name_km)[:255]
        village.name_en_key = normalize_khmer(village.name_en)[:255]
        village.search_text = "\n".join(v for v in (village.name_km_key, village.name_en_key) if v)
    Village.objects.bulk_update(villages, ["name_km_key", "name_en_key", "search_text"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0009_ngo_khmer_order'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.CreateModel(
            name='Commune',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_km', models.CharField(blank=True, max_length=255, verbose_name='name (Khmer)')),
                ('name_en', models.CharField(blank=True, max_length=255, verbose_name='name (English)')),
                ('retired_on', models.DateField(blank=True, help_text='The day a gazetteer edition without this unit was loaded.', null=True, verbose_name='retired on')),
                ('code', models.CharField(max_length=6, unique=True, verbose_name='code')),
            ],
            options={
                'verbose_name': 'commune',
                'verbose_name_plural': 'communes',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='District',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_km', models.CharField(blank=True, max_length=255, verbose_name='name (Khmer)')),
                ('name_en', models.CharField(blank=True, max_length=255, verbose_name='name (English)')),
                ('retired_on', models.DateField(blank=True, help_text='The day a gazetteer edition without this unit was loaded.', null=True, verbose_name='retired on')),
                ('code', models.CharField(max_length=4, unique=True, verbose_name='code')),
            ],
            options={
                'verbose_name': 'district',
                'verbose_name_plural': 'districts',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='VillageEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('name_km', models.CharField(blank=True, max_length=255, verbose_name='name (Khmer)')),
                ('name_en', models.CharField(blank=True, max_length=255, verbose_name='name (English)')),
                ('retired_on', models.DateField(blank=True, help_text='The day a gazetteer edition without this unit was loaded.', null=True, verbose_name='retired on')),
                ('code', models.CharField(blank=True, default='', help_text='The official village code (8 digits); empty for a village not yet linked to the gazetteer.', max_length=8, verbose_name='code')),
                ('is_model_village', models.BooleanField(default=False, verbose_name='model village')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.RemoveConstraint(
            model_name='village',
            name='village_unique_per_commune',
        ),
        migrations.AddField(
            model_name='district',
            name='province',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='agreements.province', verbose_name='province'),
        ),
        migrations.AddField(
            model_name='commune',
            name='district',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='communes', to='agreements.district', verbose_name='district'),
        ),
        migrations.RemoveField(
            model_name='village',
            name='district',
        ),
        # The free-text commune gives way to the gazetteer's commune (README, "Places"): existing villages
        # are kept, without a code, until `load_gazetteer` links them by name.
        migrations.RemoveField(
            model_name='village',
            name='commune',
        ),
        migrations.AddField(
            model_name='village',
            name='commune',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='villages', to='agreements.commune', verbose_name='commune'),
        ),
        migrations.AddField(
            model_name='village',
            name='code',
            field=models.CharField(blank=True, default='', help_text='The official village code (8 digits); empty for a village not yet linked to the gazetteer.', max_length=8, verbose_name='code'),
        ),
        migrations.AddField(
            model_name='village',
            name='gazetteer_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name='village',
            name='name_en_key',
            field=models.CharField(default='', editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='village',
            name='name_km_key',
            field=models.CharField(default='', editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='village',
            name='retired_on',
            field=models.DateField(blank=True, help_text='The day a gazetteer edition without this unit was loaded.', null=True, verbose_name='retired on'),
        ),
        migrations.AddField(
            model_name='village',
            name='search_text',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(fold_existing_names, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='village',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."commune_id" IS DISTINCT FROM (NEW."commune_id") OR OLD."is_model_village" IS DISTINCT FROM (NEW."is_model_village") OR OLD."name_en" IS DISTINCT FROM (NEW."name_en") OR OLD."name_km" IS DISTINCT FROM (NEW."name_km") OR OLD."province_id" IS DISTINCT FROM (NEW."province_id") OR OLD."retired_on" IS DISTINCT FROM (NEW."retired_on"))', func='INSERT INTO "agreements_villageevent" ("code", "commune_id", "id", "is_model_village", "name_en", "name_km", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "province_id", "retired_on") VALUES (NEW."code", NEW."commune_id", NEW."id", NEW."is_model_village", NEW."name_en", NEW."name_km", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."province_id", NEW."retired_on"); RETURN NULL;', hash='aeb2e63933304e85ae5da669715880fc35274717', operation='UPDATE', pgid='pgtrigger_update_update_f77e4', table='agreements_village', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='village',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "agreements_villageevent" ("code", "commune_id", "id", "is_model_village", "name_en", "name_km", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "province_id", "retired_on") VALUES (OLD."code", OLD."commune_id", OLD."id", OLD."is_model_village", OLD."name_en", OLD."name_km", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."province_id", OLD."retired_on"); RETURN NULL;', hash='03efca9efc6946f07a83e2918e86e405d0710d5d', operation='DELETE', pgid='pgtrigger_delete_delete_52683', table='agreements_village', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='village',
            index=models.Index(django.contrib.postgres.indexes.OpClass('name_km_key', name='varchar_pattern_ops'), name='village_name_km_prefix'),
        ),
        migrations.AddIndex(
            model_name='village',
            index=models.Index(django.contrib.postgres.indexes.OpClass('name_en_key', name='varchar_pattern_ops'), name='village_name_en_prefix'),
        ),
        migrations.AddIndex(
            model_name='village',
            index=models.Index(django.contrib.postgres.indexes.OpClass('code', name='varchar_pattern_ops'), name='village_code_prefix'),
        ),
        migrations.AddConstraint(
            model_name='village',
            constraint=models.UniqueConstraint(condition=models.Q(('gazetteer_key', ''), _negated=True), fields=('gazetteer_key',), name='village_gazetteer_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='village',
            constraint=models.CheckConstraint(condition=models.Q(('gazetteer_key', ''), ('commune__isnull', False), _connector='OR'), name='village_linked_has_commune'),
        ),
        migrations.AddField(
            model_name='villageevent',
            name='commune',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='agreements.commune', verbose_name='commune'),
        ),
        migrations.AddField(
            model_name='villageevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='villageevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='agreements.village'),
        ),
        migrations.AddField(
            model_name='villageevent',
            name='province',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='agreements.province', verbose_name='province'),
        ),
    ]
