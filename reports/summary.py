"""The consolidated semester summary, built once into plain data for the page, the PDF and the workbook.

`build_summary(period, user=...)` runs every query (a fixed number, about 30, whatever the number of
NGOs, agreements or reports) and returns frozen dataclasses; rendering never touches the database.
Names are kept in both languages (`Name`) and labels are lazy, so one summary renders in Khmer and
in English. Everything starts from `visible_to(user)`: a provincial officer's summary covers their
province only; `build_national_summary` (the management command) covers the whole country.

Definitions (the page states them too):
- expected: NGOs with a signed agreement in force for at least one day of the semester;
- received: expected NGOs with a report submitted (submitted, returned or accepted); accepted: with an
  accepted report; on time: first submitted (Phnom Penh date) on or before the period's due date;
- figures (budget, beneficiaries, results) come from ACCEPTED reports only;
- a report's budget is shared evenly across the provinces and sectors its agreement covers (reports
  hold one budget, not one per province), so the by-province and by-sector budgets add up to the total;
- a province (model village) is reached when an accepted report records a result above zero there.
"""
from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementStatus
from agreements.models import Agreement, CoverageRate, Indicator, Province, Sector, Village
from mrd_ngo.khmer import khmer_digits
from mrd_ngo.roles import NATIONAL_ROLES, Role, user_province_id, user_role
from reports.choices import RecommendationStatus, ReportStatus
from reports.models import IndicatorValue, MeetingRecommendation, ProgressReport, ReportingPeriod
from reports.semesters import next_semester, previous_semester, semester_bounds

#: Sectors of recommendation 3 (clean water and sanitation), compared with coverage rates.
WASH_SECTORS = ("rural-water-supply", "rural-sanitation")
RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)
ZERO = Decimal(0)
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------
# The plain data the templates and the workbook render
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A name in Khmer and English; `str()` gives the active language's, else the other."""

    km: str
    en: str

    def __str__(self) -> str:
        first, second = (self.en, self.km) if (get_language() or "").startswith("en") else (self.km, self.en)
        return first or second

    @property
    def sort_key(self) -> str:
        return (self.en or self.km).casefold()


@dataclass(frozen=True)
class Semester:
    """A reporting period as plain data (the `|semester` filter reads `year` and `half`)."""

    code: str
    year: int
    half: int
    start: datetime.date
    end: datetime.date
    due_date: datetime.date | None


@dataclass(frozen=True)
class Change:
    """A figure this semester next to the same figure the semester before (None: not known)."""

    current: Decimal | int | None
    previous: Decimal | int | None

    @property
    def difference(self):
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        """Change in percent of the previous value; None when there is nothing to compare with."""
        if self.current is None or not self.previous:
            return None
        return (Decimal(self.current) - Decimal(self.previous)) * 100 / Decimal(self.previous)


@dataclass(frozen=True)
class FigureRow:
    """One headline figure with its label, for the headline table and the change table."""

    key: str
    label: str  # lazy
    change: Change
    decimals: int = 0

    @property
    def value(self):
        return self.change.current


@dataclass(frozen=True)
class Headline:
    """Section 1: headline figures of one semester."""

    ngos_in_force: int
    reports_expected: int
    reports_received: int
    reports_accepted: int
    reports_on_time: int
    reports_awaiting: int  # received but not accepted yet
    reports_missing: int  # not received (no report, or a draft only)
    budget_planned: Decimal
    budget_spent: Decimal
    beneficiaries_total: int
    beneficiaries_female: int
    provinces_reached: int
    model_villages_reached: int

    @property
    def not_accepted(self) -> int:
        return self.reports_awaiting + self.reports_missing

    @property
    def female_share(self) -> Decimal | None:
        return _percent(self.beneficiaries_female, self.beneficiaries_total)

    @property
    def spent_share(self) -> Decimal | None:
        return _percent(self.budget_spent, self.budget_planned)

    @property
    def received_share(self) -> Decimal | None:
        return _percent(self.reports_received, self.reports_expected)


@dataclass(frozen=True)
class ReportGap:
    """An expected NGO whose report is not accepted yet, and where it stands."""

    ngo: Name
    state: str  # a ReportStatus value, or "missing"

    @property
    def state_label(self) -> str:
        return _("No report") if self.state == "missing" else ReportStatus(self.state).label


@dataclass(frozen=True)
class IndicatorHeading:
    """An indicator as a column heading: name and unit."""

    code: str
    name: Name
    unit: Name


@dataclass(frozen=True)
class IndicatorResult:
    """Section 2: one indicator's total over accepted reports, with the female share where disaggregated."""

    heading: IndicatorHeading
    disaggregated: bool
    total: Decimal
    female: Decimal | None
    female_base: Decimal  # the part of `total` whose female figure was reported
    ngos: int
    provinces: int
    previous_total: Decimal | None

    @property
    def female_share(self) -> Decimal | None:
        return _percent(self.female, self.female_base) if self.disaggregated else None

    @property
    def change(self) -> Change:
        return Change(self.total, self.previous_total)


