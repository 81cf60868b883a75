"""Documents built by the worker and kept until the data under them changes: the semester summary's
PDF, workbook, annex and slides, and the PDF of one record (an NGO's report, a meeting's minutes).

A web request never renders a document: it asks for one (`summary_document_request`), which
queues one build per semester, kind, language and scope, however many people ask at once; the
worker (reports/tasks.py) builds it (`summary_document_build`). The file is kept
(`SummaryDocument`, private media storage) and served as long as the data it was built from is
unchanged, so the second person to ask gets it at once.

"Unchanged" is decided by `data_fingerprint(period)`: one query that reads, for every table the
summary reads, the number of rows and the sum of a hash of each row's PostgreSQL version (`xmin`,
the transaction that last wrote the row, and `ctid`, where that version lies), restricted to the
semester and the one before it where the table has a semester. Any insert, update or delete of
such a row (through the ORM, a bulk update, raw SQL or the admin) changes it; no timestamp has to be
kept up to date. (A VACUUM FULL or a restore moves rows: one needless rebuild.) Each
process works it out again only when the data version moved (mrd_ngo/versions.py). It
also holds today's date, printed on the PDF. It covers the whole country: a change anywhere
rebuilds every edition of the semester (simpler, and it cannot miss a change that a province's
edition shows). The worker computes it in the same snapshot as the data it builds from (REPEATABLE
READ), so a file is never labelled newer than its data.

A record's PDF works the same way (`record_document_request`, `record_document_build`, kept as a
`RecordDocument` per record, language and scope); its fingerprint covers the rows that record's
document reads (`RECORDS` in reports/record_pdfs.py). So no web worker ever runs WeasyPrint.
"""
from __future__ import annotations

import datetime
import contextlib
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, DecimalField, Func, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from agreements.models import (
    NGO, Agreement, CoverageRate, Department, Indicator, Province, Sector, Village,
)
from mrd_ngo import versions
from reports import rules
from reports.choices import BuildState, DocumentKind
from reports.models import (
    BuiltDocument, DocumentClosing, IndicatorValue, Lesson, Meeting, MeetingRecommendation, ProgressReport,
    RecommendationNote, RecordDocument, ReportingPeriod, SummaryDocument,
)
from reports.semesters import previous_semester
from reports.summary.data import SUMMARY_FORMAT

logger = logging.getLogger("mrd_ngo.documents")

CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.ANNEX: "application/pdf",
    DocumentKind.SLIDES: "application/pdf",
}


# The edition a user gets is their scope, `mrd_ngo.access.scope_of(user)`: the same rule as `visible_to`.
NATIONAL = None  # the scope of the national edition (no province)


def filename(period: ReportingPeriod, kind: str, lang: str) -> str:
    """The name the file is downloaded under (unchanged from when it was built in the request)."""
    if kind in (DocumentKind.ANNEX, DocumentKind.SLIDES):
        return f"semester-summary-{period.code}-{kind}-{lang}.pdf"
    return f"semester-summary-{period.code}-{lang}.{kind}"


# ---------------------------------------------------------------------------
# What the documents are built from
# ---------------------------------------------------------------------------


def _sources(period: ReportingPeriod) -> list:
    """Querysets of every row the summary of `period` reads (the package reports/summary/)."""
    year, half = previous_semester(period.year, period.half)
    periods = [period.pk, *ReportingPeriod.objects.filter(year=year, half=half).values_list("pk", flat=True)]
    return [
        ReportingPeriod.objects.all(),
        ProgressReport.objects.filter(period__in=periods),
        # Only accepted reports' figures count; a report accepted or sent back changes its own row.
        IndicatorValue.objects.filter(rules.accepted("report__"), report__period__in=periods),
        Agreement.objects.all(),
        Agreement.provinces.through.objects.all(),
        Agreement.sectors.through.objects.all(),
        NGO.objects.all(),
        MeetingRecommendation.objects.all(),
        Meeting.objects.all(),
        RecommendationNote.objects.all(),
        Lesson.objects.filter(report__period__in=periods),
        CoverageRate.objects.all(),
        Province.objects.all(),
        Sector.objects.all(),
        Department.objects.all(),
        Indicator.objects.all(),
        Village.objects.filter(is_model_village=True),
        DocumentClosing.objects.all(),  # the closing block printed on the drafts
    ]


class RowVersion(Func):
    """A hash of a row's version: the transaction that wrote it (xmin) and where it lies (ctid).

    An update writes a new version elsewhere, even within one transaction, so the hash changes.
    """

    template = "hashtextextended(%(table)s.xmin::text || %(table)s.ctid::text, 0)"
    output_field = BigIntegerField()

    def __init__(self, model):
        super().__init__(table=connection.ops.quote_name(model._meta.db_table))


