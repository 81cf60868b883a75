"""The semester review meeting: recording it, its recommendations (owner, deadline, status, progress notes),
the summary's follow-up section built from them, the owner's home page, and the minutes PDF."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agreements.models import NGO, Department
from reports import meetings as services
from reports.choices import MeetingMode, RecommendationStatus
from reports.models import Meeting, MeetingRecommendation, RecommendationNote
from reports.summary import build_national_summary
from tests.factories import (
    HEAD_DEPARTMENT, AgreementFactory, MeetingFactory, MeetingRecommendationFactory, RecommendationNoteFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriodFactory(year=2024, half=1)


@pytest.fixture
def water():
    return Department.objects.get(code=HEAD_DEPARTMENT)


@pytest.fixture
def meeting(period):
    return MeetingFactory(period=period)


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _meeting_post(semester, **extra):
    data = {"period": semester.pk, "held_on": "2024-07-17", "mode": MeetingMode.BOTH, "place_km": "",
            "place_en": "Ministry of Rural Development", "chair_km": "", "chair_en": "", "notes": ""}
    data.update(extra)
    return data


# ---- Recording a meeting --------------------------------------------------------------------------


def test_a_head_records_a_meeting_with_the_ngos_and_provincial_departments_that_attended(client, head_user, period):
    ngos = [AgreementFactory().ngo, AgreementFactory().ngo]
    provincial = list(services.provincial_departments()[:3])
    _english(client).force_login(head_user)
    response = client.post(reverse("reports:meeting_create"), _meeting_post(
        period, ngos=[n.pk for n in ngos], departments=[d.pk for d in provincial]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.mode == MeetingMode.BOTH and meeting.created_by == head_user
    assert set(meeting.ngos.all()) == set(ngos) and set(meeting.departments.all()) == set(provincial)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "In person and by Zoom" in page and "Ministry of Rural Development" in page


@pytest.mark.parametrize("change, field, message", [
    ({"held_on": "2023-12-31"}, "held_on", "A meeting cannot review a semester that had not begun"),
    ({"held_on": "not a date"}, "held_on", "Enter a valid date."),
    ({"place_en": ""}, "place_km", "Give the place of the meeting, in Khmer or in English."),
    ({"mode": "phone"}, "mode", "Select a valid choice."),
    ({"period": "999999"}, "period", "Select a valid choice."),
])
def test_a_bad_meeting_is_answered_next_to_the_field_and_nothing_is_written(client, head_user, period, change, field,
                                                                            message):
    _english(client).force_login(head_user)
    response = client.post(reverse("reports:meeting_create"), _meeting_post(period, **change))
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert 'data-testid="error-' + field + '"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_technical_department_is_not_recorded_as_a_provincial_department(head_user, period, water):
    with pytest.raises(ValidationError) as error:
        services.meeting_save(user=head_user, fields={"period": period, "held_on": datetime.date(2024, 7, 17),
                                                      "place_en": "MRD", "mode": MeetingMode.ZOOM},
                              ngos=[], departments=[water])
    assert "departments" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_a_stale_edit_of_the_meeting_is_refused(client, head_user, admin_user, meeting):
    services.meeting_save(user=admin_user, meeting=meeting, fields={"notes": "First"}, ngos=[], departments=[], version=1)
    _english(client).force_login(head_user)
    response = client.post(reverse("reports:meeting_edit", args=[meeting.pk]),
                           _meeting_post(meeting.period, notes="Mine", version=1))
    assert response.status_code == 400 and "Someone else saved this" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notes == "First"


def test_officers_read_meetings_but_do_not_record_them(officer_user, period):
    with pytest.raises(PermissionDenied):
        services.meeting_save(user=officer_user, fields={"period": period}, ngos=[], departments=[])


def test_a_provincial_officer_sees_only_their_provinces_ngos_among_those_that_attended(
    client, provincial_user, meeting, siem_reap, battambang
):
    here, there = AgreementFactory(provinces=[siem_reap]).ngo, AgreementFactory(provinces=[battambang]).ngo
    here.name_en, there.name_en = "Here NGO", "Elsewhere NGO"
    here.save(), there.save()
    meeting.ngos.set([here, there])
    _english(client).force_login(provincial_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Here NGO" in page and "Elsewhere NGO" not in page
    assert "and 1 NGO of other provinces" in page


# ---- Recommendations and their progress -----------------------------------------------------------


def test_a_recommendation_needs_an_owner_a_deadline_not_before_the_meeting_and_a_text(client, head_user, meeting, water):
    _english(client).force_login(head_user)
    url = reverse("reports:recommendation_create", args=[meeting.pk])
    response = client.post(url, {"number": 1, "text_km": "", "text_en": "", "owner": "", "deadline": "2024-07-01",
                                 "status": "open"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "owner" in errors
    response = client.post(url, {"number": 1, "text_km": "", "text_en": "", "owner": water.pk, "deadline": "2024-07-01",
                                 "status": "open"})
    errors = response.context["form"].errors
    assert "The deadline cannot be before the meeting" in str(errors["deadline"])
    assert "Write the recommendation in Khmer, in English, or both." in str(errors["text_km"])
    assert not MeetingRecommendation.objects.exists()
    response = client.post(url, {"number": 1, "text_km": "", "text_en": "Renew the agreements.", "owner": water.pk,
                                 "deadline": "2024-12-31", "status": "open"})
    assert response.status_code == 302
    rec = MeetingRecommendation.objects.get()
    assert (rec.owner, rec.deadline, rec.status) == (water, datetime.date(2024, 12, 31), "open")
    # A second one with the same number: told next to the number, nothing written.
    response = client.post(url, {"number": 1, "text_en": "Again", "owner": water.pk, "deadline": "2024-12-31",
                                 "status": "open"})
    assert response.status_code == 400 and "already has a recommendation with this number" in response.content.decode()
    assert MeetingRecommendation.objects.count() == 1


def test_progress_is_noted_by_the_owner_departments_head_with_its_date_and_the_status_it_sets(
    client, head_user, other_head_user, admin_user, meeting, water
):
    rec = MeetingRecommendationFactory(period=meeting.period, owner=water)
    url = reverse("reports:recommendation_note", args=[rec.pk])
    client.force_login(other_head_user)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.recommendation_note_add(user=other_head_user, recommendation=rec, noted_on=datetime.date(2024, 9, 1),
                                         text="Not mine")
    _english(client).force_login(head_user)
    response = client.post(url, {"noted_on": "2024-09-20", "text": "Workshop held with the NGOs.", "status": "in_progress",
                                 "version": rec.version})
    assert response.status_code == 302
    rec.refresh_from_db()
    note = rec.notes.get()
    assert (note.noted_on, note.written_by, note.status, rec.status) == (
        datetime.date(2024, 9, 20), head_user, "in_progress", RecommendationStatus.IN_PROGRESS)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Workshop held with the NGOs." in page and "20 September 2024" in page
    # An administrator may too; the history records who changed the status.
    services.recommendation_note_add(user=admin_user, recommendation=rec, noted_on=datetime.date(2024, 11, 1),
                                     text="Plans signed.", status="done")
    rec.refresh_from_db()
    assert rec.status == "done"
    events = list(rec.events.order_by("pgh_id").values_list("status", "pgh_context__metadata__user"))
    assert events[-1] == ("done", admin_user.pk)


@pytest.mark.parametrize("noted_on, text, message", [
    ("2024-07-01", "Early", "Progress cannot be dated before the meeting"),
    ("2099-01-01", "Later", "Progress cannot be dated in the future."),
    ("2024-09-01", "   ", "This field is required."),
])
def test_a_bad_progress_note_is_answered_next_to_the_field_and_nothing_is_written(client, head_user, meeting, water,
                                                                                   noted_on, text, message):
    rec = MeetingRecommendationFactory(period=meeting.period, owner=water)
    _english(client).force_login(head_user)
    response = client.post(reverse("reports:recommendation_note", args=[rec.pk]),
                           {"noted_on": noted_on, "text": text, "status": "done", "version": rec.version})
    assert response.status_code == 400 and message in response.content.decode()
    rec.refresh_from_db()
    assert not RecommendationNote.objects.exists() and rec.status == "open"


def test_a_department_head_sees_the_open_recommendations_their_department_owns_on_their_home_page(
    client, head_user, meeting, water
):
    roads = Department.objects.get(code="rural-roads")
    mine = MeetingRecommendationFactory(period=meeting.period, owner=water, text_en="Plan the water sector.",
                                        deadline=datetime.date(2024, 12, 31))
    MeetingRecommendationFactory(period=meeting.period, owner=water, text_en="Already done.", status="done")
    MeetingRecommendationFactory(period=meeting.period, owner=roads, text_en="Roads plan.")
    _english(client).force_login(head_user)
    response = client.get(reverse("desk:home"))
    assert list(response.context["home"].recommendations) == [mine]
    section = response.content.decode().split('data-testid="home-recommendations"')[1]
    assert "Plan the water sector." in section and "due 31 December 2024" in section and "overdue" in section
    assert "Already done." not in section and "Roads plan." not in section


# ---- The summary's follow-up section -------------------------------------------------------------


def test_the_next_summary_follows_up_the_recommendations_with_owner_deadline_status_and_dated_notes(meeting, water):
    rec = MeetingRecommendationFactory(period=meeting.period, number=1, owner=water, text_en="Plan with the departments.",
                                       deadline=datetime.date(2024, 12, 31), status="in_progress")
    RecommendationNoteFactory(recommendation=rec, noted_on=datetime.date(2024, 11, 2), text="Second step.")
    RecommendationNoteFactory(recommendation=rec, noted_on=datetime.date(2024, 9, 2), text="First step.")
    following = ReportingPeriodFactory(year=2024, half=2)
    [group] = build_national_summary(following).recommendations
    [row] = group.recommendations
    assert (group.meeting_date, group.place.en) == (datetime.date(2024, 7, 17), "Ministry of Rural Development")
    assert (row.number, row.text.en, row.owner.en, row.deadline, row.status) == (
        1, "Plan with the departments.", "Department of Rural Water Supply", datetime.date(2024, 12, 31), "in_progress")
    assert [n.text for n in row.notes] == ["First step.", "Second step."]
    assert row.follow_up_notes == "2024-09-02: First step.\n2024-11-02: Second step."


# ---- Minutes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, title, date_line, text", [
    ("km", "កំណត់ហេតុកិច្ចប្រជុំបូកសរុបឆមាសជាមួយអង្គការមិនមែនរដ្ឋាភិបាល", "រាជធានីភ្នំពេញ ថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤",
     "បន្តកិច្ចព្រមព្រៀង"),
    ("en", "Minutes of the semester review meeting with the NGOs", "Phnom Penh, 17 July 2024", "Renew the agreements."),
])
def test_the_minutes_are_in_the_official_form_dated_the_day_of_the_meeting(officer_user, meeting, water, lang, title,
                                                                           date_line, text):
    from mrd_ngo.khmer import ZWSP
    from reports.record_pdfs import minutes_html

    MeetingRecommendationFactory(period=meeting.period, owner=water, text_en="Renew the agreements.",
                                 text_km="បន្តកិច្ចព្រមព្រៀង")
    html = minutes_html(meeting, None, lang).replace(ZWSP, "")
    for expected in (title, date_line, text, "ព្រះរាជាណាចក្រកម្ពុជា", 'data-testid="closing"', 'data-testid="reference-number"'):
        assert expected in html, expected
    assert 'data-testid="draft-mark"' not in html


@pytest.mark.parametrize("lang", ["km", "en"])
def test_the_minutes_pdf_is_built_by_the_worker_for_every_reader(client, officer_user, meeting, water, lang, tmp_path):
    import subprocess

    from tests.worker import download_document

    MeetingRecommendationFactory(period=meeting.period, owner=water, text_en="Renew the agreements.")
    client.force_login(officer_user)
    url = reverse("reports:meeting_minutes_pdf", args=[meeting.pk]) + f"?lang={lang}"
    first = client.get(url)  # nothing kept: queued, and back to the meeting's page to watch it
    assert first.status_code == 302 and first["Location"] == meeting.get_absolute_url() + "#documents"
    response = download_document(client, url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if lang == "en":
        assert "Minutes of the semester review meeting with the NGOs" in text and "Phnom Penh, 17 July 2024" in text
        assert "Renew the agreements." in text and "Department of Rural Water Supply" in text
    else:
        assert "២០២៤" in text
    MeetingRecommendationFactory(period=meeting.period, owner=water, text_en="Repair the wells.")
    assert client.get(url).status_code == 302  # a new recommendation: the kept minutes are out of date


def test_the_minutes_exist_in_khmer_and_english_only(client, officer_user, meeting):
    client.force_login(officer_user)
    assert client.get(reverse("reports:meeting_minutes_pdf", args=[meeting.pk]) + "?lang=fr").status_code == 400


def test_the_meeting_list_counts_open_recommendations(client, officer_user, meeting, water):
    MeetingRecommendationFactory(period=meeting.period, owner=water)
    MeetingRecommendationFactory(period=meeting.period, owner=water, status="dropped")
    meeting.ngos.set(NGO.objects.none())
    client.force_login(officer_user)
    [row] = client.get(reverse("reports:meeting_list")).context["meetings"]
    assert (row.recommendation_count, row.open_count) == (2, 1)


def test_the_meeting_page_reads_the_same_number_of_queries_for_2_and_12_recommendations(client, officer_user, meeting,
                                                                                        water):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer_user)
    counts = []
    for n in (2, 12):
        for _ in range(n - meeting.recommendations.count()):
            RecommendationNoteFactory(recommendation=MeetingRecommendationFactory(period=meeting.period, owner=water))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
