"""Every main page loads in Chromium with no Content-Security-Policy violation and no script error."""
import pytest
from django.core.management import call_command

from agreements.models import NGO, Agreement
from mrd_ngo.roles import Role
from reports.models import ProgressReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/", "/ngos/", "/agreements/", "/agreements/expiring/", "/reports/", "/reports/2024S1/completeness/",
    "/reports/new/", "/reports/2024S1/summary/", "/reports/import/",
]


def test_main_pages_raise_no_csp_violation_or_script_error(page, live_server, log_in, screenshot):
    call_command("load_demo", verbosity=0, stdout=__import__("io").StringIO())
    problems = []
    page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    log_in(Role.ADMINISTRATOR)
    ngo = NGO.objects.order_by("pk").first()
    agreement = Agreement.objects.order_by("pk").first()
    report = ProgressReport.objects.order_by("pk").first()
    details = [f"/ngos/{ngo.pk}/", f"/agreements/{agreement.pk}/", f"/reports/{report.pk}/", f"/reports/{report.pk}/edit/"]
    for path in PAGES + details:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
    assert problems == []