def data_fingerprint(period: ReportingPeriod, *, today: datetime.date | None = None) -> str:
    """A short hash that changes whenever any row under the summary of `period` changes, or the
    summary's form (`SUMMARY_FORMAT`). Worked out again only when the data version moved
    (mrd_ngo/versions.py: one short query): at national scale the sums below read every indicator
    value of two semesters (about 100 ms of PostgreSQL), while the pages ask for it on every view."""
    today = today or timezone.localdate()
    return versions.remember(("summary fingerprint", period.pk, today), lambda: _row_fingerprint(period, today))


def _row_fingerprint(period: ReportingPeriod, today: datetime.date) -> str:
    return rows_fingerprint(_sources(period), f"{SUMMARY_FORMAT}|{today.isoformat()}")


def rows_fingerprint(sources: list, salt: str) -> str:
    """A hash of `salt` and the rows of `sources` (querysets): their number and versions, table by table, in one query."""
    parts = [
        queryset.order_by().annotate(fingerprint_part=Value(number)).values("fingerprint_part")
        .annotate(
            fingerprint_rows=Count("*"),
            fingerprint_version=Coalesce(Sum(RowVersion(queryset.model)), 0, output_field=DecimalField()),
        )
        .values_list("fingerprint_part", "fingerprint_rows", "fingerprint_version")
        for number, queryset in enumerate(sources)
    ]
    rows = sorted(parts[0].union(*parts[1:], all=True))  # one query: UNION ALL of one row per table
    return hashlib.sha256(f"{salt}|{rows}".encode()).hexdigest()


def record_fingerprint(kind: str, record) -> str:
    """The fingerprint of the rows under one record's document (reports/record_pdfs.py), and of today's date
    when the document prints it. Worked out again only when the data version moved."""
    from reports.record_pdfs import RECORDS

    spec = RECORDS[kind]
    today = timezone.localdate().isoformat() if spec.dated_today else ""
    return versions.remember(
        ("record fingerprint", kind, record.pk, today),
        lambda: rows_fingerprint(spec.sources(record), f"{kind}|{today}"),
    )


# ---------------------------------------------------------------------------
# Asking for a document (web request) and building it (worker)
# ---------------------------------------------------------------------------


def document_state(document: BuiltDocument | None, fingerprint: str) -> str:
    """What the person who asks sees: "ready", "queued", "building", "failed" or "idle" (nothing asked)."""
    if document is None:
        return BuildState.IDLE
    if document.is_ready_for(fingerprint):
        return "ready"
    if document.state == BuildState.BUILDING and document.started_at and (
        timezone.now() - document.started_at > datetime.timedelta(seconds=settings.SUMMARY_BUILD_TIMEOUT_SECONDS)
    ):
        return BuildState.FAILED  # the worker died while building: show it failed, so it can be retried
    return document.state


def summary_document_request(
    *, period: ReportingPeriod, kind: str, lang: str, province_id: int | None, fingerprint: str | None = None,
) -> SummaryDocument:
    """Ask for a summary document: queue its build unless it is ready for today's data or already on its way."""
    from reports.tasks import build_summary_document

    key = {"period": period, "kind": kind, "lang": lang, "province_id": province_id}
    return _ask(SummaryDocument, key, fingerprint or data_fingerprint(period), build_summary_document)


def record_document_request(*, record, kind: str, lang: str, province_id: int | None,
                            fingerprint: str | None = None) -> RecordDocument:
    """Ask for one record's PDF (a report, minutes) in a scope: queued unless ready or on its way."""
    from reports.tasks import build_record_document

    key = {"kind": kind, "record_id": record.pk, "lang": lang, "province_id": province_id}
    return _ask(RecordDocument, key, fingerprint or record_fingerprint(kind, record), build_record_document)


def _ask(model, key: dict, fingerprint: str, task):
    """Queue the build of the document of `key` unless it is ready for `fingerprint` or already on its way.

    Concurrent calls for the same document queue one build: the row is created once (unique
    constraint) and locked while its state is read and changed.
    """
    with transaction.atomic():
        model.objects.get_or_create(**key)
        document = model.objects.select_for_update().get(**key)
        state = document_state(document, fingerprint)
        if state in ("ready", BuildState.QUEUED, BuildState.BUILDING):
            return document
        result = task.enqueue(document_id=document.pk)  # same transaction: both or neither
        document.state = BuildState.QUEUED
        document.requested_at = timezone.now()
        document.started_at = None
        document.error = ""
        document.task_id = str(result.id)
        document.save(update_fields=["state", "requested_at", "started_at", "error", "task_id"])
    return document


