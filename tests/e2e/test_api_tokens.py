"""A provincial officer makes an API token in the browser and a program uses it against the running server."""
import datetime

import httpx
import pytest
from playwright.sync_api import expect

from agreements.models import Province
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_token_made_on_the_page_reads_the_officers_province_only_and_stops_when_revoked(page, live_server, log_in,
                                                                                          screenshot):
    siem_reap, battambang = Province.objects.get(code="17"), Province.objects.get(code="02")
    here = AgreementFactory(provinces=[siem_reap], valid_to=datetime.date(2030, 12, 31))
    AgreementFactory(provinces=[battambang], valid_to=datetime.date(2030, 12, 31))
    log_in(Role.PROVINCIAL_OFFICER, province=siem_reap)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/account/tokens/")
    page.fill("#id_name", "Provincial dashboard")
    page.select_option("#id_days", "30")
    page.get_by_test_id("create-token").click()
    token = page.get_by_test_id("token-secret").inner_text().strip()
    screenshot("api-token-created")

    api = httpx.Client(base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {token}"})
    listed = api.get("/agreements").json()
    assert [a["reference_number"] for a in listed["items"]] == [here.reference_number]

    page.goto(f"{live_server.url}/account/tokens/")
    expect(page.get_by_test_id("token-table")).not_to_contain_text(token)
    page.get_by_test_id("token-table").get_by_role("button").click()
    assert api.get("/agreements").status_code == 401
