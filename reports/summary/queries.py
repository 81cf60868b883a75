"""The queries of the summary: whose data (`Scope`) and the raw figures of one semester (`PeriodFacts`).

Every query goes through `Scope.restrict`, so a provincial officer's summary holds their province
only. The rules (expected, received, accepted, on time, reached) are those of reports/rules.py and
agreements/rules.py; this module only reads the rows they select.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from agreements.models import Agreement
from mrd_ngo.roles import NATIONAL_ROLES, Role, user_province_id, user_role
from reports import rules
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod
from reports.summary.data import ZERO, Name


class Scope:
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


class Cell:
    """Running sums of one indicator in one province (for a village-count indicator: distinct villages)."""

    __slots__ = ("total", "female", "female_base")

    def __init__(self):
        self.total = ZERO
        self.female = ZERO
        self.female_base = ZERO  # the part of `total` whose female figure was reported


class PeriodFacts:
    """The raw figures of one semester (5 queries), from which the sections are assembled."""

    def __init__(self, period: ReportingPeriod, scope: Scope, indicator_sectors: dict[int, int],
                 wash_sector_ids: set[int], village_count_ids: set[int]):
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
        # 2. The reports of the semester (all states: completeness needs them), one per NGO at most.
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
        self.report_of = {report["ngo_id"]: report for report in self.reports}  # the database allows one
        self.accepted = [r for r in self.reports if rules.is_accepted(r["status"])]

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

        # 5. The results that reach their place (above zero, accepted reports; only the rows the user
        # may see), summed here: one plain query is cheaper than several GROUP BYs over the same rows.
        accepted_reports = scope.restrict(ProgressReport.objects.all()).for_period(period).accepted()
        self.cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
        self.indicator_ngos: dict[int, set] = defaultdict(set)
        self.indicator_provinces: dict[int, set] = defaultdict(set)
        self.provinces_reached: set[int] = set()
        self.result_ngos_by_province: dict[int, set] = defaultdict(set)
        self.wash_result_ngos_by_province: dict[int, set] = defaultdict(set)
        self.village_results: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
        villages_counted: dict[tuple[int, int], set] = defaultdict(set)
        for ngo_id, indicator_id, province_id, village_id, model_village, value, female in (
            scope.restrict(IndicatorValue.objects.all()).reaching()
            .filter(report__in=accepted_reports.values("pk"))
            .values_list("report__ngo_id", "indicator_id", "province_id", "village_id", "village__is_model_village",
                         "value", "female_value")
            .order_by()
        ):
            cell = self.cells[(indicator_id, province_id)]
            if indicator_id in village_count_ids:
                # Counts villages: each model village once, whoever supported it and whatever the value.
                if model_village:
                    villages_counted[(indicator_id, province_id)].add(village_id)
            else:
                cell.total += value
                if female is not None:
                    cell.female += female
                    cell.female_base += value
            self.indicator_ngos[indicator_id].add(ngo_id)
            self.indicator_provinces[indicator_id].add(province_id)
            self.provinces_reached.add(province_id)
            self.result_ngos_by_province[province_id].add(ngo_id)
            if indicator_sectors[indicator_id] in wash_sector_ids:
                self.wash_result_ngos_by_province[province_id].add(ngo_id)
            if model_village:
                self.village_results[(village_id, ngo_id, indicator_id)] += value
        for key, villages in villages_counted.items():
            self.cells[key].total = Decimal(len(villages))
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

    def total(self, indicator_id: int, province_id: int) -> Decimal:
        cell = self.cells.get((indicator_id, province_id))
        return cell.total if cell else ZERO

    @property
    def model_villages_reached(self) -> set[int]:
        """Distinct model villages with a result above zero."""
        return {village for (village, _ngo, _indicator) in self.village_results}
