"""Counts of things are distinct counts: a village, a province or an NGO reached by several NGOs or
several results counts once (reports/rules.py); totals that are sums say so."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from agreements.models import Indicator
from reports.choices import ReportStatus
from reports.summary import build_national_summary
from reports.summary_xlsx import summary_workbook
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory, VillageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SUBMITTED = datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC)


@pytest.fixture
def model_villages_indicator(db):
    return Indicator.objects.get(code="model-villages")


@pytest.fixture
def three_ngos_one_model_village(period, siem_reap, wells, model_villages_indicator):
    """Three NGOs with accepted reports in Siem Reap: two support the same model village (typing 5 and 7
    villages), the third types 40 "model villages supported" without naming one; all built wells there."""
    village = VillageFactory(province=siem_reap, is_model_village=True)
    VillageFactory(province=siem_reap, is_model_village=True)  # a second model village nobody supported
    for number, typed, named in ((1, 5, village), (2, 7, village), (3, 40, None)):
        report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap]), period=period,
                                       status=ReportStatus.ACCEPTED, submitted_at=SUBMITTED)
        IndicatorValueFactory(report=report, indicator=model_villages_indicator, province=siem_reap,
                              village=named, value=Decimal(typed))
        IndicatorValueFactory(report=report, indicator=wells, province=siem_reap, value=Decimal(10 * number))
    return period


def indicator(summary, code):
    return next(r for sector in summary.sectors for r in sector.indicators if r.heading.code == code)


def test_model_villages_supported_counts_each_village_once_never_more_than_exist(three_ngos_one_model_village):
    summary = build_national_summary(three_ngos_one_model_village)
    supported = indicator(summary, "model-villages")
    assert supported.total == 1  # the old per-NGO sum said 52 while 2 model villages exist
    assert supported.total <= summary.model_villages_known == 2
    assert supported.distinct_villages and str(supported.counted_as) == "distinct model villages"
    assert supported.ngos == 3  # three distinct NGOs reported it
    assert supported.provinces == 1


def test_provinces_and_villages_reached_are_distinct_and_sums_say_they_are_sums(three_ngos_one_model_village):
    summary = build_national_summary(three_ngos_one_model_village)
    assert summary.headline.provinces_reached == 1  # three NGOs, one province
    assert summary.headline.model_villages_reached == 1  # two NGOs, one village
    siem_reap = next(row for row in summary.provinces if row.name.en == "Siem Reap")
    assert siem_reap.ngos_active == 3 and siem_reap.model_villages_reached == 1
    wells = indicator(summary, "wells")
    assert wells.total == 60 and str(wells.counted_as) == "sum of accepted reports"
    counts = {figure.key: str(figure.counts) for figure in summary.figures}
    assert counts["ngos_in_force"] == "NGOs"
    assert counts["reports_accepted"] == "reports, one per NGO"
    assert counts["budget_spent"] == "USD, sum of accepted reports"
    assert counts["provinces_reached"] == "distinct provinces"
    assert counts["model_villages_reached"] == "distinct model villages"


def test_an_ngo_with_only_zero_results_did_not_work_on_the_indicator(period, siem_reap, wells):
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap]), period=period,
                                   status=ReportStatus.ACCEPTED, submitted_at=SUBMITTED)
    IndicatorValueFactory(report=report, indicator=wells, province=siem_reap, value=Decimal(0))
    assert indicator(build_national_summary(period), "wells").ngos == 0


def test_the_page_and_the_workbook_say_what_each_figure_counts(client, head_user, three_ngos_one_model_village):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(head_user)
    page = client.get(f"/reports/{three_ngos_one_model_village.code}/summary/").content.decode()
    assert "Total (sum of accepted reports)" in page
    assert 'data-testid="distinct-villages">(distinct model villages)' in page
    assert "reports, one per NGO" in page and "distinct provinces" in page

    import io

    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(summary_workbook(build_national_summary(three_ngos_one_model_village), "en")))
    headline = {row[0]: row[1:] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert headline["Reports accepted"][1] == "reports, one per NGO"
    assert headline["Provinces reached"][1] == "distinct provinces"
    sectors = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert sectors[0][3:5] == ("Total", "Counted")
    supported = next(row for row in sectors if row[1] == "Model villages supported")
    assert supported[3:5] == (1, "distinct model villages")
