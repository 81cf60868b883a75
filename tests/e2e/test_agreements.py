"""An administrator renews an expiring agreement from the board and sees it leave the "expiring" list."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.choices import AgreementStatus
from agreements.models import Agreement, Province
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory, AgreementFlagFactory, NGOFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_renews_an_expiring_agreement_from_the_board(page, live_server, log_in, screenshot):
    today = timezone.localdate()
    days = datetime.timedelta
    siem_reap = Province.objects.get(code="17")
    ngo = NGOFactory(name_km="អង្គការទឹកស្អាតមេគង្គ", name_en="Mekong Clean Water", acronym="MCW")
    expiring = AgreementFactory(
        ngo=ngo, reference_number="MRD-E2E-1", valid_from=today - days(days=1000), valid_to=today + days(days=20),
        signed_on=today - days(days=1010), mrd_focal_person="Chan Sokha", ngo_focal_person="Mey Lina",
        provinces=[siem_reap],
    )
    # A few neighbours so the list and the board look like the real thing.
    for n, left in enumerate([45, 75, -30, 400]):
        AgreementFactory(
            ngo=NGOFactory(name_km=f"អង្គការភូមិគំរូ {n}", name_en=f"Model Village Partner {n}"),
            reference_number=f"MRD-E2E-N{n}", valid_from=today - days(days=900), valid_to=today + days(days=left),
            signed_on=today - days(days=910), mrd_focal_person="Heng Sreymom", provinces=[siem_reap],
        )
    AgreementFlagFactory(agreement=Agreement.objects.get(reference_number="MRD-E2E-N0"),
                         note="សូមរំលឹកអង្គការឱ្យផ្ញើលិខិតស្នើសុំបន្ត",
                         follow_up_by=UserFactory(first_name="Vanna", last_name="Sok"))

    log_in(Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/agreements/")
    expect(page.get_by_test_id("row-count")).to_be_visible()
    expect(page.locator("table.registry-table")).to_contain_text("MRD-E2E-1")
    screenshot("agreements-list-km")

    page.goto(f"{live_server.url}/agreements/expiring/")
    within_30 = page.get_by_test_id("board-30")
    expect(within_30.locator('tr[data-reference="MRD-E2E-1"]')).to_be_visible()
    expect(within_30.locator('tr[data-reference="MRD-E2E-1"]')).to_contain_text("Chan Sokha")
    screenshot("expiring-board-km")

    within_30.get_by_test_id("renew-MRD-E2E-1").click()
    page.fill("#id_reference_number", "MRD-E2E-2")
    expect(page.locator("#id_valid_from")).to_have_value((expiring.valid_to + days(days=1)).isoformat())
    page.get_by_test_id("submit").click()

    # The successor is a draft with its checklist; the board shows the renewal in progress.
    expect(page.get_by_test_id("agreement-status")).to_have_attribute("data-status", AgreementStatus.DRAFT.value)
    expect(page.get_by_test_id("checklist")).to_be_visible()
    page.goto(f"{live_server.url}/agreements/expiring/")
    expect(page.get_by_test_id("board-30").locator('tr[data-reference="MRD-E2E-1"]')).to_have_count(0)
    expect(page.get_by_test_id("board-renewing").locator('tr[data-reference="MRD-E2E-1"]')).to_be_visible()

    # Sign the successor: the agreement is renewed and leaves the board.
    page.get_by_test_id("board-renewing").get_by_role("link", name="MRD-E2E-2").click()
    page.get_by_test_id("sign").click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("agreement-status")).to_have_attribute("data-status", AgreementStatus.ACTIVE.value)
    page.get_by_test_id("renewal-chain").get_by_role("link", name="MRD-E2E-1").click()
    expect(page.get_by_test_id("agreement-status")).to_have_attribute("data-status", AgreementStatus.RENEWED.value)
    screenshot("agreement-detail-km")

    page.goto(f"{live_server.url}/agreements/expiring/")
    expect(page.locator('tr[data-reference="MRD-E2E-1"]')).to_have_count(0)
    expect(page.get_by_test_id("board-60").locator('tr[data-reference="MRD-E2E-N0"]')).to_be_visible()
    assert Agreement.objects.get(reference_number="MRD-E2E-2").renews_id == expiring.pk
