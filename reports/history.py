"""What happened to a progress report: its history (from pghistory events) and, when two people
edit it at once, what the other person changed. Plain data, every query evaluated here."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mrd_ngo.history import event_user_id, users_by_id
from mrd_ngo.khmer import EMPTY, format_number, khmer_digits
from reports.choices import ReportStatus
from reports.models import IndicatorValue, ProgressReport
from reports.content import CONTENT_FIELDS, ReportContent

# Fields whose change the history names (the workflow fields are told by the action itself).
HISTORY_FIELDS = CONTENT_FIELDS


def _event_model():
    return apps.get_model("reports", "ProgressReportEvent")


def _label(name: str) -> str:
    return str(ProgressReport._meta.get_field(name).verbose_name)


def display_value(value) -> str:
    """A field value as a person reads it in the active language."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Decimal):
        return format_number(value, get_language(), decimals=0 if value == value.to_integral_value() else 2)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, get_language())
    return Truncator(str(value)).chars(300)


def time_label(moment: datetime.datetime | None) -> str:
    """Hours and minutes in Phnom Penh, in Khmer digits on Khmer pages."""
    if moment is None:
        return ""
    text = timezone.localtime(moment).strftime("%H:%M")
    return khmer_digits(text) if (get_language() or "").startswith("km") else text


@dataclass
class HistoryEntry:
    """One thing that happened to a report."""

    at: datetime.datetime
    user: object | None
    action: str
    status: str
    changed: list[str] = field(default_factory=list)
    results_changed: bool = False
    comment: str = ""

    @property
    def time(self) -> str:
        return time_label(self.at)


def report_history(report: ProgressReport) -> list[HistoryEntry]:
    """Who did what to `report` and when, newest first (two queries)."""
    events = list(
        _event_model().objects.filter(pgh_obj_id=report.pk).select_related("pgh_context").order_by("pgh_id")
    )
    users = users_by_id(event_user_id(e) for e in events)
    entries, previous = [], None
    for event in events:
        metadata = (event.pgh_context.metadata if event.pgh_context else None) or {}
        user = users.get(event_user_id(event))
        imported = str(metadata.get("source", "")).startswith("import")
        entry = HistoryEntry(at=event.pgh_created_at, user=user, action="", status=event.status)
        if event.pgh_label == "insert" or previous is None:
            entry.action = _("Imported from a spreadsheet") if imported else _("Created")
        elif event.status != previous.status:
            entry.action = {
                ReportStatus.SUBMITTED: _("Resubmitted") if previous.status == ReportStatus.RETURNED else _("Submitted"),
                ReportStatus.RETURNED: _("Returned for corrections"),
                ReportStatus.ACCEPTED: _("Accepted"),
                ReportStatus.DRAFT: _("Back to draft"),
            }.get(event.status, event.status)
            if event.status == ReportStatus.RETURNED:
                entry.comment = event.review_comment
        else:
            entry.action = _("Updated from a spreadsheet") if imported else _("Edited")
            entry.changed = [_label(name) for name in HISTORY_FIELDS if getattr(event, name) != getattr(previous, name)]
            # The request's context is shared by all its events (a save then a submit): only an
            # edit says whether the results changed.
            entry.results_changed = bool(metadata.get("results_changed"))
        entries.append(entry)
        previous = event
    entries.reverse()
    return entries


@dataclass
class Change:
    """One thing that differs: its label, the value now saved (theirs) and the value typed (yours)."""

    label: str
    theirs: str
    yours: str


@dataclass
class Conflict:
    """What the other person changed since the version someone started from."""

    changed_by: object | None
    changed_at: datetime.datetime | None
    fields: list[Change]
    rows: list[Change]

    @property
    def time(self) -> str:
        return time_label(self.changed_at)


def _row_label(indicator, province, village) -> str:
    parts = [indicator.name, province.name]
    if village:
        parts.append(village.name)
    return " · ".join(parts)


def _row_value(value, female) -> str:
    if value is None:
        return EMPTY
    text = display_value(value)
    if female is not None:
        text = _("%(total)s (of which female %(female)s)") % {"total": text, "female": display_value(female)}
    return text


def conflict_changes(current: ProgressReport, version: int, yours: ReportContent, scope: int | None) -> Conflict:
    """Fields the other person changed since `version` (theirs vs yours), and results that differ."""
    events = _event_model().objects.filter(pgh_obj_id=current.pk).select_related("pgh_context")
    started_from = events.filter(version=version).order_by("-pgh_id").first()
    latest = events.order_by("-pgh_id").first()
    fields = []
    for name in CONTENT_FIELDS + ("status",):
        theirs = getattr(current, name)
        mine = yours.fields.get(name, getattr(started_from, name, theirs)) if name != "status" else theirs
        # Without the version they started from, show every field where the two differ.
        changed = getattr(started_from, name) != theirs if started_from is not None else theirs != mine
        if changed:
            if name == "status":
                fields.append(Change(_label(name), current.get_status_display(),
                                     ReportStatus(started_from.status).label if started_from else EMPTY))
            else:
                fields.append(Change(_label(name), display_value(theirs), display_value(mine)))

    saved = IndicatorValue.objects.filter(report=current).select_related("indicator", "province", "village")
    if scope is not None:
        saved = saved.filter(province_id=scope)
    theirs_rows = {(v.indicator_id, v.province_id, v.village_id): v for v in saved}
    yours_rows = {row.key: row for row in yours.rows}
    rows = []
    for key in list(theirs_rows) + [k for k in yours_rows if k not in theirs_rows]:
        t, y = theirs_rows.get(key), yours_rows.get(key)
        t_pair = (t.value, t.female_value) if t else (None, None)
        y_pair = (y.value, y.female_value) if y else (None, None)
        if t_pair != y_pair:
            any_row = t or y
            rows.append(Change(_row_label(any_row.indicator, any_row.province, any_row.village),
                               _row_value(*t_pair), _row_value(*y_pair)))

    changed_by = None
    if latest is not None and event_user_id(latest):
        changed_by = users_by_id([event_user_id(latest)]).get(event_user_id(latest))
    return Conflict(changed_by=changed_by, changed_at=latest.pgh_created_at if latest else None, fields=fields, rows=rows)
