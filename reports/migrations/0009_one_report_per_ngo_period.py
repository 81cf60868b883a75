from django.contrib.postgres.aggregates import ArrayAgg
from django.db import migrations, models


def refuse_duplicates(apps, schema_editor):
    """Stop with a clear message when an NGO still has two reports for one semester (allowed before)."""
    ProgressReport = apps.get_model("reports", "ProgressReport")
    duplicates = (
        ProgressReport.objects.values("ngo_id", "period__year", "period__half")
        .annotate(n=models.Count("pk"), ids=ArrayAgg("pk"))
        .filter(n__gt=1).order_by("ngo_id", "period__year", "period__half")
    )
    lines = [f"  NGO #{d['ngo_id']}, {d['period__year']}S{d['period__half']}: reports {sorted(d['ids'])}" for d in duplicates]
    if lines:
        raise RuntimeError(
            "An NGO now files one report per semester, and these NGOs have several for one semester:\n"
            + "\n".join(lines)
            + "\nKeep one report of each (delete the others in the admin, after copying what they hold), then migrate again."
            + "\nDemo data loaded before this rule: start from an empty database (bin/demo: remove var/pgdata) and load it again."
        )


class Migration(migrations.Migration):
    """One report per NGO and semester (was: per NGO, agreement and semester); see README, design notes."""

    dependencies = [
        ("agreements", "0007_ngo_name_indexes"),
        ("reports", "0008_report_submitted_at_index"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="progressreport",
            name="report_one_per_ngo_agreement_period",
        ),
        migrations.AddConstraint(
            model_name="progressreport",
            constraint=models.UniqueConstraint(
                fields=("ngo", "period"), name="report_one_per_ngo_period",
                violation_error_message="This NGO already has a report for this semester: an NGO files one report "
                                        "per semester, under its agreement in force at the semester's end.",
            ),
        ),
    ]