@dataclass(frozen=True)
class SectorResult:
    """Section 2 (and 9): one sector's NGOs, budget share and indicator results."""

    code: str
    name: Name
    ngos: int
    reports: int
    budget_planned: Decimal
    budget_spent: Decimal
    indicators: tuple[IndicatorResult, ...]
    previous_ngos: int | None
    previous_budget_spent: Decimal | None

    @property
    def ngos_change(self) -> Change:
        return Change(self.ngos, self.previous_ngos)

    @property
    def budget_change(self) -> Change:
        return Change(self.budget_spent, self.previous_budget_spent)


@dataclass(frozen=True)
class ProvinceRow:
    """Section 3: one province (a row always, even with nothing)."""

    code: str
    name: Name
    ngos_active: int
    budget_planned: Decimal
    budget_spent: Decimal
    key_results: tuple[Decimal, ...]  # in the order of SemesterSummary.key_indicators
    model_villages_reached: int
    planned_bar: str  # bar lengths for the chart, in % of the largest planned budget ("12.50")
    spent_bar: str

    @property
    def has_activity(self) -> bool:
        return bool(self.ngos_active or self.budget_planned or any(self.key_results))


@dataclass(frozen=True)
class VillageResult:
    indicator: Name
    unit: Name
    value: Decimal


@dataclass(frozen=True)
class VillageContribution:
    """What one NGO achieved in one model village."""

    ngo: Name
    results: tuple[VillageResult, ...]


@dataclass(frozen=True)
class ModelVillageRow:
    """Section 4: a model village and the NGOs that contributed there."""

    province: Name
    village: Name
    contributions: tuple[VillageContribution, ...]


@dataclass(frozen=True)
class CoverageRow:
    """Section 5: a province's water and sanitation coverage next to NGO work there."""

    province: Name
    year: int | None
    water_pct: Decimal | None
    sanitation_pct: Decimal | None
    is_demonstration: bool
    wash_ngos: int
    wash_budget_spent: Decimal
    wash_results: tuple[Decimal, ...]  # in the order of SemesterSummary.wash_indicators
    is_gap: bool  # coverage below the provinces' median and NGO water/sanitation budget not above theirs

    @property
    def year_text(self) -> str:
        """The year without thousands separator, in Khmer digits on a Khmer page."""
        if self.year is None:
            return ""
        return khmer_digits(self.year) if (get_language() or "km").startswith("km") else str(self.year)

    @property
    def lowest_pct(self) -> Decimal | None:
        rates = [r for r in (self.water_pct, self.sanitation_pct) if r is not None]
        return min(rates) if rates else None


@dataclass(frozen=True)
class Experience:
    """Section 6: one accepted report's challenges and lessons learned."""

    ngo: Name
    challenges: str
    lessons_learned: str


@dataclass(frozen=True)
class SectorExperiences:
    sector: Name | None  # None: agreements without a sector
    experiences: tuple[Experience, ...]


@dataclass(frozen=True)
class AgreementRow:
    """Section 7: an agreement in one of the lists."""

    ngo: Name
    reference_number: str
    signed_on: datetime.date | None
    valid_from: datetime.date
    valid_to: datetime.date
    department: Name | None
    sectors: tuple[Name, ...]
    renews_reference: str
    is_new_partner: bool


@dataclass(frozen=True)
class AgreementLists:
    """Section 7, as of the end of the semester."""

    as_of: datetime.date
    expiring_until: datetime.date
    expired_not_renewed: tuple[AgreementRow, ...]
    expiring: tuple[AgreementRow, ...]
    renewed: tuple[AgreementRow, ...]
    new: tuple[AgreementRow, ...]


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    text: Name
    status: str  # a RecommendationStatus value

    follow_up_notes: str

    @property
    def status_label(self) -> str:
        return RecommendationStatus(self.status).label


@dataclass(frozen=True)
class RecommendationGroup:
    """Section 8: the recommendations of one meeting and their follow-up."""

    semester: Semester
    meeting_date: datetime.date
    recommendations: tuple[RecommendationRow, ...]


