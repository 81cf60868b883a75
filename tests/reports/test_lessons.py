"""The lessons-learned register: taken from reports by staff, tagged, searched in Khmer and Latin, followed to
adoption, listed in the summary and available to province pages (`lessons_for_province`)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agreements.models import Sector
from reports.choices import LessonStatus, LessonTheme, ReportStatus
from reports.lessons import lesson_save, lessons_for_province
from reports.models import Lesson
from reports.summary import build_national_summary, build_provincial_summary
from tests.factories import AgreementFactory, LessonFactory, ProgressReportFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriodFactory(year=2024, half=1)


@pytest.fixture
def report_here(period, siem_reap):
    return ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], ngo__name_en="Here NGO"), period=period,
                                 status=ReportStatus.ACCEPTED, lessons_learned="Water committees that collect a fee last.")


@pytest.fixture
def report_there(period, battambang):
    return ProgressReportFactory(agreement=AgreementFactory(provinces=[battambang], ngo__name_en="Other Place NGO"),
                                 period=period, status=ReportStatus.ACCEPTED)


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_officer_takes_a_lesson_from_a_report_which_stays_its_source(client, officer_user, report_here):
    water = Sector.objects.get(code="rural-water-supply")
    _english(client).force_login(officer_user)
    page = client.get(reverse("reports:lesson_create") + f"?report={report_here.pk}").content.decode()
    assert "Water committees that collect a fee last." in page  # the report's lessons, to copy from
    response = client.post(reverse("reports:lesson_create"), {
        "report": report_here.pk, "title": "Small fees keep wells working", "text": "Committees that collect a fee last.",
        "sector": water.pk, "theme": LessonTheme.MAINTENANCE, "status": LessonStatus.NOTED,
    })
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.report, lesson.sector, lesson.created_by) == (report_here, water, officer_user)
    listing = client.get(reverse("reports:lesson_list")).content.decode()
    assert "Small fees keep wells working" in listing and report_here.get_absolute_url() in listing


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "This field is required."),
    ({"theme": "gossip"}, "Select a valid choice."),
    ({"status": "forgotten"}, "Select a valid choice."),
])
def test_a_bad_lesson_is_answered_next_to_the_field_and_nothing_is_written(client, officer_user, report_here, change,
                                                                           message):
    _english(client).force_login(officer_user)
    data = {"report": report_here.pk, "title": "A lesson", "text": "What was learned.", "sector": "",
            "theme": LessonTheme.PLANNING, "status": LessonStatus.NOTED, **change}
    response = client.post(reverse("reports:lesson_create"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Lesson.objects.exists()


def test_no_lesson_is_taken_from_a_draft_or_from_a_report_the_user_may_not_see(
    client, officer_user, provincial_user, period, report_there
):
    draft = ProgressReportFactory(period=period)
    _english(client).force_login(officer_user)
    response = client.post(reverse("reports:lesson_create"), {
        "report": draft.pk, "title": "A lesson", "text": "Text", "theme": "other", "status": "noted"})
    assert response.status_code == 400 and "drafts have no lessons yet" in response.content.decode()
    with pytest.raises(PermissionDenied):  # provincial officers read the register, staff keep it
        lesson_save(user=provincial_user, report=report_there, fields={"title": "x", "text": "y", "theme": "other"})
    assert not Lesson.objects.exists()


def test_a_lesson_moves_from_noted_to_shared_to_adopted_and_a_stale_edit_is_refused(officer_user, head_user, report_here):
    lesson = LessonFactory(report=report_here)
    lesson_save(user=head_user, lesson=lesson, report=report_here, fields={"status": LessonStatus.SHARED}, version=1)
    with pytest.raises(ValidationError) as error:
        lesson_save(user=officer_user, lesson=lesson, report=report_here, fields={"status": LessonStatus.ADOPTED}, version=1)
    assert error.value.code == "conflict"
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.SHARED
    assert list(lesson.events.values_list("status", flat=True).order_by("pgh_id")) == ["noted", "shared"]


@pytest.mark.parametrize("query", ["ថែទាំអណ្តូង", "ថែទាំអណ្ដូង", "WELLS", "wells fee", "here ngo"])
def test_the_register_is_searched_in_khmer_and_latin(client, officer_user, report_here, report_there, query):
    LessonFactory(report=report_here, title="គណៈកម្មការទឹក ថែទាំអណ្ដូង", text="Wells last when a fee is collected.")
    LessonFactory(report=report_there, title="Roads", text="Gravel roads need drainage.")
    _english(client).force_login(officer_user)
    response = client.get(reverse("reports:lesson_list"), {"q": query})
    assert [lesson.report for lesson in response.context["page"]] == [report_here]


def test_the_register_is_filtered_by_sector_theme_and_status(client, officer_user, report_here):
    water, roads = Sector.objects.get(code="rural-water-supply"), Sector.objects.get(code="rural-roads")
    kept = LessonFactory(report=report_here, sector=water, theme=LessonTheme.MAINTENANCE, status=LessonStatus.ADOPTED)
    LessonFactory(report=report_here, sector=roads, theme=LessonTheme.MAINTENANCE, status=LessonStatus.ADOPTED)
    LessonFactory(report=report_here, sector=water, theme=LessonTheme.PLANNING, status=LessonStatus.ADOPTED)
    LessonFactory(report=report_here, sector=water, theme=LessonTheme.MAINTENANCE, status=LessonStatus.NOTED)
    client.force_login(officer_user)
    response = client.get(reverse("reports:lesson_list"), {"sector": water.pk, "theme": "maintenance", "status": "adopted"})
    assert list(response.context["page"]) == [kept]
    # The download holds what the filters keep (every page of it), with the report it came from.
    download = client.get(reverse("reports:lesson_list"),
                          {"sector": water.pk, "theme": "maintenance", "status": "adopted", "_export": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and kept.title in lines[1] and report_here.ngo.name in lines[1]


def test_a_provincial_officers_download_of_the_register_holds_their_province_only(client, provincial_user,
                                                                                  report_here, report_there):
    LessonFactory(report=report_here, title="Lesson here")
    LessonFactory(report=report_there, title="Lesson there")
    _english(client).force_login(provincial_user)
    download = client.get(reverse("reports:lesson_list"), {"_export": "xlsx"})
    assert download["Content-Disposition"].startswith('attachment; filename="lessons-learned-')
    from openpyxl import load_workbook
    import io
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Lesson here"]


def test_a_provincial_officer_sees_the_lessons_of_their_provinces_reports_only(client, provincial_user, report_here,
                                                                              report_there):
    LessonFactory(report=report_here, title="Lesson here")
    LessonFactory(report=report_there, title="Lesson there")
    _english(client).force_login(provincial_user)
    page = client.get(reverse("reports:lesson_list")).content.decode()
    assert "Lesson here" in page and "Lesson there" not in page


def test_province_pages_get_the_lessons_of_the_reports_whose_agreement_covers_the_province(
    provincial_user, officer_user, report_here, report_there, siem_reap, battambang
):
    here = LessonFactory(report=report_here)
    there = LessonFactory(report=report_there)
    assert list(lessons_for_province(siem_reap, user=officer_user)) == [here]
    assert list(lessons_for_province(battambang, user=officer_user)) == [there]
    assert list(lessons_for_province(siem_reap, user=provincial_user)) == [here]
    assert list(lessons_for_province(battambang, user=provincial_user)) == []  # not theirs to see


def test_the_summary_lists_the_semesters_lessons_by_sector_and_the_provincial_edition_its_own(
    period, report_here, report_there, siem_reap
):
    roads, water = Sector.objects.get(code="rural-roads"), Sector.objects.get(code="rural-water-supply")
    LessonFactory(report=report_here, title="Water lesson", sector=water, status=LessonStatus.ADOPTED)
    LessonFactory(report=report_there, title="Roads lesson", sector=roads)
    LessonFactory(report=ProgressReportFactory(period=ReportingPeriodFactory(year=2023, half=2), status="accepted"),
                  title="Older lesson")
    national = build_national_summary(period)
    assert [(row.title, row.sector.en, row.status) for row in national.lessons] == [
        ("Water lesson", "Rural water supply", "adopted"), ("Roads lesson", "Rural roads", "noted"),
    ]
    provincial = build_provincial_summary(period, province_id=siem_reap.pk)
    assert [row.title for row in provincial.lessons] == ["Water lesson"]


def test_the_register_reads_the_same_number_of_queries_for_2_and_20_lessons(client, officer_user, report_here):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer_user)
    counts = []
    for n in (2, 20):
        LessonFactory.create_batch(n - Lesson.objects.count(), report=report_here)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:lesson_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
