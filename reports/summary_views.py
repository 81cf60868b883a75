"""Views of the consolidated semester summary: the page, the PDF and the workbook.

Who may do what: every role sees the page and downloads the workbook (what it holds is what
`visible_to(user)` allows: a provincial officer's summary covers their province); printing the PDF
needs `reports.print_summary` (department heads and administrators). Users without a role get 403.

The PDF and the workbook are built by the worker, never here (reports/documents.py): the page
shows each document's progress (a small fragment htmx polls) and then its download link. The
download URLs serve the kept file while the data is unchanged; otherwise they ask for a build and
send the person back to the page, where its progress shows.
"""
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mrd_ngo.access import NoAccess, scope_of
from mrd_ngo.health import live_workers
from reports import rules
from reports.choices import BuildState, DocumentKind
from reports.maps import map_for_page
from reports.documents import (
    CONTENT_TYPES, data_fingerprint, document_state, filename, summary_document_request,
)
from reports.models import ReportingPeriod, SummaryDocument
from reports.pdf import LANGUAGES
from reports.summary_cache import summary_for

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
    """The summary of the current semester (`rules.current_period`)."""
    period = rules.current_period()
    if period is None:
        raise Http404(_("No reporting period is recorded yet."))
    query = request.GET.urlencode()  # ?map=... (the figure of the map) goes along
    return redirect(reverse("reports:summary", args=[period.code]) + (f"?{query}" if query else ""))


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_page(request, period):
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    fingerprint = _fingerprint_when_needed(period)  # one query for the kept summary and the kept documents
    summary = summary_for(period, user=request.user, fingerprint=fingerprint)  # kept until its data changes
    context = {
        "summary": summary,
        # The sections' HTML is kept under the fingerprint (the template's `cache` block): the map and
        # the chosen table are worked out only when it is missing.
        "fingerprint": fingerprint,
        "province_map": SimpleLazyObject(lambda: map_for_page(request, period, summary)),
        "periods": list(ReportingPeriod.objects.order_by("-year", "-half")[:8]),
        "can_print": request.user.has_perm(PRINT_PERMISSION),
        "documents": _documents_of_the_page(request, period, fingerprint),
        # The page shows the first rows of its long lists (thousands at national scale); the PDF and
        # the workbook, rendered without limits, hold every row.
        "limits": PAGE_LIMITS,
    }
    # Section 3's table of any one indicator by province and sex, chosen with ?indicator=<code> (issue 14).
    context["province_table"] = SimpleLazyObject(lambda: summary.province_table(request.GET.get("indicator")))
    return render(request, "reports/summary.html", context)


LABELS = {
    (DocumentKind.PDF, "km"): gettext_lazy("PDF (Khmer)"),
    (DocumentKind.PDF, "en"): gettext_lazy("PDF (English)"),
    (DocumentKind.XLSX, "km"): gettext_lazy("Workbook (XLSX)"),
    (DocumentKind.XLSX, "en"): gettext_lazy("Workbook (XLSX)"),
    (DocumentKind.ANNEX, "km"): gettext_lazy("Annex: reports in full (Khmer)"),
    (DocumentKind.ANNEX, "en"): gettext_lazy("Annex: reports in full (English)"),
    (DocumentKind.SLIDES, "km"): gettext_lazy("Slides (PDF, Khmer)"),
    (DocumentKind.SLIDES, "en"): gettext_lazy("Slides (PDF, English)"),
}


DOWNLOADS = {  # the address each kind of document is downloaded from
    DocumentKind.PDF: "reports:summary_pdf", DocumentKind.XLSX: "reports:summary_xlsx",
    DocumentKind.ANNEX: "reports:summary_annex", DocumentKind.SLIDES: "reports:summary_slides_pdf",
}


def _may_have(user, kind: str) -> bool:
    return user.has_perm(PRINT_PERMISSION if DocumentKind(kind).is_pdf else VIEW_PERMISSION)


def document_entry(document, state: str, *, kind: str, lang: str, label, testid: str, download_url: str,
                   prepare_url: str, status_url: str) -> dict:
    """What the fragment of one document built by the worker shows (reports/summary/_document.html)."""
    return {
        "kind": kind,
        "lang": lang,
        "label": label,
        "testid": testid,
        "state": state,
        "built_at": document.built_at if document and state == "ready" else None,
        # Queued with no worker alive: it would wait forever; say so rather than spin.
        "no_worker": state == BuildState.QUEUED and not live_workers(),
        "download_url": download_url,
        "prepare_url": prepare_url,
        "status_url": status_url,
    }


def _entry(period, kind: str, lang: str, state: str, document: SummaryDocument | None) -> dict:
    args = [period.code, kind, lang]
    return document_entry(
        document, state, kind=kind, lang=lang, label=LABELS[(kind, lang)],
        testid="xlsx" if kind == DocumentKind.XLSX else f"{kind}-{lang}",
        download_url=reverse(DOWNLOADS[kind], args=[period.code]) + f"?lang={lang}",
        prepare_url=reverse("reports:summary_document_prepare", args=args),
        status_url=reverse("reports:summary_document_status", args=args),
    )