@dataclass(frozen=True)
class SemesterSummary:
    """Everything the page, the PDF and the workbook show, already computed."""

    period: Semester
    previous_period: Semester | None
    scope: Name | None  # the province of a provincial summary; None for the national one
    provinces_in_scope: int
    built_at: datetime.datetime
    headline: Headline
    previous_headline: Headline | None
    figures: tuple[FigureRow, ...]
    gaps: tuple[ReportGap, ...]
    sectors: tuple[SectorResult, ...]
    key_indicators: tuple[IndicatorHeading, ...]
    provinces: tuple[ProvinceRow, ...]
    budget_without_province: Decimal
    model_villages: tuple[ModelVillageRow, ...]
    model_villages_known: int
    wash_indicators: tuple[IndicatorHeading, ...]
    coverage: tuple[CoverageRow, ...]
    coverage_is_demonstration: bool
    coverage_sources: tuple[str, ...]
    experiences: tuple[SectorExperiences, ...]
    agreements: AgreementLists
    recommendations: tuple[RecommendationGroup, ...]

    @property
    def is_national(self) -> bool:
        return self.scope is None


# ---------------------------------------------------------------------------
# Building it
# ---------------------------------------------------------------------------


class _Scope:
    """Whose summary: every query goes through `restrict(queryset)` (visible_to, or all for the nation).

    A scope is a user's (what `visible_to(user)` allows), the whole country, or one province (the
    provincial edition the worker builds with no user at hand: the same rows `visible_to` gives a
    provincial officer of that province).
    """

    def __init__(self, user=None, national: bool = False, province_id: int | None = None):
        self.user = user
        self.national = national
        self.province_id = province_id

    def restrict(self, queryset):
        if self.province_id is not None:
            return queryset.filter(queryset.in_province(self.province_id))
        return queryset if self.national else queryset.visible_to(self.user)

    def province_ids(self, all_ids: list[int]) -> list[int]:
        """Provinces the summary covers: all for national roles, one for a provincial officer, none otherwise."""
        if self.province_id is not None:
            return [self.province_id] if self.province_id in all_ids else []
        if self.national:
            return all_ids
        role = user_role(self.user)
        if role in NATIONAL_ROLES:
            return all_ids
        if role == Role.PROVINCIAL_OFFICER:
            province_id = user_province_id(self.user)
            return [province_id] if province_id in all_ids else []
        return []

    @property
    def is_provincial(self) -> bool:
        return self.province_id is not None or (not self.national and user_role(self.user) == Role.PROVINCIAL_OFFICER)


def build_summary(period: ReportingPeriod, *, user) -> SemesterSummary:
    """The summary of `period` as `user` may see it (a provincial officer: their province)."""
    return _build(period, _Scope(user=user))


def build_national_summary(period: ReportingPeriod) -> SemesterSummary:
    """The national summary of `period` (for the management command; no user, no restriction)."""
    return _build(period, _Scope(national=True))


def build_provincial_summary(period: ReportingPeriod, *, province_id: int) -> SemesterSummary:
    """One province's edition of `period` (what its provincial officers see; built by the worker)."""
    return _build(period, _Scope(province_id=province_id))


def _semester(period: ReportingPeriod) -> Semester:
    return Semester(period.code, period.year, period.half, period.start, period.end, period.due_date)


def _name(row: dict, prefix: str) -> Name:
    return Name(row[f"{prefix}name_km"] or "", row[f"{prefix}name_en"] or "")


