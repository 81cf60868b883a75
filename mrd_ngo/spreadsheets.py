"""Spreadsheets in and out: every CSV and XLSX the app produces is written here, every uploaded workbook read here.

Writing: no file the app produces can carry a live formula.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by Excel or LibreOffice (CSV/formula injection, OWASP): an NGO name
`=HYPERLINK("http://…")` becomes a link, `=cmd|' /C calc'!A0` a command. The rule, written once:
- CSV has no cell types, so such text gets a leading apostrophe, as OWASP advises.
- XLSX stores it as a string with Excel's own "quote prefix" flag, which is exactly what Excel
  records when a person types the OWASP apostrophe: the text reads as typed and stays text when
  the cell is edited.
Numbers, dates and booleans stay what they are, so a spreadsheet can add them up and sort them.

Large lists stream: CSV row by row (`StreamingHttpResponse`, the queryset read in chunks), XLSX
through openpyxl's write-only mode into a temporary file that is then streamed, so memory stays
the same whatever the number of rows.

Reading (`WorkbookReader`): an uploaded workbook is read from the cells its sheet XML really holds,
never from the size it declares. openpyxl's own row iterator walks every row number up to the
last one (a 9 KB file numbering its last row 1,000,000,000 kept a worker busy for 17 minutes) and
stops at the `<dimension>` the file declares (rows below a stale one were lost without a word).
Each cell that cannot be read (NaN, INF, text in a number cell, a shared text that does not exist,
a bad date, a formula saved without its result, an error value) comes back as a `CellProblem`
with a message, so the caller names it by sheet, row and column instead of failing.
"""
from __future__ import annotations

import csv
import datetime
import decimal
import io
import math
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow
from django_tables2.utils import signature
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from mrd_ngo.khmer import format_number

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
# Rows fetched from PostgreSQL at a time, and CSV text gathered before it is sent: large enough to
# keep round trips and writes few, small enough that memory does not grow with the list.
CHUNK_ROWS = 2000
CSV_CHUNK_CHARS = 64 * 1024
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would run `text` as a formula if it were typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def plain_value(value):
    """A value a spreadsheet cell can hold: numbers, dates and booleans as they are, everything else as text."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # spreadsheets have no time zones: Phnom Penh time
    if value is None or isinstance(value, (bool, int, float, decimal.Decimal, datetime.date, datetime.time)):
        return value
    # Characters XML 1.0 cannot carry (pasted control characters) would make the whole file fail.
    return ILLEGAL_CHARACTERS_RE.sub("", force_str(value))


def csv_value(value):
    """The value as a CSV field: text that looks like a formula gets the OWASP apostrophe."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def set_cell(cell, value, *, number_format: str | None = None):
    """Put `value` into an openpyxl cell (normal or write-only) so that no text ever becomes a formula."""
    value = plain_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif isinstance(value, (datetime.date, datetime.datetime)) and number_format is None:
        number_format = DATE_FORMAT
    if number_format:
        cell.number_format = number_format
    return cell


def write_cell(sheet, row: int, column: int, value, **kwargs):
    """`sheet.cell(row, column, value)` of a normal worksheet, through `set_cell`."""
    return set_cell(sheet.cell(row=row, column=column), value, **kwargs)


# ---- Workbooks written row by row -------------------------------------------------------------


class SheetWriter:
    """One sheet of a write-only workbook: a bold, frozen header row, then rows appended one by one."""

    def __init__(self, workbook: Workbook, title: str, header: Iterable | None = None, *,
                 widths: Iterable[int] = (), wrap_from: int | None = None, header_fill: bool = True):
        self.sheet = workbook.create_sheet(title[:31])
        self.wrap_from = wrap_from  # 1-based column from which text wraps (narratives)
        # Column widths and the frozen pane are written before the first row: set them now.
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if header is not None:
            self.sheet.freeze_panes = "A2"
            self.append(header, bold=True, fill=header_fill, wrap=True)

    def cell(self, value, *, bold=False, fill=False, wrap=False, number_format=None) -> WriteOnlyCell:
        cell = set_cell(WriteOnlyCell(self.sheet), value, number_format=number_format)
        if bold:
            cell.font = HEADER_FONT
        if fill:
            cell.fill = HEADER_FILL
        if wrap:
            cell.alignment = WRAP_TOP
        return cell

    def append(self, values: Iterable, *, bold=False, fill=False, wrap=False) -> None:
        """Add one row; `bold` for a header row in the middle of a sheet."""
        self.sheet.append([
            self.cell(value, bold=bold, fill=fill,
                      wrap=wrap or (self.wrap_from is not None and index >= self.wrap_from))
            for index, value in enumerate(values, start=1)
        ])


