"""A person logs in, sees the dashboard in Khmer, and switches to English."""
import re

import pytest
from playwright.sync_api import expect

from mrd_ngo.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_sees_khmer_dashboard_and_switches_to_english(page, live_server, log_in, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("ចូលប្រើប្រាស់")

    log_in(Role.DATA_ENTRY_OFFICER)
    expect(page.locator("h1")).to_have_text("ទំព័រដើម")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    screenshot("dashboard-km")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("dashboard-en")

    # The choice is remembered on the next page load.
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Home")


def test_wrong_password_is_refused_with_a_message(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]:not([name=language])")
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/$"))
