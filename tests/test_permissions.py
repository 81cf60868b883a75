"""The permission matrix: every role, and an anonymous visitor, against every page and action.

Access is denied by default. Reading is for the four roles (a provincial officer sees only what
touches their province: 404 for the rest); changing follows each role's permissions (403).
Reviewing is also scoped by department: `head` is the head of the department that follows the
agreements of the world; `other_head`, head of another department, reads the same pages but may not
return or accept those reports (403, like any action a role may not take).

No page or action of the matrix runs WeasyPrint: every PDF is built by the worker (issue 11).
"""
import datetime
from unittest import mock

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse
from django.utils import translation

from reports.choices import ReportStatus
from reports.content import ReportContent
from tests.factories import (
    HEAD_DEPARTMENT, AgreementFactory, AgreementFlagFactory, CoverageRateFactory, IndicatorValueFactory, LessonFactory,
    MeetingRecommendationFactory, ProgressReportFactory, ReportingPeriodFactory, UserFactory, VillageFactory,
)
from tests.worker import download_document

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "provincial", "officer", "head", "other_head", "admin"]
READERS = {"provincial": 200, "officer": 200, "head": 200, "admin": 200}
DENIED = {"anonymous": 302, "no_role": 403}  # anonymous visitors are sent to the login page


def expect(**codes) -> dict:
    """Expected status per role: the readers' defaults, then the given overrides."""
    return {**DENIED, **READERS, **codes}


ADMIN_ONLY = expect(provincial=403, officer=403, head=403)
ENTRY = expect(head=403)  # officers (national or provincial) and administrators enter reports
NGO_EDIT = expect(provincial=403, head=403)
REVIEW = expect(provincial=403, officer=403)
POST_OK = 302  # an action that worked redirects


@pytest.fixture
def world(siem_reap, battambang, admin_user):
    """Rows in Siem Reap (the provincial officer's) and in Battambang (not theirs)."""
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    here = AgreementFactory(provinces=[siem_reap], ngo__name_en="Here NGO", valid_to=datetime.date(2030, 12, 31))
    there = AgreementFactory(provinces=[battambang], ngo__name_en="Elsewhere NGO", valid_to=datetime.date(2030, 12, 31))
    for agreement in (here, there):
        agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
        agreement.document_name = "signed.pdf"
        agreement.save()
    draft_here = ProgressReportFactory(agreement=here, period=period)
    IndicatorValueFactory(report=draft_here, province=siem_reap)
    draft_there = ProgressReportFactory(agreement=there, period=period)
    IndicatorValueFactory(report=draft_there, province=battambang)
    flag = AgreementFlagFactory(agreement=here, follow_up_by=admin_user, flagged_by=admin_user)
    # A meeting on the semester, its recommendation owned by the head's department, a lesson from the report here.
    from agreements.models import Department

    recommendation = MeetingRecommendationFactory(period=period, owner=Department.objects.get(code=HEAD_DEPARTMENT))
    lesson = LessonFactory(report=draft_here)
    return {"period": period, "here": here, "there": there, "report_here": draft_here, "report_there": draft_there,
            "flag": flag, "village": VillageFactory(province=siem_reap),
            "coverage": CoverageRateFactory(province=siem_reap, year=2024),
            "meeting": recommendation.meeting, "recommendation": recommendation, "lesson": lesson}


def submitted(report):
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC)
    report.save()
    return report


def login(client, role, request):
    if role == "anonymous":
        return None
    user = {
        "no_role": lambda: UserFactory(username="nobody"),
        "provincial": lambda: request.getfixturevalue("provincial_user"),
        "officer": lambda: request.getfixturevalue("officer_user"),
        "head": lambda: request.getfixturevalue("head_user"),
        "other_head": lambda: request.getfixturevalue("other_head_user"),
        "admin": lambda: request.getfixturevalue("admin_user"),
    }[role]()
    if role == "admin":
        user.is_staff = True
        user.save()
    client.force_login(user)
    return user


