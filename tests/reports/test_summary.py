"""The semester summary's figures, checked against a small semester whose every figure is known.

`known_semester()` builds 2024S1 (and 2023S2 before it) by hand; the expected values in the tests
are worked out from that description, not from the code. A property test (hypothesis) checks that
the totals are the sums of the accepted reports whatever the reports are.
"""
import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import Indicator, Province, Sector
from mrd_ngo.roles import Role
from reports.choices import RecommendationStatus, ReportStatus
from reports.summary import Change, Name, build_national_summary, build_summary
from tests.factories import (
    AgreementFactory,
    CoverageRateFactory,
    IndicatorValueFactory,
    MeetingRecommendationFactory,
    RecommendationNoteFactory,
    NGOFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


def phnom_penh(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PHNOM_PENH)


def known_semester() -> SimpleNamespace:
    """2024S1 with seven NGOs expected to report, in Siem Reap, Battambang and Kampot, and 2023S2 before it.

    A  accepted, on time        SR+BB, water+sanitation   20,000 / 15,000 USD, 100 beneficiaries (55 female)
    B  accepted, late           Kampot, roads (new agreement signed 1 March 2024)   10,000 / 9,000, 50 (20)
    C  submitted 31 July 23:30 Phnom Penh (on time), not accepted: its 1,000 wells never count
    D  no report;  E  a draft only  (both missing)
    G  renewed on 1 April 2024: its one report, filed under the new agreement (the one in force at the
       semester's end), accepted (10,000 / 8,000, 60 (30))
    H  returned, submitted 1 August 00:30 Phnom Penh (late, though 31 July in UTC); expires 31 October 2024
    F  ended 31 October 2023 without renewal (expected in 2023S2 only);  I  a draft agreement (never expected)
    """
    p = SimpleNamespace()
    p.period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    p.previous = ReportingPeriodFactory(year=2023, half=2, due_date=datetime.date(2024, 1, 31))
    p.siem_reap, p.battambang, p.kampot = (Province.objects.get(code=c) for c in ("17", "02", "07"))
    p.water, p.sanitation, p.roads = (Sector.objects.get(code=c) for c in ("rural-water-supply", "rural-sanitation", "rural-roads"))
    ind = {code: Indicator.objects.get(code=code) for code in ("wells", "households-water", "hygiene-trained", "latrines", "road-km")}
    p.indicators = ind
    p.model_village = VillageFactory(province=p.siem_reap, name_en="Trapeang Model", name_km="ត្រពាំងគំរូ", is_model_village=True)
    p.other_model_village = VillageFactory(province=p.battambang, name_en="Idle Model", name_km="ភូមិគំរូទំនេរ", is_model_village=True)
    p.plain_village = VillageFactory(province=p.battambang, name_en="Plain Village", name_km="ភូមិធម្មតា", is_model_village=False)

    def ngo(letter):
        return NGOFactory(name_en=f"{letter} Water Partners", name_km=f"អង្គការទឹកស្អាត{letter}")

    p.a = AgreementFactory(ngo=ngo("Alpha"), provinces=[p.siem_reap, p.battambang], sectors=[p.water, p.sanitation])
    p.b = AgreementFactory(ngo=ngo("Beta"), provinces=[p.kampot], sectors=[p.roads], signed_on=datetime.date(2024, 3, 1),
                           valid_from=datetime.date(2024, 3, 15), valid_to=datetime.date(2026, 3, 14))
    p.c = AgreementFactory(ngo=ngo("Gamma"), provinces=[p.siem_reap], sectors=[p.water])
    p.d = AgreementFactory(ngo=ngo("Delta"), provinces=[p.battambang], sectors=[p.water])
    p.e = AgreementFactory(ngo=ngo("Epsilon"), provinces=[p.kampot], sectors=[p.sanitation])
    p.f = AgreementFactory(ngo=ngo("Foxtrot"), provinces=[p.siem_reap], sectors=[p.sanitation],
                           valid_from=datetime.date(2021, 11, 1), valid_to=datetime.date(2023, 10, 31), signed_on=datetime.date(2021, 10, 1))
    p.g1 = AgreementFactory(ngo=ngo("Golf"), provinces=[p.battambang], sectors=[p.water],
                            valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2024, 3, 31), signed_on=datetime.date(2020, 12, 1))
    p.g2 = AgreementFactory(ngo=p.g1.ngo, provinces=[p.battambang], sectors=[p.water], renews=p.g1,
                            valid_from=datetime.date(2024, 4, 1), valid_to=datetime.date(2027, 3, 31), signed_on=datetime.date(2024, 3, 10))
    p.h = AgreementFactory(ngo=ngo("Hotel"), provinces=[p.siem_reap], sectors=[p.roads],
                           valid_from=datetime.date(2022, 11, 1), valid_to=datetime.date(2024, 10, 31), signed_on=datetime.date(2022, 10, 1))
    p.i = AgreementFactory(ngo=ngo("India"), provinces=[p.kampot], signed_on=None,
                           valid_from=datetime.date(2024, 9, 1), valid_to=datetime.date(2027, 8, 31))

    def report(agreement, period, status, submitted=None, **kwargs):
        return ProgressReportFactory(agreement=agreement, period=period, status=status, submitted_at=submitted, **kwargs)

    accepted, submitted, returned, draft = ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT
    p.report_a = report(p.a, p.period, accepted, phnom_penh(2024, 7, 20, 9), budget_planned_usd=20000, budget_spent_usd=15000,
                        beneficiaries_total=100, beneficiaries_female=55,
                        challenges="Roads flooded in July.", lessons_learned="Plan works with the commune council.")
    p.report_b = report(p.b, p.period, accepted, phnom_penh(2024, 8, 5, 9), budget_planned_usd=10000, budget_spent_usd=9000,
                        beneficiaries_total=50, beneficiaries_female=20, challenges="Laterite was scarce.")
    p.report_c = report(p.c, p.period, submitted, phnom_penh(2024, 7, 31, 23, 30), budget_planned_usd=99999, budget_spent_usd=99999,
                        challenges="Never shown: not accepted.")
    report(p.e, p.period, draft)
    p.report_g = report(p.g2, p.period, accepted, phnom_penh(2024, 7, 1, 9), budget_planned_usd=10000, budget_spent_usd=8000,
                        beneficiaries_total=60, beneficiaries_female=30, lessons_learned="Women's groups keep the wells clean.")
    report(p.h, p.period, returned, phnom_penh(2024, 8, 1, 0, 30), budget_planned_usd=55555, budget_spent_usd=55555)

    def value(report_, code, province, amount, female=None, village=None):
        IndicatorValueFactory(report=report_, indicator=ind[code], province=province, value=Decimal(amount),
                              female_value=None if female is None else Decimal(female), village=village)

    value(p.report_a, "wells", p.siem_reap, 10, village=p.model_village)
    value(p.report_a, "wells", p.battambang, 4)
    value(p.report_a, "hygiene-trained", p.siem_reap, 200, female=120)
    value(p.report_a, "latrines", p.battambang, 7)
    value(p.report_b, "road-km", p.kampot, 12)
    value(p.report_c, "wells", p.siem_reap, 1000, village=p.model_village)
    value(p.report_g, "households-water", p.battambang, 30, village=p.plain_village)

    # 2023S2: A and F accepted.
    prev_a = report(p.a, p.previous, accepted, phnom_penh(2024, 1, 10, 9), budget_planned_usd=18000, budget_spent_usd=12000,
                    beneficiaries_total=80, beneficiaries_female=40)
    prev_f = report(p.f, p.previous, accepted, phnom_penh(2024, 1, 20, 9), budget_planned_usd=5000, budget_spent_usd=5000,
                    beneficiaries_total=20, beneficiaries_female=10)
    value(prev_a, "wells", p.siem_reap, 8)
    value(prev_f, "latrines", p.siem_reap, 3)

    CoverageRateFactory(province=p.siem_reap, year=2023, water_supply_pct=60, sanitation_pct=70)
    CoverageRateFactory(province=p.siem_reap, year=2024, water_supply_pct=65, sanitation_pct=72, is_demonstration=True)
    CoverageRateFactory(province=p.battambang, year=2024, water_supply_pct=80, sanitation_pct=85)
    CoverageRateFactory(province=p.kampot, year=2022, water_supply_pct=55, sanitation_pct=58)
    CoverageRateFactory(province=p.kampot, year=2025, water_supply_pct=99, sanitation_pct=99)  # after the semester: ignored

    done = MeetingRecommendationFactory(period=p.period, number=1, text_en="Plan with the departments.",
                                        status=RecommendationStatus.DONE)
    RecommendationNoteFactory(recommendation=done, noted_on=datetime.date(2024, 9, 30), text="Plans signed.")
    MeetingRecommendationFactory(period=p.period, number=2, text_en="Renew expired agreements.", status=RecommendationStatus.OPEN)
    MeetingRecommendationFactory(period=p.previous, number=1, text_en="Report by village.", status=RecommendationStatus.IN_PROGRESS)
    MeetingRecommendationFactory(period=ReportingPeriodFactory(year=2022, half=2), number=1, text_en="Too old to show.")
    return p


