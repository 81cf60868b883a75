"""Every main page loads in Chromium with no Content-Security-Policy violation and no script error."""
import pytest
from django.core.management import call_command

from mrd_ngo.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    "/", "/ngos/", "/agreements/", "/agreements/expiring/", "/reports/", "/reports/2024S1/completeness/",
    "/reports/new/", "/reports/2024S1/summary/", "/ngos/1/", "/reports/import/",
]


def test_main_pages_raise_no_csp_violation_or_script_error(page, live_server, log_in, screenshot):
    call_command("load_demo", verbosity=0, stdout=__import__("io").StringIO())
    problems = []
    page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    log_in(Role.ADMINISTRATOR)
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
    assert problems == []
