"""Views of the consolidated semester summary: the page, the PDF and the workbook.

Who may do what: every role sees the page and downloads the workbook (what it holds is what
`visible_to(user)` allows: a provincial officer's summary covers their province); printing the PDF
needs `reports.print_summary` (department heads and administrators). Users without a role get 403.
"""
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models import ReportingPeriod
from reports.pdf import LANGUAGES, render_summary_pdf
from reports.summary import build_summary
from reports.summary_xlsx import XLSX_CONTENT_TYPE, summary_workbook

VIEW_PERMISSION = "reports.view_progressreport"
PRINT_PERMISSION = "reports.print_summary"
# Rows shown on the summary page: NGOs not accepted, challenges per sector, each agreement list, model villages.
PAGE_LIMITS = {"gaps": 40, "experiences": 5, "agreements": 15, "villages": 20}


def _language(request) -> str | None:
    """The edition asked for with ?lang=km|en (the page's language when absent); None if unknown."""
    lang = request.GET.get("lang") or (get_language() or "km")[:2]
    return lang if lang in LANGUAGES else None


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_latest(request):
    """The summary of the latest semester whose reports are due, else the latest semester."""
    today = timezone.localdate()
    period = ReportingPeriod.objects.filter(due_date__lte=today).first() or ReportingPeriod.objects.first()
    if period is None:
        raise Http404(_("No reporting period is recorded yet."))
    return redirect("reports:summary", period.code)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_page(request, period):
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    context = {
        "summary": build_summary(period, user=request.user),
        "periods": list(ReportingPeriod.objects.order_by("-year", "-half")[:8]),
        "can_print": request.user.has_perm(PRINT_PERMISSION),
        # The page shows the first rows of its long lists (thousands at national scale); the PDF and
        # the workbook, rendered without limits, hold every row.
        "limits": PAGE_LIMITS,
    }
    return render(request, "reports/summary.html", context)


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_pdf(request, period):
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    lang = _language(request)
    if lang is None:
        return HttpResponseBadRequest(_("The PDF exists in Khmer (lang=km) and English (lang=en) only."))
    pdf = render_summary_pdf(build_summary(period, user=request.user), lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="semester-summary-{period.code}-{lang}.pdf"'
    return response


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_xlsx(request, period):
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    lang = _language(request)
    if lang is None:
        return HttpResponseBadRequest(_("The workbook exists in Khmer (lang=km) and English (lang=en) only."))
    workbook = summary_workbook(build_summary(period, user=request.user), lang)
    response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="semester-summary-{period.code}-{lang}.xlsx"'
    return response