# (name, url built from the world, method, expected codes)
def cases(w):
    period = w["period"].code
    here, there = w["here"].pk, w["there"].pk
    rh, rt = w["report_here"].pk, w["report_there"].pk
    return [
        # NGOs and agreements: lists, exports, detail pages, downloads
        ("ngo_list", reverse("agreements:ngo_list"), "get", expect()),
        ("ngo_export", reverse("agreements:ngo_list") + "?_export=csv", "get", expect()),
        ("ngo_options", reverse("agreements:ngo_options") + "?q=ngo", "get", expect()),
        ("village_options", reverse("agreements:village_options") + "?q=ph", "get", expect()),
        ("village_options_here", reverse("agreements:village_options") + f"?q=ph&agreement={here}", "get", expect()),
        ("village_options_there", reverse("agreements:village_options") + f"?q=ph&agreement={there}", "get",
         expect(provincial=404)),
        ("agreement_list", reverse("agreements:agreement_list"), "get", expect()),
        ("agreement_export", reverse("agreements:agreement_list") + "?_export=xlsx", "get", expect()),
        ("expiring_board", reverse("agreements:expiring_board"), "get", expect()),
        ("ngo_detail_here", reverse("agreements:ngo_detail", args=[w["here"].ngo_id]), "get", expect()),
        ("ngo_detail_there", reverse("agreements:ngo_detail", args=[w["there"].ngo_id]), "get", expect(provincial=404)),
        ("agreement_detail_here", reverse("agreements:agreement_detail", args=[here]), "get", expect()),
        ("agreement_detail_there", reverse("agreements:agreement_detail", args=[there]), "get", expect(provincial=404)),
        ("download_here", reverse("agreements:document_download", args=[here]), "get", expect()),
        ("download_there", reverse("agreements:document_download", args=[there]), "get", expect(provincial=404)),
        # NGOs: create and edit (data-entry officers and administrators)
        ("ngo_create", reverse("agreements:ngo_create"), "get", NGO_EDIT),
        ("ngo_update", reverse("agreements:ngo_update", args=[w["here"].ngo_id]), "get", NGO_EDIT),
        # Agreements: everything that changes them is for administrators
        ("agreement_create", reverse("agreements:agreement_create"), "get", ADMIN_ONLY),
        ("agreement_update", reverse("agreements:agreement_update", args=[here]), "get", ADMIN_ONLY),
        ("agreement_renew", reverse("agreements:agreement_renew", args=[here]), "get", ADMIN_ONLY),
        ("agreement_terminate", reverse("agreements:agreement_terminate", args=[here]), "get", ADMIN_ONLY),
        ("agreement_flag", reverse("agreements:agreement_flag", args=[here]), "get", ADMIN_ONLY),
        ("flag_clear", reverse("agreements:flag_clear", args=[here, w["flag"].pk]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        ("document_upload", reverse("agreements:document_upload", args=[here]), "get", ADMIN_ONLY),
        # Reports: lists, export, completeness, spreadsheet template
        ("report_list", reverse("reports:list"), "get", expect()),
        ("report_export", reverse("reports:list") + "?_export=csv", "get", expect()),
        ("completeness", reverse("reports:completeness", args=[period]), "get", expect()),
        ("template_here", reverse("reports:template", args=[period]) + f"?ngo={w['here'].ngo_id}", "get", expect()),
        ("template_there", reverse("reports:template", args=[period]) + f"?ngo={w['there'].ngo_id}", "get",
         expect(provincial=404)),
        ("report_detail_here", reverse("reports:detail", args=[rh]), "get", expect()),
        ("report_detail_there", reverse("reports:detail", args=[rt]), "get", expect(provincial=404)),
        # One report as a PDF: whoever may read the report (same lookup as its page)
        # (built by the worker: with nothing kept, the download queues a build and returns to the page)
        ("report_pdf_there", reverse("reports:report_pdf", args=[rt]) + "?lang=en", "get",
         expect(provincial=404, officer=302, head=302, admin=302)),
        ("report_pdf_prepare_there", reverse("reports:record_document_prepare", args=["report", rt, "en"]), "post",
         {**expect(provincial=404), "officer": POST_OK, "head": POST_OK, "admin": POST_OK}),
        ("report_pdf_status_there", reverse("reports:record_document_status", args=["report", rt, "en"]), "get",
         expect(provincial=404)),
        # (a kind of document that does not exist: 404 for every signed-in person, whatever their role)
        ("record_pdf_unknown_kind", reverse("reports:record_document_status", args=["agreement", rt, "en"]), "get",
         expect(no_role=404, provincial=404, officer=404, head=404, admin=404)),
        # Reports: entry and submission (officers, provincial officers for their province, administrators)
        ("report_new", reverse("reports:new"), "get", ENTRY),
        ("report_import", reverse("reports:import"), "get", ENTRY),
        ("report_edit_here", reverse("reports:edit", args=[rh]), "get", ENTRY),
        ("report_edit_there", reverse("reports:edit", args=[rt]), "get", {**ENTRY, "provincial": 404}),
        ("report_submit_here", reverse("reports:submit", args=[rh]), "post",
         {**ENTRY, "provincial": POST_OK, "officer": POST_OK, "admin": POST_OK}),
        ("report_submit_there", reverse("reports:submit", args=[rt]), "post",
         {**ENTRY, "provincial": 404, "officer": POST_OK, "admin": POST_OK}),
        # Reports: review (department heads and administrators)
        ("report_return", reverse("reports:return", args=[rh]), "post",
         {**REVIEW, "head": POST_OK, "other_head": 403, "admin": POST_OK}),
        ("report_accept", reverse("reports:accept", args=[rh]), "post",
         {**REVIEW, "head": POST_OK, "other_head": 403, "admin": POST_OK}),
        ("period_lock", reverse("reports:lock", args=[period]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        ("period_unlock", reverse("reports:unlock", args=[period]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        # Semester summary
        ("summary", reverse("reports:summary", args=[period]), "get", expect()),
        ("summary_slides", reverse("reports:summary_slides", args=[period]), "get", expect()),
        # A province's page: every reader reaches every province, a provincial officer only their own
        ("province_here", reverse("reports:province", args=[w["here"].provinces.get().code]), "get", expect()),
        ("province_there", reverse("reports:province", args=[w["there"].provinces.get().code]), "get",
         expect(provincial=404)),
        ("provinces", reverse("reports:provinces"), "get", expect(provincial=302)),  # an officer: to their own
        # A province's edition of the summary: as the summary's documents, for the provinces one may see.
        ("province_pdf_here", reverse("reports:province_document", args=[w["here"].provinces.get().code, period, "pdf", "en"]),
         "get", expect(provincial=403, officer=403, head=302, admin=302)),
        ("province_xlsx_there", reverse("reports:province_document", args=[w["there"].provinces.get().code, period, "xlsx",
                                                                          "en"]), "get",
         expect(provincial=404, officer=302, head=302, admin=302)),
        ("province_xlsx_prepare_here", reverse("reports:province_document_prepare", args=[
            w["here"].provinces.get().code, period, "xlsx", "en"]), "post",
         {**expect(), "provincial": POST_OK, "officer": POST_OK, "head": POST_OK, "admin": POST_OK}),
        ("province_pdf_prepare_there", reverse("reports:province_document_prepare", args=[
            w["there"].provinces.get().code, period, "pdf", "en"]), "post",
         {**expect(provincial=404, officer=403), "head": POST_OK, "admin": POST_OK}),
        ("province_pdf_status_here", reverse("reports:province_document_status", args=[
            w["here"].provinces.get().code, period, "pdf", "en"]), "get", expect(provincial=403, officer=403)),
        ("province_xlsx_status_there", reverse("reports:province_document_status", args=[
            w["there"].provinces.get().code, period, "xlsx", "en"]), "get", expect(provincial=404)),
        # PDF and workbook: built by the worker; a download with no file kept yet queues one and
        # returns to the page (302). A provincial officer's workbook is their province's edition.
        ("summary_pdf", reverse("reports:summary_pdf", args=[period]) + "?lang=en", "get",
         expect(provincial=403, officer=403, head=302, admin=302)),
        ("summary_xlsx", reverse("reports:summary_xlsx", args=[period]) + "?lang=en", "get",
         expect(provincial=302, officer=302, head=302, admin=302)),
        ("summary_pdf_prepare", reverse("reports:summary_document_prepare", args=[period, "pdf", "en"]), "post",
         {**expect(provincial=403, officer=403), "head": POST_OK, "admin": POST_OK}),
        ("summary_xlsx_prepare", reverse("reports:summary_document_prepare", args=[period, "xlsx", "en"]), "post",
         {**expect(), "provincial": POST_OK, "officer": POST_OK, "head": POST_OK, "admin": POST_OK}),
        ("summary_pdf_status", reverse("reports:summary_document_status", args=[period, "pdf", "en"]), "get",
         expect(provincial=403, officer=403)),
        ("summary_xlsx_status", reverse("reports:summary_document_status", args=[period, "xlsx", "en"]), "get",
         expect()),
        # Daily work (desk): every signed-in person has a home page, notifications and a calendar page (an
        # account without a role sees only a message there); management is for administrators; reminders
        # to NGOs are sent by those who chase reports (data-entry officers, administrators).
        ("home", reverse("desk:home"), "get", expect(no_role=200)),
        ("notifications", reverse("desk:notifications"), "get", expect(no_role=200)),
        ("email_choices", reverse("desk:email_choices"), "get", expect(no_role=200)),
        ("calendar", reverse("desk:calendar"), "get", expect(no_role=200)),
        ("remind_missing", reverse("desk:remind_missing", args=[period]), "post",
         {**expect(provincial=403, head=403), "officer": POST_OK, "admin": POST_OK}),
        ("semesters", reverse("desk:semesters"), "get", ADMIN_ONLY),
        ("semesters_export", reverse("desk:semesters") + "?_export=csv", "get", ADMIN_ONLY),
        ("semester_create", reverse("desk:semester_create"), "get", ADMIN_ONLY),
        ("semester_edit", reverse("desk:semester_edit", args=[period]), "get", ADMIN_ONLY),
        # The matrix posts no reason: the administrator gets the form back with its error (400), others 403.
        ("semester_lock", reverse("desk:semester_lock", args=[period]), "post", {**ADMIN_ONLY, "admin": 400}),
        ("users", reverse("desk:users"), "get", ADMIN_ONLY),
        ("users_export", reverse("desk:users") + "?_export=xlsx", "get", ADMIN_ONLY),
        ("user_create", reverse("desk:user_create"), "get", ADMIN_ONLY),
        ("user_edit", reverse("desk:user_edit", args=[w["flag"].follow_up_by_id]), "get", ADMIN_ONLY),
        ("villages", reverse("desk:villages"), "get", ADMIN_ONLY),
        ("villages_export", reverse("desk:villages") + "?_export=csv", "get", ADMIN_ONLY),
        ("village_edit", reverse("desk:village_edit", args=[w["village"].pk]), "get", ADMIN_ONLY),
        ("village_mark", reverse("desk:village_edit", args=[w["village"].pk]), "post", {**ADMIN_ONLY, "admin": POST_OK}),
        ("coverage_rates", reverse("desk:coverage_rates"), "get", ADMIN_ONLY),
        ("coverage_export", reverse("desk:coverage_rates") + "?_export=xlsx", "get", ADMIN_ONLY),
        ("coverage_create", reverse("desk:coverage_create"), "get", ADMIN_ONLY),
        ("coverage_edit", reverse("desk:coverage_edit", args=[w["coverage"].pk]), "get", ADMIN_ONLY),
        # The matrix posts nothing: the administrator gets the form back with its errors (400), others 403.
        ("coverage_save", reverse("desk:coverage_edit", args=[w["coverage"].pk]), "post", {**ADMIN_ONLY, "admin": 400}),
        # Narratives to translate: staff who enter reports, on the reports they see (issue 15); the annex PDF of the
        # summary: those who print it (built by the worker: a download with no file kept yet queues one, 302)
        ("narratives", reverse("reports:narratives"), "get", ENTRY),
        ("narrative_translate_here", reverse("reports:narrative_translate", args=[rh, "challenges"]), "get", ENTRY),
        ("narrative_translate_there", reverse("reports:narrative_translate", args=[rt, "challenges"]), "get",
         {**ENTRY, "provincial": 404}),
        ("summary_annex", reverse("reports:summary_annex", args=[period]) + "?lang=en", "get",
         expect(provincial=403, officer=403, head=302, admin=302)),
        ("summary_slides_pdf", reverse("reports:summary_slides_pdf", args=[period]) + "?lang=km", "get",
         expect(provincial=403, officer=403, head=302, admin=302)),
        # Issuing the summary (department heads and administrators); an issued edition that does not exist: 404
        ("summary_issue", reverse("reports:summary_issue", args=[period]), "get", expect(provincial=403, officer=403)),
        ("summary_issued_pdf", reverse("reports:summary_issued_pdf", args=[999999]), "get",
         expect(provincial=403, officer=403, head=404, admin=404)),
        ("summary_issued_retry", reverse("reports:summary_issued_retry", args=[999999]), "post",
         expect(provincial=403, officer=403, head=404, admin=404)),
        # The review meeting (reports/meetings.py): every reader reads it and prints its minutes; department heads
        # and administrators record it; progress is noted by the owner department's head (not another head) or
        # an administrator. Lessons: every reader searches them; the ministry's staff (not provincial officers) keep them.
        ("meeting_list", reverse("reports:meeting_list"), "get", expect()),
        ("meeting_detail", reverse("reports:meeting_detail", args=[w["meeting"].pk]), "get", expect()),
        ("meeting_minutes_pdf", reverse("reports:meeting_minutes_pdf", args=[w["meeting"].pk]) + "?lang=en", "get",
         expect(provincial=302, officer=302, head=302, admin=302)),
        ("meeting_minutes_prepare", reverse("reports:record_document_prepare", args=["minutes", w["meeting"].pk, "en"]),
         "post", {**expect(), "provincial": POST_OK, "officer": POST_OK, "head": POST_OK, "admin": POST_OK}),
        ("meeting_minutes_status", reverse("reports:record_document_status", args=["minutes", w["meeting"].pk, "en"]),
         "get", expect()),
        ("meeting_create", reverse("reports:meeting_create"), "get", expect(provincial=403, officer=403)),
        ("meeting_edit", reverse("reports:meeting_edit", args=[w["meeting"].pk]), "get", expect(provincial=403, officer=403)),
        ("recommendation_create", reverse("reports:recommendation_create", args=[w["meeting"].pk]), "get",
         expect(provincial=403, officer=403)),
        ("recommendation_edit", reverse("reports:recommendation_edit", args=[w["recommendation"].pk]), "get",
         expect(provincial=403, officer=403)),
        ("recommendation_note", reverse("reports:recommendation_note", args=[w["recommendation"].pk]), "get",
         expect(provincial=403, officer=403, other_head=403)),
        ("lesson_list", reverse("reports:lesson_list") + "?q=water", "get", expect()),
        ("lesson_create", reverse("reports:lesson_create") + f"?report={rh}", "get", expect(provincial=403)),
        ("lesson_edit", reverse("reports:lesson_edit", args=[w["lesson"].pk]), "get", expect(provincial=403)),
        # Django admin: administrators only
        ("admin", "/admin/", "get", {"anonymous": 302, "no_role": 302, "provincial": 302, "officer": 302, "head": 302,
                                     "admin": 200}),  # 302: to the admin's own login page
    ]

def test_every_url_of_the_app_is_in_the_matrix(world):
    """A new page must join the matrix: access rules are tested for every URL."""
    covered = {get_resolver().resolve(url.split("?")[0]).view_name for _label, url, _method, _codes in cases(world)}
    resolver = get_resolver()
    names = {f"{app}:{name}" for app in ("agreements", "reports", "desk")
             for name in resolver.namespace_dict[app][1].reverse_dict if isinstance(name, str)}
    # Redirects and helpers of the pages above, tested in their own modules.
    helpers = {"reports:completeness_current", "reports:summary_latest", "reports:import_confirm",
               "agreements:agreement_sign", "agreements:agreement_checklist",
               # Tested in tests/desk: a notification opens only for its recipient (404 otherwise); the
               # calendar file and the password link answer to their secret key, not to a session.
               "desk:notification_open", "desk:notifications_read", "desk:calendar_feed", "desk:password_set"}
    assert sorted(names - helpers - covered) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_may_and_nothing_more(client, role, world, request, settings):
    login(client, role, request)
    submitted(world["report_here"])  # reviewable; entry actions then act on the other report states
    failures = []
    no_pdf_here = mock.patch.object(weasyprint.HTML, "render", side_effect=AssertionError("WeasyPrint in a web request"))
    for name, url, method, codes in cases(world):
        if name in ("report_submit_here", "report_edit_here"):
            world["report_here"].refresh_from_db()
            world["report_here"].status = ReportStatus.DRAFT
            world["report_here"].save()
        elif name in ("report_return", "report_accept"):
            submitted(world["report_here"])
        data = {"comment": "Please add the female beneficiaries."} if method == "post" else None
        with no_pdf_here:
            response = getattr(client, method)(url, data)
        # A head of another department is refused only where a case says so: elsewhere, as any head.
        expected = codes.get(role, codes["head"]) if role == "other_head" else codes[role]
        if response.status_code != expected and not (expected == POST_OK and response.status_code in (200, 302)):
            failures.append(f"{name}: {response.status_code} (expected {expected})")
    assert failures == []


def test_a_provincial_officer_never_sees_another_provinces_rows(client, world, provincial_user):
    client.force_login(provincial_user)
    pages = [
        reverse("agreements:ngo_list"), reverse("agreements:ngo_list") + "?_export=csv",
        reverse("agreements:agreement_list"), reverse("agreements:agreement_list") + "?_export=csv",
        reverse("agreements:expiring_board"), reverse("reports:list"), reverse("reports:list") + "?_export=csv",
        reverse("reports:completeness", args=[world["period"].code]),
        reverse("reports:summary", args=[world["period"].code]),
        reverse("reports:summary", args=[world["period"].code]) + "?map=received",  # the map, by reports received
        reverse("reports:summary_slides", args=[world["period"].code]),
        reverse("agreements:agreement_detail", args=[world["here"].pk]),
        reverse("reports:detail", args=[world["report_here"].pk]),
    ]
    for url in pages:
        body = client.get(url).getvalue().decode("utf-8", "replace")  # exports are streamed
        assert "Elsewhere NGO" not in body, url
        assert world["there"].reference_number not in body, url
    assert "Here NGO" in client.get(reverse("agreements:ngo_list")).content.decode()


# ---- An NGO working in several provinces (issue 10) ------------------------------------------------
#
# The Siem Reap officer sees an NGO through any agreement in Siem Reap, even an expired one; nothing of
# its agreements elsewhere may show or be used: reference numbers, focal persons, reports, results.

KAMPOT_REF = "MRD-KAMPOT-0001"
KAMPOT_SECRETS = (KAMPOT_REF, "MRD-KAMPOT-0002", "Kampot Focal Person", "Kampot NGO Focal", "Kampot achievements only",
                  "Kampot challenges only", "8,642", "4,321")


@pytest.fixture
def several(world, siem_reap):
    """Multi NGO: Siem Reap agreement to 31 March 2024 (expired today), then a Kampot-only agreement with an
    accepted 2024S1 report holding one Siem Reap result; Shared NGO: one agreement in Siem Reap and Kampot."""
    from agreements.models import Agreement, Department, Indicator, Province

    kampot = Province.objects.get(code="07")
    wells = Indicator.objects.get(code="wells")
    roads, water = Department.objects.get(code="rural-roads"), Department.objects.get(code="water-supply")
    second = ReportingPeriodFactory(year=2024, half=2, due_date=datetime.date(2025, 1, 31))
    old = AgreementFactory(
        provinces=[siem_reap], ngo__name_en="Multi NGO", reference_number="MRD-SIEMREAP-OLD", department=water,
        signed_on=datetime.date(2021, 12, 15), valid_from=datetime.date(2022, 1, 1), valid_to=datetime.date(2024, 3, 31),
    )
    current = AgreementFactory(
        provinces=[kampot], ngo=old.ngo, reference_number=KAMPOT_REF, department=roads, renews=old,
        mrd_focal_person="Kampot Focal Person", ngo_focal_person="Kampot NGO Focal",
        signed_on=datetime.date(2024, 3, 20), valid_from=datetime.date(2024, 4, 1), valid_to=datetime.date(2030, 12, 31),
    )
    kampot_report = ProgressReportFactory(
        agreement=current, period=world["period"], status=ReportStatus.ACCEPTED,
        submitted_at=datetime.datetime(2024, 7, 10, tzinfo=datetime.UTC),
        accepted_at=datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC),
        achievements="Kampot achievements only", challenges="Kampot challenges only",
    )
    IndicatorValueFactory(report=kampot_report, province=kampot, indicator=wells, value=50)
    stray = IndicatorValueFactory(report=kampot_report, province=siem_reap, indicator=wells, value=8642)
    # Moved NGO: a Kampot agreement renewed in 2024 by one in Siem Reap (the renewal names what it renews).
    moved_from = AgreementFactory(provinces=[kampot], ngo__name_en="Moved NGO", reference_number="MRD-KAMPOT-0002",
                                  valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2023, 12, 31))
    AgreementFactory(provinces=[siem_reap], ngo=moved_from.ngo, renews=moved_from, reference_number="MRD-SIEMREAP-MOVED",
                     signed_on=datetime.date(2024, 2, 1), valid_from=datetime.date(2024, 1, 1),
                     valid_to=datetime.date(2030, 12, 31))
    shared = AgreementFactory(provinces=[siem_reap, kampot], ngo__name_en="Shared NGO", reference_number="MRD-SHARED",
                              valid_to=datetime.date(2030, 12, 31))
    shared_report = ProgressReportFactory(agreement=shared, period=world["period"], achievements="Shared work")
    IndicatorValueFactory(report=shared_report, province=siem_reap, indicator=wells, value=11)
    kampot_value = IndicatorValueFactory(report=shared_report, province=kampot, indicator=wells, value=4321)
    moved = Agreement.objects.get(reference_number="MRD-SIEMREAP-MOVED")
    return {**world, "moved": moved, "second": second, "multi": old.ngo, "old": old, "kampot_agreement": current,
            "kampot_report": kampot_report, "stray": stray, "shared": shared, "shared_report": shared_report,
            "kampot_value": kampot_value, "kampot": kampot, "wells": wells, "roads": roads}


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _leaks(body: str) -> list[str]:
    return [secret for secret in KAMPOT_SECRETS if secret in body]


def _workbook_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def _report_post(ngo, period, rows, **extra):
    data = {
        "ngo": ngo.pk, "period": period.pk, "achievements": "Siem Reap wells", "challenges": "", "lessons_learned": "",
        "next_plans": "", "budget_planned_usd": "10", "budget_spent_usd": "5", "beneficiaries_total": "3",
        "beneficiaries_female": "1", "rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000", "save": "1",
    }
    for i, (indicator, province, value) in enumerate(rows):
        data.update({f"rows-{i}-indicator": indicator.pk, f"rows-{i}-province": province.pk, f"rows-{i}-village": "",
                     f"rows-{i}-value": str(value), f"rows-{i}-female_value": ""})
    data.update(extra)
    return data


def test_nothing_of_an_agreement_outside_the_province_shows_on_any_page_or_export(client, several, provincial_user):
    _english(client).force_login(provincial_user)
    w = several
    first, second = w["period"].code, w["second"].code
    pages = [
        "/", reverse("agreements:ngo_list"), reverse("agreements:ngo_list") + "?_export=csv",
        reverse("agreements:agreement_list"), reverse("agreements:agreement_list") + "?_export=csv",
        reverse("agreements:expiring_board"),
        reverse("agreements:ngo_detail", args=[w["multi"].pk]), reverse("agreements:ngo_detail", args=[w["shared"].ngo_id]),
        reverse("agreements:ngo_detail", args=[w["moved"].ngo_id]),
        reverse("agreements:agreement_detail", args=[w["moved"].pk]),
        reverse("agreements:ngo_list") + "?q=Moved", reverse("agreements:agreement_list") + "?q=Moved",
        reverse("agreements:agreement_detail", args=[w["old"].pk]),
        reverse("agreements:agreement_detail", args=[w["shared"].pk]),
        reverse("reports:list"), reverse("reports:list") + "?_export=csv",
        reverse("reports:list") + f"?ngo={w['multi'].pk}", reverse("reports:list") + f"?province={w['kampot'].pk}",
        reverse("reports:completeness", args=[first]), reverse("reports:completeness", args=[second]),
        reverse("reports:summary", args=[first]), reverse("reports:summary", args=[second]),
        reverse("reports:summary", args=[first]) + "?map=received", reverse("reports:summary_slides", args=[second]),
        reverse("reports:detail", args=[w["shared_report"].pk]), reverse("reports:edit", args=[w["shared_report"].pk]),
        reverse("reports:new") + f"?ngo={w['multi'].pk}&period={w['period'].pk}",
        reverse("reports:new") + f"?ngo={w['multi'].pk}&period={w['second'].pk}",
        reverse("reports:import") + f"?ngo={w['multi'].pk}&period={second}",
    ]
    failures = []
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        failures += [f"{url}: {secret}" for secret in _leaks(response.getvalue().decode())]
    for url in (reverse("reports:summary_xlsx", args=[first]) + "?lang=en",
                reverse("agreements:agreement_list") + "?_export=xlsx", reverse("agreements:ngo_list") + "?_export=xlsx",
                reverse("reports:list") + "?_export=xlsx"):
        response = download_document(client, url)  # the summary workbook is built by the worker
        assert response.status_code == 200, url
        body = response.getvalue()
        failures += [f"{url}: {secret}" for secret in _leaks(_workbook_text(body))]
    assert "\n".join(failures) == ""


def test_the_other_provinces_agreement_and_report_answer_404_even_with_a_result_in_the_province(
    client, several, provincial_user
):
    client.force_login(provincial_user)
    w = several
    report = w["kampot_report"].pk
    for method, url in [
        ("get", reverse("agreements:agreement_detail", args=[w["kampot_agreement"].pk])),
        ("get", reverse("reports:detail", args=[report])), ("get", reverse("reports:edit", args=[report])),
        ("post", reverse("reports:edit", args=[report])), ("post", reverse("reports:submit", args=[report])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_start_form_offers_the_visible_agreement_in_force_and_never_mentions_the_hidden_report(
    client, several, provincial_user
):
    _english(client).force_login(provincial_user)
    w = several
    # 2024S1: the Siem Reap agreement was in force until March, but the NGO's one report of the semester
    # belongs to the Kampot agreement in force at its end: the officer cannot enter it, and learns nothing of it.
    body = client.get(reverse("reports:new") + f"?ngo={w['multi'].pk}&period={w['period'].pk}").content.decode()
    assert "MRD-SIEMREAP-OLD" in body  # its agreements the officer may see are listed
    assert "under its agreement in force at the end of the semester, which does not cover Siem Reap" in body
    assert "already has a report" not in body and _leaks(body) == []
    # 2024S2: only the Kampot agreement is in force: a clear message, and nothing of it.
    body = client.get(reverse("reports:new") + f"?ngo={w['multi'].pk}&period={w['second'].pk}").content.decode()
    assert "has no signed cooperation agreement covering Siem Reap in force during Second semester 2024" in body
    assert "already has a report" not in body and _leaks(body) == []
    assert "MRD-SIEMREAP-OLD" in body  # its agreements the officer may see are listed


def test_no_second_report_is_filed_under_the_visible_agreement_nor_any_under_the_hidden_one(client, several, provincial_user):
    """One report per NGO and semester: the Kampot report is Multi NGO's 2024S1 report (the agreement in force at
    the semester's end); the Siem Reap officer files none under the old Siem Reap agreement, and learns nothing."""
    from reports.models import ProgressReport

    _english(client).force_login(provincial_user)
    w = several
    before = ProgressReport.objects.count()
    response = client.post(reverse("reports:new"), _report_post(w["multi"], w["period"], [(w["wells"], w["old"].provinces.get(), 7)]))
    body = response.content.decode()
    assert response.status_code == 200 and "which does not cover Siem Reap: you cannot enter it" in body
    assert _leaks(body) == []
    assert ProgressReport.objects.count() == before

    # The Moved NGO's 2024S1 report belongs to its Siem Reap agreement: filed there, never under the Kampot one.
    response = client.post(reverse("reports:new"), _report_post(w["moved"].ngo, w["period"], [(w["wells"], w["old"].provinces.get(), 7)]))
    assert response.status_code == 302
    created = ProgressReport.objects.get(ngo=w["moved"].ngo, period=w["period"], created_by=provincial_user)
    assert created.agreement == w["moved"]
    assert _leaks(client.get(reverse("reports:detail", args=[created.pk])).content.decode()) == []

    before = ProgressReport.objects.count()
    response = client.post(reverse("reports:new"), _report_post(w["multi"], w["second"], [(w["wells"], w["old"].provinces.get(), 7)]))
    body = response.content.decode()
    assert response.status_code == 200 and "has no signed cooperation agreement covering Siem Reap" in body
    assert _leaks(body) == []
    assert ProgressReport.objects.count() == before
    assert not ProgressReport.objects.filter(agreement=w["kampot_agreement"], period=w["second"]).exists()


def test_the_service_refuses_to_file_under_an_agreement_the_officer_cannot_see(several, provincial_user):
    from django.core.exceptions import ValidationError

    from reports import services
    from reports.models import ProgressReport

    w = several
    content = ReportContent(fields={"achievements": "x"}, rows=[])
    assert services.agreement_in_force(ngo=w["multi"], period=w["second"], user=provincial_user) is None
    before = ProgressReport.objects.count()
    for action in (services.report_create, services.report_save):
        kwargs = {"version": None} if action is services.report_save else {}
        with pytest.raises(ValidationError) as error:
            action(user=provincial_user, ngo=w["multi"], period=w["second"], content=content, **kwargs)
        assert _leaks(" ".join(error.value.messages)) == []
    assert ProgressReport.objects.count() == before


def test_the_template_names_only_the_visible_agreement(client, several, provincial_user):
    _english(client).force_login(provincial_user)
    w = several
    response = client.get(reverse("reports:template", args=[w["period"].code]) + f"?ngo={w['moved'].ngo_id}")
    assert response.status_code == 200
    text = _workbook_text(response.content)
    assert "MRD-SIEMREAP-MOVED" in text and _leaks(text) == []
    # Multi NGO's 2024S1 report belongs to its Kampot agreement: no template, and nothing of that agreement.
    response = client.get(reverse("reports:template", args=[w["period"].code]) + f"?ngo={w['multi'].pk}", follow=True)
    body = response.content.decode()
    assert "which does not cover Siem Reap" in body and _leaks(body) == []
    response = client.get(reverse("reports:template", args=[w["second"].code]) + f"?ngo={w['multi'].pk}", follow=True)
    body = response.content.decode()
    assert "there is no template to fill in" in body and _leaks(body) == []


def test_the_import_never_names_or_files_under_the_hidden_agreement(client, several, provincial_user, officer_user):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from reports.models import ProgressReport
    from reports.spreadsheets import SHEET_RESULTS

    w = several
    national = _english(type(client)())
    national.force_login(officer_user)
    template = national.get(reverse("reports:template", args=[w["second"].code]) + f"?ngo={w['multi'].pk}").content
    assert KAMPOT_REF in _workbook_text(template)  # the national template names it; the officer's upload must not echo it
    workbook = load_workbook(io.BytesIO(template))
    workbook[SHEET_RESULTS].append(["សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built", None, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _english(client).force_login(provincial_user)
    before = ProgressReport.objects.count()
    response = client.post(reverse("reports:import"), {
        "ngo": w["multi"].pk, "period": w["second"].pk,
        "file": SimpleUploadedFile("r.xlsx", buffer.getvalue()),
    })
    body = response.content.decode()
    assert _leaks(body) == []
    assert "has no signed cooperation agreement covering Siem Reap in force during Second semester 2024" in body
    assert response.context["token"] is None  # nothing to confirm
    response = client.post(reverse("reports:import_confirm"), {"token": ""}, follow=True)
    assert ProgressReport.objects.count() == before

    # 2024S1: Multi NGO's report belongs to the Kampot agreement: the officer's import is refused, saying nothing of it.
    template = national.get(reverse("reports:template", args=[w["period"].code]) + f"?ngo={w['multi'].pk}").content
    workbook = load_workbook(io.BytesIO(template))
    workbook[SHEET_RESULTS].append(["សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built", None, 4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("reports:import"), {
        "ngo": w["multi"].pk, "period": w["period"].pk, "file": SimpleUploadedFile("r.xlsx", buffer.getvalue()),
    })
    body = response.content.decode()
    assert _leaks(body) == [] and "already has a report" not in body
    assert "which does not cover Siem Reap" in body and response.context["token"] is None
    assert ProgressReport.objects.count() == before

    # The Moved NGO's 2024S1 template names its Siem Reap agreement, and the import files under it.
    template = client.get(reverse("reports:template", args=[w["period"].code]) + f"?ngo={w['moved'].ngo_id}").content
    workbook = load_workbook(io.BytesIO(template))
    workbook[SHEET_RESULTS].append(["សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built", None, 4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("reports:import"), {
        "ngo": w["moved"].ngo_id, "period": w["period"].pk, "file": SimpleUploadedFile("r.xlsx", buffer.getvalue()),
    })
    body = response.content.decode()
    assert _leaks(body) == [] and "already has a report" not in body
    assert response.context["token"], body
    response = client.post(reverse("reports:import_confirm"), {"token": response.context["token"]}, follow=True)
    assert _leaks(response.getvalue().decode()) == []
    imported = ProgressReport.objects.get(ngo=w["moved"].ngo, period=w["period"], created_by=provincial_user)
    assert imported.agreement == w["moved"]
    assert list(imported.values.values_list("value", flat=True)) == [4]


@pytest.mark.parametrize("params", [
    {"province": "kampot"}, {"department": "roads"}, {"agreement_status": "active"},
    {"in_force_on": "2025-06-30"}, {"ends_within": "90"},
])
def test_ngo_filters_search_only_the_agreements_the_officer_may_see(client, several, provincial_user, officer_user,
                                                                    params, settings):
    w = several
    if "ends_within" in params:  # the Kampot agreement ends within 90 days of today; the visible one ended long ago
        w["kampot_agreement"].valid_to = datetime.date.today() + datetime.timedelta(days=40)
        w["kampot_agreement"].save()
    query = {key: {"kampot": w["kampot"].pk, "roads": w["roads"].pk}.get(value, value) for key, value in params.items()}
    url = reverse("agreements:ngo_list") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    client.force_login(officer_user)
    assert "Multi NGO" in client.get(url).content.decode()  # the filter does find it for a national role
    client.force_login(provincial_user)
    assert "Multi NGO" not in client.get(url).content.decode()
    assert "Multi NGO" not in client.get(url + "&_export=csv").getvalue().decode()


def test_report_filters_reach_only_visible_results(client, several, provincial_user):
    w = several
    _english(client).force_login(provincial_user)
    for province in (w["old"].provinces.get(), w["kampot"]):
        response = client.get(reverse("reports:list") + f"?province={province.pk}")
        listed = {report.ngo.name_en for report in response.context["table"].data}
        # Multi NGO's only report (Kampot) has a Siem Reap result, but is not theirs to see.
        assert "Multi NGO" not in listed and "Shared NGO" in listed, province


def test_a_provincial_officer_sees_and_saves_only_their_provinces_results_of_a_shared_report(
    client, several, provincial_user
):
    from reports.models import IndicatorValue

    _english(client).force_login(provincial_user)
    w = several
    report = w["shared_report"]
    detail = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Results in other provinces are not shown." in detail
    assert "4,321" not in detail and ">11<" in detail.replace(" ", "")
    edit = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert "4321" not in edit and "4,321" not in edit
    data = _report_post(w["shared"].ngo, w["period"], [(w["wells"], w["old"].provinces.get(), 12)], version=report.version)
    data["rows-INITIAL_FORMS"] = "1"
    assert client.post(reverse("reports:edit", args=[report.pk]), data).status_code == 302
    assert sorted(IndicatorValue.objects.filter(report=report).values_list("province__code", "value")) == [
        ("07", 4321), ("17", 12),
    ]


def test_completeness_counts_only_reports_the_officer_may_see(client, several, provincial_user):
    client.force_login(provincial_user)
    completeness = client.get(reverse("reports:completeness", args=[several["period"].code])).context["completeness"]
    multi = next(item for item in completeness.expected if item.ngo == several["multi"])
    assert multi.agreement.pk == several["old"].pk and multi.report is None and not multi.received


def test_a_renewal_in_another_province_is_neither_named_nor_followed_on_the_expiring_board(
    client, siem_reap, provincial_user
):
    from agreements.models import Province

    ending = AgreementFactory(provinces=[siem_reap], ngo__name_en="Ending NGO", reference_number="MRD-SR-ENDING",
                              valid_from=datetime.date.today() - datetime.timedelta(days=300),
                              valid_to=datetime.date.today() + datetime.timedelta(days=20))
    AgreementFactory(provinces=[Province.objects.get(code="07")], ngo=ending.ngo, renews=ending, signed_on=None,
                     reference_number=KAMPOT_REF, valid_from=ending.valid_to + datetime.timedelta(days=1),
                     valid_to=ending.valid_to + datetime.timedelta(days=1000))
    _english(client).force_login(provincial_user)
    for url in (reverse("agreements:expiring_board"), reverse("agreements:agreement_detail", args=[ending.pk]),
                reverse("agreements:ngo_detail", args=[ending.ngo_id])):
        body = client.get(url).content.decode()
        assert "MRD-SR-ENDING" in body and _leaks(body) == [], url
    # For them it simply ends within 30 days; the renewal in progress is another province's business.
    board = client.get(reverse("agreements:expiring_board")).context
    within_30 = dict((key, page) for key, _label, page in board["sections"])["30"]
    assert [a.reference_number for a in within_30.object_list] == ["MRD-SR-ENDING"]
    assert list(board["renewing"].object_list) == []


def test_the_history_does_not_name_an_agreement_of_another_province(siem_reap, provincial_user, admin_user):
    import pghistory

    from agreements.history import agreement_history
    from agreements.models import Province

    hidden = AgreementFactory(provinces=[Province.objects.get(code="07")], reference_number=KAMPOT_REF,
                              valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2022, 12, 31))
    shown = AgreementFactory(provinces=[siem_reap], ngo=hidden.ngo, valid_from=datetime.date(2023, 1, 1))
    with pghistory.context(user=admin_user.pk):
        shown.renews = hidden
        shown.save()
    with translation.override("en"):
        changes = [change for entry in agreement_history(shown, user=provincial_user) for change in entry.changes]
        assert [(c.old, c.new) for c in changes if c.label == "renews"] == [("–", "(an agreement of another province)")]
        changes = [change for entry in agreement_history(shown, user=admin_user) for change in entry.changes]
    assert [c.new for c in changes if c.label == "renews"] == [KAMPOT_REF]


# ---- Departments (issue 13): a department head reviews only their department's reports -------------

def test_a_head_reviews_only_the_reports_of_agreements_their_department_follows(
    client, world, head_user, other_head_user, admin_user
):
    from django.core.exceptions import PermissionDenied

    from agreements.models import Department
    from reports import services
    from reports.models import ProgressReport

    report = submitted(world["report_here"])
    assert report.agreement.department == head_user.staff_profile.department
    assert services.can_review(head_user, report) and not services.can_review(other_head_user, report)
    with pytest.raises(PermissionDenied):
        services.report_accept(user=other_head_user, report=report)
    with pytest.raises(PermissionDenied):
        services.report_return(user=other_head_user, report=report, comment="Not yours")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.review_comment == ""

    # The other head reads the report (no buttons), the head of its department gets them.
    client.force_login(other_head_user)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200 and not page.context["can_review"]
    assert reverse("reports:accept", args=[report.pk]) not in page.content.decode()
    client.force_login(head_user)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.context["can_review"] and reverse("reports:accept", args=[report.pk]) in page.content.decode()

    # The agreement moves to the other department: the roles swap.
    report.agreement.department = Department.objects.get(code="rural-roads")
    report.agreement.save()
    report = ProgressReport.objects.select_related("agreement", "period").get(pk=report.pk)
    assert ProgressReport.objects.reviewable_by(other_head_user).filter(pk=report.pk).exists()
    assert not ProgressReport.objects.reviewable_by(head_user).filter(pk=report.pk).exists()
    services.report_accept(user=other_head_user, report=report)

    # No department on the agreement: administrators only.
    orphan = submitted(world["report_there"])
    orphan.agreement.department = None
    orphan.agreement.save()
    orphan = ProgressReport.objects.select_related("agreement", "period").get(pk=orphan.pk)
    assert not services.can_review(head_user, orphan) and not services.can_review(other_head_user, orphan)
    assert services.can_review(admin_user, orphan)


def test_a_head_without_a_department_and_the_other_roles_review_nothing(world, officer_user, provincial_user):
    from mrd_ngo.roles import Role
    from reports.models import ProgressReport

    lost_head = UserFactory(username="lost_head", role=Role.DEPARTMENT_HEAD)
    submitted(world["report_here"])
    for user in (lost_head, officer_user, provincial_user):
        assert not ProgressReport.objects.reviewable_by(user).exists(), user
        assert ProgressReport.objects.visible_to(user).exists(), user  # they still read reports
