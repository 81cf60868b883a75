"""The PDFs of one record, in the ministry's official form: an NGO's semester report and a meeting's minutes.

The worker builds them (reports/documents.py, like the semester summary) and keeps each one per
record, language and scope until the rows it is made of change: `RECORDS` says, for each kind, which
rows those are, who may print it and how it is drawn. Who may print a record is who may read it (the
record is looked up with `visible_to(user)`, 404 otherwise); the copy is built for the reader's scope
(`scope_of`), so a provincial officer's copy of a report holds the results of their province only,
as on the page, and the minutes name only the NGOs they may see.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.signals import post_delete
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import NGO, Agreement, Department, Indicator, Province, Sector, Village
from reports import meetings
from reports.choices import RecordKind
from reports.history import display_value, report_history
from reports.models import (
    DocumentClosing, IndicatorValue, Meeting, MeetingRecommendation, ProgressReport, RecommendationNote, RecordDocument,
    ReportingPeriod,
)
from reports.pdf import Edition, break_khmer_words, draft_edition, official_context


# ---- An NGO's semester report -------------------------------------------------------------------


def report_document_data(report: ProgressReport, province_id: int | None) -> dict:
    """What the document shows of `report` in a scope (a province's results only, as on the report page)."""
    report = (
        ProgressReport.objects.select_related("ngo", "period", "agreement", "agreement__department")
        .prefetch_related("agreement__provinces", "agreement__sectors").get(pk=report.pk)
    )
    values = list(
        IndicatorValue.objects.in_scope(province_id).filter(report=report)
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
        "partial_view": province_id is not None,
    }


def report_html(report: ProgressReport, province_id: int | None, lang: str) -> str:
    """The report's document, dated today."""
    with translation.override(lang):
        edition = Edition(date=timezone.localdate(), draft=False)
        context = {**report_document_data(report, province_id), **official_context(lang, edition)}
        html = render_to_string("reports/summary_report_pdf.html", context)
    return break_khmer_words(html)


def report_sources(report: ProgressReport) -> list[QuerySet]:
    """Every row the report's document reads."""
    values = IndicatorValue.objects.filter(report=report)
    return [
        ProgressReport.objects.filter(pk=report.pk),
        apps.get_model("reports", "ProgressReportEvent").objects.filter(pgh_obj_id=report.pk),  # its history
        values,
        ReportingPeriod.objects.filter(pk=report.period_id),
        NGO.objects.filter(pk=report.ngo_id),
        Agreement.objects.filter(pk=report.agreement_id),
        Agreement.provinces.through.objects.filter(agreement_id=report.agreement_id),
        Agreement.sectors.through.objects.filter(agreement_id=report.agreement_id),
        Village.objects.filter(pk__in=values.values("village_id")),
        Province.objects.all(),
        Indicator.objects.all(),
        Sector.objects.all(),
        Department.objects.all(),
    ]


# ---- A meeting's minutes ------------------------------------------------------------------------


def recommendations_with_notes() -> QuerySet:
    """Recommendations in their order, each with its progress notes (the meeting page and the minutes)."""
    return MeetingRecommendation.objects.select_related("owner").prefetch_related(
        Prefetch("notes", queryset=RecommendationNote.objects.select_related("written_by").order_by("noted_on", "pk"))
    ).order_by("number")


def minutes_html(meeting: Meeting, province_id: int | None, lang: str) -> str:
    """The minutes of `meeting`, dated the day of the meeting, with the configured closing block; naming
    the NGOs the scope may see."""
    with translation.override(lang):
        closing = draft_edition(lang)
        edition = Edition(date=meeting.held_on, draft=False, presenter_title=closing.presenter_title,
                          presenter_name=closing.presenter_name)
        context = {
            "meeting": meeting, "attendance": meetings.attendance(meeting, NGO.objects.in_scope(province_id)),
            "recommendations": list(recommendations_with_notes().filter(meeting=meeting)),
            **official_context(lang, edition),
        }
        html = render_to_string("reports/meeting_minutes_pdf.html", context)
    return break_khmer_words(html)


def minutes_sources(meeting: Meeting) -> list[QuerySet]:
    """Every row the minutes read (the attending NGOs' agreements decide which a province sees)."""
    attended = NGO.objects.filter(meetings_attended=meeting)
    agreements = Agreement.objects.filter(ngo__in=attended)
    return [
        Meeting.objects.filter(pk=meeting.pk),
        Meeting.ngos.through.objects.filter(meeting_id=meeting.pk),
        Meeting.departments.through.objects.filter(meeting_id=meeting.pk),
        ReportingPeriod.objects.filter(pk=meeting.period_id),
        attended,
        agreements,
        Agreement.provinces.through.objects.filter(agreement__in=agreements),
        MeetingRecommendation.objects.filter(meeting=meeting),
        RecommendationNote.objects.filter(recommendation__meeting=meeting),
        Department.objects.all(),
        Province.objects.all(),
        DocumentClosing.objects.all(),
    ]


# ---- What each kind is --------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    model: type[Model]  # looked up with `visible_to(user)`
    permission: str  # needed to read it, and so to print it
    html: Callable[[Model, int | None, str], str]  # (record, scope, language) -> the document's HTML
    sources: Callable[[Model], list[QuerySet]]  # every row the document reads
    dated_today: bool  # printed with today's date: a new day is a new document
    filename: Callable[[Model, str], str]
    page: Callable[[Model], str]  # where the reader watches it being built


RECORDS: dict[str, Record] = {
    RecordKind.REPORT: Record(
        model=ProgressReport, permission="reports.view_progressreport", html=report_html, sources=report_sources,
        dated_today=True,
        filename=lambda report, lang: f"report-{report.period.code}-{report.ngo_id}-{lang}.pdf",
        page=lambda report: reverse("reports:detail", args=[report.pk]),
    ),
    RecordKind.MINUTES: Record(
        model=Meeting, permission="reports.view_meeting", html=minutes_html, sources=minutes_sources,
        dated_today=False,
        filename=lambda meeting, lang: f"minutes-{meeting.held_on:%Y-%m-%d}-{lang}.pdf",
        page=lambda meeting: meeting.get_absolute_url(),
    ),
}


def forget_documents(sender, instance, **kwargs) -> None:
    """A deleted report or meeting (only the Django admin deletes them) takes its kept PDFs with it."""
    kind = next(kind for kind, spec in RECORDS.items() if spec.model is sender)
    for document in RecordDocument.objects.filter(kind=kind, record_id=instance.pk):
        if document.file:
            storage, name = document.file.storage, document.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        document.delete()


for _spec in RECORDS.values():
    post_delete.connect(forget_documents, sender=_spec.model, dispatch_uid=f"forget documents of {_spec.model.__name__}")
