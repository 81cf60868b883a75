"""At phone width (390 px), in Khmer and in English, no page scrolls sideways; list filters fold away."""
import io

import pytest
from django.core.management import call_command

from agreements.models import NGO
from mrd_ngo.roles import Role
from reports.models import ProgressReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/", "/ngos/", "/agreements/", "/agreements/expiring/", "/reports/", "/reports/2024S1/completeness/",
    "/reports/2024S1/summary/", "/manage/semesters/", "/manage/semesters/2024S1/", "/manage/users/",
    "/manage/users/new/", "/notifications/", "/calendar/",
]


def test_no_page_scrolls_sideways_at_390_px_in_either_language(page, live_server, log_in, screenshot):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(Role.ADMINISTRATOR)
    report = ProgressReport.objects.order_by("pk").first()
    details = [f"/ngos/{NGO.objects.order_by('pk').first().pk}/", f"/reports/{report.pk}/"]
    wide = []
    for lang in ("km", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        for path in PAGES + details:
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                wide.append(f"{lang} {path}: {overflow} px")
        page.goto(f"{live_server.url}/agreements/")
        assert not page.locator("#list-filters").is_visible()  # folded: the first row shows at once
        page.click("[data-testid=filters-toggle]")
        page.locator("#list-filters").wait_for(state="visible")
        screenshot(f"phone-agreements-{lang}")
    assert wide == []
