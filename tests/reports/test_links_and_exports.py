"""Every reference is a link (report to NGO, agreement and semester; NGO to its reports), detail pages
have breadcrumbs, and the missing-reports list and the expiring board download with every row."""
import csv
import datetime
import io

import pytest

from reports.choices import ReportStatus
from tests.factories import AgreementFactory, AgreementFlagFactory, ProgressReportFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_a_report_links_to_its_ngo_agreement_and_semester_and_has_a_breadcrumb(client, officer_user, siem_reap):
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap]))
    client.force_login(officer_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="breadcrumb"' in page
    for url in (report.ngo.get_absolute_url(), report.agreement.get_absolute_url(),
                f"/reports/{report.period.code}/completeness/"):
        assert f'href="{url}"' in page, url
    ngo_page = client.get(report.ngo.get_absolute_url()).content.decode()
    assert f'href="{report.get_absolute_url()}"' in ngo_page
    assert f'href="{report.agreement.get_absolute_url()}"' in ngo_page


def test_the_missing_list_downloads_every_ngo_that_has_not_reported(client, officer_user, siem_reap, settings):
    period = ReportingPeriodFactory(year=2024, half=1)
    silent = [AgreementFactory(provinces=[siem_reap], ngo__name_en=f"Silent {n:02d}") for n in range(55)]  # > one page
    ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], ngo__name_en="Reported NGO"), period=period,
                          status=ReportStatus.SUBMITTED, submitted_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer_user)
    url = f"/reports/{period.code}/completeness/"
    missing = client.get(url).context["completeness"].total.missing
    rows = rows_of(client.get(url + "?_export=csv&list=missing"))
    assert rows[0][:3] == ["NGO", "Acronym", "Agreement"]
    assert len(rows) - 1 == missing == len(silent)
    assert "Reported NGO" not in {row[0] for row in rows}
    received = rows_of(client.get(url + "?_export=csv&list=received"))
    assert [row[0] for row in received[1:]] == ["Reported NGO"]
    workbook = client.get(url + "?_export=xlsx")
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_expiring_board_downloads_each_group_with_its_rows(client, admin_user, siem_reap, settings):
    ending = AgreementFactory(provinces=[siem_reap], ngo__name_en="Ending NGO", valid_from=datetime.date(2023, 1, 1),
                              valid_to=TODAY + datetime.timedelta(days=20))
    AgreementFlagFactory(agreement=ending, note="Call the director", follow_up_by=admin_user, flagged_by=admin_user)
    AgreementFactory(provinces=[siem_reap], ngo__name_en="Gone NGO", valid_from=datetime.date(2021, 1, 1),
                     valid_to=TODAY - datetime.timedelta(days=5))
    AgreementFactory(provinces=[siem_reap], ngo__name_en="Running NGO", valid_from=datetime.date(2023, 1, 1),
                     valid_to=TODAY + datetime.timedelta(days=500))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    board = client.get("/agreements/expiring/").context
    shown = sum(page.paginator.count for _key, _title, page in board["sections"]) + board["renewing"].paginator.count
    rows = rows_of(client.get("/agreements/expiring/?_export=csv"))
    assert len(rows) - 1 == shown == 2
    by_ngo = {row[1]: row for row in rows[1:]}
    assert by_ngo["Ending NGO"][0] == "Expiring within 30 days" and "Call the director" in by_ngo["Ending NGO"]
    assert by_ngo["Gone NGO"][0] == "Expired without a successor"
    only_expired = rows_of(client.get("/agreements/expiring/?_export=csv&group=expired"))
    assert [row[1] for row in only_expired[1:]] == ["Gone NGO"]


def test_a_provincial_officer_downloads_only_their_province(client, provincial_user, siem_reap, battambang):
    AgreementFactory(provinces=[battambang], ngo__name_en="Elsewhere NGO", valid_from=datetime.date(2023, 1, 1),
                     valid_to=TODAY + datetime.timedelta(days=20))
    period = ReportingPeriodFactory(year=2024, half=1)
    AgreementFactory(provinces=[battambang], ngo__name_en="Elsewhere Silent", valid_from=datetime.date(2023, 1, 1))
    client.force_login(provincial_user)
    for url in ("/agreements/expiring/?_export=csv", f"/reports/{period.code}/completeness/?_export=csv"):
        body = client.get(url).getvalue().decode()
        assert "Elsewhere" not in body, url