@pytest.fixture
def known(db):
    return known_semester()


@pytest.fixture
def national(known):
    return build_national_summary(known.period)


def names(rows) -> list[str]:
    return [row.ngo.en for row in rows]


# ---- 1. Headline -----------------------------------------------------------------------------


def test_headline_counts_expected_received_accepted_and_on_time_reports(national):
    h = national.headline
    assert (h.ngos_in_force, h.reports_expected) == (7, 7)  # A B C D E G H
    assert h.reports_received == 5  # A B C G H
    assert h.reports_accepted == 3  # A B G
    # C at 23:30 on the due date in Phnom Penh is on time; H at 00:30 the next day is late (though 31 July in UTC).
    assert h.reports_on_time == 3  # A C G
    assert (h.reports_awaiting, h.reports_missing, h.not_accepted) == (2, 2, 4)


def test_headline_figures_are_the_sums_of_accepted_reports_only(national):
    h = national.headline
    assert (h.budget_planned, h.budget_spent) == (Decimal(40000), Decimal(32000))
    assert (h.beneficiaries_total, h.beneficiaries_female) == (210, 105)
    assert h.spent_share == Decimal(80)
    assert (h.provinces_reached, national.provinces_in_scope) == (3, 25)
    assert (h.model_villages_reached, national.model_villages_known) == (1, 2)


