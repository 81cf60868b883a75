"""The summary page, its PDF and workbook downloads: who may see and print what, and bad requests."""
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from mrd_ngo.roles import Role
from tests.factories import UserFactory
from tests.reports.test_summary import known_semester
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db

PAGE = "/reports/2024S1/summary/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def known(db):
    return known_semester()


@pytest.fixture
def english(client):
    """Read the pages in English (the default is Khmer)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.DATA_ENTRY_OFFICER])
def test_national_roles_see_the_national_summary(english, known, role):
    log_in(english, role)
    response = english.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "National summary." in page
    for ngo in ("Alpha Water Partners", "Delta Water Partners", "Foxtrot Water Partners"):
        assert ngo in page
    assert "Never shown: not accepted." not in page  # the challenge of a report not accepted
    assert 'data-testid="not-accepted"' in page


def test_provincial_officer_sees_their_province_only(english, known):
    log_in(english, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page = english.get(PAGE).content.decode()
    assert "Provincial summary: Siem Reap only." in page
    assert "Alpha Water Partners" in page
    assert "Delta Water Partners" not in page  # works in Battambang only
    assert "Kampot" not in page


def test_only_department_heads_and_administrators_get_print_buttons(english, known):
    log_in(english, Role.DATA_ENTRY_OFFICER)
    page = english.get(PAGE).content.decode()
    assert 'data-testid="pdf-km"' not in page and 'data-testid="xlsx"' in page
    log_in(english, Role.DEPARTMENT_HEAD)
    assert 'data-testid="pdf-km"' in english.get(PAGE).content.decode()


def test_page_of_a_semester_without_reports_says_so(english, db):
    from tests.factories import ReportingPeriodFactory

    ReportingPeriodFactory(year=2031, half=1)
    log_in(english, Role.DEPARTMENT_HEAD)
    page = english.get("/reports/2031S1/summary/").content.decode()
    assert "No accepted report records results in a model village this semester." in page
    assert "The previous semester is not recorded" in page


def test_unknown_semester_is_not_found(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    assert client.get("/reports/2030S2/summary/").status_code == 404
    assert client.get("/reports/2030S2/summary.pdf").status_code == 404


def test_users_without_a_role_are_refused_and_visitors_sent_to_log_in(client, known):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    log_in(client, None)
    assert client.get(PAGE).status_code == 403
    assert client.get("/reports/2024S1/summary.xlsx").status_code == 403


@pytest.mark.parametrize("role", [Role.DATA_ENTRY_OFFICER, Role.PROVINCIAL_OFFICER])
def test_printing_needs_the_print_permission(client, known, role):
    log_in(client, role, **({"province": known.siem_reap} if role == Role.PROVINCIAL_OFFICER else {}))
    assert client.get("/reports/2024S1/summary.pdf?lang=km").status_code == 403


def test_unknown_pdf_language_is_a_bad_request(english, known):
    log_in(english, Role.DEPARTMENT_HEAD)
    response = english.get("/reports/2024S1/summary.pdf?lang=fr")
    assert response.status_code == 400
    assert "Khmer (lang=km) and English (lang=en) only" in response.content.decode()


def test_department_head_downloads_the_pdf_the_worker_built(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    response = client.get("/reports/2024S1/summary.pdf?lang=en")
    assert response.status_code == 302  # queued: back to the page, which shows its progress
    run_queued_tasks()
    response = client.get("/reports/2024S1/summary.pdf?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="semester-summary-2024S1-en.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_latest_summary_link_opens_the_latest_due_semester(client, known):
    log_in(client, Role.DATA_ENTRY_OFFICER)
    response = client.get("/reports/summary/")
    assert response.status_code == 302 and response["Location"] == "/reports/2024S1/summary/"


def workbook(client, url="/reports/2024S1/summary.xlsx?lang=en"):
    """The workbook as the worker builds it: asked for, built, then downloaded."""
    assert client.get(url).status_code == 302
    run_queued_tasks()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="semester-summary-2024S1-{url[-2:]}.xlsx"'
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_workbook_has_one_sheet_per_section_with_the_same_figures(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    book = workbook(client)
    assert book.sheetnames == [
        "1 Headline figures", "2 Results by sector", "3 By province", "4 Model villages", "5 Water and sanitation",
        "6 Challenges and lessons", "6 Achievements and plans", "6 Challenges by theme", "7 Agreements", "8 Recommendations",
        "9 Change", "10 By province and sex",
    ]
    headline = {row[0]: row[1] for row in book["1 Headline figures"].iter_rows(values_only=True) if row and row[0]}
    assert headline["Budget planned (USD)"] == 40000 and headline["Reports accepted"] == 3
    provinces = list(book["3 By province"].iter_rows(min_row=2, values_only=True))
    assert len(provinces) == 25 and ("Kandal", 0, 0, 0) == provinces[[p[0] for p in provinces].index("Kandal")][:4]
    agreements = [(row[0], row[1]) for row in book["7 Agreements"].iter_rows(min_row=2, values_only=True)]
    assert ("Expired without renewal", "Foxtrot Water Partners") in agreements
    assert ("New agreements signed in the semester", "Beta Water Partners") in agreements


def test_workbook_of_a_provincial_officer_covers_their_province(client, known):
    log_in(client, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    book = workbook(client)
    assert [row[0] for row in book["3 By province"].iter_rows(min_row=2, values_only=True)] == ["Siem Reap"]


def test_workbook_numbers_stay_numbers_in_the_khmer_edition(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    book = workbook(client, "/reports/2024S1/summary.xlsx?lang=km")
    sheet = book.worksheets[2]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "សៀមរាប")
    assert row[2] == 10000 and isinstance(row[2], int)


def test_summary_page_shows_a_change_to_its_data_at_once(english, known, django_assert_max_num_queries):
    """The page keeps the summary it built (reports/summary_cache.py) only while its data is unchanged."""
    log_in(english, Role.DEPARTMENT_HEAD)
    assert "Alpha Water Partners" in english.get(PAGE).content.decode()
    with django_assert_max_num_queries(15):  # the kept summary: no rebuild (about thirty queries)
        assert "Alpha Water Partners" in english.get(PAGE).content.decode()
    known.a.ngo.name_en = "Alpha Clean Water"
    known.a.ngo.save()
    page = english.get(PAGE).content.decode()
    assert "Alpha Clean Water" in page and "Alpha Water Partners" not in page


def test_provincial_officer_never_gets_the_national_summary_kept_for_others(client, english, known):
    log_in(english, Role.ADMINISTRATOR)
    assert "Delta Water Partners" in english.get(PAGE).content.decode()  # the national summary, now kept
    log_in(english, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    page = english.get(PAGE).content.decode()
    assert "Provincial summary: Siem Reap only." in page
    assert "Delta Water Partners" not in page  # works in Battambang only
    log_in(english, Role.PROVINCIAL_OFFICER, province=known.battambang)
    page = english.get(PAGE).content.decode()
    assert "Provincial summary: Battambang only." in page
    assert "Delta Water Partners" in page and "Hotel Water Partners" not in page
