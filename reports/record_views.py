"""The PDF of one record (an NGO's report, a meeting's minutes): ask for it, watch it being built, download it.

The worker builds it (reports/documents.py); these views never render a PDF. The record's page shows
one fragment per language (reports/summary/_document.html, as on the summary page); the download
address serves the kept file while the record's rows are unchanged, else asks for a build and sends
the reader back to the record's page, where its progress shows. Who may have it is who may read the
record: the kind's permission and `visible_to(user)` (404 otherwise); the copy is the reader's scope's.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mrd_ngo.access import NoAccess, scope_of
from reports.choices import RecordKind
from reports.documents import document_state, record_document_request, record_fingerprint
from reports.models import RecordDocument
from reports.pdf import LANGUAGES
from reports.record_pdfs import RECORDS
from reports.summary_views import document_entry

LABELS = {
    (RecordKind.REPORT, "km"): gettext_lazy("PDF (Khmer)"),
    (RecordKind.REPORT, "en"): gettext_lazy("PDF (English)"),
    (RecordKind.MINUTES, "km"): gettext_lazy("Minutes (PDF, Khmer)"),
    (RecordKind.MINUTES, "en"): gettext_lazy("Minutes (PDF, English)"),
}
TESTIDS = {RecordKind.REPORT: "report-pdf", RecordKind.MINUTES: "minutes"}
DOWNLOADS = {RecordKind.REPORT: "reports:report_pdf", RecordKind.MINUTES: "reports:meeting_minutes_pdf"}


def _record(request, kind: str, pk: int):
    """The record and the reader's scope, or 404 (no such kind or record, or not visible) / 403 (may not read)."""
    spec = RECORDS.get(kind)
    if spec is None:
        raise Http404
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    record = get_object_or_404(spec.model.objects.visible_to(request.user), pk=pk)
    try:
        province_id = scope_of(request.user)
    except NoAccess:
        raise PermissionDenied from None
    return record, province_id


def _kept(kind: str, record, lang: str, province_id):
    return RecordDocument.objects.filter(kind=kind, record_id=record.pk, lang=lang, province_id=province_id).first()


def _entry(kind: str, record, lang: str, state: str, document) -> dict:
    args = [kind, record.pk, lang]
    return document_entry(
        document, state, kind=kind, lang=lang, label=LABELS[(kind, lang)], testid=f"{TESTIDS[kind]}-{lang}",
        download_url=reverse(DOWNLOADS[kind], args=[record.pk]) + f"?lang={lang}",
        prepare_url=reverse("reports:record_document_prepare", args=args),
        status_url=reverse("reports:record_document_status", args=args),
    )


def record_documents(user, kind: str, record) -> list[dict]:
    """The record's PDFs (Khmer, English) for its page, with where each stands; the rows' fingerprint is
    read only when a kept copy has to be compared with it."""
    try:
        province_id = scope_of(user)
    except NoAccess:
        return []
    fingerprint = SimpleLazyObject(lambda: record_fingerprint(kind, record))
    kept = {d.lang: d for d in RecordDocument.objects.filter(kind=kind, record_id=record.pk, province_id=province_id)}
    return [_entry(kind, record, lang, document_state(kept.get(lang), fingerprint), kept.get(lang)) for lang in LANGUAGES]


@login_required
@require_POST
def record_document_prepare(request, kind, pk, lang):
    """Ask for a record's PDF: its build is queued (once, however many ask); answers with its progress."""
    if lang not in LANGUAGES:
        raise Http404
    record, province_id = _record(request, kind, pk)
    fingerprint = record_fingerprint(kind, record)
    document = record_document_request(record=record, kind=kind, lang=lang, province_id=province_id,
                                       fingerprint=fingerprint)
    if request.headers.get("HX-Request"):
        state = document_state(document, fingerprint)
        entry = _entry(kind, record, lang, state, document)
        return render(request, "reports/summary/_document.html", {"doc": entry}, status=200 if state == "ready" else 202)
    return redirect(RECORDS[kind].page(record) + "#documents")


@login_required
@require_GET
def record_document_status(request, kind, pk, lang):
    """Where a record's PDF stands (the fragment the page polls while it is queued or being built)."""
    if lang not in LANGUAGES:
        raise Http404
    record, province_id = _record(request, kind, pk)
    document = _kept(kind, record, lang, province_id)
    state = document_state(document, SimpleLazyObject(lambda: record_fingerprint(kind, record)))
    return render(request, "reports/summary/_document.html", {"doc": _entry(kind, record, lang, state, document)})


def _download(request, kind: str, pk: int):
    """The kept PDF when the record's rows are unchanged; else ask for a build and go back to the record's page."""
    lang = request.GET.get("lang", "km")
    if lang not in LANGUAGES:
        return HttpResponseBadRequest(_("The PDF exists in Khmer (lang=km) and English (lang=en) only."))
    record, province_id = _record(request, kind, pk)
    fingerprint = record_fingerprint(kind, record)
    document = _kept(kind, record, lang, province_id)
    if document is not None and document.is_ready_for(fingerprint):
        return FileResponse(document.file.open("rb"), content_type="application/pdf",
                            filename=RECORDS[kind].filename(record, lang))
    record_document_request(record=record, kind=kind, lang=lang, province_id=province_id, fingerprint=fingerprint)
    return redirect(RECORDS[kind].page(record) + "#documents")


@login_required
@require_GET
def report_pdf(request, pk):
    """An NGO's semester report as a PDF (?lang=km|en, Khmer by default)."""
    return _download(request, RecordKind.REPORT, pk)


@login_required
@require_GET
def meeting_minutes_pdf(request, pk):
    """A meeting's minutes as a PDF (?lang=km|en, Khmer by default)."""
    return _download(request, RecordKind.MINUTES, pk)