def _documents_of_the_page(request, period, fingerprint) -> list[dict]:
    """The documents the user may ask for on the summary page, with where each stands."""
    try:
        province_id = scope_of(request.user)
    except NoAccess:
        return []
    wanted = []
    if request.user.has_perm(PRINT_PERMISSION):
        wanted += [(DocumentKind.PDF, "km"), (DocumentKind.PDF, "en")]
        wanted += [(DocumentKind.ANNEX, "km"), (DocumentKind.ANNEX, "en")]  # the reports' full text, printed apart
    page_lang = (get_language() or "km")[:2]
    page_lang = page_lang if page_lang in LANGUAGES else "km"
    if request.user.has_perm(PRINT_PERMISSION):
        wanted.append((DocumentKind.SLIDES, page_lang))  # for the provincial departments, in the page's language
    wanted.append((DocumentKind.XLSX, page_lang))
    kept = {
        (d.kind, d.lang): d
        for d in SummaryDocument.objects.filter(period=period, province_id=province_id)
    }
    return [
        _entry(period, kind, lang, document_state(kept.get((kind, lang)), fingerprint), kept.get((kind, lang)))
        for kind, lang in wanted
    ]


def _one_document(request, period_code: str, kind: str, lang: str):
    """The period, the user's scope and the document's key, or the error for a request that may not have it."""
    if kind not in DocumentKind.values or lang not in LANGUAGES:
        raise Http404
    if not _may_have(request.user, kind):
        raise PermissionDenied
    period = ReportingPeriod.objects.get_by_code_or_404(period_code)
    try:
        province_id = scope_of(request.user)
    except NoAccess:
        raise PermissionDenied from None
    return period, province_id


def _fingerprint_when_needed(period):
    """The data fingerprint, computed only if a kept file has to be compared with it (one query)."""
    return SimpleLazyObject(lambda: data_fingerprint(period))


def _fragment(request, period, kind: str, lang: str, province_id):
    fingerprint = _fingerprint_when_needed(period)
    document = SummaryDocument.objects.for_key(period=period, kind=kind, lang=lang, province_id=province_id).first()
    state = document_state(document, fingerprint)
    entry = _entry(period, kind, lang, state, document)
    return render(request, "reports/summary/_document.html", {"doc": entry})


@login_required
@require_POST
def summary_document_prepare(request, period, kind, lang):
    """Ask for a document: its build is queued (once, however many ask); answers with its progress."""
    period, province_id = _one_document(request, period, kind, lang)
    fingerprint = data_fingerprint(period)
    document = summary_document_request(
        period=period, kind=kind, lang=lang, province_id=province_id, fingerprint=fingerprint,
    )
    if request.headers.get("HX-Request"):
        state = document_state(document, fingerprint)
        entry = _entry(period, kind, lang, state, document)
        # 202 Accepted: the build is on its way; 200 when the kept file is already up to date.
        status = 200 if state == "ready" else 202
        return render(request, "reports/summary/_document.html", {"doc": entry}, status=status)
    return redirect(reverse("reports:summary", args=[period.code]) + "#documents")


@login_required
@require_GET
def summary_document_status(request, period, kind, lang):
    """Where one document stands (the fragment the page polls while it is queued or being built)."""
    period, province_id = _one_document(request, period, kind, lang)
    return _fragment(request, period, kind, lang, province_id)


def _download(request, period, kind: str):
    """The kept file when it is up to date; else ask for a build and go back to the page to watch it."""
    lang = _language(request)
    if lang is None:
        if DocumentKind(kind).is_pdf:
            return HttpResponseBadRequest(_("The PDF exists in Khmer (lang=km) and English (lang=en) only."))
        return HttpResponseBadRequest(_("The workbook exists in Khmer (lang=km) and English (lang=en) only."))
    try:
        province_id = scope_of(request.user)
    except NoAccess:
        raise PermissionDenied from None
    fingerprint = data_fingerprint(period)
    document = SummaryDocument.objects.for_key(period=period, kind=kind, lang=lang, province_id=province_id).first()
    if document is not None and document.is_ready_for(fingerprint):
        return FileResponse(
            document.file.open("rb"),
            content_type=CONTENT_TYPES[kind],
            as_attachment=kind == DocumentKind.XLSX,  # the PDFs open in the browser
            filename=filename(period, kind, lang),
        )
    summary_document_request(period=period, kind=kind, lang=lang, province_id=province_id, fingerprint=fingerprint)
    return redirect(reverse("reports:summary", args=[period.code]) + "#documents")


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_pdf(request, period):
    return _download(request, ReportingPeriod.objects.get_by_code_or_404(period), DocumentKind.PDF)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_xlsx(request, period):
    return _download(request, ReportingPeriod.objects.get_by_code_or_404(period), DocumentKind.XLSX)


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_annex(request, period):
    """The summary's annex: every accepted report's narratives in full (a PDF of its own, built by the worker)."""
    return _download(request, ReportingPeriod.objects.get_by_code_or_404(period), DocumentKind.ANNEX)


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_slides_pdf(request, period):
    """The slides of the meeting as a PDF (one 1280x720 page each), for the provincial departments: built by the worker."""
    return _download(request, ReportingPeriod.objects.get_by_code_or_404(period), DocumentKind.SLIDES)
