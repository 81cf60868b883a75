"""The reporting rules of reports/rules.py, each asked directly (the pages' agreement is in test_views and the
reconciliation tests)."""
import datetime

import pytest

from reports import rules
from reports.choices import ReportStatus
from tests.factories import ReportingPeriodFactory

D = datetime.date
PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


def test_on_time_is_judged_on_the_phnom_penh_date_of_a_received_report():
    due = D(2024, 7, 31)
    last_minute = datetime.datetime(2024, 7, 31, 23, 59, tzinfo=PHNOM_PENH)
    next_morning = datetime.datetime(2024, 8, 1, 0, 0, tzinfo=PHNOM_PENH)
    assert rules.is_on_time(ReportStatus.SUBMITTED, last_minute, due)
    assert rules.is_late(ReportStatus.ACCEPTED, next_morning, due)
    # A draft is neither received, nor on time, nor late.
    assert not rules.is_received(ReportStatus.DRAFT)
    assert not rules.is_on_time(ReportStatus.DRAFT, last_minute, due) and not rules.is_late(ReportStatus.DRAFT, next_morning, due)
    assert {s for s in ReportStatus if rules.is_received(s)} == {ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED}


@pytest.mark.django_db
def test_the_current_semester_is_the_latest_that_has_ended():
    assert rules.current_period(D(2024, 5, 1)) is None  # none recorded
    first = ReportingPeriodFactory(year=2023, half=2)
    second = ReportingPeriodFactory(year=2024, half=1)
    ReportingPeriodFactory(year=2024, half=2)
    assert rules.current_period(D(2024, 5, 1)) == first  # 2024S1 is still running
    assert rules.current_period(D(2024, 7, 1)) == second  # 2024S1 ended: its reports come in, the meeting discusses it
    assert rules.current_period(D(2024, 7, 31)) == second
    assert rules.current_period(D(2023, 8, 1)) == first  # before any ended: the earliest recorded


@pytest.mark.django_db
def test_the_dashboard_the_reports_list_and_the_summary_link_use_the_current_semester(client, officer_user, time_machine):
    ReportingPeriodFactory(year=2023, half=2)
    ReportingPeriodFactory(year=2024, half=1)
    ReportingPeriodFactory(year=2024, half=2)
    time_machine.move_to(datetime.datetime(2024, 7, 10, 9, tzinfo=PHNOM_PENH))
    client.force_login(officer_user)
    assert client.get("/").context["period"].code == "2024S1"
    assert client.get("/reports/").context["current_period"].code == "2024S1"
    assert client.get("/reports/summary/")["Location"] == "/reports/2024S1/summary/"
    assert client.get("/reports/completeness/")["Location"] == "/reports/2024S1/completeness/"
