"""The plain data the summary page, PDF and workbook render: frozen dataclasses, no database access.

Names are kept in both languages (`Name`) and labels are lazy, so one summary renders in Khmer and
in English.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mrd_ngo.khmer import khmer_digits
from reports.choices import LessonStatus, LessonTheme, RecommendationStatus, ReportStatus

if TYPE_CHECKING:
    from reports.summary.narratives import SummaryNarratives

ZERO = Decimal(0)
CENT = Decimal("0.01")

#: The form of the summary: part of the data fingerprint (reports/documents.py), so summaries and documents
#: kept from a release that held or counted figures differently are rebuilt, not served. Bump it when a
#: figure's meaning or a dataclass changes. 2: "what is counted" labels, distinct model villages (issue 12).
#: 3: every indicator by province and sex, the previous semester's provinces, model villages not reached,
#: the national coverage (issue 14).
#: Also the province's code in the coverage rows (the map of the provinces, issue 14).
#: 4: narratives consolidated, in their language (issue 15), with the above.
#: 5: recommendations with owner, deadline and progress notes; the lessons register (issue 15).
SUMMARY_FORMAT = 5


def percent(part, whole) -> Decimal | None:
    """`part` in percent of `whole`; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)

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
    """One headline figure with its label and what it counts, for the headline table and the change table."""

    key: str
    label: str  # lazy
    counts: str  # lazy: what the figure counts (NGOs, reports, distinct provinces, a sum over accepted reports)
    change: Change
    decimals: int = 0
    share: Decimal | None = None  # shown next to the value, in percent (received of expected, spent of planned...)
    of_total: int | None = None  # "n of total" (provinces reached of the provinces in the summary...)

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
        return percent(self.beneficiaries_female, self.beneficiaries_total)

    @property
    def spent_share(self) -> Decimal | None:
        return percent(self.budget_spent, self.budget_planned)

    @property
    def received_share(self) -> Decimal | None:
        return percent(self.reports_received, self.reports_expected)


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
    disaggregated: bool = False  # results are split by sex (female of total)
    sector: Name = Name("", "")


@dataclass(frozen=True)
class ProvinceResult:
    """One indicator's total in one province, with the split by sex where the indicator has one."""

    total: Decimal
    female: Decimal | None  # None: the indicator is not split by sex
    female_base: Decimal  # the part of `total` whose female figure was reported

    @property
    def male(self) -> Decimal | None:
        """Of the part whose sex was reported, those not female."""
        return None if self.female is None else self.female_base - self.female

    @property
    def sex_not_reported(self) -> Decimal | None:
        """The part of the total reported without a female figure."""
        return None if self.female is None else self.total - self.female_base

    @property
    def female_share(self) -> Decimal | None:
        return None if self.female is None else percent(self.female, self.female_base)


@dataclass(frozen=True)
class IndicatorResult:
    """Section 2: one indicator's total over accepted reports, with the female share where disaggregated."""

    heading: IndicatorHeading
    disaggregated: bool
    total: Decimal
    female: Decimal | None
    female_base: Decimal  # the part of `total` whose female figure was reported
    ngos: int  # distinct NGOs with a result above zero
    provinces: int  # distinct provinces with a result above zero
    previous_total: Decimal | None
    distinct_villages: bool = False  # the total counts distinct model villages (rules.VILLAGE_COUNT_INDICATORS)

    @property
    def counted_as(self) -> str:
        """What the total is: a sum of the values of accepted reports, or a count of distinct model villages."""
        return _("distinct model villages") if self.distinct_villages else _("sum of accepted reports")

    @property
    def female_share(self) -> Decimal | None:
        return percent(self.female, self.female_base) if self.disaggregated else None

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
    results: tuple[ProvinceResult, ...] = ()  # every indicator, in the order of SemesterSummary.indicators

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
    code: str = ""  # the province's code (the map of the provinces reads the rates by it)

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
class NationalCoverage:
    """The national figure a province's coverage is read against: the median of the provinces' latest rates."""

    water_pct: Decimal | None
    sanitation_pct: Decimal | None
    provinces: int  # provinces with a rate
    is_demonstration: bool


@dataclass(frozen=True)
class ProvinceIndicatorRow:
    """One province's result for the indicator chosen on the summary page."""

    code: str
    name: Name
    result: ProvinceResult


