"""The semester summary as a workbook (openpyxl): the same tables as the page, one sheet per section.

Numbers stay numbers (Western digits, so Excel can add them up) and dates stay dates whatever the
language; labels and names are in the language asked for. Every cell goes through
`mrd_ngo.spreadsheets`, so NGO names and narratives never become formulas.
"""
from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from mrd_ngo.khmer import semester_label
from mrd_ngo.spreadsheets import XLSX_CONTENT_TYPE, SheetWriter, new_workbook, workbook_bytes
from reports.summary import SemesterSummary

__all__ = ["XLSX_CONTENT_TYPE", "summary_workbook"]
_INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")


def summary_workbook(summary: SemesterSummary, lang: str) -> bytes:
    """The workbook of `summary` with labels in `lang`, as bytes."""
    with translation.override(lang):
        workbook = new_workbook()
        _headline(workbook, summary, lang)
        _sectors(workbook, summary)
        _provinces(workbook, summary)
        _model_villages(workbook, summary)
        _coverage(workbook, summary)
        _experiences(workbook, summary)
        _narratives(workbook, summary)
        _agreements(workbook, summary)
        _recommendations(workbook, summary, lang)
        _change(workbook, summary, lang)
        _by_province_and_sex(workbook, summary)
        return workbook_bytes(workbook)


def _sheet(workbook, number: int, title: str, header: list[str], widths: list[int] | None = None,
           wrap_from: int | None = None) -> SheetWriter:
    """A new sheet "1 Title" with a bold, frozen header row."""
    name = _INVALID_TITLE.sub(" ", f"{number} {title}")[:31]
    return SheetWriter(workbook, name, [str(h) for h in header], widths=widths or [], wrap_from=wrap_from)


def _number(value):
    """Decimals to int or float for Excel; None stays empty."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _percent(value):
    """A percentage rounded to one decimal."""
    return None if value is None else round(float(value), 1)


def _headline(workbook, summary, lang):
    h = summary.headline
    sheet = _sheet(workbook, 1, _("Headline figures"),
                   [_("Figure"), semester_label(summary.period.year, summary.period.half, lang), _("Counted")], [48, 20, 36])
    for figure in summary.figures:
        sheet.append([str(figure.label), _number(figure.value), str(figure.counts)])
    reports_counted = next(str(f.counts) for f in summary.figures if f.key == "reports_expected")
    sheet.append([_("Reports not yet accepted or missing"), h.not_accepted, reports_counted])
    sheet.append([_("Provinces in the summary"), summary.provinces_in_scope])
    sheet.append([_("Model villages recorded"), summary.model_villages_known])
    if summary.gaps:
        sheet.append([])
        sheet.append([_("Reports not yet accepted or missing"), _("Status")], bold=True)
        for gap in summary.gaps:
            sheet.append([str(gap.ngo), str(gap.state_label)])


def _sectors(workbook, summary):
    sheet = _sheet(
        workbook, 2, _("Results by sector"),
        [_("Sector"), _("Indicator"), _("Unit"), _("Total"), _("Counted"), _("Female"), _("Female share (%)"), _("NGOs"),
         _("Provinces"), _("Previous semester"), _("Change (%)")],
        [34, 44, 12, 14, 26, 12, 14, 8, 10, 16, 12],
    )
    for sector in summary.sectors:
        for result in sector.indicators:
            sheet.append([
                str(sector.name), str(result.heading.name), str(result.heading.unit), _number(result.total),
                str(result.counted_as), _number(result.female), _percent(result.female_share), result.ngos, result.provinces,
                _number(result.previous_total), _percent(result.change.percent),
            ])


def _provinces(workbook, summary):
    header = [_("Province"), _("NGOs active"), _("Budget planned (USD)"), _("Budget spent (USD)")]
    header += [f"{indicator.name} ({indicator.unit})" for indicator in summary.key_indicators]
    header += [_("Model villages reached")]
    sheet = _sheet(workbook, 3, _("By province"), header, [22, 10, 16, 16] + [16] * len(summary.key_indicators) + [14])
    for row in summary.provinces:
        sheet.append(
            [str(row.name), row.ngos_active, _number(row.budget_planned), _number(row.budget_spent)]
            + [_number(v) for v in row.key_results] + [row.model_villages_reached]
        )


def _model_villages(workbook, summary):
    sheet = _sheet(
        workbook, 4, _("Model villages"), [_("Province"), _("Model village"), _("NGO"), _("Indicator"), _("Value"), _("Unit")],
        [20, 22, 44, 44, 12, 12],
    )
    for row in summary.model_villages:
        for contribution in row.contributions:
            for result in contribution.results:
                sheet.append([str(row.province), str(row.village), str(contribution.ngo), str(result.indicator),
                              _number(result.value), str(result.unit)])


def _coverage(workbook, summary):
    header = [_("Province"), _("Year"), _("Water supply coverage (%)"), _("Sanitation coverage (%)"),
              _("Demonstration figure"), _("NGOs (water, sanitation)"), _("Water and sanitation budget spent (USD)")]
    header += [f"{indicator.name} ({indicator.unit})" for indicator in summary.wash_indicators]
    header += [_("Low coverage, little NGO work")]
    sheet = _sheet(workbook, 5, _("Water and sanitation"), header, [22, 8, 14, 14, 12, 12, 18] + [16] * len(summary.wash_indicators) + [14])
    for row in summary.coverage:
        sheet.append(
            [str(row.province), row.year, _number(row.water_pct), _number(row.sanitation_pct),
             _("Yes") if row.is_demonstration else "", row.wash_ngos, _number(row.wash_budget_spent)]
            + [_number(v) for v in row.wash_results] + [_("Yes") if row.is_gap else ""]
        )


def _experiences(workbook, summary):
    sheet = _sheet(workbook, 6, _("Challenges and lessons"), [_("Sector"), _("NGO"), _("Challenges"), _("Lessons learned")],
                   [30, 40, 70, 70], wrap_from=1)
    for group in summary.experiences:
        sector = str(group.sector) if group.sector else _("Agreements without a sector")
        for item in group.experiences:
            sheet.append([sector, str(item.ngo), item.challenges, item.lessons_learned])


def _passage(p) -> str:
    """A narrative as the workbook's language prints it: "[English] ..." when it has no version in that language."""
    return f"{p.mark} {p.text}" if p.mark else p.text


