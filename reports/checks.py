"""`manage.py check --database default`: results stored before a rule refused them, named so staff can fix them.

A database check (Django runs it only when asked with `--database`): it reads, never changes, rows.
"""
from django.core import checks
from django.db import connection

from reports import rules

SHOWN = 10  # results named in the warning; the count says how many there are in all


@checks.register(checks.Tags.database)
def results_outside_their_agreements_provinces(app_configs=None, databases=None, **kwargs):
    """Results in a province their report's agreement does not cover (`rules.outside_agreement_provinces`).

    Entered before the form, the import and the API refused them: they count in the national by-province
    table but not on that province's page. Fix them on the report (move or remove the result), or add the
    province to the agreement if the NGO does work there.
    """
    from reports.models import IndicatorValue

    if "default" not in (databases or ()) or not _migrated(IndicatorValue):
        return []  # `migrate` runs database checks before it creates the tables
    outside = (
        IndicatorValue.objects.filter(rules.outside_agreement_provinces())
        .select_related("report__agreement", "report__period", "province").order_by("report_id", "pk")
    )
    count = outside.count()
    if not count:
        return []
    named = "; ".join(
        f"report {v.report_id} ({v.report.period.code}, agreement {v.report.agreement.reference_number}): "
        f"{v.province.name_en}" for v in outside[:SHOWN]
    )
    return [checks.Warning(
        f"{count} indicator result(s) in a province their report's agreement does not cover: {named}"
        f"{' …' if count > SHOWN else ''}.",
        hint="They count in the national by-province figures but not on that province's page. Correct the results "
             "on the report, or add the province to the agreement if the NGO works there. Nothing is changed automatically.",
        id="reports.W001",
    )]


def _migrated(model) -> bool:
    return model._meta.db_table in connection.introspection.table_names()
