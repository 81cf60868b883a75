"""Every CSV and XLSX file the app produces is written through here, so none of them can carry a live formula.

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
"""
from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django_tables2.rows import BoundRows
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
    """The header and every row of `table` (all filtered rows, in its order), reading the queryset in chunks.

    `Table.as_values()` would load every row at once (it iterates the cached queryset); here its rows
    come from `QuerySet.iterator()`, so a 40,000-row export holds one chunk at a time.
    """
    queryset = getattr(table.data, "data", None)
    if hasattr(queryset, "iterator"):
        table.rows = BoundRows(data=queryset.iterator(chunk_size=CHUNK_ROWS), table=table)
    values = table.as_values()
    yield [capfirst(force_str(header)) for header in next(values)]
    yield from values


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