def test_reports_not_yet_accepted_are_listed_with_their_state(national):
    assert [(g.ngo.en, g.state) for g in national.gaps] == [
        ("Delta Water Partners", "missing"),
        ("Epsilon Water Partners", ReportStatus.DRAFT),
        ("Hotel Water Partners", ReportStatus.RETURNED),
        ("Gamma Water Partners", ReportStatus.SUBMITTED),
    ]


def test_summary_counts_agree_with_the_completeness_page(known):
    from reports.completeness import period_completeness

    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    summary = build_summary(known.period, user=head)
    completeness = period_completeness(known.period, head)
    assert (summary.headline.reports_expected, summary.headline.reports_received, summary.headline.reports_on_time) == (
        completeness.total.expected, completeness.total.received, completeness.total.on_time)


# ---- 2. Sectors and indicators ---------------------------------------------------------------


def indicator(summary, code):
    return next(r for s in summary.sectors for r in s.indicators if r.heading.code == code)


def test_indicator_totals_leave_out_reports_not_accepted(national):
    wells = indicator(national, "wells")
    assert (wells.total, wells.ngos, wells.provinces) == (Decimal(14), 1, 2)  # C's 1,000 (not accepted) left out
    assert indicator(national, "road-km").total == Decimal(12)
    assert indicator(national, "households-water").total == Decimal(30)


def test_female_share_is_given_for_indicators_counted_by_sex_only(national):
    assert indicator(national, "hygiene-trained").female_share == Decimal(60)
    assert indicator(national, "wells").female_share is None


def test_sector_budget_is_shared_across_the_agreement_sectors(national):
    by_code = {s.code: s for s in national.sectors}
    # A's 20,000 is split between water and sanitation; G's 10,000 is all water; B's 10,000 all roads.
    assert by_code["rural-water-supply"].budget_planned == Decimal(20000)
    assert by_code["rural-sanitation"].budget_planned == Decimal(10000)
    assert by_code["rural-roads"].budget_planned == Decimal(10000)
    assert (by_code["rural-water-supply"].ngos, by_code["rural-roads"].ngos) == (2, 1)
    assert sum(s.budget_planned for s in national.sectors) == national.headline.budget_planned


# ---- 3. By province ----------------------------------------------------------------------------


def province(summary, code):
    return next(row for row in summary.provinces if row.code == code)


