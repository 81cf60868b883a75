"""One builder per section of the summary, from the raw figures of `PeriodFacts` to the plain data.

1 headline figures and the reports not yet accepted, 2 results by sector and indicator, 3 by
province, 4 model villages, 5 water and sanitation coverage, 6 challenges and lessons learned,
7 agreements, 8 recommendations, 9 change since the previous semester (the figures of 1, and 2), 10 the
lessons-learned register.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementStatus
from agreements.models import Agreement, CoverageRate
from reports import rules
from reports.choices import ReportStatus
from reports.models import Lesson, MeetingRecommendation, RecommendationNote, ReportingPeriod
from reports.semesters import next_semester, previous_semester, semester_bounds
from reports.summary.data import (
    CENT, ZERO, AgreementLists, AgreementRow, Change, CoverageRow, Experience, FigureRow, Headline, IndicatorHeading,
    IndicatorResult, LessonRow, ModelVillageRow, Name, NationalCoverage, ProgressNoteRow, ProvinceResult, ProvinceRow, RecommendationGroup, RecommendationRow, ReportGap, Semester,
    SectorExperiences, SectorResult, VillageContribution, VillageResult,
)
from reports.summary.queries import PeriodFacts, Scope

#: Sectors of recommendation 3 (clean water and sanitation), compared with coverage rates.
WASH_SECTORS = ("rural-water-supply", "rural-sanitation")


def semester_of(period: ReportingPeriod) -> Semester:
    return Semester(period.code, period.year, period.half, period.start, period.end, period.due_date)


def name_of(row: dict, prefix: str) -> Name:
    return Name(row[f"{prefix}name_km"] or "", row[f"{prefix}name_en"] or "")


def median(values) -> Decimal:
    values = list(values)
    return Decimal(statistics.median(values)) if values else ZERO


# ---- 1. Headline figures ------------------------------------------------------------------------


def headline(facts: PeriodFacts) -> Headline:
    """The headline figures: NGOs expected and their reports, one per NGO, sums over accepted reports, places reached."""
    expected = set(facts.expected)
    report_of = facts.report_of
    received = {ngo for ngo in expected if ngo in report_of and rules.is_received(report_of[ngo]["status"])}
    accepted = {ngo for ngo in received if rules.is_accepted(report_of[ngo]["status"])}
    on_time = {
        ngo for ngo in received
        if rules.is_on_time(report_of[ngo]["status"], report_of[ngo]["submitted_at"], facts.period.due_date)
    }
    return Headline(
        ngos_in_force=len(expected),
        reports_expected=len(expected),
        reports_received=len(received),
        reports_accepted=len(accepted),
        reports_on_time=len(on_time),
        reports_awaiting=len(received - accepted),
        reports_missing=len(expected - received),
        budget_planned=sum((r["budget_planned_usd"] for r in facts.accepted), ZERO),
        budget_spent=sum((r["budget_spent_usd"] for r in facts.accepted), ZERO),
        beneficiaries_total=sum(r["beneficiaries_total"] for r in facts.accepted),
        beneficiaries_female=sum(r["beneficiaries_female"] for r in facts.accepted),
        provinces_reached=len(facts.provinces_reached),
        model_villages_reached=len(facts.model_villages_reached),
    )


def gaps(facts: PeriodFacts) -> tuple[ReportGap, ...]:
    """Expected NGOs whose report is not accepted, and the state their report is in."""
    report_of = facts.report_of
    rows = [
        ReportGap(name, report_of[ngo_id]["status"] if ngo_id in report_of else "missing")
        for ngo_id, name in facts.expected.items()
        if ngo_id not in report_of or not rules.is_accepted(report_of[ngo_id]["status"])
    ]
    order = {"missing": 0, ReportStatus.DRAFT: 1, ReportStatus.RETURNED: 2, ReportStatus.SUBMITTED: 3}
    return tuple(sorted(rows, key=lambda g: (order[g.state], g.ngo.sort_key)))


#: What each headline figure counts: a figure's label never leaves it to guess (NGOs, reports, places, sums).
COUNTS = {
    "ngos": _("NGOs"),
    "reports": _("reports, one per NGO"),
    "usd": _("USD, sum of accepted reports"),
    "people": _("people, sum of accepted reports"),
    "provinces": _("distinct provinces"),
    "villages": _("distinct model villages"),
}


def figures(now: Headline, before: Headline | None, *, provinces_in_scope: int, model_villages_known: int
            ) -> tuple[FigureRow, ...]:
    """The headline figures as labelled rows, each saying what it counts (sections 1 and 9)."""
    rows = [
        ("ngos_in_force", _("NGOs with an agreement in force"), "ngos", None, None),
        ("reports_expected", _("Reports expected"), "reports", None, None),
        ("reports_received", _("Reports received"), "reports", now.received_share, None),
        ("reports_accepted", _("Reports accepted"), "reports", None, None),
        ("reports_on_time", _("Reports received on time"), "reports", None, None),
        ("budget_planned", _("Budget planned (USD)"), "usd", None, None),
        ("budget_spent", _("Budget spent (USD)"), "usd", now.spent_share, None),
        ("beneficiaries_total", _("Beneficiaries"), "people", None, None),
        ("beneficiaries_female", _("Beneficiaries (female)"), "people", now.female_share, None),
        ("provinces_reached", _("Provinces reached"), "provinces", None, provinces_in_scope),
        ("model_villages_reached", _("Model villages reached"), "villages", None, model_villages_known),
    ]
    return tuple(
        FigureRow(key, label, COUNTS[counts], Change(getattr(now, key), getattr(before, key) if before else None),
                  share=share, of_total=of_total)
        for key, label, counts, share, of_total in rows
    )


# ---- 2. Results by sector and indicator ---------------------------------------------------------


def sector_results(sectors, indicators, headings, facts: PeriodFacts, before: PeriodFacts | None,
                   village_count_ids: set[int]) -> tuple[SectorResult, ...]:
    """Each sector: its NGOs, accepted reports, budget share and indicator totals (sums, or distinct villages)."""
    def totals(period_facts: PeriodFacts) -> dict[int, list[Decimal]]:
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
                distinct_villages=indicator["id"] in village_count_ids,
            ))
        results.append(SectorResult(
            code=sector["code"],
            name=name_of(sector, ""),
            ngos=len(facts.ngos_by_sector.get(sector["id"], ())),
            reports=facts.reports_by_sector.get(sector["id"], 0),
            budget_planned=facts.budget_by_sector.get(sector["id"], ZERO).quantize(CENT),
            budget_spent=facts.budget_spent_by_sector.get(sector["id"], ZERO).quantize(CENT),
            indicators=tuple(rows),
            previous_ngos=len(before.ngos_by_sector.get(sector["id"], ())) if before else None,
            previous_budget_spent=before.budget_spent_by_sector.get(sector["id"], ZERO).quantize(CENT) if before else None,
        ))
    return tuple(results)


# ---- 3. By province ----------------------------------------------------------------------------


def province_results(indicators, facts: PeriodFacts, province_id: int) -> tuple[ProvinceResult, ...]:
    """Every indicator's result in one province (the cells the sector totals add up), split by sex where it is."""
    results = []
    for indicator in indicators:
        cell = facts.cells.get((indicator["id"], province_id))
        total = cell.total if cell else ZERO
        if indicator["disaggregated_by_sex"]:
            results.append(ProvinceResult(total, cell.female if cell else ZERO, cell.female_base if cell else ZERO))
        else:
            results.append(ProvinceResult(total, None, ZERO))
    return tuple(results)


