"""The page of one province (issue 14): what the ministry's partners do there, and its edition of the summary.

Every role reaches every province's page except a provincial officer, who reaches only their own
(another province answers 404, as a row they may not see does everywhere else); `/provinces/` takes
them to it, and lists the provinces for everyone else.

Nothing is counted here: the figures are the province's edition of the semester summary (the package
reports/summary/, kept by reports/summary_cache.py: what the province's officers see on the summary
page, and what its PDF and workbook hold) and its completeness (reports/completeness.py, as the
province's officers see it). The province's PDF and workbook are built by the worker
(reports/documents.py), keyed by the province: a national user asking for Siem Reap's edition gets
the very file a Siem Reap officer gets.
"""
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agreements.models import Province
from mrd_ngo.access import NoAccess, scope_of
from mrd_ngo.paging import page_of
from reports import rules
from reports.choices import DocumentKind
from reports.completeness import period_completeness
from reports.documents import CONTENT_TYPES, data_fingerprint, document_state, summary_document_request
from reports.models import ReportingPeriod, SummaryDocument
from reports.pdf import LANGUAGES
from reports.summary import Change
from reports.summary_cache import edition_summary, summary_for
from reports.summary_views import LABELS, PRINT_PERMISSION, VIEW_PERMISSION, document_entry

#: Rows of each long list shown at once (NGOs, model villages reached and not reached).
PAGE_SIZE = 20


def visible_province(user, code: str) -> Province:
    """The province of `code` if `user` may see its page; Http404 otherwise (deny by default)."""
    try:
        scope = scope_of(user)
    except NoAccess:
        raise Http404 from None
    province = get_object_or_404(Province, code=code)
    if scope is not None and scope != province.pk:
        raise Http404
    return province


def _period(request) -> ReportingPeriod:
    """The semester asked for with ?semester=2024S1, else the current one (`rules.current_period`)."""
    code = request.GET.get("semester")
    if code:
        return ReportingPeriod.objects.get_by_code_or_404(code)
    period = rules.current_period()
    if period is None:
        raise Http404(_("No reporting period is recorded yet."))
    return period


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def province_list(request):
    """Every province with its figures of the current semester; a provincial officer goes to their own page."""
    try:
        scope = scope_of(request.user)
    except NoAccess:
        raise PermissionDenied from None
    if scope is not None:
        return redirect("reports:province", Province.objects.get(pk=scope).code)
    period = _period(request)
    summary = summary_for(period, user=request.user)
    return render(request, "reports/province_list.html", {"summary": summary, "period": period})


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def province_page(request, code):
    province = visible_province(request.user, code)
    period = _period(request)
    fingerprint = SimpleLazyObject(lambda: data_fingerprint(period))
    summary = edition_summary(period, province_id=province.pk, fingerprint=fingerprint)
    row = summary.province_row(province.code)
    before = summary.province_row(province.code, previous=True)
    completeness = period_completeness(period, request.user, province_id=province.pk)
    context = {
        "province": province,
        "period": period,
        "periods": list(ReportingPeriod.objects.order_by("-year", "-half")[:8]),
        "summary": summary,
        "row": row,
        "completeness": completeness,
        "ngos": page_of(request, completeness.expected, param="ngos_page", per_page=PAGE_SIZE, anchor="ngos"),
        "indicators": _indicator_rows(summary, row, before),
        "reached": page_of(request, summary.model_villages, param="reached_page", per_page=PAGE_SIZE,
                           anchor="model-villages"),
        "not_reached": page_of(request, summary.model_villages_not_reached, param="not_reached_page",
                               per_page=PAGE_SIZE, anchor="model-villages"),
        "coverage": summary.coverage[0] if summary.coverage else None,
        "changes": _changes(summary, row, before),
        "documents": _documents(request, period, province, fingerprint),
    }
    return render(request, "reports/province.html", context)


def _indicator_rows(summary, row, before) -> list[dict]:
    """Every indicator with its result in the province (by sex where split) and the semester before."""
    if row is None:
        return []
    previous = before.results if before is not None and before.results else [None] * len(summary.indicators)
    return [
        {"heading": heading, "result": result,
         "change": Change(result.total, earlier.total if earlier is not None else None)}
        for heading, result, earlier in zip(summary.indicators, row.results, previous, strict=True)
    ]


