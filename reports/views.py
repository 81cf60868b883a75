"""Views of semester progress reports: list and export, completeness, entry, review, spreadsheets.

Every view starts from `Model.objects.visible_to(request.user)` and a Django permission; the
rules of the workflow live in `reports/services.py`, which refuses what a view lets through.
"""
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agreements.models import NGO, Province
from mrd_ngo import versions
from mrd_ngo.access import scope_of
from mrd_ngo.khmer import format_date, format_number
from mrd_ngo.paging import page_of
from mrd_ngo.parsing import parse_id, parse_id_or_404
from mrd_ngo.spreadsheets import FilteredExportMixin, table_export_response
from reports import rules, services
from reports.choices import RecordKind, ReportStatus
from reports.completeness import period_completeness
from reports.content import CONTENT_FIELDS, FIGURE_FIELDS
from reports.filters import ProgressReportFilter
from reports.forms import (
    ImportUploadForm, ReportForm, ReportStartForm, ReturnForm, RowChoices, report_content, result_row_formset,
)
from reports.history import display_value, report_history, time_label
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod
from reports.record_views import record_documents
from reports.spreadsheets import (
    SpreadsheetError, build_template, content_from_plain, content_to_plain, read_report_workbook, template_filename,
)
from reports.tables import ExpectedReportTable, ProgressReportTable

COMPLETENESS_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "reports_import"


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# ---- List, export, completeness ---------------------------------------------------------------


class ReportListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """Reports the user may see, filtered; `?_export=csv|xlsx` downloads every filtered row."""

    export_basename = "progress-reports"
    permission_required = "reports.view_progressreport"
    table_class = ProgressReportTable
    filterset_class = ProgressReportFilter
    template_name = "reports/report_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).select_related("ngo", "period", "agreement")

    def get_table_data(self):
        # The page's table shows no narrative: leave the long texts of its rows in the database.
        return super().get_table_data().defer("achievements", "challenges", "lessons_learned", "next_plans", "review_comment")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        context["export_query"] = query.urlencode()
        context["current_period"] = rules.current_period()
        return context


@login_required
@permission_required("reports.view_progressreport", raise_exception=True)
def completeness_current(request):
    period = rules.current_period()
    if period is None:
        messages.info(request, _("No reporting period exists yet."))
        return redirect("reports:list")
    return redirect("reports:completeness", period=period.code)