@contextlib.contextmanager
def _snapshot():
    """A transaction whose reads all see one snapshot (REPEATABLE READ): the fingerprint and the data
    a document is built from agree, so a file is never labelled newer than its data."""
    with transaction.atomic():
        if connection.savepoint_ids == []:  # the outermost transaction (not a test's savepoint)
            with connection.cursor() as cursor:  # must be its first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _render(document: SummaryDocument) -> tuple[bytes, str]:
    """The document's bytes and the fingerprint of the data they come from (read in one snapshot)."""
    from reports.summary import build_national_summary, build_provincial_summary

    period = document.period
    with _snapshot():
        fingerprint = data_fingerprint(period)
        from reports.pdf import draft_edition

        edition = draft_edition(document.lang)  # the closing block, read in the same snapshot
        if document.kind == DocumentKind.ANNEX:
            from reports.summary.narratives import build_annex
            from reports.summary.queries import Scope

            scope = Scope(national=True) if document.province_id is None else Scope(province_id=document.province_id)
            annex = build_annex(period, scope)
        elif document.province_id is None:
            summary = build_national_summary(period)
        else:
            summary = build_provincial_summary(period, province_id=document.province_id)
    if document.kind == DocumentKind.ANNEX:
        from reports.pdf import render_annex_pdf

        return render_annex_pdf(annex, document.lang, edition=edition), fingerprint
    if document.kind == DocumentKind.SLIDES:
        from reports.slides import render_slides_pdf

        return render_slides_pdf(summary, document.lang), fingerprint
    if document.kind == DocumentKind.PDF:
        from reports.pdf import render_summary_pdf

        return render_summary_pdf(summary, document.lang, edition=edition), fingerprint
    from reports.summary_xlsx import summary_workbook

    with translation.override(document.lang):
        return summary_workbook(summary, document.lang), fingerprint


def _render_record(document: RecordDocument) -> tuple[bytes, str]:
    """A record's PDF and the fingerprint of the rows it comes from (read in one snapshot)."""
    from reports.pdf import render_pdf
    from reports.record_pdfs import RECORDS

    spec = RECORDS[document.kind]
    with _snapshot():
        record = spec.model.objects.get(pk=document.record_id)
        fingerprint = record_fingerprint(document.kind, record)
        html = spec.html(record, document.province_id, document.lang)
    return render_pdf(html, document.lang), fingerprint


def summary_document_build(*, document_id: int) -> str:
    """Build a summary document (in the worker) and keep it; see `_build`."""
    def stem(document):
        return f"{document.period.code}-{document.kind}-{document.lang}-{document.province_id or 'national'}"

    def ask_again(document):
        if data_fingerprint(document.period) != document.fingerprint:
            summary_document_request(
                period=document.period, kind=document.kind, lang=document.lang, province_id=document.province_id,
            )
            return True
        return False

    extension = {kind: "pdf" if DocumentKind(kind).is_pdf else kind for kind in DocumentKind.values}
    return _build(SummaryDocument.objects.select_related("period"), document_id, render=_render, stem=stem,
                  extension=lambda document: extension[document.kind], ask_again=ask_again)


def record_document_build(*, document_id: int) -> str:
    """Build one record's PDF (in the worker) and keep it; see `_build`."""
    from reports.record_pdfs import RECORDS

    def ask_again(document):
        record = RECORDS[document.kind].model.objects.get(pk=document.record_id)
        if record_fingerprint(document.kind, record) != document.fingerprint:
            record_document_request(record=record, kind=document.kind, lang=document.lang,
                                    province_id=document.province_id)
            return True
        return False

    return _build(RecordDocument.objects, document_id, render=_render_record,
                  stem=lambda d: f"{d.kind}-{d.record_id}-{d.lang}-{d.province_id or 'national'}",
                  extension=lambda d: "pdf", ask_again=ask_again)


def _build(documents, document_id: int, *, render, stem, extension, ask_again) -> str:
    """Build the document (in the worker), keep the file, and queue one more build if the data moved meanwhile.

    Returns the state it leaves. A failure is recorded on the document (shown with a retry button)
    and raised again so the task's own record shows it too.
    """
    with transaction.atomic():
        document = documents.select_for_update().get(pk=document_id)
        document.state = BuildState.BUILDING
        document.started_at = timezone.now()
        document.save(update_fields=["state", "started_at"])
    started = time.monotonic()
    try:
        content, fingerprint = render(document)
    except Exception as error:
        logger.exception("building %s failed", document)
        documents.filter(pk=document_id).update(
            state=BuildState.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    seconds = time.monotonic() - started
    with transaction.atomic():
        document = documents.select_for_update().get(pk=document_id)
        old_name = document.file.name if document.file else None
        document.file.save(f"{stem(document)}-{uuid.uuid4().hex}.{extension(document)}", ContentFile(content), save=False)
        document.fingerprint = fingerprint
        document.built_at = timezone.now()
        document.build_seconds = seconds
        document.state = BuildState.IDLE
        document.error = ""
        document.save()
        if old_name:
            storage, stale = document.file.storage, old_name
            transaction.on_commit(lambda: storage.delete(stale))
    logger.info("built %s in %.1f s", document, seconds)
    if ask_again(document):
        # Someone changed the data while it was being built: whoever asked wants today's figures.
        return BuildState.QUEUED
    return "ready"
