"""Report pages that stay small at national scale: completeness in pages, the summary page cut off (not its PDF)."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.pdf import summary_html
from reports.summary import build_national_summary
from reports.summary_views import PAGE_LIMITS
from tests.factories import AgreementFactory, NGOFactory
from tests.reports.conftest import client_for, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _expected_ngos(count: int, start: int = 0) -> None:
    """`count` NGOs with an agreement in force during 2024S1 and no report."""
    for n in range(start, start + count):
        AgreementFactory(ngo=NGOFactory(name_en=f"Silent Partner {n:03d}"))


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_completeness_lists_50_missing_ngos_a_page_and_counts_them_all(officer_user, period):
    _expected_ngos(60)
    client = in_english(client_for(officer_user))
    page = client.get(f"/reports/{period.code}/completeness/").content.decode()
    missing = page[page.index('data-testid="missing-table"'):page.index('id="by-province-title"')]
    assert missing.count("Silent Partner") == 50
    assert "1–50 of 60" in missing
    assert re.search(r'data-testid="missing">\s*60<', page)  # the figures count every NGO
    second = client.get(f"/reports/{period.code}/completeness/?missing_page=2").content.decode()
    missing = second[second.index('data-testid="missing-table"'):second.index('id="by-province-title"')]
    assert missing.count("Silent Partner") == 10
    assert "Silent Partner 059" in missing


def test_completeness_query_count_does_not_grow_with_rows(officer_user, period):
    client = client_for(officer_user)
    _expected_ngos(10)
    with_10 = _count_queries(client, f"/reports/{period.code}/completeness/")
    _expected_ngos(90, start=10)
    assert _count_queries(client, f"/reports/{period.code}/completeness/") == with_10


def test_summary_page_shows_the_first_gaps_and_the_pdf_names_them_all(head_user, period):
    count = PAGE_LIMITS["gaps"] + 5
    _expected_ngos(count)
    client = in_english(client_for(head_user))
    page = client.get(f"/reports/{period.code}/summary/").content.decode()
    gaps = page[page.index('data-testid="gap-list"'):]
    gaps = gaps[:gaps.index("</section>")]
    assert gaps.count("Silent Partner") == PAGE_LIMITS["gaps"]
    assert f"The first {PAGE_LIMITS['gaps']} of {count} are shown here." in gaps
    assert f'href="/reports/{period.code}/completeness/"' in gaps
    # The printed edition is rendered without limits.
    printed = summary_html(build_national_summary(period), "en")
    assert printed.count("Silent Partner") >= count
    assert "are shown here" not in printed
