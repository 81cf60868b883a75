"""Building the summary: the reference rows, the facts of the semester and the one before, then each section."""
from __future__ import annotations

from django.utils import timezone

from agreements.models import Indicator, Province, Sector, Village
from reports import rules
from reports.models import ReportingPeriod
from reports.semesters import previous_semester
from reports.summary import sections
from reports.summary.narratives import narratives
from reports.summary.data import CENT, ZERO, IndicatorHeading, Name, SemesterSummary
from reports.summary.queries import PeriodFacts, Scope
from reports.summary.sections import WASH_SECTORS, name_of, semester_of


def build_summary(period: ReportingPeriod, *, user) -> SemesterSummary:
    """The summary of `period` as `user` may see it (a provincial officer: their province)."""
    return _build(period, Scope(user=user))


def build_national_summary(period: ReportingPeriod) -> SemesterSummary:
    """The national summary of `period` (for the management command; no user, no restriction)."""
    return _build(period, Scope(national=True))


def build_provincial_summary(period: ReportingPeriod, *, province_id: int) -> SemesterSummary:
    """One province's edition of `period` (what its provincial officers see; built by the worker)."""
    return _build(period, Scope(province_id=province_id))


def _build(period: ReportingPeriod, scope: Scope) -> SemesterSummary:
    year, half = previous_semester(period.year, period.half)
    previous = ReportingPeriod.objects.filter(year=year, half=half).first()

    provinces = list(Province.objects.values("id", "code", "name_km", "name_en"))
    in_scope = set(scope.province_ids([p["id"] for p in provinces]))
    provinces = [p for p in provinces if p["id"] in in_scope]
    sectors = list(Sector.objects.values("id", "code", "name_km", "name_en"))
    indicators = list(
        Indicator.objects.values(
            "id", "code", "name_km", "name_en", "unit_km", "unit_en", "sector_id", "sector__code",
            "disaggregated_by_sex", "is_key", "sector__name_km", "sector__name_en",
        )
    )
    headings = {
        i["id"]: IndicatorHeading(i["code"], name_of(i, ""), Name(i["unit_km"], i["unit_en"]),
                                  disaggregated=i["disaggregated_by_sex"], sector=name_of(i, "sector__"))
        for i in indicators
    }
    # Every indicator in the order of the sectors (section 2), for the by-province-and-sex tables.
    sector_order = {s["id"]: n for n, s in enumerate(sectors)}
    all_indicators = sorted(indicators, key=lambda i: sector_order.get(i["sector_id"], len(sectors)))
    wash_sector_ids = {s["id"] for s in sectors if s["code"] in WASH_SECTORS}
    indicator_sectors = {i["id"]: i["sector_id"] for i in indicators}
    village_count_ids = {i["id"] for i in indicators if i["code"] in rules.VILLAGE_COUNT_INDICATORS}
    model_villages = {
        v["id"]: {
            "village": name_of(v, ""), "province_id": v["province_id"], "province_code": v["province__code"],
            "province": Name(v["province__name_km"], v["province__name_en"]),
        }
        for v in scope.restrict(Village.objects.filter(is_model_village=True)).values(
            "id", "name_km", "name_en", "province_id", "province__code", "province__name_km", "province__name_en"
        )
    }

    facts = PeriodFacts(period, scope, indicator_sectors, wash_sector_ids, village_count_ids)
    before = PeriodFacts(previous, scope, indicator_sectors, wash_sector_ids, village_count_ids) if previous else None

    scope_name = None
    if scope.is_provincial:
        scope_name = name_of(provinces[0], "") if provinces else Name("", "")

    headline = sections.headline(facts)
    previous_headline = sections.headline(before) if before else None
    return SemesterSummary(
        period=semester_of(period),
        previous_period=semester_of(previous) if previous else None,
        scope=scope_name,
        provinces_in_scope=len(provinces),
        built_at=timezone.now(),
        headline=headline,
        previous_headline=previous_headline,
        figures=sections.figures(headline, previous_headline, provinces_in_scope=len(provinces),
                                 model_villages_known=len(model_villages)),
        gaps=sections.gaps(facts),
        sectors=sections.sector_results(sectors, indicators, headings, facts, before, village_count_ids),
        key_indicators=tuple(headings[i["id"]] for i in indicators if i["is_key"]),
        provinces=sections.province_rows(provinces, indicators, facts, model_villages, all_indicators),
        budget_without_province=facts.budget_spent_by_province.get(None, ZERO).quantize(CENT),
        model_villages=sections.model_village_rows(facts, model_villages, headings),
        model_villages_known=len(model_villages),
        wash_indicators=tuple(headings[i["id"]] for i in sections.wash_indicators(indicators)),
        **sections.coverage(period, provinces, indicators, facts),
        experiences=sections.experiences(facts, sectors),
        agreements=sections.agreement_lists(period, scope),
        recommendations=sections.recommendations(period, previous),
        indicators=tuple(headings[i["id"]] for i in all_indicators),
        previous_provinces=(
            sections.province_rows(provinces, indicators, before, model_villages, all_indicators) if before else ()
        ),
        model_villages_not_reached=sections.model_villages_not_reached(facts, model_villages),
        coverage_national=sections.national_coverage(period),
        narratives=narratives(period, scope, facts, sectors),
        lessons=sections.lessons(period, scope),
    )
