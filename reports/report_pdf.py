"""One NGO's semester report as a document of its own (PDF, Khmer or English), in the ministry's official form.

Its agreement, its indicator results by province and village (with totals), its narratives and its
review history. Who may print it is who may read it: the report is looked up exactly as the report
page does (`ProgressReport.objects.visible_to(user)`, mrd_ngo/access.py; 404 otherwise), and a
provincial officer sees the results of their province only, as on the page. One report is a page or
three, so it is rendered in the request (about a second); the semester summary goes through the worker.
"""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import services
from reports.history import display_value, report_history
from reports.models import IndicatorValue, ProgressReport
from reports.pdf import LANGUAGES, Edition, break_khmer_words, official_context, render_pdf


def report_document_data(report: ProgressReport, user) -> dict:
    """What the document shows of `report` to `user` (results restricted as on the report page)."""
    report = (
        ProgressReport.objects.select_related("ngo", "period", "agreement", "agreement__department")
        .prefetch_related("agreement__provinces", "agreement__sectors").get(pk=report.pk)
    )
    values = list(
        IndicatorValue.objects.visible_to(user).filter(report=report)
        .select_related("indicator__sector", "province", "village")
        .order_by("province__name_en", "village__name_en", "indicator__code")
    )
    provinces: OrderedDict = OrderedDict()
    for value in values:
        provinces.setdefault(value.province, []).append(value)
    indicator_totals: OrderedDict = OrderedDict()
    for value in sorted(values, key=lambda v: v.indicator.code):
        total = indicator_totals.setdefault(value.indicator, {"value": Decimal(0), "female": None})
        total["value"] += value.value or 0
        if value.female_value is not None:
            total["female"] = (total["female"] or Decimal(0)) + value.female_value
    return {
        "report": report,
        "by_province": [
            {"province": province, "rows": [
                {"value": v, "shown_value": display_value(v.value), "shown_female": display_value(v.female_value)}
                for v in rows
            ]}
            for province, rows in provinces.items()
        ],
        "totals": [
            {"indicator": indicator, "shown_value": display_value(t["value"]), "shown_female": display_value(t["female"])}
            for indicator, t in indicator_totals.items()
        ],
        "history": report_history(report),
        "partial_view": services.province_scope(user) is not None,
    }


def report_html(report: ProgressReport, user, lang: str) -> str:
    with translation.override(lang):
        context = {**report_document_data(report, user), **official_context(lang, Edition(date=timezone.localdate(), draft=False))}
        html = render_to_string("reports/summary_report_pdf.html", context)
    return break_khmer_words(html)


@login_required
@permission_required("reports.view_progressreport", raise_exception=True)
@require_GET
def report_pdf(request, pk):
    """The report as a PDF (?lang=km|en, Khmer by default); 404 for a report the user may not see."""
    lang = request.GET.get("lang", "km")
    if lang not in LANGUAGES:
        return HttpResponseBadRequest(_("The PDF exists in Khmer (lang=km) and English (lang=en) only."))
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    pdf = render_pdf(report_html(report, request.user, lang), lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.period.code}-{report.ngo_id}-{lang}.pdf"'
    return response