def _narratives(workbook, summary):
    """Section 6 consolidated, as on the page: per sector (or theme) the number of reports and the excerpts."""
    n = summary.narratives
    if n is None:
        return
    sheet = _sheet(workbook, 6, _("Achievements and plans"),
                   [_("Narrative"), _("Sector"), _("Reports"), _("NGO"), _("Excerpt")], [26, 30, 10, 36, 90], wrap_from=4)
    for label, groups in ((_("Achievements"), n.achievements), (_("Plans for next semester"), n.next_plans),
                          (_("Lessons learned"), n.lessons_learned)):
        for group in groups:
            sector = str(group.name) if group.name else _("Agreements without a sector")
            for item in group.excerpts:
                sheet.append([label, sector, group.reports, str(item.ngo), _passage(item.passage)])
    sheet = _sheet(workbook, 6, _("Challenges by theme"),
                   [_("Theme"), _("Reports"), _("NGO"), _("Challenge"), _("Solution proposed")], [30, 10, 36, 70, 60],
                   wrap_from=3)
    for group in n.challenges:
        for item in group.excerpts:
            sheet.append([str(group.theme_label), group.reports, str(item.ngo), _passage(item.passage),
                          _passage(item.solution) if item.solution else ""])
    sheet.append([])
    sheet.append([_("Narratives without a version in this language"), n.untranslated], bold=True)


def _agreements(workbook, summary):
    a = summary.agreements
    sheet = _sheet(
        workbook, 7, _("Agreements"),
        [_("List"), _("NGO"), _("Reference number"), _("Signing date"), _("Valid from"), _("Valid to"), _("Sectors"),
         _("MRD department"), _("Renews"), _("New partner")],
        [30, 40, 20, 12, 12, 12, 40, 36, 20, 10],
    )
    lists = [
        (_("Expired without renewal"), a.expired_not_renewed),
        (_("Expiring by the end of the next semester"), a.expiring),
        (_("Renewed in the semester"), a.renewed),
        (_("New agreements signed in the semester"), a.new),
    ]
    for label, rows in lists:
        for row in rows:
            sheet.append([
                label, str(row.ngo), row.reference_number, row.signed_on, row.valid_from, row.valid_to,
                ", ".join(str(s) for s in row.sectors), str(row.department) if row.department else "",
                row.renews_reference, _("Yes") if row.is_new_partner else _("No"),
            ])


def _recommendations(workbook, summary, lang):
    sheet = _sheet(
        workbook, 8, _("Recommendations"),
        [_("Meeting date"), _("Semester reviewed"), _("No."), _("Recommendation"), _("Status"), _("Follow-up")],
        [12, 22, 6, 80, 14, 60], wrap_from=4,
    )
    for group in summary.recommendations:
        for rec in group.recommendations:
            sheet.append([group.meeting_date, semester_label(group.semester.year, group.semester.half, lang), rec.number,
                          str(rec.text), str(rec.status_label), rec.follow_up_notes])


def _change(workbook, summary, lang):
    this = semester_label(summary.period.year, summary.period.half, lang)
    before = (
        semester_label(summary.previous_period.year, summary.previous_period.half, lang) if summary.previous_period else _("Previous semester")
    )
    sheet = _sheet(workbook, 9, _("Change"), [_("Figure"), this, before, _("Change"), _("Change (%)"), _("Counted")],
                   [48, 18, 18, 14, 12, 36])
    for figure in summary.figures:
        change = figure.change
        sheet.append([str(figure.label), _number(change.current), _number(change.previous), _number(change.difference),
                      _percent(change.percent), str(figure.counts)])
    sheet.append([])
    sheet.append([_("Sector"), f"{_('NGOs')} {this}", f"{_('NGOs')} {before}", f"{_('Budget spent (USD)')} {this}",
                  f"{_('Budget spent (USD)')} {before}", _("Change (%)")], bold=True)
    for sector in summary.sectors:
        sheet.append([str(sector.name), sector.ngos, sector.previous_ngos, _number(sector.budget_spent),
                      _number(sector.previous_budget_spent), _percent(sector.budget_change.percent)])


def _by_province_and_sex(workbook, summary):
    """Every indicator in every province of the summary, split by sex where the indicator is (issue 14)."""
    sheet = _sheet(
        workbook, 10, _("By province and sex"),
        [_("Province"), _("Sector"), _("Indicator"), _("Unit"), _("Total"), _("Female"), _("Male"), _("Sex not reported"),
         _("Female share (%)")],
        [22, 30, 44, 12, 14, 12, 12, 14, 14],
    )
    for row in summary.provinces:
        for heading, result in zip(summary.indicators, row.results, strict=True):
            sheet.append([
                str(row.name), str(heading.sector), str(heading.name), str(heading.unit), _number(result.total),
                _number(result.female), _number(result.male), _number(result.sex_not_reported),
                _percent(result.female_share),
            ])
