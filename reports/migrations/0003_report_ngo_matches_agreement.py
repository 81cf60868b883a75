from django.db import migrations


class Migration(migrations.Migration):
    """A report's NGO must be its agreement's NGO: a composite foreign key says so in the database."""

    dependencies = [("reports", "0002_roles")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE reports_progressreport ADD CONSTRAINT report_ngo_is_agreement_ngo "
            "FOREIGN KEY (agreement_id, ngo_id) REFERENCES agreements_agreement (id, ngo_id);",
            "ALTER TABLE reports_progressreport DROP CONSTRAINT report_ngo_is_agreement_ngo;",
        )
    ]
