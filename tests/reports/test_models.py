"""Reports: database rules, tried through the ORM and raw SQL."""
import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from reports.choices import ReportStatus
from reports.models import ProgressReport, ReportingPeriod
from reports.semesters import next_semester, parse_period_code, previous_semester, semester_bounds, semester_of
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory, ReportingPeriodFactory

D = datetime.date


def refused(sql, params=()):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_semester_bounds():
    assert semester_bounds(2024, 1) == (D(2024, 1, 1), D(2024, 6, 30))
    assert semester_bounds(2024, 2) == (D(2024, 7, 1), D(2024, 12, 31))
    with pytest.raises(ValueError):
        semester_bounds(2024, 3)


def test_period_codes_and_neighbours():
    assert parse_period_code("2024S1") == (2024, 1)
    for bad in ["2024S3", "2024-1", "", "S1"]:
        with pytest.raises(ValueError):
            parse_period_code(bad)
    assert previous_semester(2024, 1) == (2023, 2)
    assert next_semester(2024, 2) == (2025, 1)
    assert semester_of(D(2024, 6, 30)) == (2024, 1)
    assert semester_of(D(2024, 7, 1)) == (2024, 2)


@pytest.mark.django_db
def test_period_lookup_by_code():
    period = ReportingPeriodFactory(year=2024, half=1)
    assert ReportingPeriod.objects.get_by_code("2024S1") == period
    assert period.start == D(2024, 1, 1) and period.end == D(2024, 6, 30)
    for code in ["2024S2", "nonsense"]:
        with pytest.raises(ReportingPeriod.DoesNotExist):
            ReportingPeriod.objects.get_by_code(code)
    refused("INSERT INTO reports_reportingperiod (year, half, due_date, is_locked) VALUES (2024, 3, '2024-07-31', false)")
    refused("INSERT INTO reports_reportingperiod (year, half, due_date, is_locked) VALUES (2024, 1, '2024-07-31', false)")


@pytest.mark.django_db
def test_one_report_per_ngo_agreement_and_period():
    report = ProgressReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReportFactory(agreement=report.agreement, period=report.period)


@pytest.mark.django_db
def test_report_figures_cannot_be_negative_and_female_cannot_exceed_total():
    report = ProgressReportFactory()
    refused("UPDATE reports_progressreport SET budget_spent_usd = -5 WHERE id = %s", [report.pk])
    refused("UPDATE reports_progressreport SET budget_planned_usd = -5 WHERE id = %s", [report.pk])
    refused("UPDATE reports_progressreport SET beneficiaries_female = beneficiaries_total + 1 WHERE id = %s", [report.pk])
    refused("UPDATE reports_progressreport SET beneficiaries_total = -1 WHERE id = %s", [report.pk])


@pytest.mark.django_db
def test_report_ngo_must_be_the_agreement_ngo():
    report = ProgressReportFactory()
    other = AgreementFactory()
    refused("UPDATE reports_progressreport SET ngo_id = %s WHERE id = %s", [other.ngo_id, report.pk])


@pytest.mark.django_db
def test_indicator_values_are_not_negative_and_female_within_total():
    value = IndicatorValueFactory(value=10)
    refused("UPDATE reports_indicatorvalue SET value = -1 WHERE id = %s", [value.pk])
    refused("UPDATE reports_indicatorvalue SET female_value = 11 WHERE id = %s", [value.pk])
    refused("UPDATE reports_indicatorvalue SET female_value = -1 WHERE id = %s", [value.pk])


@pytest.mark.django_db
def test_one_value_per_indicator_province_and_village_even_without_village():
    value = IndicatorValueFactory(village=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(report=value.report, indicator=value.indicator, province=value.province, village=None)


@pytest.mark.django_db
def test_report_submitted_after_due_date_is_late():
    from django.utils import timezone

    period = ReportingPeriodFactory(year=2024, half=1, due_date=D(2024, 7, 31))
    tz = timezone.get_current_timezone()
    on_time = ProgressReportFactory(period=period, status=ReportStatus.SUBMITTED,
                                    submitted_at=datetime.datetime(2024, 7, 31, 23, 0, tzinfo=tz))
    late = ProgressReportFactory(period=period, status=ReportStatus.RETURNED,
                                 submitted_at=datetime.datetime(2024, 8, 1, 8, 0, tzinfo=tz))
    assert not on_time.is_late
    assert late.is_late
    # The list filter and the completeness page say the same (reports/rules.py).
    assert list(ProgressReport.objects.late()) == [late]
    assert list(ProgressReport.objects.on_time()) == [on_time]
