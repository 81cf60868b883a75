"""The summary PDF and workbook are built by the worker, kept, and rebuilt only when the figures change."""
import dataclasses
import io
import time
from unittest import mock

import pytest
import weasyprint
from django.conf import settings
from django.db.models import F
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from mrd_ngo.roles import Role
from reports.choices import BuildState, DocumentKind
from reports.documents import data_fingerprint
from reports.models import IndicatorValue, ProgressReport, SummaryDocument
from tests.factories import UserFactory
from tests.reports.test_summary import known_semester
from tests.worker import run_queued_tasks, run_worker_batch

pytestmark = pytest.mark.django_db

PAGE = "/reports/2024S1/summary/"
PREPARE_PDF_EN = "/reports/2024S1/summary/pdf/en/prepare/"
STATUS_PDF_EN = "/reports/2024S1/summary/pdf/en/status/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def known(db):
    return known_semester()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


@pytest.fixture
def pdf_renders():
    """A spy on WeasyPrint's layout (HTML.render, which every PDF goes through): counts calls and lets them through (the PDF is real)."""
    with mock.patch.object(weasyprint.HTML, "render", autospec=True, side_effect=weasyprint.HTML.render) as spy:
        yield spy


def headline(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {row[0]: row[1] for row in book["1 Headline figures"].iter_rows(values_only=True) if row and row[0]}


def test_asking_for_the_pdf_queues_it_the_worker_builds_it_and_the_page_offers_it(english, known, pdf_renders):
    log_in(english, Role.DEPARTMENT_HEAD)
    page = english.get(PAGE).content.decode()
    assert f'hx-post="{PREPARE_PDF_EN}"' in page  # a button that asks for it, no link to a file yet

    started = time.monotonic()
    response = english.post(PREPARE_PDF_EN, **HTMX)
    assert response.status_code == 202 and time.monotonic() - started < 1
    assert "PDF (English): waiting for the worker" in response.content.decode()
    assert f'hx-get="{STATUS_PDF_EN}"' in response.content.decode()  # the fragment polls its status
    assert pdf_renders.call_count == 0  # no WeasyPrint in the web request
    assert english.get(STATUS_PDF_EN).content.decode().count("waiting for the worker") == 1

    assert run_queued_tasks() == 1
    assert pdf_renders.call_count == 1  # the worker rendered it

    fragment = english.get(STATUS_PDF_EN).content.decode()
    assert 'href="/reports/2024S1/summary.pdf?lang=en"' in fragment and "hx-get" not in fragment
    assert 'href="/reports/2024S1/summary.pdf?lang=en"' in english.get(PAGE).content.decode()
    response = english.get("/reports/2024S1/summary.pdf?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="semester-summary-2024S1-en.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert pdf_renders.call_count == 1  # served from the kept file


def test_without_javascript_the_button_queues_the_build_and_returns_to_the_page(client, known, pdf_renders):
    log_in(client, Role.ADMINISTRATOR)
    response = client.post("/reports/2024S1/summary/pdf/km/prepare/")
    assert response.status_code == 302 and response["Location"] == "/reports/2024S1/summary/#documents"
    assert 'data-testid="pdf-km-progress"' in client.get(PAGE).content.decode()
    assert pdf_renders.call_count == 0


def test_an_old_download_link_queues_the_build_instead_of_rendering_in_the_request(client, known, pdf_renders):
    log_in(client, Role.DEPARTMENT_HEAD)
    response = client.get("/reports/2024S1/summary.pdf?lang=km")
    assert response.status_code == 302 and response["Location"] == "/reports/2024S1/summary/#documents"
    assert pdf_renders.call_count == 0
    assert SummaryDocument.objects.get().state == BuildState.QUEUED


def test_the_second_person_to_ask_gets_the_kept_file_without_a_new_build(client, known, pdf_renders):
    log_in(client, Role.DEPARTMENT_HEAD)
    client.post(PREPARE_PDF_EN)
    run_queued_tasks()
    first = b"".join(client.get("/reports/2024S1/summary.pdf?lang=en").streaming_content)

    log_in(client, Role.ADMINISTRATOR)
    assert 'href="/reports/2024S1/summary.pdf?lang=en"' in client.get(PAGE).content.decode()
    response = client.post(PREPARE_PDF_EN, **HTMX)
    assert response.status_code == 200 and 'href="/reports/2024S1/summary.pdf?lang=en"' in response.content.decode()
    assert DBTaskResult.objects.count() == 1  # no second build queued
    assert run_queued_tasks() == 0
    assert b"".join(client.get("/reports/2024S1/summary.pdf?lang=en").streaming_content) == first
    assert pdf_renders.call_count == 1


def test_many_asking_while_it_is_queued_start_one_build(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    for _ in range(3):
        client.post(PREPARE_PDF_EN)
        client.get("/reports/2024S1/summary.pdf?lang=en")
    assert DBTaskResult.objects.count() == 1
    assert SummaryDocument.objects.count() == 1


def test_a_change_to_an_accepted_reports_figures_makes_the_next_request_rebuild(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    client.get("/reports/2024S1/summary.xlsx?lang=en")
    run_queued_tasks()
    assert headline(b"".join(client.get("/reports/2024S1/summary.xlsx?lang=en").streaming_content))[
        "Budget planned (USD)"] == 40000

    ProgressReport.objects.filter(pk=known.report_a.pk).update(budget_planned_usd=25000)

    page = client.get(PAGE).content.decode()
    assert 'href="/reports/2024S1/summary.xlsx?lang=en"' not in page  # the kept workbook is out of date
    response = client.get("/reports/2024S1/summary.xlsx?lang=en")
    assert response.status_code == 302  # queued again, back to the page
    assert run_queued_tasks() == 1
    response = client.get("/reports/2024S1/summary.xlsx?lang=en")
    assert response["Content-Disposition"] == 'attachment; filename="semester-summary-2024S1-en.xlsx"'
    assert headline(b"".join(response.streaming_content))["Budget planned (USD)"] == 45000


def test_the_fingerprint_moves_when_a_figure_or_a_report_changes(known):
    before = data_fingerprint(known.period)
    assert data_fingerprint(known.period) == before
    IndicatorValue.objects.filter(report=known.report_a).update(value=F("value") + 1)  # a figure of an accepted report
    after_value = data_fingerprint(known.period)
    assert after_value != before
    known.report_b.delete()
    assert data_fingerprint(known.period) != after_value


def test_a_provincial_officer_gets_their_provinces_workbook_never_the_national_one(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)  # the national workbook is built and kept
    client.get("/reports/2024S1/summary.xlsx?lang=en")
    run_queued_tasks()

    log_in(client, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    response = client.get("/reports/2024S1/summary.xlsx?lang=en")
    assert response.status_code == 302  # not the national file: their own edition is queued
    assert SummaryDocument.objects.get(province=known.siem_reap).state == BuildState.QUEUED
    run_queued_tasks()
    response = client.get("/reports/2024S1/summary.xlsx?lang=en")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[0] for row in book["3 By province"].iter_rows(min_row=2, values_only=True)] == ["Siem Reap"]
    # The PDF stays for those who may print it, whatever the edition.
    assert client.post(PREPARE_PDF_EN).status_code == 403
    assert client.get(STATUS_PDF_EN).status_code == 403
    assert client.get("/reports/2024S1/summary.pdf?lang=en").status_code == 403


def test_a_failed_build_says_so_and_can_be_retried(english, known):
    log_in(english, Role.DEPARTMENT_HEAD)
    english.post(PREPARE_PDF_EN)
    with mock.patch("reports.documents._render", side_effect=OSError("disk full")):  # the worker crashes
        run_queued_tasks()
    assert DBTaskResult.objects.get().status == "FAILED"
    page = english.get(PAGE).content.decode()
    assert "PDF (English) could not be built. Try again" in page
    assert "disk full" not in page  # the cause is in the worker's log, not on the page

    response = english.post(PREPARE_PDF_EN, **HTMX)
    assert "waiting for the worker" in response.content.decode()
    assert run_queued_tasks() == 1
    assert english.get("/reports/2024S1/summary.pdf?lang=en").status_code == 200


def test_a_build_lost_with_its_worker_shows_failed_after_the_timeout(english, known, settings):
    log_in(english, Role.DEPARTMENT_HEAD)
    english.post(PREPARE_PDF_EN)
    SummaryDocument.objects.update(state=BuildState.BUILDING, started_at="2020-01-01T00:00Z")
    assert "could not be built" in english.get(STATUS_PDF_EN).content.decode()
    english.post(PREPARE_PDF_EN)
    assert DBTaskResult.objects.count() == 2  # retried


def test_unknown_kind_or_language_of_a_document_is_not_found(client, known):
    log_in(client, Role.DEPARTMENT_HEAD)
    assert client.post("/reports/2024S1/summary/docx/en/prepare/").status_code == 404
    assert client.get("/reports/2024S1/summary/pdf/fr/status/").status_code == 404
    assert client.get("/reports/2024S1/summary/pdf/en/prepare/").status_code == 405
    assert SummaryDocument.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_command_builds_the_pdf_asked_for_on_the_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    known_semester()
    log_in(client, Role.DEPARTMENT_HEAD)
    client.post(PREPARE_PDF_EN)
    client.post("/reports/2024S1/summary/xlsx/km/prepare/")

    run_worker_batch()  # manage.py db_worker --batch, in its own process, on this test database

    kept = set(SummaryDocument.objects.values_list("kind", "state"))
    assert kept == {(DocumentKind.PDF, "idle"), (DocumentKind.XLSX, "idle")}  # built, nothing left to do
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    response = client.get("/reports/2024S1/summary.pdf?lang=en")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert (tmp_path / "media" / SummaryDocument.objects.get(kind="pdf").file.name).is_file()


@pytest.mark.django_db(transaction=True)
def test_people_asking_at_the_same_moment_start_one_build(known_period_committed):
    """Four requests at once, each on its own database connection: one document row, one queued build."""
    import threading

    from django.db import connection

    from reports.documents import summary_document_request

    start = threading.Barrier(4)
    errors = []

    def ask():
        try:
            start.wait()
            summary_document_request(period=known_period_committed, kind="pdf", lang="km", province_id=None)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SummaryDocument.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.fixture
def known_period_committed():
    return known_semester().period


def test_the_provincial_edition_the_worker_builds_is_what_the_officer_sees_on_the_page(known):
    from reports.summary import build_provincial_summary, build_summary

    officer = UserFactory(role=Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    edition = build_provincial_summary(known.period, province_id=known.siem_reap.pk)
    page = build_summary(known.period, user=officer)
    assert dataclasses.replace(edition, built_at=page.built_at) == page
    assert edition.scope is not None and edition.provinces_in_scope == 1


def test_a_queued_document_says_when_no_worker_is_running(english, known):
    from django.utils import timezone

    from mrd_ngo.health import worker_heartbeat

    log_in(english, Role.DEPARTMENT_HEAD)
    response = english.post(PREPARE_PDF_EN, **HTMX)
    assert "No background worker is running" in response.content.decode()
    worker_heartbeat(worker_id="w1", started_at=timezone.now())
    assert "No background worker is running" not in english.get(STATUS_PDF_EN).content.decode()
