"""CSV and XLSX files of a list: every row of the filtered table (not just the page), every column."""
import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these would be run as a formula by a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def table_rows(table) -> list[list]:
    """The header row and the rows of `table` as plain values (str, date, Decimal, int)."""
    values = table.as_values()
    rows = [[capfirst(force_str(header)) for header in next(values)]]
    for row in values:
        rows.append([force_str(value, strings_only=True) if value is not None else "" for value in row])
    return rows


def export_response(table, fmt: str, basename: str) -> HttpResponse:
    """A download of `table` as `fmt` ("csv" or "xlsx") named `<basename>-<date>.<fmt>`."""
    rows = table_rows(table)
    filename = f"{basename}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_safe_text(v) if isinstance(v, str) else v for v in row])
        # The byte-order mark makes Excel read the file as UTF-8 (Khmer text).
        content = "\ufeff" + buffer.getvalue()
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = basename[:31]
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        for cell in sheet[1]:
            sheet.column_dimensions[cell.column_letter].width = max(12, min(40, len(str(cell.value or "")) + 4))
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