def test_province_table_has_25_rows_even_for_provinces_with_nothing(national):
    assert len(national.provinces) == 25
    kandal = province(national, "08")
    assert (kandal.ngos_active, kandal.budget_planned, kandal.model_villages_reached) == (0, 0, 0)
    assert set(kandal.key_results) == {Decimal(0)}
    assert kandal.planned_bar == "0.00"


def test_province_rows_share_budgets_and_count_ngos_working_there(national):
    siem_reap, battambang, kampot = (province(national, c) for c in ("17", "02", "07"))
    assert (siem_reap.budget_planned, battambang.budget_planned, kampot.budget_planned) == (10000, 20000, 10000)
    # Siem Reap: A (C is not accepted); Battambang: A and G (a result only where its agreement works); Kampot: B.
    assert (siem_reap.ngos_active, battambang.ngos_active, kampot.ngos_active) == (1, 2, 1)
    assert battambang.planned_bar == "100.00" and siem_reap.planned_bar == "50.00"
    keys = [h.code for h in national.key_indicators]
    assert siem_reap.key_results[keys.index("wells")] == 10
    assert siem_reap.model_villages_reached == 1
    assert sum(row.budget_planned for row in national.provinces) == national.headline.budget_planned


# ---- 4. Model villages ---------------------------------------------------------------------------


def test_model_villages_name_the_ngos_and_what_they_did_there(national):
    (row,) = national.model_villages  # the plain village and C's unaccepted wells do not show
    assert row.village.en == "Trapeang Model" and row.province.en == "Siem Reap"
    (contribution,) = row.contributions
    assert contribution.ngo.en == "Alpha Water Partners"
    assert [(r.indicator.en, r.value) for r in contribution.results] == [("Wells built", Decimal(10))]


# ---- 5. Coverage -----------------------------------------------------------------------------


def test_coverage_lists_provinces_lowest_rate_first_with_the_latest_year_up_to_the_semester(national):
    rows = national.coverage
    assert [(r.province.en, r.year, r.lowest_pct) for r in rows[:3]] == [
        ("Kampot", 2022, Decimal(55)), ("Siem Reap", 2024, Decimal(65)), ("Battambang", 2024, Decimal(80)),
    ]
    assert len(rows) == 25 and rows[3].year is None
    assert national.coverage_is_demonstration


def test_low_coverage_with_little_ngo_water_work_is_flagged(national):
    kampot, siem_reap, battambang = national.coverage[:3]
    # Water and sanitation budget spent: Siem Reap 7,500 (A), Battambang 15,500 (A + G), Kampot nothing.
    assert (siem_reap.wash_budget_spent, battambang.wash_budget_spent, kampot.wash_budget_spent) == (7500, 15500, 0)
    assert (kampot.is_gap, siem_reap.is_gap, battambang.is_gap) == (True, False, False)
    assert (siem_reap.wash_ngos, battambang.wash_ngos) == (1, 2)


# ---- 6. Challenges and lessons -----------------------------------------------------------------


def test_challenges_and_lessons_are_grouped_by_sector_with_the_ngo_named(national):
    groups = {g.sector.en: [(e.ngo.en, e.challenges, e.lessons_learned) for e in g.experiences] for g in national.experiences}
    assert groups == {
        "Rural water supply": [
            ("Alpha Water Partners", "Roads flooded in July.", "Plan works with the commune council."),
            ("Golf Water Partners", "", "Women's groups keep the wells clean."),
        ],
        "Rural roads": [("Beta Water Partners", "Laterite was scarce.", "")],
    }


# ---- 7. Agreements ---------------------------------------------------------------------------


def test_agreement_lists_as_of_the_end_of_the_semester(national, known):
    lists = national.agreements
    assert (lists.as_of, lists.expiring_until) == (datetime.date(2024, 6, 30), datetime.date(2024, 12, 31))
    assert names(lists.expired_not_renewed) == ["Foxtrot Water Partners"]
    assert names(lists.expiring) == ["Hotel Water Partners"]
    assert [(r.ngo.en, r.renews_reference) for r in lists.renewed] == [("Golf Water Partners", known.g1.reference_number)]
    assert [(r.ngo.en, r.is_new_partner) for r in lists.new] == [("Beta Water Partners", True)]
    assert [s.en for s in lists.new[0].sectors] == ["Rural roads"]


# ---- 8. Recommendations ------------------------------------------------------------------------