def province_rows(provinces, indicators, facts: PeriodFacts, model_villages: dict[int, dict],
                  all_indicators=()) -> tuple[ProvinceRow, ...]:
    """Section 3: one row per province; `all_indicators` (in the order of `SemesterSummary.indicators`) by sex."""
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
            name=name_of(province, ""),
            ngos_active=len(facts.ngos_by_province.get(province["id"], ())),
            budget_planned=planned.quantize(CENT),
            budget_spent=spent.quantize(CENT),
            key_results=tuple(facts.total(i, province["id"]) for i in key_ids),
            model_villages_reached=villages_reached.get(province["id"], 0),
            planned_bar=bar(planned),
            spent_bar=bar(spent),
            results=province_results(all_indicators, facts, province["id"]),
        ))
    return tuple(rows)


# ---- 4. Model villages --------------------------------------------------------------------------


def model_village_rows(facts: PeriodFacts, villages: dict[int, dict], headings: dict[int, IndicatorHeading]) -> tuple[ModelVillageRow, ...]:
    """Model villages with results, each with the NGOs that contributed and what (indicator order)."""
    indicator_order = {indicator_id: n for n, indicator_id in enumerate(headings)}
    by_village: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (village_id, ngo_id, indicator_id), total in facts.village_results.items():
        if total > 0 and village_id in villages:
            by_village[village_id][ngo_id].append((indicator_order[indicator_id], indicator_id, total))
    rows = []
    for village_id in sorted(by_village, key=lambda v: (villages[v]["province_code"], villages[v]["village"].sort_key)):
        contributions = []
        for ngo_id, results in sorted(by_village[village_id].items(), key=lambda item: facts.ngo_names[item[0]].sort_key):
            contributions.append(VillageContribution(facts.ngo_names[ngo_id], tuple(
                VillageResult(headings[i].name, headings[i].unit, total) for _order, i, total in sorted(results)
            )))
        info = villages[village_id]
        rows.append(ModelVillageRow(info["province"], info["village"], tuple(contributions)))
    return tuple(rows)