def _changes(summary, row, before) -> list[dict]:
    """The province's figures this semester and the one before: the by-province row, then the reports."""
    if row is None:
        return []
    rows = [
        ("ngos_active", gettext_lazy("NGOs active"), 0),
        ("budget_planned", gettext_lazy("Budget planned (USD)"), 2),
        ("budget_spent", gettext_lazy("Budget spent (USD)"), 2),
        ("model_villages_reached", gettext_lazy("Model villages reached"), 0),
    ]
    changes = [
        {"key": key, "label": label, "decimals": decimals,
         "change": Change(getattr(row, key), getattr(before, key) if before is not None else None)}
        for key, label, decimals in rows
    ]
    reports = ("reports_expected", "reports_received", "reports_accepted", "reports_on_time")
    changes += [
        {"key": figure.key, "label": figure.label, "decimals": 0, "change": figure.change}
        for figure in summary.figures if figure.key in reports
    ]
    return changes


# ---- The province's edition of the summary: PDF and workbook, built by the worker ----------------


def _document_entry(period, province, kind: str, lang: str, state: str, document) -> dict:
    args = [province.code, period.code, kind, lang]
    return document_entry(
        document, state, kind=kind, lang=lang, label=LABELS[(kind, lang)],
        testid=f"pdf-{lang}" if kind == DocumentKind.PDF else "xlsx",
        download_url=reverse("reports:province_document", args=args),
        prepare_url=reverse("reports:province_document_prepare", args=args),
        status_url=reverse("reports:province_document_status", args=args),
    )


def _documents(request, period, province, fingerprint) -> list[dict]:
    """The province's documents the user may ask for, with where each stands."""
    wanted = []
    if request.user.has_perm(PRINT_PERMISSION):
        wanted += [(DocumentKind.PDF, "km"), (DocumentKind.PDF, "en")]
    page_lang = (get_language() or "km")[:2]
    wanted.append((DocumentKind.XLSX, page_lang if page_lang in LANGUAGES else "km"))
    kept = {(d.kind, d.lang): d for d in SummaryDocument.objects.filter(period=period, province_id=province.pk)}
    return [
        _document_entry(period, province, kind, lang, document_state(kept.get((kind, lang)), fingerprint),
                        kept.get((kind, lang)))
        for kind, lang in wanted
    ]


def _one_document(request, code: str, period_code: str, kind: str, lang: str):
    """The province and period of a document the user may have; 404 or 403 otherwise."""
    if kind not in DocumentKind.values or lang not in LANGUAGES:
        raise Http404
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    province = visible_province(request.user, code)
    if not request.user.has_perm(PRINT_PERMISSION if kind == DocumentKind.PDF else VIEW_PERMISSION):
        raise PermissionDenied
    return province, ReportingPeriod.objects.get_by_code_or_404(period_code)


def _page_url(province, period) -> str:
    return reverse("reports:province", args=[province.code]) + f"?semester={period.code}#documents"


@login_required
@require_POST
def province_document_prepare(request, code, period, kind, lang):
    """Ask for the province's edition: its build is queued (once, whoever asks); answers with its progress."""
    province, period = _one_document(request, code, period, kind, lang)
    fingerprint = data_fingerprint(period)
    document = summary_document_request(period=period, kind=kind, lang=lang, province_id=province.pk,
                                        fingerprint=fingerprint)
    if request.headers.get("HX-Request"):
        state = document_state(document, fingerprint)
        entry = _document_entry(period, province, kind, lang, state, document)
        return render(request, "reports/summary/_document.html", {"doc": entry}, status=200 if state == "ready" else 202)
    return redirect(_page_url(province, period))


@login_required
@require_GET
def province_document_status(request, code, period, kind, lang):
    """Where the province's document stands (the fragment the page polls)."""
    province, period = _one_document(request, code, period, kind, lang)
    fingerprint = SimpleLazyObject(lambda: data_fingerprint(period))
    document = SummaryDocument.objects.for_key(period=period, kind=kind, lang=lang, province_id=province.pk).first()
    entry = _document_entry(period, province, kind, lang, document_state(document, fingerprint), document)
    return render(request, "reports/summary/_document.html", {"doc": entry})


@login_required
@require_GET
def province_document(request, code, period, kind, lang):
    """The kept file of the province's edition when up to date; else ask for a build and go back to the page."""
    if lang not in LANGUAGES:
        return HttpResponseBadRequest(_("The document exists in Khmer (km) and English (en) only."))
    province, period = _one_document(request, code, period, kind, lang)
    fingerprint = data_fingerprint(period)
    document = SummaryDocument.objects.for_key(period=period, kind=kind, lang=lang, province_id=province.pk).first()
    if document is not None and document.is_ready_for(fingerprint):
        return FileResponse(
            document.file.open("rb"), content_type=CONTENT_TYPES[kind], as_attachment=kind == DocumentKind.XLSX,
            filename=f"semester-summary-{period.code}-{province.code}-{lang}.{kind}",
        )
    summary_document_request(period=period, kind=kind, lang=lang, province_id=province.pk, fingerprint=fingerprint)
    return redirect(_page_url(province, period))
