"""The semester report as a spreadsheet: a template pre-filled for one NGO and period, and reading it back.

Many NGOs send their report as a spreadsheet. `build_template` makes the workbook they fill in
(Khmer and English headers, drop-down lists of provinces and indicators); `read_report_workbook`
reads a filled-in copy into a `ReportContent` plus every problem found, each named by sheet, row
and column, without writing anything. Both languages appear side by side in the workbook whatever
the page language, so its labels are constants here rather than translated messages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from agreements.models import NGO, Agreement, Indicator, Province, Village
from mrd_ngo.khmer import format_date, format_number, normalize_khmer, semester_label, western_digits
from mrd_ngo.spreadsheets import CellProblem, SpreadsheetError, WorkbookReader, workbook_bytes, write_cell
from reports.models import ReportingPeriod
from reports.semesters import parse_period_code
from reports.content import NARRATIVE_FIELDS, ReportContent, ResultRow
from reports.services import (
    agreement_in_force, agreement_province_ids, no_agreement_message, province_problem, province_scope, row_problems,
    scope_warnings,
)

SHEET_REPORT = "Report"
SHEET_RESULTS = "Indicators"
SHEET_LISTS = "Lists"
TITLE = ("របាយការណ៍វឌ្ឍនភាពប្រចាំឆមាសរបស់អង្គការមិនមែនរដ្ឋាភិបាល", "NGO semester progress report")
NOTE = ("សូមបំពេញក្រឡាពណ៌ស។ កុំកែក្រឡាពណ៌ប្រផេះ។", "Fill in the white cells. Do not change the grey ones.")

# The Report sheet: one line per item, Khmer label in A, English label in B, value in C.
REPORT_FIRST_ROW = 4
REPORT_ROWS = [
    ("ngo", "អង្គការមិនមែនរដ្ឋាភិបាល", "NGO"),
    ("ngo_id", "លេខសម្គាល់អង្គការ", "NGO number"),
    ("period", "ឆមាស", "Semester"),
    ("agreement", "កិច្ចព្រមព្រៀងសហប្រតិបត្តិការ", "Cooperation agreement"),
    ("budget_planned_usd", "ថវិកាគ្រោងទុក (ដុល្លារអាមេរិក)", "Budget planned (USD)"),
    ("budget_spent_usd", "ថវិកាបានចំណាយ (ដុល្លារអាមេរិក)", "Budget spent (USD)"),
    ("beneficiaries_total", "ចំនួនអ្នកទទួលផលសរុប", "Beneficiaries (total)"),
    ("beneficiaries_female", "ចំនួនអ្នកទទួលផលជាស្ត្រី", "Beneficiaries (female)"),
    ("achievements", "សមិទ្ធផលសម្រេចបាន", "Achievements"),
    ("challenges", "បញ្ហាប្រឈម", "Challenges"),
    ("lessons_learned", "មេរៀនបទពិសោធន៍", "Lessons learned"),
    ("next_plans", "ផែនការសម្រាប់ឆមាសបន្ទាប់", "Plans for next semester"),
]
REPORT_HEADER = ("ព័ត៌មាន", "Item", "តម្លៃ / Value")
DECIMAL_ITEMS = {"budget_planned_usd", "budget_spent_usd"}
WHOLE_ITEMS = {"beneficiaries_total", "beneficiaries_female"}

# The Indicators sheet: Khmer headers on row 1, English on row 2, results from row 3.
RESULT_COLUMNS = [
    ("province", "ខេត្ត", "Province"),
    ("indicator", "សូចនាករ", "Indicator"),
    ("village", "លេខកូដភូមិ (បើមាន)", "Village code (optional)"),
    ("value", "លទ្ធផល", "Value"),
    ("female_value", "ក្នុងនោះស្ត្រី", "Of which female"),
    ("unit", "ឯកតា", "Unit"),
]
# How problems name the columns, in the page's language.
COLUMN_NAMES = {
    "province": gettext_lazy("province"), "indicator": gettext_lazy("indicator"), "village": gettext_lazy("village"),
    "value": gettext_lazy("value"), "female_value": gettext_lazy("of which female"),
}
RESULTS_FIRST_ROW = 3
RESULTS_LAST_ROW = 2000  # drop-down lists reach this far; more rows than this are refused
COLUMN = {key: get_column_letter(i) for i, (key, _km, _en) in enumerate(RESULT_COLUMNS, start=1)}
REPORT_LAST_ROW = 60  # the Report sheet's lines are looked for this far

GREY = PatternFill("solid", fgColor="E9ECEF")
HEAD = PatternFill("solid", fgColor="0B3D6E")
THIN = Side(style="thin", color="C9D3E0")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def bilingual(km: str, en: str) -> str:
    return f"{km} – {en}" if km and en and km != en else km or en


def province_label(province: Province) -> str:
    return bilingual(province.name_km, province.name_en)


def indicator_label(indicator: Indicator) -> str:
    return bilingual(indicator.name_km, indicator.name_en)


# ---- The template ----------------------------------------------------------------------------


def template_filename(ngo: NGO, period: ReportingPeriod) -> str:
    return f"report-{period.code}-ngo{ngo.pk}.xlsx"


def _warning_validation(**kwargs) -> DataValidation:
    """A drop-down or number check that warns but lets a person type something else (names are matched leniently)."""
    return DataValidation(allow_blank=True, showErrorMessage=True, showDropDown=False, errorStyle="warning",
                          errorTitle="MRD", **kwargs)


NOT_NEGATIVE = {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0",
                "error": bilingual("ត្រូវជាចំនួនមិនអវិជ្ជមាន", "Enter a number of at least 0")}


def build_template(*, ngo: NGO, period: ReportingPeriod, agreement: Agreement, user) -> bytes:
    """A workbook for `ngo`'s report on `period`, pre-filled with its agreement's provinces and indicators."""
    scope = province_scope(user)
    indicators = list(Indicator.objects.select_related("sector"))
    # The drop-down offers only the provinces a result may be in (`province_problem`): the agreement's, and
    # a provincial officer's own (`agreement_in_force` gives them only an agreement covering it).
    covered = [p for p in agreement.provinces.order_by("code") if scope is None or p.pk == scope]
    provinces = covered
    sector_ids = set(agreement.sectors.values_list("pk", flat=True))

    workbook = Workbook()
    _report_sheet(workbook.active, ngo=ngo, period=period, agreement=agreement)
    _results_sheet(workbook.create_sheet(SHEET_RESULTS), covered=covered,
                   indicators=[i for i in indicators if i.sector_id in sector_ids],
                   province_count=len(provinces), indicator_count=len(indicators))
    lists = workbook.create_sheet(SHEET_LISTS)
    lists["A1"], lists["B1"] = "Provinces", "Indicators"
    for i, province in enumerate(provinces, start=2):
        write_cell(lists, i, 1, province_label(province))
    for i, indicator in enumerate(indicators, start=2):
        write_cell(lists, i, 2, indicator_label(indicator))
    lists.sheet_state = "hidden"
    workbook.properties.title = bilingual(*TITLE)
    workbook.properties.subject = f"{period.code} ngo {ngo.pk}"
    return workbook_bytes(workbook)


def _report_sheet(sheet, *, ngo, period, agreement) -> None:
    """Who and when (grey, filled in), then the figures and narrative to fill in."""
    sheet.title = SHEET_REPORT
    sheet["A1"] = bilingual(*TITLE)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:C1")
    sheet["A2"] = bilingual(*NOTE)
    sheet["A2"].font = Font(italic=True, color="555555")
    sheet.merge_cells("A2:C2")
    for col, text in enumerate(REPORT_HEADER, start=1):
        cell = sheet.cell(row=3, column=col, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEAD
    values = {
        "ngo": bilingual(ngo.name_km, ngo.name_en),
        "ngo_id": ngo.pk,
        "period": period.code,
        "agreement": agreement.reference_number,
    }
    figures = _warning_validation(**NOT_NEGATIVE)
    sheet.add_data_validation(figures)
    for offset, (key, km, en) in enumerate(REPORT_ROWS):
        row = REPORT_FIRST_ROW + offset
        sheet.cell(row=row, column=1, value=km).fill = GREY
        sheet.cell(row=row, column=2, value=en).fill = GREY
        cell = write_cell(sheet, row, 3, values.get(key))  # a name starting with "=" stays a name
        cell.border = BOX
        cell.alignment = WRAP
        if key in values:
            cell.fill = GREY
        if key == "period":
            sheet.cell(row=row, column=4, value=bilingual(
                semester_label(period.year, period.half, "km"), semester_label(period.year, period.half, "en")))
        if key in NARRATIVE_FIELDS:
            sheet.row_dimensions[row].height = 90
        if key in DECIMAL_ITEMS | WHOLE_ITEMS:
            cell.number_format = "#,##0.00" if key in DECIMAL_ITEMS else "#,##0"
            figures.add(cell.coordinate)
    for column, width in (("A", 34), ("B", 26), ("C", 80), ("D", 40)):
        sheet.column_dimensions[column].width = width


def _results_sheet(sheet, *, covered, indicators, province_count, indicator_count) -> None:
    """One line per province of the agreement and indicator of its sectors, with drop-down lists."""
    for col, (key, km, en) in enumerate(RESULT_COLUMNS, start=1):
        for row, text in ((1, km), (2, en)):
            cell = sheet.cell(row=row, column=col, value=text)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEAD
    sheet.freeze_panes = "A3"
    for key, width in (("province", 30), ("indicator", 55), ("village", 26), ("value", 14), ("female_value", 16), ("unit", 14)):
        sheet.column_dimensions[COLUMN[key]].width = width
    sheet.column_dimensions[COLUMN["village"]].number_format = "@"  # codes as text: 01020101 keeps its 0
    row = RESULTS_FIRST_ROW
    for province in covered:
        for indicator in indicators:
            write_cell(sheet, row, 1, province_label(province))
            write_cell(sheet, row, 2, indicator_label(indicator))
            write_cell(sheet, row, 6, bilingual(indicator.unit_km, indicator.unit_en)).fill = GREY
            if not indicator.disaggregated_by_sex:
                sheet.cell(row=row, column=5).fill = GREY  # not counted by sex: leave empty
            row += 1
    # List ranges are written without "=", as Excel stores them (ECMA-376 formulas have no leading "=").
    province_list = _warning_validation(type="list", formula1=f"{SHEET_LISTS}!$A$2:$A${province_count + 1}",
                                        error=bilingual("សូមជ្រើសខេត្តពីបញ្ជី", "Choose a province from the list"))
    indicator_list = _warning_validation(type="list", formula1=f"{SHEET_LISTS}!$B$2:$B${indicator_count + 1}",
                                         error=bilingual("សូមជ្រើសសូចនាករពីបញ្ជី", "Choose an indicator from the list"))
    numbers = _warning_validation(**NOT_NEGATIVE)
    for validation in (province_list, indicator_list, numbers):
        sheet.add_data_validation(validation)
    province_list.add(f"A{RESULTS_FIRST_ROW}:A{RESULTS_LAST_ROW}")
    indicator_list.add(f"B{RESULTS_FIRST_ROW}:B{RESULTS_LAST_ROW}")
    numbers.add(f"D{RESULTS_FIRST_ROW}:E{RESULTS_LAST_ROW}")


# ---- Reading a filled-in template ------------------------------------------------------------


@dataclass
class Problem:
    """Something wrong in one cell (or one row, or the whole sheet) of an uploaded template."""

    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class ParsedReport:
    """What an uploaded template holds, and what is wrong with it (nothing is written)."""

    content: ReportContent
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreement: Agreement | None = None


class _CellError(Exception):
    pass


def _number(value, *, whole: bool = False):
    """A non-negative number from a cell: numbers, or text of Western or Khmer digits."""
    if isinstance(value, CellProblem):
        raise _CellError(str(value))
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _CellError(_("text in a number cell: “%(text)s”") % {"text": value})
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        text = western_digits(value).replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _CellError(_("text in a number cell: “%(text)s”") % {"text": value.strip()}) from None
    else:
        raise _CellError(_("a date or other value where a number is expected"))
    if not number.is_finite():
        raise _CellError(_("text in a number cell: “%(text)s”") % {"text": value})
    if number < 0:
        raise _CellError(_("negative value (%(value)s): figures cannot be negative") % {"value": value})
    if number >= Decimal(10) ** 12:
        raise _CellError(_("number too large (%(value)s)") % {"value": value})
    if whole:
        if number != number.to_integral_value():
            raise _CellError(_("not a whole number (%(value)s)") % {"value": value})
        return int(number)
    return number.quantize(Decimal("0.01"))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _key(text) -> str:
    return normalize_khmer(_text(text))


def _not_template(detail: str) -> SpreadsheetError:
    return SpreadsheetError(_("This workbook is not the ministry's report template (%(detail)s). "
                              "Download the template from this site and fill it in.") % {"detail": detail})


def read_report_workbook(data: bytes, *, ngo: NGO, period: ReportingPeriod, user) -> ParsedReport:
    """Read a filled-in template for `ngo` and `period`: its content and every problem found; writes nothing."""
    with WorkbookReader(data) as workbook:
        return _read(workbook, ngo=ngo, period=period, user=user)


def _read(workbook, *, ngo, period, user) -> ParsedReport:
    for name in (SHEET_REPORT, SHEET_RESULTS):
        if name not in workbook.sheetnames:
            raise _not_template(_("the sheet “%(sheet)s” is missing") % {"sheet": name})
    problems: list[Problem] = []
    fields, meta = _read_report_sheet(workbook, problems)

    def report_problem(key, message):
        problems.append(Problem(SHEET_REPORT, meta[key][0], "C", message))

    lang = get_language()
    file_ngo = meta["ngo_id"][1]
    if not isinstance(file_ngo, CellProblem) and _text(file_ngo) != str(ngo.pk):
        report_problem("ngo_id", _("wrong NGO: this template was made for “%(file_ngo)s” (number %(number)s), not for %(ngo)s.") % {
            "file_ngo": _text(meta["ngo"][1]) or "?", "number": _text(file_ngo) or "?", "ngo": ngo.name,
        })
    file_period = _text(meta["period"][1]).upper()
    if not isinstance(meta["period"][1], CellProblem) and file_period != period.code:
        try:
            year, half = parse_period_code(file_period)
            shown = semester_label(year, half, lang)
        except ValueError:
            shown = file_period or "?"
        report_problem("period", _("wrong period: this template is for %(file_period)s, not for %(period)s.") % {
            "file_period": shown, "period": semester_label(period.year, period.half, lang),
        })
    # Only an agreement the user may see is used or named (never another province's).
    agreement = agreement_in_force(ngo=ngo, period=period, user=user)
    if agreement is None:
        report_problem("agreement", no_agreement_message(ngo=ngo, period=period, user=user))
    if fields.get("beneficiaries_total") is not None and fields.get("beneficiaries_female") is not None:
        if fields["beneficiaries_female"] > fields["beneficiaries_total"]:
            report_problem("beneficiaries_female", _("female greater than total: %(female)s women out of %(total)s beneficiaries.") % {
                "female": fields["beneficiaries_female"], "total": fields["beneficiaries_total"],
            })
    for key in DECIMAL_ITEMS | WHOLE_ITEMS:
        if fields.get(key) is None:
            fields[key] = 0

    rows = _read_results_sheet(workbook, problems, user=user, agreement=agreement)
    content = ReportContent(fields=fields, rows=rows)
    warnings = scope_warnings(agreement, rows) if agreement else []
    return ParsedReport(content=content, problems=problems, warnings=warnings, agreement=agreement)


def _read_report_sheet(workbook, problems):
    """The Report sheet's items by key, found by their English label in column B; unreadable cells are problems."""
    by_label = {en.casefold(): key for key, _km, en in REPORT_ROWS}
    found: dict[str, tuple[int, object]] = {}
    for number, cells in workbook.rows(SHEET_REPORT, max_column=3):
        if number > REPORT_LAST_ROW:
            break
        label = cells.get(2)
        label = "" if isinstance(label, CellProblem) else _text(label).casefold()
        if label in by_label and by_label[label] not in found:
            found[by_label[label]] = (number, cells.get(3))
    missing = [en for key, _km, en in REPORT_ROWS if key not in found]
    if missing:
        raise _not_template(_("the sheet “%(sheet)s” has no line “%(label)s”") % {"sheet": SHEET_REPORT, "label": missing[0]})
    for key, (number, value) in found.items():
        if isinstance(value, CellProblem) and key not in DECIMAL_ITEMS | WHOLE_ITEMS:  # numbers: reported below
            problems.append(Problem(SHEET_REPORT, number, "C", str(value)))
    fields = {}
    for key in NARRATIVE_FIELDS:
        value = found[key][1]
        fields[key] = "" if isinstance(value, CellProblem) else _text(value)
    for key in DECIMAL_ITEMS | WHOLE_ITEMS:
        number, value = found[key]
        try:
            fields[key] = _number(value, whole=key in WHOLE_ITEMS)
        except _CellError as error:
            problems.append(Problem(SHEET_REPORT, number, "C", str(error)))
            fields[key] = None
    return fields, found


