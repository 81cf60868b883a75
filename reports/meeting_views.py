"""Pages of the semester review meeting (list, detail, record, recommendations, progress notes, minutes PDF)
and of the lessons-learned register. The rules are in reports/meetings.py, reports/lessons.py and
mrd_ngo/access.py; the views only call them.

The minutes PDF is built by the worker like every document (reports/record_pdfs.py, reports/record_views.py);
the meeting page shows its progress.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import NGO
from mrd_ngo.khmer import semester_label
from mrd_ngo.spreadsheets import csv_response, xlsx_response
from reports import lessons as lesson_services
from reports import meetings as services
from reports.choices import RecommendationStatus, RecordKind
from reports.meeting_forms import LessonForm, LessonSearchForm, MeetingForm, NoteForm, RecommendationForm
from reports.models import Lesson, Meeting, MeetingRecommendation, ProgressReport
from reports.record_pdfs import recommendations_with_notes
from reports.record_views import record_documents


def _show_errors(form, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "__all__" else None, errors)
    else:
        form.add_error(None, error)


def _meetings(user):
    return Meeting.objects.visible_to(user).select_related("period")


# ---- Meetings -----------------------------------------------------------------------------------


@login_required
@permission_required("reports.view_meeting", raise_exception=True)
def meeting_list(request):
    """Every meeting, newest first, with how its recommendations stand."""
    open_statuses = RecommendationStatus.still_open()
    meetings = _meetings(request.user).annotate(
        recommendation_count=Count("recommendations", distinct=True),
        open_count=Count("recommendations", filter=Q(recommendations__status__in=open_statuses), distinct=True),
        ngo_count=Count("ngos", distinct=True),
    )
    return render(request, "reports/meeting_list.html", {
        "meetings": meetings, "can_record": request.user.has_perm("reports.add_meeting"),
    })


@login_required
@permission_required("reports.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    recommendations = list(recommendations_with_notes().filter(meeting=meeting))
    followed = set(MeetingRecommendation.objects.followed_up_by(request.user).filter(meeting=meeting)
                   .values_list("pk", flat=True)) if request.user.has_perm("reports.add_recommendationnote") else set()
    for rec in recommendations:
        rec.may_follow_up = rec.pk in followed
        rec.overdue = rec.is_overdue()
    return render(request, "reports/meeting_detail.html", {
        "meeting": meeting, "attendance": services.attendance(meeting, NGO.objects.visible_to(request.user)),
        "recommendations": recommendations, "documents": record_documents(request.user, RecordKind.MINUTES, meeting),
        "can_edit": request.user.has_perm("reports.change_meeting"),
        "can_add_recommendation": request.user.has_perm("reports.add_meetingrecommendation"),
    })


def _meeting_form_page(request, form, meeting=None, status=200):
    return render(request, "reports/meeting_form.html", {"form": form, "meeting": meeting}, status=status)


@login_required
@permission_required("reports.add_meeting", raise_exception=True)
def meeting_create(request):
    if request.method != "POST":
        return _meeting_form_page(request, MeetingForm())
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_save(user=request.user, fields=data, ngos=data["ngos"],
                                            departments=data["departments"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The meeting is recorded. Add its recommendations below."))
            return redirect(meeting)
    return _meeting_form_page(request, form, status=400)


@login_required
@permission_required("reports.change_meeting", raise_exception=True)
def meeting_edit(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    if request.method != "POST":
        return _meeting_form_page(request, MeetingForm(instance=meeting), meeting)
    form = MeetingForm(request.POST, instance=Meeting.objects.get(pk=meeting.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_save(user=request.user, meeting=meeting, fields=data, ngos=data["ngos"],
                                  departments=data["departments"], version=data.get("version"))
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(meeting)
    return _meeting_form_page(request, form, meeting, status=400)


# ---- Recommendations and their progress ---------------------------------------------------------


def _recommendation_page(request, form, meeting, recommendation=None, status=200):
    return render(request, "reports/meeting_recommendation_form.html",
                  {"form": form, "meeting": meeting, "recommendation": recommendation}, status=status)


@login_required
@permission_required("reports.add_meetingrecommendation", raise_exception=True)
def recommendation_create(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    if request.method != "POST":
        return _recommendation_page(request, RecommendationForm(initial={"number": services.next_number(meeting)}), meeting)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_save(user=request.user, meeting=meeting, fields=form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The recommendation is added."))
            return redirect(meeting.get_absolute_url() + "#recommendations")
    return _recommendation_page(request, form, meeting, status=400)


@login_required
@permission_required("reports.change_meetingrecommendation", raise_exception=True)
def recommendation_edit(request, pk):
    recommendation = get_object_or_404(MeetingRecommendation.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    meeting = recommendation.meeting
    if request.method != "POST":
        return _recommendation_page(request, RecommendationForm(instance=recommendation), meeting, recommendation)
    form = RecommendationForm(request.POST, instance=MeetingRecommendation.objects.get(pk=pk))
    if form.is_valid():
        try:
            services.recommendation_save(user=request.user, meeting=meeting, recommendation=recommendation,
                                         fields=form.cleaned_data, version=form.cleaned_data.get("version"))
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The recommendation is saved."))
            return redirect(meeting.get_absolute_url() + f"#recommendation-{recommendation.pk}")
    return _recommendation_page(request, form, meeting, recommendation, status=400)


@login_required
@permission_required("reports.add_recommendationnote", raise_exception=True)
def recommendation_note(request, pk):
    """Note progress on a recommendation: its owner department's head, or an administrator (403 for others)."""
    recommendation = get_object_or_404(
        recommendations_with_notes().visible_to(request.user).select_related("meeting__period"), pk=pk)
    if not services.may_follow_up(request.user, recommendation):
        raise PermissionDenied
    if request.method != "POST":
        form = NoteForm(initial={"noted_on": timezone.localdate(), "version": recommendation.version})
        return render(request, "reports/meeting_note_form.html", {"form": form, "recommendation": recommendation})
    form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_note_add(user=request.user, recommendation=recommendation, noted_on=data["noted_on"],
                                             text=data["text"], status=data["status"], version=data.get("version"))
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The progress is noted."))
            return redirect(recommendation.meeting.get_absolute_url() + f"#recommendation-{recommendation.pk}")
    return render(request, "reports/meeting_note_form.html", {"form": form, "recommendation": recommendation}, status=400)


