"""Who has reported for a semester: expected, received, on time, late and missing reports.

An NGO is expected to report for a period when one of its signed agreements is in force during
it. A report counts as received once submitted (submitted, returned or accepted: a draft does not
count); it is on time when its first submission, as a Phnom Penh date, is on or before the due date.
`period_completeness` builds plain data in a fixed number of queries (four), whatever the size.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from agreements.models import NGO, Agreement, Province, Sector
from reports.choices import ReportStatus
from reports.models import ProgressReport, ReportingPeriod
from reports.services import RECEIVED_STATUSES

# When an NGO has several reports for a period (renewed mid-semester), the most advanced one speaks for it.
_STATUS_RANK = {ReportStatus.ACCEPTED: 3, ReportStatus.SUBMITTED: 2, ReportStatus.RETURNED: 2, ReportStatus.DRAFT: 1}


@dataclass
class ExpectedReport:
    """One NGO expected to report, and where its report stands."""

    ngo: NGO
    agreement: Agreement  # the latest of its agreements in force during the period
    provinces: list[Province]
    sectors: list[Sector]
    report: ProgressReport | None
    submitted_on: datetime.date | None
    due_date: datetime.date

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.status in RECEIVED_STATUSES

    @property
    def has_draft(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.DRAFT

    @property
    def on_time(self) -> bool:
        return self.received and self.submitted_on is not None and self.submitted_on <= self.due_date

    @property
    def late(self) -> bool:
        return self.received and not self.on_time


@dataclass
class Tally:
    """Counts for the whole period, one province or one sector."""

    label: str = ""
    expected: int = 0
    received: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def received_pct(self) -> int | None:
        """Share of expected reports received, in whole percent (None when nothing is expected)."""
        return round(100 * self.received / self.expected) if self.expected else None

    @property
    def on_time_pct(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None

    def count(self, item: ExpectedReport) -> None:
        self.expected += 1
        self.received += item.received
        self.on_time += item.on_time
        self.late += item.late


@dataclass
class Completeness:
    """The completeness of one period as seen by one user."""

    period: ReportingPeriod
    expected: list[ExpectedReport]
    total: Tally
    by_province: list[Tally]
    by_sector: list[Tally]
    missing: list[ExpectedReport] = field(default_factory=list)
    received: list[ExpectedReport] = field(default_factory=list)


def period_completeness(period: ReportingPeriod, user) -> Completeness:
    """Expected, received, on-time, late and missing reports of `period` among what `user` may see."""
    agreements = list(
        Agreement.objects.visible_to(user).in_force_during(period.start, period.end)
        .select_related("ngo").prefetch_related("provinces", "sectors").order_by("ngo_id", "valid_from")
    )
    by_ngo: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_ngo.setdefault(agreement.ngo_id, []).append(agreement)

    reports: dict[int, ProgressReport] = {}
    # Only reports the user may see: a report under another province's agreement neither counts nor shows.
    for report in ProgressReport.objects.visible_to(user).filter(period=period, ngo_id__in=list(by_ngo)).order_by("pk"):
        best = reports.get(report.ngo_id)
        if best is None or _better(report, best):
            reports[report.ngo_id] = report

    expected = []
    for ngo_agreements in by_ngo.values():
        provinces = {p.pk: p for a in ngo_agreements for p in a.provinces.all()}
        sectors = {s.pk: s for a in ngo_agreements for s in a.sectors.all()}
        latest = ngo_agreements[-1]
        report = reports.get(latest.ngo_id)
        submitted_on = timezone.localdate(report.submitted_at) if report and report.submitted_at else None
        expected.append(ExpectedReport(
            ngo=latest.ngo, agreement=latest, report=report, submitted_on=submitted_on, due_date=period.due_date,
            provinces=sorted(provinces.values(), key=lambda p: p.code),
            sectors=sorted(sectors.values(), key=lambda s: (s.order, s.code)),
        ))
    expected.sort(key=lambda item: (item.ngo.name_en or item.ngo.name_km).casefold())

    total = Tally()
    provinces: dict[int, tuple[Province, Tally]] = {}
    sectors: dict[int, tuple[Sector, Tally]] = {}
    for item in expected:
        total.count(item)
        for province in item.provinces:
            provinces.setdefault(province.pk, (province, Tally(label=province.name)))[1].count(item)
        for sector in item.sectors:
            sectors.setdefault(sector.pk, (sector, Tally(label=sector.name)))[1].count(item)
    return Completeness(
        period=period,
        expected=expected,
        total=total,
        by_province=[t for _p, t in sorted(provinces.values(), key=lambda pair: pair[0].code)],
        by_sector=[t for _s, t in sorted(sectors.values(), key=lambda pair: (pair[0].order, pair[0].code))],
        missing=[item for item in expected if not item.received],
        received=[item for item in expected if item.received],
    )


def _better(report: ProgressReport, than: ProgressReport) -> bool:
    """Is `report` more advanced than `than` (or as advanced and submitted earlier)?"""
    rank, other = _STATUS_RANK[report.status], _STATUS_RANK[than.status]
    if rank != other:
        return rank > other
    if report.submitted_at and than.submitted_at:
        return report.submitted_at < than.submitted_at
    return report.submitted_at is not None and than.submitted_at is None
