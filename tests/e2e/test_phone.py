"""At phone width (390 px), in Khmer and in English, no page scrolls sideways; wide tables become stacked rows
(each cell labelled with its column); list filters fold away."""
import io

import pytest
from django.core.management import call_command

from agreements.models import NGO, Agreement, CoverageRate, Province, Village
from mrd_ngo.roles import Role
from reports.models import ProgressReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every main page an administrator reaches: lists, board, completeness, summary, management pages.
PAGES = [
    "/", "/ngos/", "/agreements/", "/agreements/expiring/", "/reports/", "/reports/2024S1/completeness/",
    "/reports/2024S1/summary/", "/provinces/17/", "/manage/semesters/", "/manage/semesters/2024S1/",
    "/manage/semesters/new/", "/manage/users/", "/manage/users/new/", "/manage/villages/",
    "/manage/villages/?q=srae", "/manage/coverage/", "/manage/coverage/new/", "/notifications/", "/calendar/",
]

# Tables whose rows must stand stacked on a phone (at least one cell shows its column's name).
STACKED = {
    "/agreements/expiring/": ".board-table",
    "/reports/2024S1/completeness/": "[data-testid=missing-table]",
    "/reports/2024S1/summary/": ".summary-sectors",
    "/manage/villages/": ".stack-table",
}

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# A stacked table: its heading row is hidden and its cells are blocks, each with its label before it.
STACKED_ROWS = """(selector) => {
  const table = document.querySelector(selector);
  if (!table) return 'missing';
  const cell = table.querySelector('tbody td[data-label]');
  const head = table.querySelector('thead');
  return (head === null || getComputedStyle(head).display === 'none') && getComputedStyle(cell).display === 'block'
    && getComputedStyle(cell, '::before').content.includes(cell.dataset.label);
}"""


def _details() -> list[str]:
    """Detail and edit pages of the demo's first rows."""
    report = ProgressReport.objects.order_by("pk").first()
    return [
        f"/ngos/{NGO.objects.order_by('pk').first().pk}/", f"/agreements/{Agreement.objects.order_by('pk').first().pk}/",
        f"/reports/{report.pk}/", f"/reports/{report.pk}/edit/",
        f"/manage/villages/{Village.objects.filter(is_model_village=True).order_by('pk').first().pk}/",
        f"/manage/coverage/{CoverageRate.objects.order_by('pk').first().pk}/",
    ]


def _wide_pages(page, live_server, paths) -> list[str]:
    wide = []
    for lang in ("km", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        for path in paths:
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                wide.append(f"{lang} {path}: {overflow} px")
    return wide


def test_no_page_scrolls_sideways_at_390_px_in_either_language(page, live_server, log_in, screenshot):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(Role.ADMINISTRATOR)
    wide = _wide_pages(page, live_server, PAGES + _details())
    for lang in ("km", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        page.goto(f"{live_server.url}/agreements/")
        assert not page.locator("#list-filters").is_visible()  # folded: the first row shows at once
        page.click("[data-testid=filters-toggle]")
        page.locator("#list-filters").wait_for(state="visible")
        screenshot(f"phone-agreements-{lang}")
        for path, selector in STACKED.items():
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate(STACKED_ROWS, selector) is True, f"{lang} {path}"
        page.goto(f"{live_server.url}/reports/2024S1/summary/")
        screenshot(f"phone-summary-{lang}")
    assert wide == []


def test_each_roles_home_and_lists_fit_a_phone(page, live_server, log_in):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    paths = ["/", "/ngos/", "/agreements/", "/reports/", "/reports/2024S1/completeness/", "/notifications/"]
    wide = []
    for role, extra in [(Role.DATA_ENTRY_OFFICER, {}), (Role.DEPARTMENT_HEAD, {"department": "water-supply"}),
                        (Role.PROVINCIAL_OFFICER, {"province": Province.objects.get(code="17")})]:
        page.context.clear_cookies()
        log_in(role, username=f"e2e-{role.name.lower()}", **extra)
        wide += [f"{role.name} {line}" for line in _wide_pages(page, live_server, paths)]
    assert wide == []
