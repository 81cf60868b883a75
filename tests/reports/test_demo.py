"""The demo dataset: realistic, complete and loaded only once."""
import io

import pytest
from django.core.management import call_command

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement, Village
from reports.choices import ReportStatus
from reports.models import IndicatorValue, ProgressReport

pytestmark = pytest.mark.django_db


def table_counts():
    return {model.__name__: model.objects.count() for model in (NGO, Agreement, ProgressReport, IndicatorValue, Village)}


def test_load_demo_twice_creates_nothing_the_second_time():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = table_counts()
    call_command("load_demo", stdout=io.StringIO())
    assert table_counts() == first
    assert first["NGO"] == 66
    assert "admin" in out.getvalue() and "mrd-demo-2024" in out.getvalue()


def test_demo_holds_every_state_the_app_deals_with():
    call_command("load_demo", stdout=io.StringIO())
    statuses = set(Agreement.objects.with_status().values_list("status", flat=True))
    assert statuses == set(AgreementStatus.values)
    for days in (30, 60, 90):
        assert Agreement.objects.expiring_within(days).exists()
    assert Agreement.objects.filter(renews__renews__isnull=False).exists(), "a renewal chain of three"
    assert set(ProgressReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    assert set(ProgressReport.objects.values_list("period__year", "period__half").distinct()) == {(2023, 2), (2024, 1)}
    assert IndicatorValue.objects.values("province").distinct().count() == 25
    assert IndicatorValue.objects.filter(village__is_model_village=True).exists()
    kinds = set(NGO.objects.values_list("kind", flat=True))
    assert kinds == {"local", "international"}
    assert not NGO.objects.filter(name_km="").exists()