class _Lookup:
    """Provinces, indicators and villages by any name a person may type (three queries)."""

    def __init__(self):
        self.provinces, self.indicators = {}, {}
        for province in Province.objects.all():
            for name in (province_label(province), province.name_km, province.name_en, province.code):
                self.provinces.setdefault(_key(name), province)
        for indicator in Indicator.objects.select_related("sector"):
            for name in (indicator_label(indicator), indicator.name_km, indicator.name_en, indicator.code):
                self.indicators.setdefault(_key(name), indicator)
        self.villages: dict[str, list[Village]] = {}
        self.choosable: set[int] = set()

    def load_villages(self, user, codes, agreement) -> None:
        """The villages `user` may see among `codes`, by code, and those a result under `agreement` may name (two queries)."""
        visible = Village.objects.visible_to(user).filter(code__in=codes)
        for village in visible.select_related("province"):
            self.villages.setdefault(village.code, []).append(village)
        self.choosable = set(visible.for_agreement(agreement).values_list("pk", flat=True)) if agreement else set()


def village_code(value) -> str:
    """A village code as typed in a cell: Khmer digits read, and the 0 a spreadsheet drops from a number put back."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(8)
    return _key(value).replace(" ", "")


def _read_results_sheet(workbook, problems, *, user, agreement) -> list[ResultRow]:
    header, raw_rows = {}, []
    for number, row in workbook.rows(SHEET_RESULTS, max_column=5):
        if number < RESULTS_FIRST_ROW:
            header = row if number == 2 else header
            continue
        province_text, indicator_text, village_text, value, female = (row.get(column) for column in range(1, 6))
        if all(not isinstance(v, CellProblem) and _text(v) == "" for v in (village_text, value, female)):
            continue  # a pre-filled line left empty: nothing to report there
        if number > RESULTS_LAST_ROW:
            problems.append(Problem(SHEET_RESULTS, number, None,
                                    _("too many rows: at most %(count)s results per report")
                                    % {"count": format_number(RESULTS_LAST_ROW - RESULTS_FIRST_ROW + 1, get_language())}))
            break
        raw_rows.append((number, province_text, indicator_text, village_text, value, female))
    expected = [en for _key_, _km, en in RESULT_COLUMNS]
    if [_text(header.get(column)).casefold() for column in range(1, 6)] != [e.casefold() for e in expected[:5]]:
        raise _not_template(_("the sheet “%(sheet)s” does not have the template's columns") % {"sheet": SHEET_RESULTS})
    lookup = _Lookup()
    scope = province_scope(user)
    covered = agreement_province_ids(agreement) if agreement is not None else frozenset()

    def problem(number, key, message):
        problems.append(Problem(SHEET_RESULTS, number, f"{COLUMN[key]} ({capfirst(COLUMN_NAMES[key])})", message))

    parsed = []
    for number, province_text, indicator_text, village_text, value, female in raw_rows:
        ok = True
        for key, cell in (("province", province_text), ("indicator", indicator_text), ("village", village_text)):
            if isinstance(cell, CellProblem):  # unreadable numbers are reported by _number() below
                ok = False
                problem(number, key, str(cell))
        province = lookup.provinces.get(_key(province_text))
        if isinstance(province_text, CellProblem):
            province = None
        elif province is None:
            ok = False
            problem(number, "province", _("unknown province: “%(text)s”") % {"text": _text(province_text)} if _text(province_text)
                    else _("the province is missing"))
        elif agreement is not None and (refused := province_problem(province, agreement=agreement, scope=scope,
                                                                       covered=covered)):
            ok = False
            problem(number, "province", refused)
        indicator = lookup.indicators.get(_key(indicator_text))
        if isinstance(indicator_text, CellProblem):
            indicator = None
        elif indicator is None:
            ok = False
            problem(number, "indicator", _("unknown indicator: “%(text)s”") % {"text": _text(indicator_text)} if _text(indicator_text)
                    else _("the indicator is missing"))
        numbers = {}
        for key, cell in (("value", value), ("female_value", female)):
            try:
                numbers[key] = _number(cell)
            except _CellError as error:
                ok = False
                problem(number, key, str(error))
        if ok and numbers.get("value") is None:
            ok = False
            problem(number, "value", _("the value is missing"))
        code = "" if isinstance(village_text, CellProblem) or _text(village_text) == "" else village_code(
            int(village_text) if isinstance(village_text, float) and village_text.is_integer() else village_text)
        parsed.append((number, ok, province, indicator, code, numbers))

    lookup.load_villages(user, {code for _n, ok, _p, _i, code, _v in parsed if ok and code}, agreement)
    rows, seen = [], {}
    for number, ok, province, indicator, village_text, numbers in parsed:
        if not ok:
            continue
        village = None
        if village_text:
            village = _village_of_code(village_text, lookup.villages.get(village_text, []), lookup.choosable,
                                       lambda message: problem(number, "village", message))
            if village is None:
                continue
        row = ResultRow(indicator=indicator, province=province, village=village,
                        value=numbers["value"], female_value=numbers.get("female_value"))
        row_issues = row_problems(row)
        if row_issues:
            for key, message in row_issues.items():
                if key == "female_value" and row.female_value is not None and row.female_value > row.value:
                    message = _("female greater than total (%(female)s > %(total)s)") % {"female": row.female_value, "total": row.value}
                problem(number, key or "value", message)
            continue
        if row.key in seen:
            problem(number, "indicator", _("the same indicator, province and village as row %(row)s")
                    % {"row": format_number(seen[row.key], get_language())})
            continue
        seen[row.key] = number
        rows.append(row)
    return rows


def _village_of_code(code: str, matches: list[Village], choosable: set[int], complain) -> Village | None:
    """The one village of `code` a result may name (in the agreement's provinces, in use), else None after `complain`."""
    if not matches:
        complain(_("unknown village code: “%(code)s” (the report form's village search shows the codes)") % {"code": code})
    elif len(matches) > 1:
        complain(_("the official list gives the code %(code)s to %(count)s villages: enter this result in the browser")
                 % {"code": code, "count": format_number(len(matches), get_language())})
    elif matches[0].pk not in choosable:
        complain(_("village %(code)s (%(village)s) is in %(province)s, which is not one of the agreement's provinces")
                 % {"code": code, "village": matches[0].name, "province": matches[0].province.name})
    elif matches[0].retired_on is not None:
        complain(_("village %(code)s (%(village)s) is no longer in the official list (retired on %(day)s)")
                 % {"code": code, "village": matches[0].name, "day": format_date(matches[0].retired_on, get_language())})
    else:
        return matches[0]
    return None


# ---- Between preview and confirmation: the parsed content as plain data (session) -------------


def content_to_plain(content: ReportContent) -> dict:
    """JSON-safe form of a report's content, to keep in the session between preview and confirmation."""
    return {
        "fields": {k: str(v) if isinstance(v, Decimal) else v for k, v in content.fields.items()},
        "rows": [
            {"indicator": r.indicator.pk, "province": r.province.pk, "village": r.village.pk if r.village else None,
             "value": str(r.value), "female_value": None if r.female_value is None else str(r.female_value)}
            for r in content.rows
        ],
    }


def content_from_plain(plain: dict) -> ReportContent:
    """The content again, with its indicators, provinces and villages fetched (three queries)."""
    fields = dict(plain["fields"])
    for key in DECIMAL_ITEMS:
        fields[key] = Decimal(fields[key])
    rows = plain["rows"]
    indicators = Indicator.objects.select_related("sector").in_bulk({r["indicator"] for r in rows})
    provinces = Province.objects.in_bulk({r["province"] for r in rows})
    villages = Village.objects.select_related("province").in_bulk({r["village"] for r in rows if r["village"]})
    try:
        result = [
            ResultRow(
                indicator=indicators[r["indicator"]], province=provinces[r["province"]],
                village=villages[r["village"]] if r["village"] else None, value=Decimal(r["value"]),
                female_value=None if r["female_value"] is None else Decimal(r["female_value"]),
            )
            for r in rows
        ]
    except KeyError:
        raise ValidationError(_("Reference data changed since the preview; upload the file again.")) from None
    return ReportContent(fields=fields, rows=result)