def test_recommendations_of_the_meetings_on_this_and_the_previous_semester(national):
    groups = [(g.semester.code, [(r.number, r.text.en, r.status) for r in g.recommendations]) for g in national.recommendations]
    assert groups == [
        ("2023S2", [(1, "Report by village.", "in_progress")]),
        ("2024S1", [(1, "Plan with the departments.", "done"), (2, "Renew expired agreements.", "open")]),
    ]


# ---- 9. Change since the previous semester ------------------------------------------------------


def test_change_since_the_previous_semester(national):
    figures = {f.key: f.change for f in national.figures}
    assert figures["budget_planned"] == Change(Decimal(40000), Decimal(23000))
    assert figures["reports_accepted"] == Change(3, 2)
    assert figures["ngos_in_force"] == Change(7, 7)  # 2023S2: A C D E F G H
    assert figures["model_villages_reached"].percent is None  # nothing to compare with (0 before)
    assert indicator(national, "wells").change == Change(Decimal(14), Decimal(8))
    assert indicator(national, "wells").change.percent == Decimal(75)
    sanitation = next(s for s in national.sectors if s.code == "rural-sanitation")
    assert (sanitation.ngos_change.previous, sanitation.budget_change.previous) == (2, Decimal(11000))  # A's half + F


def test_first_semester_on_record_has_nothing_to_compare_with(known):
    summary = build_national_summary(known.previous)  # 2023S1 is not recorded
    assert summary.previous_period is None and summary.previous_headline is None
    assert all(f.change.previous is None for f in summary.figures)


# ---- Missing data --------------------------------------------------------------------------------


def test_a_semester_without_reports_gives_zeros_and_empty_lists(db):
    summary = build_national_summary(ReportingPeriodFactory(year=2031, half=1, due_date=datetime.date(2031, 7, 31)))
    h = summary.headline
    assert (h.reports_expected, h.reports_received, h.budget_planned, h.provinces_reached) == (0, 0, 0, 0)
    assert h.received_share is None and h.spent_share is None
    assert len(summary.provinces) == 25 and not any(row.has_activity for row in summary.provinces)
    assert summary.model_villages == () and summary.experiences == () and summary.gaps == ()
    assert all(r.total == 0 for s in summary.sectors for r in s.indicators)


# ---- Access ----------------------------------------------------------------------------------


