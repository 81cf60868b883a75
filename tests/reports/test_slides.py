"""The summary as slides for the meeting (issue 15 part 7): full-screen slides moved with the arrow keys (a static
script: the CSP refuses inline code), the same access as the summary, and a slide PDF of 1280x720 pages."""
import re
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from mrd_ngo.roles import Role
from tests.factories import UserFactory
from tests.reports.test_summary import known_semester

pytestmark = pytest.mark.django_db

SLIDES = "/reports/2024S1/slides/"


@pytest.fixture
def known(db):
    return known_semester()


def log_in(client, role, **kwargs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(UserFactory(role=role, **kwargs))


def test_the_slides_show_the_summary_one_slide_each_with_no_inline_code(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    page = client.get(SLIDES).content.decode()
    assert page.count('data-testid="slide"') == 8
    for heading in ("Headline figures", "Change since the previous semester", "Results by sector", "Map of the provinces",
                    "Clean water and sanitation: where coverage is low", "Agreements to renew",
                    "Recommendations of the last meeting"):
        assert heading in page
    assert re.search(r'<script src="/static/js/slides\.js"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "style=" not in page and "<style" not in page
    assert page.count('data-testid="province-map"') == 2 and 'data-testid="map-choices"' not in page


def test_the_summary_page_links_to_its_slides(client, known):
    log_in(client, Role.DATA_ENTRY_OFFICER)
    assert f'href="{SLIDES}"' in client.get("/reports/2024S1/summary/").content.decode()


def test_a_provincial_officers_slides_hold_their_province_only(client, known):
    log_in(client, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page = client.get(SLIDES).content.decode()
    assert "Provincial summary: Siem Reap only." in page
    for other in ("Battambang", "Kampot", "Delta Water Partners"):
        assert other not in page
    assert set(re.findall(r'href="(/provinces/[^"]*)"', page)) == {"/provinces/17/"}


def test_the_slide_pdf_has_one_1280x720_page_per_slide(known, tmp_path):
    path = tmp_path / "slides.pdf"
    call_command("summary_slides", "2024S1", "--lang", "km", "--output", str(path))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+8\b", info)
    assert "960 x 540 pts" in info  # 1280x720 CSS pixels
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "MapSVG / svg-maps" in text


def test_the_slide_command_refuses_an_unknown_semester_or_province(known, tmp_path):
    with pytest.raises(CommandError, match="No semester '2031S1'"):
        call_command("summary_slides", "2031S1", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="No province with code '99'"):
        call_command("summary_slides", "2024S1", "--province", "99", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_slide_pdf_is_built_by_the_worker_and_downloaded_from_the_summary_page(client, known):
    """For the provincial departments: the page offers it in its language; the worker builds it, never the web."""
    from tests.worker import run_queued_tasks

    log_in(client, Role.DEPARTMENT_HEAD)
    page = client.get("/reports/2024S1/summary/").content.decode()
    assert 'data-testid="slides-en"' in page  # the button that asks for it
    assert client.get("/reports/2024S1/slides.pdf?lang=en").status_code == 302  # nothing kept: a build is queued
    assert run_queued_tasks() == 1
    assert 'href="/reports/2024S1/slides.pdf?lang=en"' in client.get("/reports/2024S1/summary/").content.decode()
    response = client.get("/reports/2024S1/slides.pdf?lang=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="semester-summary-2024S1-slides-en.pdf"'
    pdf = b"".join(response.streaming_content)
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Pages:\s+8\b", info) and "960 x 540 pts" in info


def test_the_slide_pdf_is_for_those_who_print_the_summary(client, known):
    log_in(client, Role.DATA_ENTRY_OFFICER)
    assert client.get("/reports/2024S1/slides.pdf?lang=en").status_code == 403
    assert 'data-testid="slides-en"' not in client.get("/reports/2024S1/summary/").content.decode()
