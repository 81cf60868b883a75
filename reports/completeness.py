"""Who has reported for a semester: expected, received, on time, late and missing reports.

The rules (expected, received, on time, late, the agreement a report is filed under) are those of
reports/rules.py; an NGO files one report per semester, so each expected NGO has one report or none.
`period_completeness` counts in a fixed number of queries (seven), whatever the size, from plain tuples;
the NGOs of the rows a page shows are read when shown (one query per list).
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import get_language

from agreements.models import NGO, Agreement, Province, Sector
from mrd_ngo import versions
from mrd_ngo.access import NoAccess, scope_of
from mrd_ngo.khmer import name_sort_key
from reports import rules
from reports.choices import ReportStatus
from reports.models import ProgressReport, ReportingPeriod

# What the completeness page shows of an expected NGO (loaded for thousands of rows).
NGO_FIELDS = ("name_km", "name_en", "acronym", "contact_person", "phone", "email")


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
    agreement: AgreementLine  # its latest visible agreement in force: the one its report is filed under when visible
    provinces: list[Province]
    sectors: list[Sector]
    report: ReportState | None
    submitted_on: datetime.date | None
    due_date: datetime.date

    @cached_property  # counted in several tallies: worked out once
    def received(self) -> bool:
        return self.report is not None and rules.is_received(self.report.status)

    @property
    def has_draft(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.DRAFT

    @cached_property  # counted in several tallies: worked out once
    def on_time(self) -> bool:
        return self.report is not None and rules.is_on_time(self.report.status, self.report.submitted_at, self.due_date)

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
    code: str = ""  # a province's or sector's code (the map of the provinces reads a province's tally by it)

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
    expected: Sequence[ExpectedReport]
    total: Tally
    by_province: list[Tally]
    by_sector: list[Tally]
    missing: Sequence[ExpectedReport] = field(default_factory=list)
    received: Sequence[ExpectedReport] = field(default_factory=list)


class _Row(NamedTuple):
    """One expected NGO as counted: ids and flags only (thousands at national scale, built cheaply)."""

    ngo_id: int
    sort_key: tuple
    agreement: AgreementLine
    province_ids: tuple[int, ...]
    sector_ids: tuple[int, ...]
    report: ReportState | None
    received: bool
    on_time: bool


class ExpectedReports(Sequence):
    """Expected NGOs in name order, each shown as an `ExpectedReport`: its NGO is read only when the row is.

    The page shows one page of each list (mrd_ngo/paging.py slices it): one query for the NGOs of
    that page, not thousands of NGO objects for the tallies.
    """

    def __init__(self, rows: list[_Row], *, due_date, province_of: dict, sector_of: dict):
        self._rows = rows
        self._due_date = due_date
        self._province_of = province_of
        self._sector_of = sector_of

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._shown(self._rows[index])
        return self._shown([self._rows[index]])[0]

    def __iter__(self):
        return iter(self._shown(self._rows))

    def _shown(self, rows: list[_Row]) -> list[ExpectedReport]:
        ngos = NGO.objects.only(*NGO_FIELDS).in_bulk([row.ngo_id for row in rows]) if rows else {}
        return [
            ExpectedReport(
                ngo=ngos[row.ngo_id], agreement=row.agreement, report=row.report, due_date=self._due_date,
                submitted_on=timezone.localdate(row.report.submitted_at) if row.report and row.report.submitted_at else None,
                provinces=sorted((self._province_of[pk] for pk in row.province_ids), key=lambda p: p.code),
                sectors=sorted((self._sector_of[pk] for pk in row.sector_ids), key=lambda s: (s.order, s.code)),
            )
            for row in rows
        ]


def period_completeness(period: ReportingPeriod, user, *, province_id: int | None = None) -> Completeness:
    """Expected, received, on-time, late and missing reports of `period` among what `user` may see.

    `province_id`: one province's, as its provincial officers see them (the province page, reports/province_views.py).
    Kept per semester, edition (`scope_of`, the rule of `visible_to`, or the province asked for) and
    language (the name order) until the data version moves (mrd_ngo/versions.py): the completeness
    page, the province pages and the home pages ask for it on every view, and at national scale it
    reads thousands of rows.
    """
    try:
        scope = scope_of(user)
    except NoAccess:
        return _completeness(period, user, province_id)  # sees nothing: nothing worth keeping
    if province_id is not None and scope is not None and scope != province_id:
        return _completeness(period, user, province_id)  # not an edition anyone else gets
    edition = scope if province_id is None else province_id
    return versions.remember(("completeness", period.pk, edition, get_language()),
                             lambda: _completeness(period, user, province_id))


def _completeness(period: ReportingPeriod, user, province_id: int | None) -> Completeness:
    agreements, reports_seen = Agreement.objects.visible_to(user), ProgressReport.objects.visible_to(user)
    if province_id is not None:
        agreements = agreements.filter(agreements.in_province(province_id))
        reports_seen = reports_seen.filter(reports_seen.in_province(province_id))
    in_force = agreements.in_force_during(period.start, period.end)
    # Thousands of rows at national scale: everything counted is read as plain tuples; NGOs as objects
    # only for the rows a page shows (ExpectedReports).
    by_ngo: dict[int, list[AgreementLine]] = {}
    for pk, ngo_id, reference_number, ngo_focal_person in in_force.order_by("ngo_id", "valid_from").values_list(
            "pk", "ngo_id", "reference_number", "ngo_focal_person"):
        by_ngo.setdefault(ngo_id, []).append(AgreementLine(pk, reference_number, ngo_focal_person))
    sort_keys = {  # Khmer dictionary order on Khmer pages, English names on English ones
        pk: name_sort_key(name_km, name_en)
        for pk, name_en, name_km in NGO.objects.filter(pk__in=in_force.values("ngo_id")).values_list("pk", "name_en", "name_km")
    }
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

    # Only reports the user may see: a report under another province's agreement neither counts nor shows.
    reports: dict[int, ReportState] = {
        ngo_id: ReportState(pk, status, submitted_at)
        for pk, ngo_id, status, submitted_at in (
            reports_seen
            .filter(period=period, ngo_id__in=in_force.values("ngo_id"))  # a subquery: no 2,000 parameters
            .values_list("pk", "ngo_id", "status", "submitted_at")
        )
    }  # one per NGO and semester (the database says so)

    rows = []
    for ngo_id, ngo_agreements in by_ngo.items():
        report = reports.get(ngo_id)
        rows.append(_Row(
            # Ordered by valid_from, never overlapping: the last is the one its report is filed under
            # (rules.agreement_for_report).
            ngo_id, sort_keys[ngo_id], ngo_agreements[-1],
            tuple(dict.fromkeys(pk for a in ngo_agreements for pk in covered_provinces.get(a.pk, ()))),
            tuple(dict.fromkeys(pk for a in ngo_agreements for pk in covered_sectors.get(a.pk, ()))),
            report, report is not None and rules.is_received(report.status),
            report is not None and rules.is_on_time(report.status, report.submitted_at, period.due_date),
        ))
    rows.sort(key=lambda row: row.sort_key)

    # The tallies: [expected, received, on time] per province and sector (late = received - on time).
    total = [0, 0, 0]
    by_province: dict[int, list[int]] = {}
    by_sector: dict[int, list[int]] = {}
    for row in rows:
        counts = (1, row.received, row.on_time)
        for tally in (total, *(by_province.setdefault(pk, [0, 0, 0]) for pk in row.province_ids),
                      *(by_sector.setdefault(pk, [0, 0, 0]) for pk in row.sector_ids)):
            tally[0] += counts[0]
            tally[1] += counts[1]
            tally[2] += counts[2]

    def tally(label, counts, code="") -> Tally:
        expected, received, on_time = counts
        return Tally(label=label, expected=expected, received=received, on_time=on_time, late=received - on_time,
                     code=code)

    def expected_reports(selected: list[_Row]) -> ExpectedReports:
        return ExpectedReports(selected, due_date=period.due_date, province_of=province_of, sector_of=sector_of)

    provinces = sorted((province_of[pk] for pk in by_province), key=lambda p: p.code)
    sectors = sorted((sector_of[pk] for pk in by_sector), key=lambda s: (s.order, s.code))
    return Completeness(
        period=period,
        expected=expected_reports(rows),
        total=tally("", total),
        by_province=[tally(p.name, by_province[p.pk], p.code) for p in provinces],
        by_sector=[tally(s.name, by_sector[s.pk], s.code) for s in sectors],
        missing=expected_reports([row for row in rows if not row.received]),
        received=expected_reports([row for row in rows if row.received]),
    )