def _percent(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def _median(values) -> Decimal:
    values = list(values)
    return Decimal(statistics.median(values)) if values else ZERO


def _build(period: ReportingPeriod, scope: _Scope) -> SemesterSummary:
    year, half = previous_semester(period.year, period.half)
    previous = ReportingPeriod.objects.filter(year=year, half=half).first()

    provinces = list(Province.objects.values("id", "code", "name_km", "name_en"))
    in_scope = set(scope.province_ids([p["id"] for p in provinces]))
    provinces = [p for p in provinces if p["id"] in in_scope]
    sectors = list(Sector.objects.values("id", "code", "name_km", "name_en"))
    indicators = list(
        Indicator.objects.values(
            "id", "code", "name_km", "name_en", "unit_km", "unit_en", "sector_id", "sector__code",
            "disaggregated_by_sex", "is_key",
        )
    )
    headings = {
        i["id"]: IndicatorHeading(i["code"], _name(i, ""), Name(i["unit_km"], i["unit_en"])) for i in indicators
    }
    wash_sector_ids = {s["id"] for s in sectors if s["code"] in WASH_SECTORS}
    indicator_sectors = {i["id"]: i["sector_id"] for i in indicators}
    model_villages = {
        v["id"]: {
            "village": _name(v, ""), "province_id": v["province_id"], "province_code": v["province__code"],
            "province": Name(v["province__name_km"], v["province__name_en"]),
        }
        for v in scope.restrict(Village.objects.filter(is_model_village=True)).values(
            "id", "name_km", "name_en", "province_id", "province__code", "province__name_km", "province__name_en"
        )
    }

    facts = _PeriodFacts(period, scope, indicator_sectors, wash_sector_ids)
    before = _PeriodFacts(previous, scope, indicator_sectors, wash_sector_ids) if previous else None

    scope_name = None
    if scope.is_provincial:
        scope_name = _name(provinces[0], "") if provinces else Name("", "")

    headline = facts.headline()
    previous_headline = before.headline() if before else None

    province_rows = _province_rows(provinces, indicators, facts, model_villages)
    return SemesterSummary(
        period=_semester(period),
        previous_period=_semester(previous) if previous else None,
        scope=scope_name,
        provinces_in_scope=len(provinces),
        built_at=timezone.now(),
        headline=headline,
        previous_headline=previous_headline,
        figures=_figures(headline, previous_headline),
        gaps=facts.gaps(),
        sectors=_sector_results(sectors, indicators, headings, facts, before),
        key_indicators=tuple(headings[i["id"]] for i in indicators if i["is_key"]),
        provinces=province_rows,
        budget_without_province=facts.budget_spent_by_province.get(None, ZERO).quantize(CENT),
        model_villages=facts.model_village_rows(model_villages, headings),
        model_villages_known=len(model_villages),
        wash_indicators=tuple(headings[i["id"]] for i in _wash_indicators(indicators)),
        **_coverage(period, provinces, indicators, facts),
        experiences=facts.experiences(sectors),
        agreements=_agreement_lists(period, scope),
        recommendations=_recommendations(period, previous),
    )


class _Cell:
    """Running sums of one indicator in one province."""

    __slots__ = ("total", "female", "female_base")

    def __init__(self):
        self.total = ZERO
        self.female = ZERO
        self.female_base = ZERO  # the part of `total` whose female figure was reported


class _PeriodFacts:
    """The raw figures of one semester (5 queries), from which the sections are assembled."""

    def __init__(self, period: ReportingPeriod, scope: _Scope, indicator_sectors: dict[int, int], wash_sector_ids: set[int]):
        self.period = period
        self.wash_sector_ids = wash_sector_ids
        self.ngo_names: dict[int, Name] = {}

        # 1. Who was expected to report: NGOs with a signed agreement in force during the semester.
        self.expected = {
            row[0]: self._ngo_name(*row)
            for row in scope.restrict(Agreement.objects.all())
            .in_force_during(period.start, period.end)
            .values_list("ngo_id", "ngo__name_km", "ngo__name_en")
            .order_by()
            .distinct()
        }
        # 2. Every report of the semester (all states: completeness needs them).
        self.reports = list(
            scope.restrict(ProgressReport.objects.all())
            .for_period(period)
            .values(
                "id", "ngo_id", "ngo__name_km", "ngo__name_en", "agreement_id", "status", "submitted_at",
                "budget_planned_usd", "budget_spent_usd", "beneficiaries_total", "beneficiaries_female",
                "challenges", "lessons_learned",
            )
            .order_by("ngo__name_en", "ngo__name_km", "id")
        )
        for report in self.reports:
            report["ngo"] = self._ngo_name(report["ngo_id"], report["ngo__name_km"], report["ngo__name_en"])
        self.accepted = [r for r in self.reports if r["status"] == ReportStatus.ACCEPTED]
        self._best = None

        # 3-4. The sectors and provinces of those reports' agreements.
        self.agreement_sectors: dict[int, list[int]] = defaultdict(list)
        for agreement_id, sector_id in (
            Agreement.sectors.through.objects.filter(agreement__reports__period=period)
            .values_list("agreement_id", "sector_id").order_by("sector__order", "sector__code").distinct()
        ):
            self.agreement_sectors[agreement_id].append(sector_id)
        self.agreement_provinces: dict[int, list[int]] = defaultdict(list)
        for agreement_id, province_id in (
            Agreement.provinces.through.objects.filter(agreement__reports__period=period)
            .values_list("agreement_id", "province_id").distinct()
        ):
            self.agreement_provinces[agreement_id].append(province_id)

        # 5. The results of the accepted reports (only the rows the user may see), summed here:
        # one plain query is cheaper than several GROUP BYs over the same rows.
        accepted_reports = scope.restrict(ProgressReport.objects.all()).for_period(period).accepted()
        self.cells: dict[tuple[int, int], _Cell] = defaultdict(_Cell)
        self.indicator_ngos: dict[int, set] = defaultdict(set)
        self.indicator_provinces: dict[int, set] = defaultdict(set)
        self.result_ngos_by_province: dict[int, set] = defaultdict(set)
        self.wash_result_ngos_by_province: dict[int, set] = defaultdict(set)
        self.village_results: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
        for ngo_id, indicator_id, province_id, village_id, model_village, value, female in (
            scope.restrict(IndicatorValue.objects.all())
            .filter(report__in=accepted_reports.values("pk"))
            .values_list("report__ngo_id", "indicator_id", "province_id", "village_id", "village__is_model_village",
                         "value", "female_value")
            .order_by()
        ):
            cell = self.cells[(indicator_id, province_id)]
            cell.total += value
            if female is not None:
                cell.female += female
                cell.female_base += value
            self.indicator_ngos[indicator_id].add(ngo_id)
            if value > 0:
                self.indicator_provinces[indicator_id].add(province_id)
                self.result_ngos_by_province[province_id].add(ngo_id)
                if indicator_sectors[indicator_id] in wash_sector_ids:
                    self.wash_result_ngos_by_province[province_id].add(ngo_id)
            if model_village:
                self.village_results[(village_id, ngo_id, indicator_id)] += value
        self._share_budgets()

    def _ngo_name(self, ngo_id: int, km: str, en: str) -> Name:
        name = self.ngo_names.get(ngo_id)
        if name is None:
            name = self.ngo_names[ngo_id] = Name(km or "", en or "")
        return name

    def _share_budgets(self) -> None:
        """Spread each accepted report's budget evenly over its agreement's provinces x sectors."""
        self.budget_by_province: dict[int | None, Decimal] = defaultdict(Decimal)
        self.budget_spent_by_province: dict[int | None, Decimal] = defaultdict(Decimal)
        self.wash_budget_spent_by_province: dict[int | None, Decimal] = defaultdict(Decimal)
        self.budget_by_sector: dict[int | None, Decimal] = defaultdict(Decimal)
        self.budget_spent_by_sector: dict[int | None, Decimal] = defaultdict(Decimal)
        self.ngos_by_sector: dict[int | None, set] = defaultdict(set)
        self.reports_by_sector: dict[int | None, int] = defaultdict(int)
        self.ngos_by_province: dict[int, set] = defaultdict(set)
        self.wash_ngos_by_province: dict[int, set] = defaultdict(set)
        for report in self.accepted:
            provinces = self.agreement_provinces.get(report["agreement_id"]) or [None]
            sectors = self.agreement_sectors.get(report["agreement_id"]) or [None]
            cells = len(provinces) * len(sectors)
            planned = report["budget_planned_usd"] / cells
            spent = report["budget_spent_usd"] / cells
            has_wash = any(s in self.wash_sector_ids for s in sectors)
            for sector in sectors:
                self.budget_by_sector[sector] += planned * len(provinces)
                self.budget_spent_by_sector[sector] += spent * len(provinces)
                self.ngos_by_sector[sector].add(report["ngo_id"])
                self.reports_by_sector[sector] += 1
            for province in provinces:
                self.budget_by_province[province] += planned * len(sectors)
                self.budget_spent_by_province[province] += spent * len(sectors)
                self.wash_budget_spent_by_province[province] += spent * sum(s in self.wash_sector_ids for s in sectors)
                if province is not None:
                    self.ngos_by_province[province].add(report["ngo_id"])
                    if has_wash:
                        self.wash_ngos_by_province[province].add(report["ngo_id"])
        for province_id, ngos in self.result_ngos_by_province.items():
            self.ngos_by_province[province_id] |= ngos
        for province_id, ngos in self.wash_result_ngos_by_province.items():
            self.wash_ngos_by_province[province_id] |= ngos

    def best_reports(self) -> dict[int, dict]:
        """Each NGO's most advanced report (several when renewed mid-semester); ties: first submitted.

        The same rule as the completeness page (reports/completeness.py), so both show the same counts.
        """
        if self._best is None:
            self._best = {}
            for report in self.reports:
                other = self._best.get(report["ngo_id"])
                if other is None or _is_better(report, other):
                    self._best[report["ngo_id"]] = report
        return self._best

    def total(self, indicator_id: int, province_id: int) -> Decimal:
        cell = self.cells.get((indicator_id, province_id))
        return cell.total if cell else ZERO

    @property
    def model_villages_reached(self) -> set[int]:
        return {village for (village, _ngo, _indicator), total in self.village_results.items() if total > 0}

    def headline(self) -> Headline:
        best = self.best_reports()
        expected = set(self.expected)
        received = {ngo for ngo in expected if ngo in best and best[ngo]["status"] in RECEIVED}
        accepted = {ngo for ngo in received if best[ngo]["status"] == ReportStatus.ACCEPTED}
        # Submitted on or before the due date in Phnom Penh: before the next day's local midnight.
        deadline = timezone.make_aware(datetime.datetime.combine(self.period.due_date + datetime.timedelta(days=1), datetime.time()))
        on_time = {ngo for ngo in received if best[ngo]["submitted_at"] and best[ngo]["submitted_at"] < deadline}
        return Headline(
            ngos_in_force=len(expected),
            reports_expected=len(expected),
            reports_received=len(received),
            reports_accepted=len(accepted),
            reports_on_time=len(on_time),
            reports_awaiting=len(received - accepted),
            reports_missing=len(expected - received),
            budget_planned=sum((r["budget_planned_usd"] for r in self.accepted), ZERO),
            budget_spent=sum((r["budget_spent_usd"] for r in self.accepted), ZERO),
            beneficiaries_total=sum(r["beneficiaries_total"] for r in self.accepted),
            beneficiaries_female=sum(r["beneficiaries_female"] for r in self.accepted),
            provinces_reached=len({p for (_i, p), cell in self.cells.items() if cell.total > 0}),
            model_villages_reached=len(self.model_villages_reached),
        )

    def gaps(self) -> tuple[ReportGap, ...]:
        """Expected NGOs whose report is not accepted, and the state their most advanced report is in."""
        best = self.best_reports()
        gaps = [
            ReportGap(name, best[ngo_id]["status"] if ngo_id in best else "missing")
            for ngo_id, name in self.expected.items()
            if ngo_id not in best or best[ngo_id]["status"] != ReportStatus.ACCEPTED
        ]
        order = {"missing": 0, ReportStatus.DRAFT: 1, ReportStatus.RETURNED: 2, ReportStatus.SUBMITTED: 3}
        return tuple(sorted(gaps, key=lambda g: (order[g.state], g.ngo.sort_key)))

    def model_village_rows(self, villages: dict[int, dict], headings: dict[int, IndicatorHeading]) -> tuple[ModelVillageRow, ...]:
        """Model villages with results, each with the NGOs that contributed and what (indicator order)."""
        indicator_order = {indicator_id: n for n, indicator_id in enumerate(headings)}
        by_village: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for (village_id, ngo_id, indicator_id), total in self.village_results.items():
            if total > 0 and village_id in villages:
                by_village[village_id][ngo_id].append((indicator_order[indicator_id], indicator_id, total))
        rows = []
        for village_id in sorted(by_village, key=lambda v: (villages[v]["province_code"], villages[v]["village"].sort_key)):
            contributions = []
            for ngo_id, results in sorted(by_village[village_id].items(), key=lambda item: self.ngo_names[item[0]].sort_key):
                contributions.append(VillageContribution(self.ngo_names[ngo_id], tuple(
                    VillageResult(headings[i].name, headings[i].unit, total) for _order, i, total in sorted(results)
                )))
            info = villages[village_id]
            rows.append(ModelVillageRow(info["province"], info["village"], tuple(contributions)))
        return tuple(rows)

    def experiences(self, sectors: list[dict]) -> tuple[SectorExperiences, ...]:
        """Challenges and lessons of accepted reports, under the first sector of their agreement."""
        by_sector: dict[int | None, list[Experience]] = defaultdict(list)
        for report in self.accepted:
            challenges, lessons = report["challenges"].strip(), report["lessons_learned"].strip()
            if not (challenges or lessons):
                continue
            sector_ids = self.agreement_sectors.get(report["agreement_id"]) or [None]
            by_sector[sector_ids[0]].append(Experience(report["ngo"], challenges, lessons))
        groups = [SectorExperiences(_name(s, ""), tuple(by_sector[s["id"]])) for s in sectors if by_sector.get(s["id"])]
        if by_sector.get(None):
            groups.append(SectorExperiences(None, tuple(by_sector[None])))
        return tuple(groups)


_RANK = {ReportStatus.ACCEPTED: 3, ReportStatus.SUBMITTED: 2, ReportStatus.RETURNED: 2, ReportStatus.DRAFT: 1}


def _is_better(report: dict, than: dict) -> bool:
    """Is `report` more advanced than `than` (or as advanced and submitted earlier)?"""
    rank, other = _RANK[report["status"]], _RANK[than["status"]]
    if rank != other:
        return rank > other
    if report["submitted_at"] and than["submitted_at"]:
        return report["submitted_at"] < than["submitted_at"]
    return report["submitted_at"] is not None and than["submitted_at"] is None


def _figures(now: Headline, before: Headline | None) -> tuple[FigureRow, ...]:
    """The headline figures as labelled rows (sections 1 and 9)."""
    rows = [
        ("ngos_in_force", _("NGOs with an agreement in force"), 0),
        ("reports_expected", _("Reports expected"), 0),
        ("reports_received", _("Reports received"), 0),
        ("reports_accepted", _("Reports accepted"), 0),
        ("reports_on_time", _("Reports received on time"), 0),
        ("budget_planned", _("Budget planned (USD)"), 0),
        ("budget_spent", _("Budget spent (USD)"), 0),
        ("beneficiaries_total", _("Beneficiaries"), 0),
        ("beneficiaries_female", _("Beneficiaries (female)"), 0),
        ("provinces_reached", _("Provinces reached"), 0),
        ("model_villages_reached", _("Model villages reached"), 0),
    ]
    return tuple(
        FigureRow(key, label, Change(getattr(now, key), getattr(before, key) if before else None), decimals)
        for key, label, decimals in rows
    )


def _sector_results(sectors, indicators, headings, facts: _PeriodFacts, before: _PeriodFacts | None):
    def totals(period_facts: _PeriodFacts) -> dict[int, list[Decimal]]:
        sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for (indicator_id, _province), cell in period_facts.cells.items():
            row = sums[indicator_id]
            row[0] += cell.total
            row[1] += cell.female
            row[2] += cell.female_base
        return sums

    now = totals(facts)
    previous = totals(before) if before else None
    results = []
    for sector in sectors:
        rows = []
        for indicator in indicators:
            if indicator["sector_id"] != sector["id"]:
                continue
            total, female, female_base = now.get(indicator["id"], (ZERO, ZERO, ZERO))
            rows.append(IndicatorResult(
                heading=headings[indicator["id"]],
                disaggregated=indicator["disaggregated_by_sex"],
                total=total,
                female=female if indicator["disaggregated_by_sex"] else None,
                female_base=female_base,
                ngos=len(facts.indicator_ngos.get(indicator["id"], ())),
                provinces=len(facts.indicator_provinces.get(indicator["id"], ())),
                previous_total=previous.get(indicator["id"], (ZERO,))[0] if previous is not None else None,
            ))
        results.append(SectorResult(
            code=sector["code"],
            name=_name(sector, ""),
            ngos=len(facts.ngos_by_sector.get(sector["id"], ())),
            reports=facts.reports_by_sector.get(sector["id"], 0),
            budget_planned=facts.budget_by_sector.get(sector["id"], ZERO).quantize(CENT),
            budget_spent=facts.budget_spent_by_sector.get(sector["id"], ZERO).quantize(CENT),
            indicators=tuple(rows),
            previous_ngos=len(before.ngos_by_sector.get(sector["id"], ())) if before else None,
            previous_budget_spent=before.budget_spent_by_sector.get(sector["id"], ZERO).quantize(CENT) if before else None,
        ))
    return tuple(results)


def _province_rows(provinces, indicators, facts: _PeriodFacts, model_villages: dict[int, dict]) -> tuple[ProvinceRow, ...]:
    key_ids = [i["id"] for i in indicators if i["is_key"]]
    largest = max((facts.budget_by_province.get(p["id"], ZERO) for p in provinces), default=ZERO)

    def bar(amount: Decimal) -> str:
        return f"{(amount * 100 / largest) if largest else ZERO:.2f}"

    villages_reached: dict[int, int] = defaultdict(int)
    for village_id in facts.model_villages_reached:
        if village_id in model_villages:
            villages_reached[model_villages[village_id]["province_id"]] += 1
    rows = []
    for province in provinces:
        planned = facts.budget_by_province.get(province["id"], ZERO)
        spent = facts.budget_spent_by_province.get(province["id"], ZERO)
        rows.append(ProvinceRow(
            code=province["code"],
            name=_name(province, ""),
            ngos_active=len(facts.ngos_by_province.get(province["id"], ())),
            budget_planned=planned.quantize(CENT),
            budget_spent=spent.quantize(CENT),
            key_results=tuple(facts.total(i, province["id"]) for i in key_ids),
            model_villages_reached=villages_reached.get(province["id"], 0),
            planned_bar=bar(planned),
            spent_bar=bar(spent),
        ))
    return tuple(rows)


def _wash_indicators(indicators) -> list[dict]:
    return [i for i in indicators if i["sector__code"] in WASH_SECTORS and i["is_key"]]


def _coverage(period, provinces, indicators, facts: _PeriodFacts) -> dict:
    """Section 5: the latest coverage rate (year <= the semester's) of each province, lowest first."""
    latest: dict[int, CoverageRate] = {}
    for rate in CoverageRate.objects.filter(year__lte=period.year, province_id__in=[p["id"] for p in provinces]).order_by(
        "province_id", "-year"
    ):
        latest.setdefault(rate.province_id, rate)
    wash = [i["id"] for i in _wash_indicators(indicators)]
    lowest = {pid: min(r.water_supply_pct, r.sanitation_pct) for pid, r in latest.items()}
    wash_budget = {p["id"]: facts.wash_budget_spent_by_province.get(p["id"], ZERO) for p in provinces}
    median_rate = _median(lowest.values())
    median_budget = _median(wash_budget[pid] for pid in lowest)
    rows = []
    for province in provinces:
        rate = latest.get(province["id"])
        rows.append(CoverageRow(
            province=_name(province, ""),
            year=rate.year if rate else None,
            water_pct=rate.water_supply_pct if rate else None,
            sanitation_pct=rate.sanitation_pct if rate else None,
            is_demonstration=bool(rate and rate.is_demonstration),
            wash_ngos=len(facts.wash_ngos_by_province.get(province["id"], ())),
            wash_budget_spent=wash_budget[province["id"]].quantize(CENT),
            wash_results=tuple(facts.total(i, province["id"]) for i in wash),
            is_gap=bool(rate) and len(lowest) > 1
            and lowest[province["id"]] < median_rate and wash_budget[province["id"]] <= median_budget,
        ))
    rows.sort(key=lambda r: (r.lowest_pct is None, r.lowest_pct or ZERO, r.province.sort_key))
    return {
        "coverage": tuple(rows),
        "coverage_is_demonstration": any(r.is_demonstration for r in latest.values()),
        "coverage_sources": tuple(sorted({r.source for r in latest.values() if r.source})),
    }


def _agreement_lists(period: ReportingPeriod, scope: _Scope) -> AgreementLists:
    """Section 7, as of the semester's last day (a printed summary does not change later)."""
    as_of = period.end
    year, half = next_semester(period.year, period.half)
    until = semester_bounds(year, half)[1]
    previous_start = semester_bounds(*previous_semester(period.year, period.half))[0]
    base = scope.restrict(Agreement.objects.all())
    # The NGO's other agreements (later, earlier, the one renewed) only among those the user may see:
    # a provincial summary says nothing of where else an NGO works.
    later_agreement = base.filter(
        ngo=OuterRef("ngo"), signed_on__isnull=False, valid_from__gt=OuterRef("valid_to")
    )
    earlier_agreement = base.filter(ngo=OuterRef("ngo"), valid_from__lt=OuterRef("valid_from"))
    renewed = base.filter(pk=OuterRef("renews_id")).values("reference_number")[:1]
    base = base.annotate(renews_reference=Subquery(renewed))
    fields = (
        "id", "ngo__name_km", "ngo__name_en", "reference_number", "signed_on", "valid_from", "valid_to",
        "department__name_km", "department__name_en", "renews_reference",
    )
    lists = {
        # Ended during this or the previous semester, no signed successor and no later agreement of the NGO.
        "expired_not_renewed": base.with_status(as_of)
        .filter(status=AgreementStatus.EXPIRED, valid_to__gte=previous_start)
        .exclude(Exists(later_agreement)),
        "expiring": base.expiring_within((until - as_of).days, today=as_of),
        "renewed": base.filter(renews__isnull=False, signed_on__range=(period.start, period.end)),
        "new": base.filter(renews__isnull=True, signed_on__range=(period.start, period.end)),
    }
    rows = {
        key: list(qs.annotate(is_new_partner=~Exists(earlier_agreement)).values(*fields, "is_new_partner").order_by("valid_to", "ngo__name_en"))
        for key, qs in lists.items()
    }
    sectors: dict[int, list[Name]] = defaultdict(list)
    ids = [row["id"] for group in rows.values() for row in group]
    for agreement_id, km, en in (
        Agreement.sectors.through.objects.filter(agreement_id__in=ids)
        .values_list("agreement_id", "sector__name_km", "sector__name_en").order_by("sector__order")
    ):
        sectors[agreement_id].append(Name(km, en))

    def row(r) -> AgreementRow:
        department = Name(r["department__name_km"], r["department__name_en"]) if r["department__name_en"] or r["department__name_km"] else None
        return AgreementRow(
            ngo=_name(r, "ngo__"), reference_number=r["reference_number"], signed_on=r["signed_on"],
            valid_from=r["valid_from"], valid_to=r["valid_to"], department=department,
            sectors=tuple(sectors.get(r["id"], ())), renews_reference=r["renews_reference"] or "",
            is_new_partner=r["is_new_partner"],
        )

    return AgreementLists(as_of=as_of, expiring_until=until, **{key: tuple(row(r) for r in group) for key, group in rows.items()})


def _recommendations(period: ReportingPeriod, previous: ReportingPeriod | None) -> tuple[RecommendationGroup, ...]:
    """Section 8: recommendations of the meetings on the previous semester and on this one."""
    periods = [p for p in (previous, period) if p is not None]
    groups: dict[tuple, list] = {}
    for rec in MeetingRecommendation.objects.filter(period__in=periods).select_related("period").order_by(
        "period__year", "period__half", "meeting_date", "number"
    ):
        groups.setdefault((rec.period.code, rec.meeting_date), [rec.period, []])[1].append(
            RecommendationRow(rec.number, Name(rec.text_km, rec.text_en), rec.status, rec.follow_up_notes)
        )
    return tuple(
        RecommendationGroup(_semester(p), meeting_date, tuple(items)) for (_code, meeting_date), (p, items) in groups.items()
    )
