"""Reached: a province or a model village counts as reached only where an accepted report records a
result above zero there (the summary's rule, reports/summary.py). A result of 0 is a figure the NGO
reported, added into the totals, but it reached nobody."""
import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings

from reports.choices import ReportStatus
from reports.summary import build_national_summary
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zero_in_battambang_and_kampot(period, agreement, siem_reap, battambang, kampot, wells, hygiene):
    """Siem Reap: 12 wells. Battambang: 0 wells and 0 people trained, one of them in a model village.
    Kampot: another NGO's accepted report of 0 wells."""
    report = ProgressReportFactory(agreement=agreement, period=period, status=ReportStatus.ACCEPTED,
                                   submitted_at=datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC))
    model_village = VillageFactory(province=battambang, is_model_village=True)
    IndicatorValueFactory(report=report, indicator=wells, province=siem_reap, value=Decimal(12))
    IndicatorValueFactory(report=report, indicator=wells, province=battambang, value=Decimal(0), village=model_village)
    IndicatorValueFactory(report=report, indicator=hygiene, province=battambang, value=Decimal(0),
                          female_value=Decimal(0))
    other = ProgressReportFactory(agreement=AgreementFactory(provinces=[kampot]), period=period,
                                  status=ReportStatus.ACCEPTED,
                                  submitted_at=datetime.datetime(2024, 7, 21, tzinfo=datetime.UTC))
    IndicatorValueFactory(report=other, indicator=wells, province=kampot, value=Decimal(0))
    return period


def test_a_result_of_zero_does_not_count_its_province_or_model_village_as_reached(zero_in_battambang_and_kampot):
    summary = build_national_summary(zero_in_battambang_and_kampot)
    assert summary.headline.reports_accepted == 2  # both reports count as accepted ...
    assert summary.headline.provinces_reached == 1  # ... but only Siem Reap was reached
    assert summary.headline.model_villages_reached == 0
    wells = next(r for sector in summary.sectors for r in sector.indicators if r.heading.code == "wells")
    assert wells.total == Decimal(12)  # the zeros are in the sum, adding nothing


def test_the_summary_page_says_one_province_reached(client, head_user, zero_in_battambang_and_kampot):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(head_user)
    page = client.get(f"/reports/{zero_in_battambang_and_kampot.code}/summary/").content.decode()
    reached = re.search(r'data-testid="provinces-reached">([^<]*)<', page)
    assert reached and reached.group(1).strip() == "1 of 25"
