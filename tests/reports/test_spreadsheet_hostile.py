"""Damaged and hostile workbooks through the import: a clear message or a correct import, never a 500,
never a row dropped without a word, never minutes of work for a few kilobytes."""
import contextlib
import io
import signal
import time
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agreements.models import Indicator
from reports.models import ProgressReport
from reports.spreadsheets import REPORT_ROWS, SHEET_REPORT, SHEET_RESULTS, build_template, indicator_label, province_label
from tests.reports.conftest import client_for, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RESULTS_PART = "xl/worksheets/sheet2.xml"
HEADERS = [("ខេត្ត", "Province"), ("សូចនាករ", "Indicator"), ("លេខកូដភូមិ (បើមាន)", "Village code (optional)"),
           ("លទ្ធផល", "Value"), ("ក្នុងនោះស្ត្រី", "Of which female")]
HOSTILE_SETTINGS = settings(max_examples=15, deadline=3000, derandomize=True,
                            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# The value cell of a result line: (XML inside <c>, its type attribute, the value imported, or None: refused).
VALUE_CELLS = {
    "whole number": ("<v>12</v>", None, Decimal("12.00")),
    "decimal": ("<v>12.5</v>", None, Decimal("12.50")),
    "Khmer digits as text": ("<is><t>១២</t></is>", "inlineStr", Decimal("12.00")),
    "formula with its result": ("<f>6+6</f><v>12</v>", None, Decimal("12.00")),
    "formula without a result": ("<f>6+6</f>", None, None),
    "formula with an empty result": ("<f>6+6</f><v></v>", None, None),
    "NaN": ("<v>NaN</v>", None, None),
    "INF": ("<v>INF</v>", None, None),
    "-Infinity": ("<v>-Infinity</v>", None, None),
    "text in a number cell": ("<v>twelve</v>", None, None),
    "text": ("<is><t>twelve</t></is>", "inlineStr", None),
    "shared text out of range": ("<v>99999</v>", "s", None),
    "shared text not a number": ("<v>x</v>", "s", None),
    "negative": ("<v>-5</v>", None, None),
    "boolean": ("<v>1</v>", "b", None),
    "bad boolean": ("<v>7</v>", "b", None),
    "error value": ("<v>#DIV/0!</v>", "e", None),
    "date": ("<v>2024-01-05T00:00:00</v>", "d", None),
    "bad date": ("<v>2024-13-45</v>", "d", None),
    "unknown type": ("<v>1</v>", "zz", None),
}


@pytest.fixture
def officer(officer_user):
    return in_english(client_for(officer_user))


@pytest.fixture
def base_workbook(ngo, period, agreement, officer_user):
    """The NGO's template with the Report sheet filled in, as an NGO would send it."""
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(ngo=ngo, period=period, agreement=agreement, user=officer_user)))
    rows = {key: 4 + i for i, (key, _km, _en) in enumerate(REPORT_ROWS)}
    for key, value in {"budget_planned_usd": 5000, "budget_spent_usd": 4500, "beneficiaries_total": 300,
                       "beneficiaries_female": 160, "achievements": "Twelve wells."}.items():
        workbook[SHEET_REPORT].cell(row=rows[key], column=3, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Quiet(buffer.getvalue())


@pytest.fixture
def lines(agreement):
    """(province, indicator) pairs that each result line may name, each once: the agreement's provinces only."""
    provinces = list(agreement.provinces.order_by("code"))
    indicators = list(Indicator.objects.order_by("code"))
    return QuietList((p, i) for p in provinces for i in indicators)


class Quiet(bytes):
    """Bytes that hypothesis does not print whole when it reports a failing example."""

    def __repr__(self):
        return f"<{len(self):,} bytes>"


class QuietList(list):
    def __repr__(self):
        return f"<{len(self)} items>"


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook `data` with one of its parts replaced (the archive stays a valid zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def results_sheet(rows: dict[int, str], lines, dimension: str | None) -> bytes:
    """An Indicators sheet written by hand: the template's two header rows, then one line per row number."""
    xml = [f'<worksheet xmlns="{NS}">']
    if dimension:
        xml.append(f'<dimension ref="{dimension}"/>')
    xml.append("<sheetData>")
    for number, language in ((1, 0), (2, 1)):
        cells = "".join(inline(f"{col}{number}", HEADERS[i][language]) for i, col in enumerate("ABCDE"))
        xml.append(f'<row r="{number}">{cells}</row>')
    for index, (number, kind) in enumerate(sorted(rows.items())):
        province, indicator = lines[index]
        body, cell_type, _expected = VALUE_CELLS[kind]
        kind_attr = f' t="{cell_type}"' if cell_type else ""
        xml.append(f'<row r="{number}">{inline(f"A{number}", province_label(province))}'
                   f'{inline(f"B{number}", indicator_label(indicator))}<c r="D{number}"{kind_attr}>{body}</c></row>')
    xml.append("</sheetData></worksheet>")
    return "".join(xml).encode()


def upload(client, ngo, period, data: bytes):
    return client.post("/reports/import/", {
        "ngo": ngo.pk, "period": period.pk, "file": SimpleUploadedFile("report.xlsx", data, content_type=XLSX),
    })


@contextlib.contextmanager
def within(seconds: float):
    """Fail (rather than hang for minutes) when the block takes longer than `seconds`."""
    def too_slow(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_import(response, rows: dict[int, str], lines):
    """Every line is either imported with its value or named by a problem; lines past the last allowed are refused."""
    assert response.status_code == 200, response.context["form"].errors
    parsed = response.context["parsed"]
    problems = {(p.sheet, p.row, (p.column or "")[:1]) for p in parsed.problems}
    too_far = sorted(n for n in rows if n > 2000)
    expected_problems = set()
    imported = set()
    for index, (number, kind) in enumerate(sorted(rows.items())):
        if number > 2000:
            continue
        value = VALUE_CELLS[kind][2]
        if value is None:
            expected_problems.add((SHEET_RESULTS, number, "D"))
        else:
            province, indicator = lines[index]
            imported.add((province.pk, indicator.pk, value))
    if too_far:
        expected_problems.add((SHEET_RESULTS, too_far[0], ""))
    assert problems == expected_problems
    assert {(r.province.pk, r.indicator.pk, r.value) for r in parsed.content.rows} == imported
    assert (response.context["token"] is None) == bool(expected_problems)  # nothing importable when anything is wrong
    assert not ProgressReport.objects.exists()


row_numbers = st.one_of(st.integers(3, 40), st.integers(2001, 1_000_000_000))


@HOSTILE_SETTINGS
@given(rows=st.dictionaries(row_numbers, st.sampled_from(sorted(VALUE_CELLS)), max_size=6),
       dimension=st.sampled_from([None, "A1:F2", "A1:E3", "A1:F1048576", "A1:XFD1000000000"]))
@example(rows={1_000_000_000: "whole number"}, dimension="A1:F1000000000")
@example(rows={3: "whole number", 30: "decimal"}, dimension="A1:F3")
@example(rows={5: "formula without a result", 6: "NaN", 7: "INF", 8: "shared text out of range"}, dimension=None)
def test_hostile_result_lines_are_imported_or_named_never_lost(officer, ngo, period, base_workbook, lines, rows, dimension):
    data = replace_part(base_workbook, RESULTS_PART, results_sheet(rows, lines, dimension))
    with within(5):
        response = upload(officer, ngo, period, data)
    check_import(response, rows, lines)


@HOSTILE_SETTINGS
@given(part=st.sampled_from(["xl/worksheets/sheet1.xml", RESULTS_PART, "xl/styles.xml", "xl/workbook.xml",
                             "xl/_rels/workbook.xml.rels", "[Content_Types].xml", None]),
       where=st.floats(0, 1), cut=st.integers(0, 40), insert=st.binary(max_size=24))
def test_randomly_damaged_workbooks_get_a_message_never_a_server_error(officer, ngo, period, base_workbook, part, where,
                                                                      cut, insert):
    with zipfile.ZipFile(io.BytesIO(base_workbook)) as archive:
        original = archive.read(part) if part else base_workbook
    at = int(where * len(original))
    damaged = original[:at] + insert + original[at + cut:]
    data = replace_part(base_workbook, part, damaged) if part else damaged
    with within(5):
        response = upload(officer, ngo, period, data)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.context["form"].errors["file"]  # the message is next to the file field
    else:
        assert "parsed" in response.context  # read, with or without problems: the preview names them
    assert not ProgressReport.objects.exists()


# ---- The cases found by probing, one by one ------------------------------------------------------


def test_a_last_row_numbered_one_billion_is_refused_at_once(officer, ngo, period, base_workbook, lines):
    rows = {3: "whole number", 1_000_000_000: "whole number"}
    data = replace_part(base_workbook, RESULTS_PART, results_sheet(rows, lines, "A1:F1000000000"))
    assert len(data) < 20_000
    started = time.monotonic()
    with within(10):
        response = upload(officer, ngo, period, data)
    assert time.monotonic() - started < 5
    check_import(response, rows, lines)
    assert "too many rows" in response.content.decode()


def test_rows_below_a_stale_dimension_are_read(officer, ngo, period, base_workbook, lines):
    rows = {3: "whole number", 10: "decimal", 40: "whole number"}
    data = replace_part(base_workbook, RESULTS_PART, results_sheet(rows, lines, "A1:E3"))
    response = upload(officer, ngo, period, data)
    check_import(response, rows, lines)
    assert len(response.context["parsed"].content.rows) == 3


def test_a_formula_without_its_result_is_named_by_sheet_row_and_column(officer, ngo, period, base_workbook, lines):
    data = replace_part(base_workbook, RESULTS_PART, results_sheet({7: "formula without a result"}, lines, None))
    response = upload(officer, ngo, period, data)
    [problem] = response.context["parsed"].problems
    assert (problem.sheet, problem.row, problem.column) == (SHEET_RESULTS, 7, "D (Value)")
    assert "formula without a saved result" in problem.message
    assert "formula without a saved result" in response.content.decode()


@pytest.mark.parametrize("kind", ["NaN", "INF", "text in a number cell", "shared text out of range", "bad date"])
def test_malformed_cells_are_messages_not_server_errors(officer, ngo, period, base_workbook, lines, kind):
    data = replace_part(base_workbook, RESULTS_PART, results_sheet({9: kind}, lines, None))
    response = upload(officer, ngo, period, data)
    check_import(response, {9: kind}, lines)
    assert "Indicators" in response.content.decode()


def test_a_malformed_report_sheet_cell_is_named_too(officer, ngo, period, base_workbook):
    budget_row = 4 + [key for key, _km, _en in REPORT_ROWS].index("budget_spent_usd")
    with zipfile.ZipFile(io.BytesIO(base_workbook)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    start = sheet.index(f'<c r="C{budget_row}"')
    end = sheet.index("</c>", start) + len("</c>")
    damaged = sheet[:start] + f'<c r="C{budget_row}" t="s"><v>424242</v></c>' + sheet[end:]
    response = upload(officer, ngo, period, replace_part(base_workbook, "xl/worksheets/sheet1.xml", damaged.encode()))
    assert response.status_code == 200
    [problem] = response.context["parsed"].problems
    assert (problem.sheet, problem.row, problem.column) == (SHEET_REPORT, budget_row, "C")
    assert "424242" in problem.message


def test_a_dimension_that_is_not_a_range_is_a_damaged_file(officer, ngo, period, base_workbook, lines):
    data = replace_part(base_workbook, RESULTS_PART, results_sheet({3: "whole number"}, lines, "garbage"))
    response = upload(officer, ngo, period, data)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is damaged and cannot be read. Save it again from Excel and upload the new copy."]


# ---- Zip bombs: a few hundred kilobytes that unpack to more than the import reads -----------------------


def with_part_of_zeros(data: bytes, name: str, size: int) -> bytes:
    """The workbook `data` with one more part, `size` bytes of zeros (they compress a thousandfold)."""
    out = io.BytesIO(data)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open(name, "w", force_zip64=True) as part:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            part.write(chunk)
        part.write(b"\0" * (size % len(chunk)))
    return out.getvalue()


@pytest.mark.parametrize(("part", "limit"), [
    # The whole archive unpacked: a picture (never read by the import) past the total.
    ("xl/media/image1.png", "MAX_UNCOMPRESSED_BYTES"),
    # One XML part unpacked past its own limit, though the whole stays under the total.
    ("xl/worksheets/sheet9.xml", "MAX_XML_PART_BYTES"),
])
def test_a_small_file_that_unpacks_past_the_limit_is_refused_with_a_message_and_nothing_kept(
        officer, ngo, period, base_workbook, part, limit):
    from mrd_ngo import spreadsheets

    bomb = with_part_of_zeros(base_workbook, part, getattr(spreadsheets, limit) + 1)
    assert len(bomb) < 1024 * 1024  # what the user uploads is small
    response = upload(officer, ngo, period, bomb)
    assert response.status_code == 400
    assert "This workbook is too large to read." in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert "reports_import" not in officer.session  # no preview to confirm
    # The same workbook without the extra part is a preview: the size alone was refused.
    assert upload(officer, ngo, period, base_workbook).status_code == 200
