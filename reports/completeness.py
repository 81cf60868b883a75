"""Who has reported for a semester: expected, received, on time, late and missing reports.

An NGO is expected to report for a period when one of its signed agreements is in force during
it. A report counts as received once submitted (submitted, returned or accepted: a draft does not
count); it is on time when its first submission, as a Phnom Penh date, is on or before the due date.
`period_completeness` builds plain data in a fixed number of queries (seven), whatever the size.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone

from agreements.models import NGO, Agreement, Province, Sector
from reports.choices import ReportStatus
from reports.models import ProgressReport, ReportingPeriod
from reports.services import RECEIVED_STATUSES

# What the completeness page shows of an expected NGO (loaded for thousands of rows).
NGO_FIELDS = ("name_km", "name_en", "acronym", "contact_person", "phone", "email")

# When an NGO has several reports for a period (renewed mid-semester), the most advanced one speaks for it.
_STATUS_RANK = {ReportStatus.ACCEPTED: 3, ReportStatus.SUBMITTED: 2, ReportStatus.RETURNED: 2, ReportStatus.DRAFT: 1}


class AgreementLine(NamedTuple):
    """What the completeness page shows of an NGO's agreement."""

    pk: int
    reference_number: str
    ngo_focal_person: str


class ReportState(NamedTuple):
    """Where an NGO's report for the period stands."""

    pk: int
    status: str
    submitted_at: datetime.datetime | None

    def get_status_display(self) -> str:
        return ReportStatus(self.status).label


@dataclass
class ExpectedReport:
    """One NGO expected to report, and where its report stands."""

    ngo: NGO
    agreement: AgreementLine  # the latest of its agreements in force during the period
    provinces: list[Province]
    sectors: list[Sector]
    report: ReportState | None
    submitted_on: datetime.date | None
    due_date: datetime.date

    @cached_property  # counted in several tallies: worked out once
    def received(self) -> bool:
        return self.report is not None and self.report.status in RECEIVED_STATUSES

    @property
    def has_draft(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.DRAFT

    @cached_property  # counted in several tallies: worked out once
    def on_time(self) -> bool:
        return self.received and self.submitted_on is not None and self.submitted_on <= self.due_date

    @cached_property  # counted in several tallies: worked out once
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
    in_force = Agreement.objects.visible_to(user).in_force_during(period.start, period.end)
    # Thousands of rows at national scale: agreements and reports as plain tuples, NGOs as objects once each.
    by_ngo: dict[int, list[AgreementLine]] = {}
    for pk, ngo_id, reference_number, ngo_focal_person in in_force.order_by("ngo_id", "valid_from").values_list(
            "pk", "ngo_id", "reference_number", "ngo_focal_person"):
        by_ngo.setdefault(ngo_id, []).append(AgreementLine(pk, reference_number, ngo_focal_person))
    ngos = {ngo.pk: ngo for ngo in NGO.objects.filter(pk__in=in_force.values("ngo_id")).only(*NGO_FIELDS)}
    # Which provinces and sectors each agreement covers, as pairs of ids: thousands of agreements
    # would otherwise make tens of thousands of Province and Sector objects (the page's cost at scale).
    province_of = {p.pk: p for p in Province.objects.all()}
    sector_of = {s.pk: s for s in Sector.objects.all()}
    agreement_ids = in_force.values("pk")
    covered_provinces: dict[int, list[int]] = {}
    for agreement_id, province_id in Agreement.provinces.through.objects.filter(
            agreement_id__in=agreement_ids).values_list("agreement_id", "province_id"):
        covered_provinces.setdefault(agreement_id, []).append(province_id)
    covered_sectors: dict[int, list[int]] = {}
    for agreement_id, sector_id in Agreement.sectors.through.objects.filter(
            agreement_id__in=agreement_ids).values_list("agreement_id", "sector_id"):
        covered_sectors.setdefault(agreement_id, []).append(sector_id)

    reports: dict[int, ReportState] = {}
    # Only reports the user may see: a report under another province's agreement neither counts nor shows.
    period_reports = (
        ProgressReport.objects.visible_to(user)
        .filter(period=period, ngo_id__in=in_force.values("ngo_id"))  # a subquery: no 2,000 parameters
        .order_by("pk").values_list("pk", "ngo_id", "status", "submitted_at")
    )
    for pk, ngo_id, status, submitted_at in period_reports:
        report = ReportState(pk, status, submitted_at)
        best = reports.get(ngo_id)
        if best is None or _better(report, best):
            reports[ngo_id] = report

    expected = []
    for ngo_id, ngo_agreements in by_ngo.items():
        provinces = {pk: province_of[pk] for a in ngo_agreements for pk in covered_provinces.get(a.pk, ())}
        sectors = {pk: sector_of[pk] for a in ngo_agreements for pk in covered_sectors.get(a.pk, ())}
        latest = ngo_agreements[-1]
        report = reports.get(ngo_id)
        submitted_on = timezone.localdate(report.submitted_at) if report and report.submitted_at else None
        expected.append(ExpectedReport(
            ngo=ngos[ngo_id], agreement=latest, report=report, submitted_on=submitted_on, due_date=period.due_date,
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
            if province.pk not in provinces:
                provinces[province.pk] = (province, Tally(label=province.name))
            provinces[province.pk][1].count(item)
        for sector in item.sectors:
            if sector.pk not in sectors:
                sectors[sector.pk] = (sector, Tally(label=sector.name))
            sectors[sector.pk][1].count(item)
    return Completeness(
        period=period,
        expected=expected,
        total=total,
        by_province=[t for _p, t in sorted(provinces.values(), key=lambda pair: pair[0].code)],
        by_sector=[t for _s, t in sorted(sectors.values(), key=lambda pair: (pair[0].order, pair[0].code))],
        missing=[item for item in expected if not item.received],
        received=[item for item in expected if item.received],
    )


def _better(report: ReportState, than: ReportState) -> bool:
    """Is `report` more advanced than `than` (or as advanced and submitted earlier)?"""
    rank, other = _STATUS_RANK[report.status], _STATUS_RANK[than.status]
    if rank != other:
        return rank > other
    if report.submitted_at and than.submitted_at:
        return report.submitted_at < than.submitted_at
    return report.submitted_at is not None and than.submitted_at is None
