"""The consolidated semester summary, built once into plain data for the page, the PDF and the workbook.

`build_summary(period, user=...)` runs every query (a fixed number, about 30, whatever the number of
NGOs, agreements or reports) and returns frozen dataclasses; rendering never touches the database.
Names are kept in both languages (`Name`) and labels are lazy, so one summary renders in Khmer and
in English. Everything starts from `visible_to(user)`: a provincial officer's summary covers their
province only; `build_national_summary` (the management command) covers the whole country.

The package: `data` (the frozen dataclasses returned), `queries` (whose data, and the raw figures of
one semester), `sections` (one builder per section), `build` (puts them together).

Definitions (the page states them too; each rule is written once, in reports/rules.py and
agreements/rules.py):
- expected: NGOs with a signed agreement in force for at least one day of the semester; each files one
  report, so "reports expected" is "NGOs expected";
- received: expected NGOs with a report submitted (submitted, returned or accepted); accepted: with an
  accepted report; on time: first submitted (Phnom Penh date) on or before the period's due date;
- figures (budget, beneficiaries, results) come from ACCEPTED reports only; budgets, beneficiaries and
  indicator totals are sums over those reports (a person or a well reported by two NGOs counts twice),
  except "Model villages supported", which counts distinct model villages;
- a report's budget is shared evenly across the provinces and sectors its agreement covers (reports
  hold one budget, not one per province), so the by-province and by-sector budgets add up to the total;
- a province (model village) is reached when an accepted report records a result above zero there;
  provinces, villages and NGOs are counted as distinct.
"""
from reports.summary.build import build_national_summary, build_provincial_summary, build_summary
from reports.summary.data import (
    AgreementLists, AgreementRow, Change, CoverageRow, Experience, FigureRow, Headline, IndicatorHeading,
    IndicatorResult, ModelVillageRow, Name, NationalCoverage, ProvinceIndicatorRow, ProvinceIndicatorTable,
    ProvinceResult, ProvinceRow, RecommendationGroup, RecommendationRow, ReportGap,
    SectorExperiences, SectorResult, Semester, SemesterSummary, VillageContribution, VillageResult,
)

__all__ = [
    "AgreementLists", "AgreementRow", "Change", "CoverageRow", "Experience", "FigureRow", "Headline",
    "IndicatorHeading", "IndicatorResult", "ModelVillageRow", "Name", "NationalCoverage",
    "ProvinceIndicatorRow", "ProvinceIndicatorTable", "ProvinceResult", "ProvinceRow", "RecommendationGroup",
    "RecommendationRow", "ReportGap", "SectorExperiences", "SectorResult", "Semester", "SemesterSummary",
    "VillageContribution", "VillageResult", "build_national_summary", "build_provincial_summary", "build_summary",
]