@login_required
@permission_required("reports.view_progressreport", raise_exception=True)
def completeness(request, period):
    """Expected, received, on-time, late and missing reports of one semester: the page to chase reports."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    # Read first: the page's lists are kept as HTML under it (the template's `cache` block), so that
    # HTML must not be newer than the data the lists are read from.
    data_version = versions.current()
    result = period_completeness(period, request.user)
    export_format = request.GET.get("_export")
    if export_format in ("csv", "xlsx"):
        # `?_export=csv&list=missing` (the default) or `list=received`: the whole list, not one page.
        chosen = "received" if request.GET.get("list") == "received" else "missing"
        table = ExpectedReportTable(list(getattr(result, chosen)))
        name = f"{'reports-received' if chosen == 'received' else 'reports-missing'}-{period.code}-{timezone.localdate().isoformat()}"
        return table_export_response(table, export_format, name, sheet_title=chosen)
    return render(request, "reports/completeness.html", {
        "period": period,
        "completeness": result,
        # The lists are paged: at national scale there are thousands of NGOs; the tallies count them all.
        # Lazy: the NGOs of a page are read only when its kept HTML is missing.
        "missing": SimpleLazyObject(lambda: page_of(request, result.missing, param="missing_page",
                                                    per_page=COMPLETENESS_PAGE_SIZE, anchor="missing-title")),
        "received": SimpleLazyObject(lambda: page_of(request, result.received, param="received_page",
                                                     per_page=COMPLETENESS_PAGE_SIZE, anchor="received-title")),
        "data_version": data_version,
        "scope": scope_of(request.user),
        "periods": ReportingPeriod.objects.all()[:8],  # the latest semesters (older ones: by address)
        "can_enter": request.user.has_perm("reports.add_progressreport"),
        "can_lock": request.user.has_perm("reports.lock_reportingperiod"),
    })


@login_required
@require_POST
@permission_required("reports.lock_reportingperiod", raise_exception=True)
def period_lock(request, period, locked=True):
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    try:
        period = services.period_set_locked(user=request.user, period=period, locked=locked,
                                            reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
        return redirect("reports:completeness", period=period.code)
    if locked:
        messages.success(request, _("The semester is locked: its reports are now read-only."))
    else:
        messages.success(request, _("The semester is unlocked: reports can be entered and reviewed again."))
    return redirect("reports:completeness", period=period.code)


# ---- Entering a report ------------------------------------------------------------------------


def _after_save(request, report: ProgressReport, content) -> None:
    messages.success(request, _("The report is saved."))
    for warning in services.scope_warnings(report.agreement, content.rows):
        messages.warning(request, warning)
    if "save_submit" in request.POST:
        try:
            services.report_submit(user=request.user, report=report, version=report.version)
        except ValidationError as error:
            for message in _messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The report is submitted for review."))


def _form_page(request, *, report, ngo, period, agreement, form, formset, start=None, conflict=None, status=200):
    return render(request, "reports/report_form.html", {
        "report": report, "ngo": ngo, "period": period, "agreement": agreement,
        "form": form, "formset": formset, "start": start, "conflict": conflict,
        "can_submit": request.user.has_perm("reports.submit_progressreport"),
        "province_scope": services.province_scope(request.user),
    }, status=status)


@login_required
@permission_required("reports.add_progressreport", raise_exception=True)
def report_new(request):
    """Choose NGO and semester, then enter the report; its agreement in force is found, not typed."""
    source = request.POST if request.method == "POST" else request.GET
    start = ReportStartForm(source if ("ngo" in source or "period" in source) else None, user=request.user,
                            search=source.get("ngo_search", ""))
    if not start.is_bound or not start.is_valid():
        return render(request, "reports/report_start.html", {"start": start})
    ngo, period, agreement = start.cleaned_data["ngo"], start.cleaned_data["period"], start.agreement
    # Only a report the user may see is mentioned; without one, they file their own under `agreement`.
    existing = services.visible_report_of(ngo=ngo, period=period, user=request.user)
    if existing is not None:
        messages.info(request, _("This NGO already has a report for this semester: here it is."))
        if services.can_edit(request.user, existing):
            return redirect("reports:edit", pk=existing.pk)
        return redirect("reports:detail", pk=existing.pk)

    choices = RowChoices(request.user, agreement=agreement)
    if request.method == "POST":
        form = ReportForm(request.POST)
        formset = result_row_formset(user=request.user, data=request.POST, choices=choices)
        if form.is_valid() and formset.is_valid():
            content = report_content(form, formset)
            try:
                report = services.report_create(user=request.user, ngo=ngo, period=period, content=content)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _after_save(request, report, content)
                return redirect("reports:detail", pk=report.pk)
    else:
        form = ReportForm()
        formset = result_row_formset(user=request.user, choices=choices)
    return _form_page(request, report=None, ngo=ngo, period=period, agreement=agreement, form=form, formset=formset,
                      start=start)


def _read_only_reason(user, report) -> str:
    if report.period.is_locked:
        return _("This semester is locked: its reports are read-only.")
    if report.status == ReportStatus.ACCEPTED:
        return _("This report is accepted: it is read-only.")
    if not user.has_perm("reports.change_progressreport"):
        return _("You may not change reports.")
    return _("This report is submitted and waits for review: it can be changed only once a reviewer returns it.")


@login_required
@permission_required("reports.change_progressreport", raise_exception=True)
def report_edit(request, pk):
    """Edit a draft or returned report; a stale save is refused and shows what the other person changed."""
    report = get_object_or_404(
        ProgressReport.objects.visible_to(request.user).select_related("ngo", "period", "agreement"), pk=pk
    )
    if request.method != "POST" and not services.can_edit(request.user, report):
        messages.error(request, _read_only_reason(request.user, report))
        return redirect("reports:detail", pk=report.pk)
    choices = RowChoices(request.user, agreement=report.agreement)
    conflict = None
    if request.method == "POST":
        form = ReportForm(request.POST, instance=report)
        formset = result_row_formset(user=request.user, data=request.POST, choices=choices)
        if form.is_valid() and formset.is_valid():
            content = report_content(form, formset)
            try:
                saved = services.report_update(
                    user=request.user, report=report, version=form.cleaned_data["version"] or 0, content=content
                )
            except services.ReportConflict as error:
                conflict = error.changes
                report = error.report
                # Keep what the user typed, now based on the saved version: saving again keeps theirs over ours.
                data = request.POST.copy()
                data["version"] = str(report.version)
                form = ReportForm(data, instance=report)
                form.is_valid()
                form.add_error(None, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _after_save(request, saved, content)
                return redirect("reports:detail", pk=saved.pk)
    else:
        initial = [
            {"indicator": str(v.indicator_id), "province": str(v.province_id), "village": str(v.village_id or ""),
             "value": v.value, "female_value": v.female_value}
            for v in IndicatorValue.objects.visible_to(request.user).filter(report=report)
            .select_related("indicator__sector", "province")
        ]
        form = ReportForm(instance=report)
        formset = result_row_formset(user=request.user, initial=initial, choices=choices)
    return _form_page(request, report=report, ngo=report.ngo, period=report.period, agreement=report.agreement,
                      form=form, formset=formset, conflict=conflict, status=409 if conflict else 200)


# ---- Reading and reviewing --------------------------------------------------------------------


def _detail_page(request, report, *, return_form=None, comment_kept=False, status=200):
    report = (
        ProgressReport.objects.select_related(
            "ngo", "period", "agreement", "created_by", "submitted_by", "returned_by", "accepted_by"
        ).prefetch_related("agreement__provinces", "agreement__sectors").get(pk=report.pk)
    )
    values = list(
        IndicatorValue.objects.visible_to(request.user).filter(report=report)
        .select_related("indicator__sector", "province", "village")
    )
    provinces = {p.pk for p in report.agreement.provinces.all()}
    sectors = {s.pk for s in report.agreement.sectors.all()}
    rows = [
        {
            "value": v, "shown_value": display_value(v.value), "shown_female": display_value(v.female_value),
            "outside_province": v.province_id not in provinces, "outside_sector": v.indicator.sector_id not in sectors,
        }
        for v in values
    ]
    user = request.user
    return render(request, "reports/report_detail.html", {
        "report": report,
        "rows": rows,
        "warnings": services.scope_warnings(report.agreement, values),
        "history": report_history(report),
        "documents": record_documents(user, RecordKind.REPORT, report),
        "can_edit": services.can_edit(user, report),
        "can_submit": services.can_submit(user, report),
        "can_review": services.can_review(user, report),
        "return_form": return_form or ReturnForm(initial={"version": report.version}),
        "comment_kept": comment_kept,
        "submitted_on": services.submitted_on(report),
        "partial_view": services.province_scope(user) is not None,
    }, status=status)


@login_required
@permission_required("reports.view_progressreport", raise_exception=True)
def report_detail(request, pk):
    """The report as a reviewer reads it, with who did what and when."""
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    return _detail_page(request, report)


def _visible_report(request, pk) -> ProgressReport:
    return get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)


def _posted_version(request) -> int | None:
    return parse_id(request.POST.get("version"))


@login_required
@require_POST
@permission_required("reports.submit_progressreport", raise_exception=True)
def report_submit(request, pk):
    report = _visible_report(request, pk)
    try:
        services.report_submit(user=request.user, report=report, version=_posted_version(request))
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The report is submitted for review."))
    return redirect("reports:detail", pk=report.pk)


def _overtaken_message(report: ProgressReport) -> str:
    """What happened to a report while a reviewer was writing their comment: who did what, and when."""
    lang = get_language()
    if report.status == ReportStatus.ACCEPTED and report.accepted_at:
        who, at, text = report.accepted_by, report.accepted_at, _(
            "%(user)s accepted this report on %(date)s at %(time)s, after you opened it. "
            "Your comment was not sent; it is kept below.")
    elif report.status == ReportStatus.RETURNED and report.returned_at:
        who, at, text = report.returned_by, report.returned_at, _(
            "%(user)s returned this report on %(date)s at %(time)s, after you opened it. "
            "Your comment was not sent; it is kept below.")
    elif report.period.is_locked:
        return _("This semester was locked after you opened the report. Your comment was not sent; it is kept below.")
    else:
        return _("This report was changed after you opened it. Your comment was not sent; it is kept below: "
                 "check the report again, then send your comment.")
    return text % {
        "user": (who.get_full_name() or who.get_username()) if who is not None else _("unknown user"),
        "date": format_date(timezone.localdate(at), lang), "time": time_label(at),
    }


@login_required
@require_POST
@permission_required("reports.review_progressreport", raise_exception=True)
def report_return(request, pk):
    """Return a report with the reviewer's comment; if someone acted on it meanwhile, say who and keep the comment."""
    report = _visible_report(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(user=request.user, report=report, comment=form.cleaned_data["comment"],
                                   version=form.cleaned_data["version"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            elif error.code in ("stale", "wrong_status", "locked"):
                # Overtaken: the typed comment stays in the form, now at the current version, so a
                # reviewer who still may return the report sends it again knowingly.
                report.refresh_from_db()
                messages.error(request, _overtaken_message(report))
                data = request.POST.copy()
                data["version"] = str(report.version)
                form = ReturnForm(data)
                form.is_valid()
                return _detail_page(request, report, return_form=form, comment_kept=True, status=409)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The report is returned to the officers with your comment."))
            return redirect("reports:detail", pk=report.pk)
    return _detail_page(request, report, return_form=form, status=400)


@login_required
@require_POST
@permission_required("reports.review_progressreport", raise_exception=True)
def report_accept(request, pk):
    report = _visible_report(request, pk)
    try:
        services.report_accept(user=request.user, report=report, version=_posted_version(request))
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The report is accepted."))
    return redirect("reports:detail", pk=report.pk)


# ---- Spreadsheet template and import ----------------------------------------------------------


@login_required
@permission_required("reports.view_progressreport", raise_exception=True)
def report_template(request, period):
    """The spreadsheet template of one NGO's report for one semester, pre-filled from its agreement."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    ngo = get_object_or_404(NGO.objects.visible_to(request.user), pk=parse_id_or_404(request.GET.get("ngo")))
    agreement = services.agreement_in_force(ngo=ngo, period=period, user=request.user)
    if agreement is None:
        scope = services.province_scope(request.user)
        if services.report_filed_elsewhere(ngo=ngo, period=period, user=request.user):
            message = services.no_agreement_message(ngo=ngo, period=period, user=request.user)
        elif scope is None:
            message = _("%(ngo)s has no signed cooperation agreement in force during this semester: there is no template to fill in.") % {
                "ngo": ngo.name}
        else:
            message = _("%(ngo)s has no signed cooperation agreement covering %(province)s in force during this semester: "
                        "there is no template to fill in.") % {"ngo": ngo.name, "province": Province.objects.get(pk=scope).name}
        messages.error(request, message)
        return redirect("reports:completeness", period=period.code)
    response = HttpResponse(build_template(ngo=ngo, period=period, agreement=agreement, user=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(ngo, period)}"'
    return response


def _import_initial(request) -> dict:
    initial = {}
    ngo_id = parse_id(request.GET.get("ngo"))
    if ngo_id is not None:
        initial["ngo"] = ngo_id
    try:
        initial["period"] = ReportingPeriod.objects.get_by_code(request.GET.get("period", "")).pk
    except ReportingPeriod.DoesNotExist:
        pass
    return initial


@login_required
@permission_required("reports.add_progressreport", raise_exception=True)
def report_import(request):
    """Upload a filled-in template: a preview names every problem; nothing is written until confirmed."""
    if request.method != "POST":
        form = ImportUploadForm(initial=_import_initial(request), user=request.user)
        return render(request, "reports/import_upload.html", {"form": form})
    form = ImportUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return render(request, "reports/import_upload.html", {"form": form}, status=400)
    ngo, period, upload = form.cleaned_data["ngo"], form.cleaned_data["period"], form.cleaned_data["file"]
    existing = services.visible_report_of(ngo=ngo, period=period, user=request.user)
    if period.is_locked:
        form.add_error("period", _("This semester is locked: its reports are read-only."))
    elif existing is not None and not services.can_edit(request.user, existing):
        form.add_error("ngo", _("This NGO's report for this semester is already submitted or accepted: it cannot be replaced by an import."))
    else:
        try:
            parsed = read_report_workbook(upload.read(), ngo=ngo, period=period, user=request.user)
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            token = None
            if not parsed.problems:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token, "ngo": ngo.pk, "period": period.code, "file_name": upload.name[:200],
                    "version": existing.version if existing else None, "content": content_to_plain(parsed.content),
                }
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
            return render(request, "reports/import_preview.html", {
                "ngo": ngo, "period": period, "parsed": parsed, "existing": existing, "token": token,
                "file_name": upload.name, "fields": _preview_fields(parsed.content.fields),
            })
    return render(request, "reports/import_upload.html", {"form": form}, status=400)


def _preview_fields(fields: dict) -> list[tuple[str, object, bool]]:
    """(label, value, is_number) of the report's items, in form order."""
    return [
        (ProgressReport._meta.get_field(name).verbose_name, fields.get(name), name in FIGURE_FIELDS)
        for name in CONTENT_FIELDS
    ]


@login_required
@require_POST
@permission_required("reports.add_progressreport", raise_exception=True)
def report_import_confirm(request):
    """Write the previewed import, all or nothing."""
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or not secrets.compare_digest(str(stored.get("token", "")), request.POST.get("token", "")):
        messages.error(request, _("This preview has expired or was replaced by another upload. Upload the file again."))
        return redirect("reports:import")
    del request.session[IMPORT_SESSION_KEY]
    ngo = get_object_or_404(NGO.objects.visible_to(request.user), pk=stored["ngo"])
    period = ReportingPeriod.objects.get_by_code_or_404(stored["period"])
    again = f"{reverse('reports:import')}?{urlencode({'ngo': ngo.pk, 'period': period.code})}"
    try:
        content = content_from_plain(stored["content"])
        report = services.report_save(
            user=request.user, ngo=ngo, period=period, content=content, version=stored["version"],
            source=f"import:{stored['file_name']}",
        )
    except services.ReportConflict:
        messages.error(request, _("The report was changed by someone else after your preview. Nothing was imported: "
                                  "check the report, then upload the file again."))
        return redirect(again)
    except ValidationError as error:
        messages.error(request, _("Nothing was imported."))
        for message in _messages(error):
            messages.error(request, message)
        return redirect(again)
    messages.success(request, _("The spreadsheet is imported: %(count)s indicator results.")
                     % {"count": format_number(len(content.rows), get_language())})
    for warning in services.scope_warnings(report.agreement, content.rows):
        messages.warning(request, warning)
    return redirect("reports:detail", pk=report.pk)
