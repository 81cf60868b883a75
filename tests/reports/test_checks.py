"""`manage.py check --database default` names results stored in a province their agreement does not cover."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from reports.checks import results_outside_their_agreements_provinces
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


def test_results_inside_their_agreements_provinces_pass_the_check(siem_reap, wells):
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap]))
    IndicatorValueFactory(report=report, indicator=wells, province=siem_reap)
    assert results_outside_their_agreements_provinces(databases=["default"]) == []
    call_command("check", "--database", "default", stdout=io.StringIO())


def test_a_result_stored_outside_its_agreements_provinces_is_named_and_left_as_it_is(siem_reap, kampot, wells):
    agreement = AgreementFactory(provinces=[siem_reap], reference_number="MRD-2023-077")
    report = ProgressReportFactory(agreement=agreement)
    IndicatorValueFactory(report=report, indicator=wells, province=siem_reap)
    IndicatorValueFactory(report=report, indicator=wells, province=kampot, value=Decimal(4))
    [warning] = results_outside_their_agreements_provinces(databases=["default"])
    assert warning.id == "reports.W001"
    assert warning.msg.startswith("1 indicator result(s) in a province their report's agreement does not cover")
    assert f"report {report.pk} (2024S1, agreement MRD-2023-077): Kampot" in warning.msg
    # A warning: `check` does not fail on it (only errors do), and nothing is changed.
    output = io.StringIO()
    try:
        call_command("check", "--database", "default", stderr=output, stdout=output)
    except SystemCheckError:  # pragma: no cover - a warning must not stop the command
        pytest.fail("the data check must warn, not fail")
    assert report.values.count() == 2


def test_the_check_runs_only_when_the_database_is_asked_for():
    assert results_outside_their_agreements_provinces(databases=None) == []
