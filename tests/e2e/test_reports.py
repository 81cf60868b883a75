"""A semester report goes round the workflow in a real browser: entered, submitted, returned, fixed, accepted."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from agreements.models import Indicator, Province, Sector
from mrd_ngo.roles import Role
from reports.choices import ReportStatus
from reports.models import ProgressReport
from tests.e2e.conftest import PASSWORD
from tests.factories import HEAD_DEPARTMENT, AgreementFactory, ReportingPeriodFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    """Leave the current session and log in as `user` through the login form."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_report_round_trip_officer_head_officer_head(page, live_server, log_in, screenshot):
    siem_reap, battambang = Province.objects.get(code="17"), Province.objects.get(code="02")
    water, sanitation = Sector.objects.get(code="rural-water-supply"), Sector.objects.get(code="rural-sanitation")
    wells, hygiene = Indicator.objects.get(code="wells"), Indicator.objects.get(code="hygiene-trained")
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    agreement = AgreementFactory(
        provinces=[siem_reap, battambang], sectors=[water, sanitation],
        ngo__name_en="Clean Water Cambodia", ngo__name_km="អង្គការទឹកស្អាតកម្ពុជា", ngo__contact_person="Sok Dara",
    )
    for name_km, name_en in (("អង្គការផ្លូវជនបទ", "Rural Roads Org"), ("សមាគមភូមិគំរូ", "Model Village Association")):
        AgreementFactory(provinces=[battambang], sectors=[water], ngo__name_en=name_en, ngo__name_km=name_km,
                         ngo__contact_person="Chan Sophea", ngo__phone="+855 12 345 678")

    # The officer enters the report, in Khmer, with results in two provinces.
    officer = log_in(Role.DATA_ENTRY_OFFICER, username="officer")
    page.goto(f"{live_server.url}/reports/new/")
    # The NGO is found with the search box (htmx): typing part of its Khmer name offers it, chosen at once.
    page.get_by_test_id("ngo-search").fill("ទឹកស្អាតកម្ពុ")
    expect(page.locator(f"#id_ngo option[value='{agreement.ngo.pk}']")).to_have_count(1)
    expect(page.locator("#id_ngo")).to_have_value(str(agreement.ngo.pk))
    page.select_option("#id_period", str(period.pk))
    page.click("form[action='/reports/new/'] button[type=submit]")
    expect(page.get_by_test_id("agreement-summary")).to_contain_text(agreement.reference_number)
    page.fill("#id_achievements", "បានសាងសង់អណ្ដូងស្នប់ចំនួន ១២ សម្រាប់គ្រួសារជនបទ។")
    page.fill("#id_challenges", "ផ្លូវចូលភូមិខ្លះពិបាកធ្វើដំណើរក្នុងរដូវវស្សា។")
    page.fill("#id_budget_planned_usd", "២០០០០")
    page.fill("#id_budget_spent_usd", "១៥០០០")
    page.fill("#id_beneficiaries_total", "៣០០")
    page.fill("#id_beneficiaries_female", "១៦០")
    page.select_option("#id_rows-0-indicator", str(wells.pk))
    expect(page.locator("#id_rows-0-female_value")).to_be_disabled()  # wells are not counted by sex
    page.select_option("#id_rows-0-province", str(siem_reap.pk))
    page.fill("#id_rows-0-value", "១២")
    page.click("[data-add-row]")  # a second row, without reloading the page
    page.select_option("#id_rows-1-indicator", str(hygiene.pk))
    expect(page.locator("#id_rows-1-female_value")).to_be_enabled()
    page.select_option("#id_rows-1-province", str(battambang.pk))
    page.fill("#id_rows-1-value", "250")
    page.fill("#id_rows-1-female_value", "130")
    page.click("[data-add-row]")  # one row too many: removed again
    expect(page.locator("#id_rows-2-indicator")).to_be_visible()
    page.click("label[for='id_rows-2-DELETE']")
    expect(page.locator("#id_rows-2-indicator")).to_be_hidden()
    screenshot("report-form-km")
    page.click("button[name=save_submit]")
    expect(page.get_by_test_id("report-status")).to_have_class(re.compile("status-submitted"))
    report = ProgressReport.objects.get()
    assert sorted(report.values.values_list("province__code", "value")) == [("02", 250), ("17", 12)]
    assert report.submitted_by == officer

    # The department head returns it with a comment.
    head = UserFactory(username="head", role=Role.DEPARTMENT_HEAD, department=HEAD_DEPARTMENT, first_name="Vanna", last_name="Sok")
    sign_in(page, live_server, head)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("#id_comment", "សូមបញ្ជាក់ចំនួនអ្នកទទួលផលជាស្ត្រីក្នុងខេត្តសៀមរាប។")
    page.click(f"form[action='/reports/{report.pk}/return/'] button[type=submit]")
    expect(page.get_by_test_id("report-status")).to_have_class(re.compile("status-returned"))
    expect(page.get_by_test_id("review-comment")).to_contain_text("សូមបញ្ជាក់ចំនួនអ្នកទទួលផលជាស្ត្រី")

    # The officer sees the comment, fixes the report and submits it again.
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/")
    expect(page.get_by_test_id("review-comment")).to_contain_text("សូមបញ្ជាក់")
    page.fill("#id_beneficiaries_female", "១៧០")
    page.click("[data-add-row]")
    page.select_option("#id_rows-2-indicator", str(hygiene.pk))
    page.select_option("#id_rows-2-province", str(siem_reap.pk))
    page.fill("#id_rows-2-value", "90")
    page.fill("#id_rows-2-female_value", "50")
    page.click("button[name=save_submit]")
    expect(page.get_by_test_id("report-status")).to_have_class(re.compile("status-submitted"))
    expect(page.get_by_test_id("result-table")).to_contain_text("៩០")

    # The head accepts it; the history tells the whole story.
    sign_in(page, live_server, head)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.click(f"form[action='/reports/{report.pk}/accept/'] button[type=submit]")
    expect(page.get_by_test_id("report-status")).to_have_class(re.compile("status-accepted"))
    expect(page.get_by_test_id("history").locator("li")).to_have_count(6)  # created, submitted, returned, edited, resubmitted, accepted
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.beneficiaries_female == 170
    assert (report.returned_by, report.accepted_by) == (head, head)
    screenshot("report-accepted-km")

    page.goto(f"{live_server.url}/reports/{period.code}/completeness/")
    expect(page.get_by_test_id("expected")).to_have_text("៣")
    expect(page.get_by_test_id("missing")).to_have_text("២")
    expect(page.get_by_test_id("missing-table")).to_contain_text("Chan Sophea")
    screenshot("completeness-km")


