"""A department head opens the semester summary from the menu, reads it in Khmer and English, and prints it
(the PDF is built by a real worker process running beside the live server)."""
import re

import pytest
from playwright.sync_api import expect

from mrd_ngo.roles import Role
from tests.reports.test_summary import known_semester

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_department_head_reads_the_summary_and_downloads_the_pdf(page, live_server, log_in, screenshot, worker):
    known_semester()
    log_in(Role.DEPARTMENT_HEAD)
    page.click("a[href='/reports/summary/']")
    expect(page).to_have_url(re.compile(r"/reports/2024S1/summary/$"))
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.get_by_test_id("provinces-reached")).to_contain_text("៣")  # Khmer digits on the Khmer page
    expect(page.locator(".summary-provinces tbody tr")).to_have_count(25)
    expect(page.locator(".summary-chart svg")).to_have_count(25)
    screenshot("summary-km")
    page.get_by_test_id("xlsx").click()  # the workbook, in Khmer: built by the worker too
    expect(page.get_by_test_id("xlsx-progress")).to_contain_text("សៀវភៅបញ្ជី (XLSX)")
    screenshot("summary-xlsx-building-km")
    expect(page.locator("a[data-testid='xlsx']")).to_be_visible(timeout=120_000)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("provinces-reached")).to_have_text("3 of 25")
    expect(page.get_by_test_id("gap-list")).to_contain_text("Delta Water Partners")
    expect(page.get_by_test_id("agreements-expiring")).to_contain_text("Hotel Water Partners")
    screenshot("summary-en")

    # The PDF is built by the worker: the button asks for it, the page shows its progress, then the link.
    page.get_by_test_id("pdf-km").click()
    expect(page.get_by_test_id("pdf-km-progress")).to_be_visible()
    expect(page.get_by_test_id("pdf-km-progress")).to_contain_text("PDF (Khmer)")
    screenshot("summary-pdf-building")
    link = page.locator("a[data-testid='pdf-km']")
    expect(link).to_be_visible(timeout=120_000)
    screenshot("summary-pdf-ready")
    pdf_url = link.get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="semester-summary-2024S1-km.pdf"'
    assert response.body().startswith(b"%PDF-")

    # On a phone, the English edition: the same progress, then the link.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("pdf-en").click()
    expect(page.get_by_test_id("pdf-en-progress")).to_be_visible()
    screenshot("summary-pdf-building-390")
    expect(page.locator("a[data-testid='pdf-en']")).to_be_visible(timeout=120_000)
    screenshot("summary-pdf-ready-390")


def test_provincial_officer_sees_no_print_button(page, live_server, log_in):
    known = known_semester()
    log_in(Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page.goto(f"{live_server.url}/reports/2024S1/summary/")
    expect(page.locator(".summary-provinces tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("pdf-km")).to_have_count(0)
    expect(page.get_by_test_id("xlsx")).to_be_visible()