@dataclass(frozen=True)
class ProvinceIndicatorTable:
    """The by-province table of one indicator (any of them, chosen on the summary page)."""

    indicator: IndicatorHeading
    rows: tuple[ProvinceIndicatorRow, ...]

    @property
    def total(self) -> ProvinceResult:
        """The sums of the rows shown (a model village lies in one province, so village counts add up too)."""
        rows = [r.result for r in self.rows]
        female = None if not self.indicator.disaggregated else sum((r.female or ZERO for r in rows), ZERO)
        return ProvinceResult(sum((r.total for r in rows), ZERO), female, sum((r.female_base for r in rows), ZERO))


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
class ProgressNoteRow:
    """Section 8: one dated note of progress on a recommendation (reports/meetings.py)."""

    noted_on: datetime.date
    text: str
    written_by: str


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    text: Name
    status: str  # a RecommendationStatus value
    owner: Name | None = None
    deadline: datetime.date | None = None
    notes: tuple[ProgressNoteRow, ...] = ()

    @property
    def status_label(self) -> str:
        return RecommendationStatus(self.status).label

    @property
    def follow_up_notes(self) -> str:
        """The progress notes as one text, each with its date (the workbook's column)."""
        return "\n".join(f"{note.noted_on.isoformat()}: {note.text}" for note in self.notes)


@dataclass(frozen=True)
class LessonRow:
    """Section 10: a lesson of the register taken from a report of the semester."""

    title: str
    text: str
    ngo: Name
    sector: Name | None  # None: every sector
    theme: str  # a LessonTheme value
    status: str  # a LessonStatus value

    @property
    def theme_label(self) -> str:
        return LessonTheme(self.theme).label

    @property
    def status_label(self) -> str:
        return LessonStatus(self.status).label


@dataclass(frozen=True)
class RecommendationGroup:
    """Section 8: the recommendations of one meeting and their follow-up."""

    semester: Semester
    meeting_date: datetime.date
    recommendations: tuple[RecommendationRow, ...]
    place: Name | None = None


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
    # Issue 14: every indicator (sector order), by province and sex; the provinces the semester before;
    # model villages no accepted result reached; the national coverage figure.
    indicators: tuple[IndicatorHeading, ...] = ()
    previous_provinces: tuple[ProvinceRow, ...] = ()
    model_villages_not_reached: tuple[ModelVillageRow, ...] = ()
    coverage_national: NationalCoverage | None = None
    narratives: SummaryNarratives | None = None  # section 6, consolidated (reports/summary/narratives.py)
    lessons: tuple[LessonRow, ...] = ()  # section 10, the lessons-learned register (reports/lessons.py)

    @property
    def is_national(self) -> bool:
        return self.scope is None

    def province_row(self, code: str, *, previous: bool = False) -> ProvinceRow | None:
        """The by-province row of the province `code` (this semester's, or the one before's)."""
        return next((r for r in (self.previous_provinces if previous else self.provinces) if r.code == code), None)

    def province_table(self, indicator_code: str | None) -> ProvinceIndicatorTable | None:
        """The by-province table of the indicator `indicator_code` (the first indicator when absent or unknown)."""
        if not self.indicators:
            return None
        codes = [i.code for i in self.indicators]
        index = codes.index(indicator_code) if indicator_code in codes else 0
        return ProvinceIndicatorTable(self.indicators[index], tuple(
            ProvinceIndicatorRow(r.code, r.name, r.results[index]) for r in self.provinces if r.results
        ))

    @property
    def province_totals(self) -> "ColumnTotals":
        """The totals row of section 3: the sums of its additive columns (budgets, key results, model villages,
        each village lying in one province). NGOs are not added up: one NGO works in several provinces."""
        rows = self.provinces
        return ColumnTotals(
            budget_planned=sum((r.budget_planned for r in rows), ZERO),
            budget_spent=sum((r.budget_spent for r in rows), ZERO),
            results=tuple(sum(column, ZERO) for column in zip(*(r.key_results for r in rows))) if rows else (),
            model_villages=sum(r.model_villages_reached for r in rows),
        )

    @property
    def coverage_totals(self) -> "ColumnTotals":
        """The totals row of section 5: water and sanitation budget spent and results, added over the provinces."""
        rows = self.coverage
        return ColumnTotals(
            budget_spent=sum((r.wash_budget_spent for r in rows), ZERO),
            results=tuple(sum(column, ZERO) for column in zip(*(r.wash_results for r in rows))) if rows else (),
        )


@dataclass(frozen=True)
class ColumnTotals:
    """A table's totals row (computed from the rows shown, so it always adds up to them)."""

    budget_spent: Decimal
    results: tuple[Decimal, ...]
    budget_planned: Decimal = Decimal(0)
    model_villages: int = 0

