"""A department head opens the semester summary from the menu, reads it in Khmer and English, and prints it."""
import re

import pytest
from playwright.sync_api import expect

from mrd_ngo.roles import Role
from tests.reports.test_summary import known_semester

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_department_head_reads_the_summary_and_downloads_the_pdf(page, live_server, log_in, screenshot):
    known_semester()
    log_in(Role.DEPARTMENT_HEAD)
    page.click("a[href='/reports/summary/']")
    expect(page).to_have_url(re.compile(r"/reports/2024S1/summary/$"))
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.get_by_test_id("provinces-reached")).to_contain_text("៣")  # Khmer digits on the Khmer page
    expect(page.locator(".summary-provinces tbody tr")).to_have_count(25)
    expect(page.locator(".summary-chart svg")).to_have_count(25)
    screenshot("summary-km")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("provinces-reached")).to_have_text("3 of 25")
    expect(page.get_by_test_id("gap-list")).to_contain_text("Delta Water Partners")
    expect(page.get_by_test_id("agreements-expiring")).to_contain_text("Hotel Water Partners")
    screenshot("summary-en")

    pdf_url = page.get_by_test_id("pdf-km").get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_provincial_officer_sees_no_print_button(page, live_server, log_in):
    known = known_semester()
    log_in(Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page.goto(f"{live_server.url}/reports/2024S1/summary/")
    expect(page.locator(".summary-provinces tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("pdf-km")).to_have_count(0)
    expect(page.get_by_test_id("xlsx")).to_be_visible()