def test_provincial_officer_summary_covers_their_province_only(known):
    officer = UserFactory(role=Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    summary = build_summary(known.period, user=officer)
    assert summary.scope == Name("សៀមរាប", "Siem Reap")
    assert [row.code for row in summary.provinces] == ["17"] and summary.provinces_in_scope == 1
    assert summary.headline.reports_expected == 3  # A C H: agreements in Siem Reap
    assert indicator(summary, "wells").total == Decimal(10)  # not Battambang's 4
    assert {g.ngo.en for g in summary.gaps} == {"Gamma Water Partners", "Hotel Water Partners"}
    assert [r.province.en for r in summary.coverage] == ["Siem Reap"]


def test_a_user_without_a_role_gets_an_empty_summary(known):
    summary = build_summary(known.period, user=UserFactory())
    assert summary.headline.reports_expected == 0 and summary.provinces == () and summary.model_villages_known == 0


# ---- Queries ---------------------------------------------------------------------------------


def add_ngos(period, count, province):
    sector = Sector.objects.get(code="rural-water-supply")
    wells = Indicator.objects.get(code="wells")
    for _ in range(count):
        report = ProgressReportFactory(agreement=AgreementFactory(provinces=[province], sectors=[sector]), period=period,
                                       status=ReportStatus.ACCEPTED, submitted_at=phnom_penh(2024, 7, 1, 9))
        IndicatorValueFactory(report=report, indicator=wells, province=province,
                              village=VillageFactory(province=province, is_model_village=True))


def test_summary_takes_the_same_number_of_queries_for_10_or_40_ngos(known):
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    add_ngos(known.period, 3, known.kampot)
    build_summary(known.period, user=head)
    with CaptureQueriesContext(connection) as small:
        build_summary(known.period, user=head)
    add_ngos(known.period, 30, known.battambang)
    with CaptureQueriesContext(connection) as large:
        summary = build_summary(known.period, user=head)
    assert summary.headline.reports_accepted == 36
    assert len(small) == len(large) <= 30


def test_rendering_the_summary_runs_no_query(national):
    from django.template.loader import render_to_string

    from reports.pdf import summary_html

    with CaptureQueriesContext(connection) as queries:
        render_to_string("reports/summary/_sections.html", {"summary": national})
        summary_html(national, "en", printed_on=datetime.date(2024, 7, 17))
    assert len(queries) == 0


# ---- Property: totals are the sums of the accepted reports --------------------------------------

report_strategy = st.fixed_dictionaries({
    "status": st.sampled_from(list(ReportStatus)),
    "provinces": st.lists(st.sampled_from(["17", "02", "07"]), min_size=0, max_size=3, unique=True),
    "sectors": st.lists(st.sampled_from(["rural-water-supply", "rural-sanitation", "rural-roads"]), min_size=0, max_size=3, unique=True),
    "planned": st.decimals(min_value=0, max_value=1_000_000, places=2),
    "spent": st.decimals(min_value=0, max_value=1_000_000, places=2),
    "beneficiaries": st.integers(min_value=0, max_value=50_000),
    "female_share": st.floats(min_value=0, max_value=1),
    "values": st.lists(st.tuples(st.sampled_from(["wells", "hygiene-trained", "road-km"]), st.sampled_from(["17", "02", "07"]),
                                 st.decimals(min_value=0, max_value=10_000, places=2)), max_size=4, unique_by=lambda v: v[:2]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reports=st.lists(report_strategy, min_size=0, max_size=6))
def test_totals_equal_the_sums_of_accepted_reports(db, reports):
    with transaction.atomic():
        period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
        provinces = {p.code: p for p in Province.objects.filter(code__in=["17", "02", "07"])}
        sectors = {s.code: s for s in Sector.objects.filter(code__in=["rural-water-supply", "rural-sanitation", "rural-roads"])}
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=["wells", "hygiene-trained", "road-km"])}
        for spec in reports:
            agreement = AgreementFactory(provinces=[provinces[c] for c in spec["provinces"]], sectors=[sectors[c] for c in spec["sectors"]])
            female = int(spec["beneficiaries"] * spec["female_share"])
            report = ProgressReportFactory(
                agreement=agreement, period=period, status=spec["status"], budget_planned_usd=spec["planned"],
                budget_spent_usd=spec["spent"], beneficiaries_total=spec["beneficiaries"], beneficiaries_female=female,
                submitted_at=None if spec["status"] == ReportStatus.DRAFT else phnom_penh(2024, 7, 1),
            )
            for code, province_code, amount in spec["values"]:
                by_sex = indicators[code].disaggregated_by_sex
                IndicatorValueFactory(report=report, indicator=indicators[code], province=provinces[province_code], value=amount,
                                      female_value=(amount / 2).quantize(Decimal("0.01")) if by_sex else None)
        summary = build_national_summary(period)
        accepted = [r for r in reports if r["status"] == ReportStatus.ACCEPTED]

        h = summary.headline
        assert h.budget_planned == sum((r["planned"] for r in accepted), Decimal(0))
        assert h.budget_spent == sum((r["spent"] for r in accepted), Decimal(0))
        assert h.beneficiaries_total == sum(r["beneficiaries"] for r in accepted)
        assert h.beneficiaries_female == sum(int(r["beneficiaries"] * r["female_share"]) for r in accepted)
        assert h.reports_expected == len(reports)
        assert h.reports_accepted == len(accepted)
        assert h.reports_accepted + h.reports_awaiting + h.reports_missing == h.reports_expected
        for code in indicators:
            expected_total = sum((v[2] for r in accepted for v in r["values"] if v[0] == code), Decimal(0))
            assert indicator(summary, code).total == expected_total
        provinces_with_results = {v[1] for r in accepted for v in r["values"] if v[2] > 0}
        assert h.provinces_reached == len(provinces_with_results)
        # Budgets shared out by province and by sector add up to the total (to the cent per share).
        with_provinces = sum((r["planned"] for r in accepted if r["provinces"]), Decimal(0))
        assert abs(sum(row.budget_planned for row in summary.provinces) - with_provinces) <= Decimal("0.01") * 9 * len(accepted)
        with_sectors = sum((r["planned"] for r in accepted if r["sectors"]), Decimal(0))
        assert abs(sum(s.budget_planned for s in summary.sectors) - with_sectors) <= Decimal("0.01") * 9 * len(accepted)
        transaction.set_rollback(True)