def new_workbook() -> Workbook:
    """An empty write-only workbook (its rows go to a temporary file, not to memory)."""
    return Workbook(write_only=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The saved workbook as bytes (for small documents kept whole: the summary, the template)."""
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        return file.read()


# ---- Downloads of a list (django-tables2 table) -----------------------------------------------


def table_values(table) -> Iterator[list]:
    """The header and every row of `table` (all filtered rows, in its order): `Table.as_values()`, made for size.

    `as_values()` loads every row at once (it iterates the cached queryset) and works out each
    column's `value_*` arguments again for every cell; here the rows come from
    `QuerySet.iterator()` one chunk at a time and the arguments are worked out once per column.
    """
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [capfirst(force_str(column.header)) for column in columns]
    records = getattr(table.data, "data", table.data)
    records = records.iterator(chunk_size=CHUNK_ROWS) if hasattr(records, "iterator") else iter(records)
    functions = {}  # column name -> (value function, the arguments it takes, or None: all)
    for record in records:
        row = _ExportRow(record, table=table, functions=functions)
        yield [force_str(row.value_of(column), strings_only=True) for column in columns]


class _ExportRow(BoundRow):
    """A table row whose cells call each column's value function with arguments chosen once per column."""

    def __init__(self, record, *, table, functions):
        super().__init__(record, table=table)
        self._functions = functions

    def value_of(self, bound_column):
        """The cell's export value, as `BoundRow.get_cell_value(name)` gives it."""
        return self._get_and_render_with(bound_column, render_func=self._call_value, default=None)

    def _call_value(self, bound_column, value=None):
        if bound_column.name not in self._functions:
            function = bound_column.value
            arguments, takes_all = signature(function)
            self._functions[bound_column.name] = (function, None if takes_all else arguments)
        function, arguments = self._functions[bound_column.name]
        offered = self._optional_cell_arguments(bound_column, value)
        if arguments is None:
            return function(**offered)
        if any(name not in offered for name in arguments):
            return None  # as django-tables2 does when a value function wants what a cell cannot offer
        return function(**{name: offered[name] for name in arguments})


class _Line:
    """A file-like object whose write() returns what was written (csv.writer into a generator)."""

    def write(self, text):
        return text


def csv_chunks(rows: Iterable[Iterable], *, language: str | None = None) -> Iterator[bytes]:
    """UTF-8 CSV text of `rows`, a chunk at a time, with a byte-order mark so Excel reads Khmer as UTF-8."""
    with translation.override(language):  # lazy labels are rendered while streaming, after the view returned
        writer = csv.writer(_Line())
        parts, size = ["\ufeff"], 1
        for row in rows:
            line = writer.writerow([csv_value(value) for value in row])
            parts.append(line)
            size += len(line)
            if size >= CSV_CHUNK_CHARS:
                yield "".join(parts).encode()
                parts, size = [], 0
        if parts:
            yield "".join(parts).encode()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed row by row."""
    response = StreamingHttpResponse(csv_chunks(rows, language=translation.get_language()),
                                     content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename)


def xlsx_response(rows: Iterable[Iterable], filename: str, *, sheet_title: str) -> FileResponse:
    """An XLSX download of `rows` (the first is the header): written row by row to a temporary file, then streamed."""
    rows = iter(rows)
    header = next(rows, [])
    workbook = new_workbook()
    writer = SheetWriter(workbook, sheet_title, header, header_fill=False,
                         widths=[max(12, min(40, len(str(label)) + 4)) for label in header])
    for row in rows:
        writer.append(row)
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    # FileResponse closes (and so deletes) the temporary file once it has been sent.
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def table_export_response(table, export_format: str, basename: str, *, sheet_title: str | None = None):
    """The whole table (every filtered row, not one page) as a CSV or XLSX download `<basename>.<format>`."""
    filename = f"{basename}.{export_format}"
    if export_format == "csv":
        return csv_response(table_values(table), filename)
    return xlsx_response(table_values(table), filename, sheet_title=sheet_title or basename)


class FilteredExportMixin:
    """For a django-filter list view: `?_export=csv|xlsx` downloads every filtered row, before any page is built.

    The view names its file with `export_basename` (the date is added); the page's pagination,
    counts and filter form are not computed for a download.
    """

    export_basename = "export"

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format not in CONTENT_TYPES:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        table = self.table_class(rows)
        RequestConfig(request, paginate=False).configure(table)
        basename = f"{self.export_basename}-{timezone.localdate().isoformat()}"
        return table_export_response(table, export_format, basename, sheet_title=self.export_basename)


# ---- Reading an uploaded workbook -------------------------------------------------------------

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # the whole archive unpacked (zip bombs)
MAX_XML_PART_BYTES = 20 * 1024 * 1024  # one sheet, the shared texts or the styles unpacked
MAX_CELLS = 100_000  # cells read in one sheet (a full report template holds about 12,000)
MAX_ELEMENTS = 1_000_000  # XML elements read in one sheet, cells or not
EXCEL_MAX_COLUMN = 16_384
_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,9})")


class SpreadsheetError(Exception):
    """The upload cannot be read as a workbook at all; the message says why, for the user."""


@dataclass(frozen=True)
class CellProblem:
    """A cell whose content cannot be read; `message` says why (the caller adds sheet, row and column)."""

    message: str

    def __str__(self):
        return self.message


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(_("The file is damaged and cannot be read. Save it again from Excel and upload the new copy."))


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_(
        "This file is not an Excel workbook (.xlsx). Open it in Excel or LibreOffice, save it as .xlsx, and upload it again."
    ))


def _local(tag: str) -> str:
    """`c` for `{namespace}c`: the part of a tag that matters whatever namespace the writer used."""
    return tag.rpartition("}")[2]


class WorkbookReader:
    """An uploaded .xlsx, read sheet by sheet from the cells it holds; raises SpreadsheetError if unreadable."""

    def __init__(self, data: bytes):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            if data.startswith(b"PK\x03\x04"):
                raise _damaged()  # begins like a workbook but its end is missing (an interrupted download or copy)
            raise _not_xlsx()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES or any(
                    info.file_size > MAX_XML_PART_BYTES for info in infos if info.filename.endswith((".xml", ".rels"))
                ):
                    raise SpreadsheetError(_("This workbook is too large to read."))
                if archive.testzip() is not None:
                    raise zipfile.BadZipFile
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            raise _damaged() from None
        if "xl/workbook.xml" not in names:
            raise _not_xlsx()
        try:
            # Read-only openpyxl reads the workbook's sheet list, shared texts and styles, not the sheets.
            self._workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors on damaged files; all mean the same to the user
            raise _damaged() from None
        self.sheetnames = list(self._workbook.sheetnames)

    def close(self) -> None:
        self._workbook.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def rows(self, sheet_name: str, *, max_column: int) -> Iterator[tuple[int, dict[int, object]]]:
        """(row number, {column: value or CellProblem}) of each row holding something in columns 1..max_column.

        Rows come in the file's order, which must be ascending (a row or cell twice, or out of
        order, means a damaged file). Empty rows cost nothing, whatever their numbers.
        """
        sheet = self._workbook[sheet_name]
        # openpyxl keeps where the sheet's XML is and its shared texts on the read-only sheet (3.x).
        path, shared, workbook = sheet._worksheet_path, sheet._shared_strings, self._workbook
        parse = _CellParser(shared, date_styles=workbook._date_formats, epoch=workbook.epoch)
        try:
            with workbook._archive.open(path) as source:
                yield from _sheet_rows(source, parse, sheet_name=sheet_name, max_column=max_column)
        except (ParseError, DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
            raise SpreadsheetError(_("The sheet “%(sheet)s” is damaged and cannot be read. Save the file again from Excel "
                                     "and upload the new copy.") % {"sheet": sheet_name}) from None


def _row(number: int) -> str:
    """A row number as the page writes numbers (Khmer digits in Khmer)."""
    return format_number(number, get_language())


def _sheet_rows(source, parse, *, sheet_name, max_column):
    """The rows of one sheet's XML, as `WorkbookReader.rows` describes; elements are dropped once read."""

    def damaged(detail):
        return SpreadsheetError(_("The sheet “%(sheet)s” is damaged (%(detail)s). Save the file again from Excel and "
                                  "upload the new copy.") % {"sheet": sheet_name, "detail": detail})

    sheet_data, in_data = None, False
    elements = cells = 0
    row_number = 0  # the last row read
    for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            elements += 1
            if elements > MAX_ELEMENTS:
                raise SpreadsheetError(_("The sheet “%(sheet)s” is too large to read.") % {"sheet": sheet_name})
            if _local(element.tag) == "sheetData":
                sheet_data, in_data = element, True
            continue
        name = _local(element.tag)
        if name == "c":
            cells += 1
            if cells > MAX_CELLS:
                raise SpreadsheetError(_("The sheet “%(sheet)s” holds more than %(count)s cells: this is not a report "
                                         "template. Delete what does not belong to the report and upload it again.")
                                       % {"sheet": sheet_name, "count": format_number(MAX_CELLS, get_language())})
        elif name == "row":
            declared = element.get("r")
            if declared is None:
                number = row_number + 1
            elif declared.isascii() and declared.isdigit() and 0 < int(declared) <= 10**10:
                number = int(declared)
            else:
                raise damaged(_("row number “%(number)s”") % {"number": declared[:20]})
            if number <= row_number:
                raise damaged(_("row %(row)s appears twice or out of order") % {"row": _row(number)})
            row_number = number
            values, column = {}, 0
            for cell in element:
                if _local(cell.tag) != "c":
                    continue
                reference = cell.get("r")
                if reference is None:
                    column += 1
                else:
                    match = _REFERENCE.fullmatch(reference)
                    if not match or int(match[2]) != number:
                        raise damaged(_("cell reference “%(reference)s” in row %(row)s")
                                      % {"reference": reference[:20], "row": _row(number)})
                    found = column_index_from_string(match[1])
                    if found <= column:
                        raise damaged(_("cell %(reference)s appears twice or out of order") % {"reference": reference})
                    column = found
                if column > EXCEL_MAX_COLUMN:
                    raise damaged(_("a cell beyond the last column in row %(row)s") % {"row": _row(number)})
                if column <= max_column:
                    value = parse(cell)
                    if value is not None and value != "":
                        values[column] = value
            if sheet_data is not None:
                sheet_data.clear()  # what is read is dropped: memory follows one row, not the sheet
            if values:
                yield number, values
        elif name == "sheetData":
            in_data = False
        elif not in_data:
            element.clear()  # the parts around the data (views, columns, validations) are not needed