def test_officer_uploads_a_spreadsheet_sees_the_problems_then_imports_the_corrected_file(page, live_server, log_in, screenshot, tmp_path):
    import io

    import openpyxl
    from django.test import Client

    siem_reap = Province.objects.get(code="17")
    water = Sector.objects.get(code="rural-water-supply")
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    agreement = AgreementFactory(provinces=[siem_reap], sectors=[water], ngo__name_en="Clean Water Cambodia",
                                 ngo__name_km="អង្គការទឹកស្អាតកម្ពុជា")
    officer = log_in(Role.DATA_ENTRY_OFFICER, username="officer")
    client = Client()
    client.force_login(officer)
    template = client.get(f"/reports/{period.code}/template.xlsx?ngo={agreement.ngo.pk}").content

    def filled(value) -> str:
        workbook = openpyxl.load_workbook(io.BytesIO(template))
        workbook["Indicators"]["D3"] = value
        workbook["Indicators"]["A30"], workbook["Indicators"]["B30"], workbook["Indicators"]["D30"] = "Siem Reab", "Household latrines built", 2
        path = tmp_path / f"report-{value}.xlsx"
        workbook.save(path)
        return str(path)

    page.goto(f"{live_server.url}/reports/import/?ngo={agreement.ngo.pk}&period={period.code}")
    page.set_input_files("#id_file", filled("ដប់ពីរ"))
    page.click("form[action='/reports/import/'] button[type=submit]")
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Siem Reab")
    expect(problems).to_contain_text("ដប់ពីរ")
    expect(page.locator("form[action='/reports/import/confirm/']")).to_have_count(0)
    screenshot("import-problems-km")

    page.goto(f"{live_server.url}/reports/import/?ngo={agreement.ngo.pk}&period={period.code}")
    corrected = openpyxl.load_workbook(filled("១២"))
    corrected["Indicators"]["A30"] = "Siem Reap"
    corrected.save(tmp_path / "corrected.xlsx")
    page.set_input_files("#id_file", str(tmp_path / "corrected.xlsx"))
    page.click("form[action='/reports/import/'] button[type=submit]")
    expect(page.get_by_test_id("import-rows")).to_contain_text("១២")
    expect(page.get_by_test_id("import-warnings")).to_be_visible()  # latrines: a sector outside the agreement
    screenshot("import-preview-km")
    page.click("form[action='/reports/import/confirm/'] button[type=submit]")
    expect(page.get_by_test_id("report-status")).to_have_class(re.compile("status-draft"))
    assert sorted(ProgressReport.objects.get().values.values_list("value", flat=True)) == [2, 12]

    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_test_id("report-count")).to_contain_text("១")
    screenshot("report-list-km")