def model_villages_not_reached(facts: PeriodFacts, villages: dict[int, dict]) -> tuple[ModelVillageRow, ...]:
    """Model villages (of the summary's provinces) where no accepted result of the semester is recorded."""
    reached = facts.model_villages_reached
    missing = [v for v in villages if v not in reached]
    missing.sort(key=lambda v: (villages[v]["province_code"], villages[v]["village"].sort_key))
    return tuple(ModelVillageRow(villages[v]["province"], villages[v]["village"], ()) for v in missing)


def wash_indicators(indicators) -> list[dict]:
    return [i for i in indicators if i["sector__code"] in WASH_SECTORS and i["is_key"]]


# ---- 5. Water and sanitation coverage -----------------------------------------------------------


def coverage(period, provinces, indicators, facts: PeriodFacts) -> dict:
    """Section 5: the latest coverage rate (year <= the semester's) of each province, lowest first."""
    latest: dict[int, CoverageRate] = {}
    for rate in CoverageRate.objects.filter(year__lte=period.year, province_id__in=[p["id"] for p in provinces]).order_by(
        "province_id", "-year"
    ):
        latest.setdefault(rate.province_id, rate)
    wash = [i["id"] for i in wash_indicators(indicators)]
    lowest = {pid: min(r.water_supply_pct, r.sanitation_pct) for pid, r in latest.items()}
    wash_budget = {p["id"]: facts.wash_budget_spent_by_province.get(p["id"], ZERO) for p in provinces}
    median_rate = median(lowest.values())
    median_budget = median(wash_budget[pid] for pid in lowest)
    rows = []
    for province in provinces:
        rate = latest.get(province["id"])
        rows.append(CoverageRow(
            province=name_of(province, ""),
            year=rate.year if rate else None,
            water_pct=rate.water_supply_pct if rate else None,
            sanitation_pct=rate.sanitation_pct if rate else None,
            is_demonstration=bool(rate and rate.is_demonstration),
            wash_ngos=len(facts.wash_ngos_by_province.get(province["id"], ())),
            wash_budget_spent=wash_budget[province["id"]].quantize(CENT),
            wash_results=tuple(facts.total(i, province["id"]) for i in wash),
            is_gap=bool(rate) and len(lowest) > 1
            and lowest[province["id"]] < median_rate and wash_budget[province["id"]] <= median_budget,
            code=province["code"],
        ))
    rows.sort(key=lambda r: (r.lowest_pct is None, r.lowest_pct or ZERO, r.province.sort_key))
    return {
        "coverage": tuple(rows),
        "coverage_is_demonstration": any(r.is_demonstration for r in latest.values()),
        "coverage_sources": tuple(sorted({r.source for r in latest.values() if r.source})),
    }


def national_coverage(period) -> NationalCoverage:
    """The national figure: the median of every province's latest rates (year <= the semester's), whatever the scope.

    Coverage rates are public statistics, not NGO work: a provincial edition compares with it too.
    """
    latest: dict[int, CoverageRate] = {}
    for rate in CoverageRate.objects.filter(year__lte=period.year).order_by("province_id", "-year"):
        latest.setdefault(rate.province_id, rate)
    rates = list(latest.values())
    return NationalCoverage(
        water_pct=median(r.water_supply_pct for r in rates).quantize(Decimal("0.1")) if rates else None,
        sanitation_pct=median(r.sanitation_pct for r in rates).quantize(Decimal("0.1")) if rates else None,
        provinces=len(rates),
        is_demonstration=any(r.is_demonstration for r in rates),
    )