class _CellParser:
    """The value of one `<c>` element: a number, text, bool, date, None, or a CellProblem saying why not."""

    def __init__(self, shared_strings, *, date_styles, epoch):
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.epoch = epoch

    def __call__(self, cell):
        kind = cell.get("t", "n")
        value = formula = inline = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                value = child.text
            elif name == "f":
                formula = child
            elif name == "is":
                inline = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
        if formula is not None and not value:
            return CellProblem(_("a formula without a saved result: open the file in Excel or LibreOffice, let it "
                                 "calculate, save it and upload it again (or type the value instead of the formula)"))
        if kind == "inlineStr":
            return inline
        if value is None:
            return None  # a formatted but empty cell
        if kind in ("s", "str"):
            return self._text(kind, value)
        if kind == "b":
            flag = {"0": False, "1": True, "false": False, "true": True}.get(value.strip())
            return flag if flag is not None else CellProblem(_("“%(text)s” is not a yes/no value") % {"text": value[:40]})
        if kind == "e":
            return CellProblem(_("the cell shows the error %(error)s") % {"error": value[:20]})
        if kind == "d":
            try:
                return from_ISO8601(value)
            except (ValueError, TypeError, OverflowError):
                return CellProblem(_("“%(text)s” is not a valid date") % {"text": value[:40]})
        if kind != "n":
            return CellProblem(_("unknown kind of cell “%(kind)s”: the file is damaged") % {"kind": kind[:20]})
        return self._number(value, cell.get("s"))

    def _text(self, kind, value):
        if kind == "str":
            return value
        index = int(value) if value.isascii() and value.isdigit() else -1
        if not 0 <= index < len(self.shared_strings):
            return CellProblem(_("the file is damaged: its text number %(index)s does not exist") % {"index": value[:20]})
        return self.shared_strings[index]

    def _number(self, text, style):
        stripped = text.strip()
        try:
            number = int(stripped) if stripped.lstrip("-").isdigit() and stripped.isascii() else float(stripped)
        except ValueError:
            return CellProblem(_("“%(text)s” is not a number") % {"text": text[:40]})
        if isinstance(number, float) and not math.isfinite(number):
            return CellProblem(_("“%(text)s” is not a number") % {"text": text[:40]})
        if style is not None and style.isdigit() and int(style) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError, TypeError):
                return CellProblem(_("%(number)s is not a valid date") % {"number": text[:40]})
        return number
