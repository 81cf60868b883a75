"""Pages that stay small at national scale: NGOs chosen with a search box, the expiring board and an NGO's page in pages."""
import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.forms import NGO_CHOICES_SHOWN
from tests.factories import AgreementFactory, NGOFactory, ProgressReportFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _options(html: str, select_id: str = "id_ngo") -> list[str]:
    """The labels of the options of one <select> of the page."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# ---- Choosing an NGO: a search box -----------------------------------------------------------------

def test_search_offers_at_most_20_ngos_and_says_how_many_match(client_as, officer_user):
    for n in range(25):
        NGOFactory(name_en=f"Clean Water Partner {n:02d}")
    NGOFactory(name_en="Road Builders")
    html = client_as(officer_user).get("/ngos/options/", {"q": "water"}).content.decode()
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    assert len(labels) == NGO_CHOICES_SHOWN + 1  # the prompt, then 20 NGOs
    assert "The first 20 of 25 NGOs that match" in labels[0]
    assert not any("Road Builders" in label for label in labels)


def test_search_offers_only_ngos_the_provincial_officer_may_see(client_as, provincial_user, siem_reap, battambang):
    AgreementFactory(ngo=NGOFactory(name_en="Water Siem Reap"), provinces=[siem_reap])
    AgreementFactory(ngo=NGOFactory(name_en="Water Battambang"), provinces=[battambang])
    html = client_as(provincial_user).get("/ngos/options/", {"ngo_search": "water"}).content.decode()
    assert "Water Siem Reap" in html
    assert "Water Battambang" not in html


def test_a_single_match_is_chosen_at_once_and_no_match_is_said(client_as, officer_user):
    ngo = NGOFactory(name_en="Unique Wells Trust")
    client = client_as(officer_user)
    html = client.get("/ngos/options/", {"q": "unique wells"}).content.decode()
    assert f'<option value="{ngo.pk}" selected>' in html
    assert "No NGO matches" in client.get("/ngos/options/", {"q": "nothing like this"}).content.decode()


def test_search_in_khmer_matches_khmer_names(client_as, officer_user):
    NGOFactory(name_km="អង្គការទឹកស្អាត", name_en="Clean Water KH")
    html = client_as(officer_user, lang="km").get("/ngos/options/", {"q": "ទឹកស្អាត"}).content.decode()
    assert "អង្គការទឹកស្អាត" in html


def test_agreement_form_lists_no_ngo_before_a_search(client_as, admin_user):
    ngos = [NGOFactory(name_en=f"Partner {n}") for n in range(30)]
    client = client_as(admin_user)
    assert _options(client.get("/agreements/new/").content.decode()) == ["---------"]
    # Coming from an NGO's page: that NGO is chosen.
    page = client.get(f"/agreements/new/?ngo={ngos[7].pk}").content.decode()
    assert _options(page) == ["---------", "Partner 7 (" + ngos[7].acronym + ")"]


def test_without_javascript_the_search_text_sent_with_the_form_fills_the_list(client_as, officer_user):
    NGOFactory(name_en="Water Alpha")
    NGOFactory(name_en="Water Beta")
    NGOFactory(name_en="Road Gamma")
    page = client_as(officer_user).get("/reports/", {"ngo_search": "water", "ngo": ""}).content.decode()
    labels = _options(page)
    assert any("Water Alpha" in label for label in labels) and any("Water Beta" in label for label in labels)
    assert not any("Road Gamma" in label for label in labels)
    assert 'value="water"' in page  # the search box keeps the text


def test_report_filter_page_does_not_grow_with_the_number_of_ngos(client_as, officer_user):
    client = client_as(officer_user)
    for n in range(5):
        NGOFactory()
    small = len(client.get("/reports/").content)
    for n in range(200):
        NGOFactory(name_en=f"Many NGOs {n:03d}")
    assert len(client.get("/reports/").content) < small + 500


# ---- The expiring board: each group in pages -------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_expiring_board_shows_25_rows_of_a_group_and_the_rest_on_its_next_page(client_as, admin_user):
    for n in range(30):
        AgreementFactory(reference_number=f"EXP-{n:02d}", valid_to=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    AgreementFactory(reference_number="SOON-1", valid_to=TODAY + datetime.timedelta(days=10))
    client = client_as(admin_user)
    page = client.get("/agreements/expiring/").content.decode()
    expired = page[page.index('data-testid="board-expired"'):page.index('data-testid="board-30"')]
    assert expired.count('data-reference="EXP-') == 25
    assert "EXP-29" in expired and "EXP-05" in expired and "EXP-04" not in expired  # most recently expired first
    assert "1–25 of 30" in expired
    assert "SOON-1" in page  # the other groups keep their first page
    second = client.get("/agreements/expiring/?expired_page=2").content.decode()
    expired = second[second.index('data-testid="board-expired"'):second.index('data-testid="board-30"')]
    assert expired.count('data-reference="EXP-') == 5
    assert "EXP-04" in expired and "SOON-1" in second


@time_machine.travel(TODAY, tick=False)
def test_expiring_board_groups_are_the_same_as_the_statuses(client_as, admin_user):
    ending = TODAY + datetime.timedelta(days=45)
    draft_successor_of = AgreementFactory(reference_number="OLD", valid_to=ending)
    AgreementFactory(ngo=draft_successor_of.ngo, reference_number="NEW", renews=draft_successor_of, signed_on=None,
                     valid_from=ending + datetime.timedelta(days=1), valid_to=ending + datetime.timedelta(days=700))
    AgreementFactory(reference_number="SIXTY", valid_to=TODAY + datetime.timedelta(days=60))
    AgreementFactory(reference_number="LATER", valid_to=TODAY + datetime.timedelta(days=91))
    AgreementFactory(reference_number="ENDED-TODAY-MINUS-1", valid_to=TODAY - datetime.timedelta(days=1))
    AgreementFactory(reference_number="TERMINATED", valid_to=TODAY + datetime.timedelta(days=20),
                     terminated_on=TODAY - datetime.timedelta(days=3), termination_reason="Closed")
    page = client_as(admin_user).get("/agreements/expiring/").content.decode()

    def group(key, following):
        return page[page.index(f'data-testid="board-{key}"'):page.index(following)]

    assert 'data-reference="ENDED-TODAY-MINUS-1"' in group("expired", 'data-testid="board-30"')
    assert 'data-reference="SIXTY"' in group("60", 'data-testid="board-90"')
    assert 'data-reference="OLD"' in page[page.index('data-testid="board-renewing"'):]
    assert 'data-reference="OLD"' not in group("60", 'data-testid="board-90"')
    assert "LATER" not in page and "TERMINATED" not in page


@time_machine.travel(TODAY, tick=False)
def test_expiring_board_query_count_does_not_grow_with_rows(client_as, admin_user):
    client = client_as(admin_user)

    def add(n):
        for i in range(n):
            AgreementFactory(valid_to=TODAY - datetime.timedelta(days=i + 1))
            AgreementFactory(valid_to=TODAY + datetime.timedelta(days=(i * 17) % 90 + 1))  # every group

    add(5)
    with_10 = _count_queries(client, "/agreements/expiring/")
    add(45)
    assert _count_queries(client, "/agreements/expiring/") == with_10


# ---- An NGO's page: its agreements and reports in pages --------------------------------------------

def test_ngo_page_shows_its_ten_latest_reports_and_links_to_all_of_them(client_as, officer_user):
    agreement = AgreementFactory(valid_from=datetime.date(2015, 1, 1), valid_to=datetime.date(2025, 12, 31))
    for year in range(2018, 2024):
        for half in (1, 2):
            ProgressReportFactory(agreement=agreement, period=ReportingPeriodFactory(year=year, half=half))
    client = client_as(officer_user)
    page = client.get(f"/ngos/{agreement.ngo_id}/").content.decode()
    reports = page[page.index('data-testid="ngo-reports"'):]
    assert reports.count("<tr>") == 1 + 10  # header and ten reports
    assert "Second semester 2023" in reports and "First semester 2019" in reports and "Second semester 2018" not in reports
    assert f'href="/reports/?ngo={agreement.ngo_id}"' in reports
    older = client.get(f"/ngos/{agreement.ngo_id}/?reports_page=2").content.decode()
    assert "First semester 2018" in older[older.index('data-testid="ngo-reports"'):]


def test_ngo_page_query_count_does_not_grow_with_its_reports(client_as, officer_user):
    agreement = AgreementFactory(valid_from=datetime.date(2015, 1, 1), valid_to=datetime.date(2025, 12, 31))
    client = client_as(officer_user)

    def add(years):
        for year in years:
            for half in (1, 2):
                ProgressReportFactory(agreement=agreement, period=ReportingPeriodFactory(year=year, half=half))

    add([2016])
    with_2 = _count_queries(client, f"/ngos/{agreement.ngo_id}/")
    add(range(2017, 2024))
    assert _count_queries(client, f"/ngos/{agreement.ngo_id}/") == with_2
