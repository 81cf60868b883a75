"""A report's PDF is built by the worker too: a provincial officer asks for it on the report's page, on a
phone, watches it being built and opens their province's copy (a real worker process beside the live server)."""
import pytest
from playwright.sync_api import expect

from mrd_ngo.roles import Role
from tests.reports.test_summary import known_semester

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_provincial_officer_asks_for_the_report_pdf_and_opens_it(page, live_server, log_in, screenshot, worker):
    known = known_semester()  # report A: Siem Reap and Kampot
    log_in(Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reports/{known.report_a.pk}/")
    page.get_by_test_id("report-pdf-km").click()
    expect(page.get_by_test_id("report-pdf-km-progress")).to_be_visible()
    screenshot("report-pdf-building-390")
    link = page.locator("a[data-testid='report-pdf-km']")
    expect(link).to_be_visible(timeout=120_000)
    screenshot("report-pdf-ready-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'inline; filename="report-2024S1-{known.report_a.ngo_id}-km.pdf"'
    )
    assert response.body().startswith(b"%PDF-")
    expect(page.get_by_test_id("report-pdf-en")).to_have_js_property("tagName", "BUTTON")  # English: not asked yet