# ---- Lessons-learned register -------------------------------------------------------------------

LESSONS_PER_PAGE = 25


@login_required
@permission_required("reports.view_lesson", raise_exception=True)
def lesson_list(request):
    """The register, searchable (Khmer or Latin) and filtered by sector, theme and status."""
    form = LessonSearchForm(request.GET or None)
    lessons = Lesson.objects.visible_to(request.user).select_related("report__ngo", "report__period", "sector", "created_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            lessons = lessons.search(data["q"])
        if data["sector"]:
            lessons = lessons.filter(sector=data["sector"])
        for name in ("theme", "status"):
            if data[name]:
                lessons = lessons.filter(**{name: data[name]})
    lessons = lessons.order_by("-created_at", "-pk")
    export_format = request.GET.get("_export")
    if export_format in ("csv", "xlsx"):  # every lesson the filters keep, not one page
        return _lessons_download(lessons, export_format)
    page = Paginator(lessons, LESSONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("_export", None)
    query.pop("page", None)
    return render(request, "reports/lesson_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "can_add": request.user.has_perm("reports.add_lesson"), "can_change": request.user.has_perm("reports.change_lesson"),
    })


def _lessons_download(lessons, export_format: str):
    """The register as filtered, one row per lesson, with the report it was taken from."""
    header = [_("lesson"), _("what was learned"), _("NGO"), _("semester"), _("sector"), _("theme"), _("status"),
              _("taken on")]
    rows = (
        [lesson.title, lesson.text, lesson.report.ngo.name, semester_label(lesson.report.period.year, lesson.report.period.half, translation.get_language()[:2]),
         lesson.sector.name if lesson.sector else "", lesson.get_theme_display(), lesson.get_status_display(),
         timezone.localdate(lesson.created_at)]
        for lesson in lessons.iterator(chunk_size=500)
    )
    name = f"lessons-learned-{timezone.localdate().isoformat()}"
    if export_format == "csv":
        return csv_response([header, *rows], f"{name}.csv")
    return xlsx_response([header, *rows], f"{name}.xlsx", sheet_title="lessons")


def _lesson_page(request, form, report=None, lesson=None, status=200):
    return render(request, "reports/lesson_form.html", {"form": form, "report": report, "lesson": lesson}, status=status)


def _source_report(request, value):
    """The report a lesson is taken from (visible to the user and received), or None."""
    try:
        return lesson_services.source_reports(request.user).select_related("ngo", "period").get(pk=int(value))
    except (TypeError, ValueError, ProgressReport.DoesNotExist):
        return None


@login_required
@permission_required("reports.add_lesson", raise_exception=True)
def lesson_create(request):
    """Take a lesson from a report (?report=<id>: its lessons learned are shown to copy from)."""
    reports = lesson_services.source_reports(request.user)
    if request.method != "POST":
        report = _source_report(request, request.GET.get("report"))
        if report is None:
            messages.warning(request, _("Open a submitted report and choose \"Add to the lessons register\" to take a lesson from it."))
            return redirect("reports:lesson_list")
        return _lesson_page(request, LessonForm(reports=reports, initial={"report": report.pk}), report)
    form = LessonForm(request.POST, reports=reports)
    report = _source_report(request, request.POST.get("report"))
    if not form.is_valid() and form.errors.get("report"):
        form.add_error(None, form.errors.pop("report"))  # a hidden field: said above the form
    if form.is_valid():
        try:
            lesson_services.lesson_save(user=request.user, report=form.cleaned_data["report"], fields=form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The lesson is in the register."))
            return redirect("reports:lesson_list")
    return _lesson_page(request, form, report, status=400)


@login_required
@permission_required("reports.change_lesson", raise_exception=True)
def lesson_edit(request, pk):
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user).select_related("report__ngo", "report__period"), pk=pk)
    reports = lesson_services.source_reports(request.user)
    if request.method != "POST":
        return _lesson_page(request, LessonForm(instance=lesson, reports=reports), lesson.report, lesson)
    form = LessonForm(request.POST, instance=Lesson.objects.get(pk=pk), reports=reports)
    if form.is_valid():
        try:
            lesson_services.lesson_save(user=request.user, lesson=lesson, report=form.cleaned_data["report"],
                                        fields=form.cleaned_data, version=form.cleaned_data.get("version"))
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("reports:lesson_list")
    return _lesson_page(request, form, lesson.report, lesson, status=400)