# ---- 6. Challenges and lessons learned ----------------------------------------------------------


def experiences(facts: PeriodFacts, sectors: list[dict]) -> tuple[SectorExperiences, ...]:
    """Challenges and lessons of accepted reports, under the first sector of their agreement."""
    by_sector: dict[int | None, list[Experience]] = defaultdict(list)
    for report in facts.accepted:
        challenges, lessons = report["challenges"].strip(), report["lessons_learned"].strip()
        if not (challenges or lessons):
            continue
        sector_ids = facts.agreement_sectors.get(report["agreement_id"]) or [None]
        by_sector[sector_ids[0]].append(Experience(report["ngo"], challenges, lessons))
    groups = [SectorExperiences(name_of(s, ""), tuple(by_sector[s["id"]])) for s in sectors if by_sector.get(s["id"])]
    if by_sector.get(None):
        groups.append(SectorExperiences(None, tuple(by_sector[None])))
    return tuple(groups)


# ---- 7. Agreements -----------------------------------------------------------------------------


def agreement_lists(period: ReportingPeriod, scope: Scope) -> AgreementLists:
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
            ngo=name_of(r, "ngo__"), reference_number=r["reference_number"], signed_on=r["signed_on"],
            valid_from=r["valid_from"], valid_to=r["valid_to"], department=department,
            sectors=tuple(sectors.get(r["id"], ())), renews_reference=r["renews_reference"] or "",
            is_new_partner=r["is_new_partner"],
        )

    return AgreementLists(as_of=as_of, expiring_until=until, **{key: tuple(row(r) for r in group) for key, group in rows.items()})


# ---- 8. Recommendations and their follow-up ----------------------------------------------------


def recommendations(period: ReportingPeriod, previous: ReportingPeriod | None) -> tuple[RecommendationGroup, ...]:
    """Section 8: recommendations of the meetings on the previous semester and on this one, with their owner,
    deadline, status and dated progress notes (three queries)."""
    periods = [p for p in (previous, period) if p is not None]
    recs = list(
        MeetingRecommendation.objects.filter(meeting__period__in=periods)
        .select_related("meeting__period", "owner").prefetch_related(
            Prefetch("notes", queryset=RecommendationNote.objects.select_related("written_by").order_by("noted_on", "pk"))
        ).order_by("meeting__period__year", "meeting__period__half", "meeting__held_on", "meeting_id", "number")
    )
    groups: dict[int, list] = {}
    for rec in recs:
        meeting = rec.meeting
        owner = Name(rec.owner.name_km, rec.owner.name_en) if rec.owner else None
        notes = tuple(
            ProgressNoteRow(note.noted_on, note.text,
                            (note.written_by.get_full_name() or note.written_by.username) if note.written_by else "")
            for note in rec.notes.all()
        )
        groups.setdefault(meeting.pk, [meeting, []])[1].append(
            RecommendationRow(rec.number, Name(rec.text_km, rec.text_en), rec.status, owner, rec.deadline, notes)
        )
    return tuple(
        RecommendationGroup(semester_of(meeting.period), meeting.held_on, tuple(items), Name(meeting.place_km, meeting.place_en))
        for meeting, items in groups.values()
    )


# ---- 10. Lessons-learned register ------------------------------------------------------------------


def lessons(period: ReportingPeriod, scope: Scope) -> tuple[LessonRow, ...]:
    """Section 10: the lessons of the register taken from this semester's reports (in scope), by sector then theme."""
    rows = scope.restrict(Lesson.objects.from_period(period)).values(
        "title", "text", "theme", "status", "report__ngo__name_km", "report__ngo__name_en", "sector__name_km",
        "sector__name_en", "sector__order",
    ).order_by(F("sector__order").asc(nulls_last=True), "theme", "title")
    return tuple(
        LessonRow(r["title"], r["text"], name_of(r, "report__ngo__"),
                  name_of(r, "sector__") if r["sector__name_km"] or r["sector__name_en"] else None, r["theme"], r["status"])
        for r in rows
    )
