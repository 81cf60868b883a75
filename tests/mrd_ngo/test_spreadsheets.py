"""Every CSV and XLSX the app produces: text that looks like a formula stays text, numbers stay numbers, lists stream."""
import csv
import datetime
import io

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from mrd_ngo.roles import Role
from mrd_ngo.spreadsheets import csv_value, plain_value
from tests.worker import download_document
from tests.factories import AgreementFactory, NGOFactory, ProgressReportFactory, ReportingPeriodFactory, UserFactory
from tests.reports.conftest import in_english
from tests.reports.test_summary import known_semester

pytestmark = pytest.mark.django_db

# What an attacker types into a name or a narrative (OWASP "CSV injection" examples).
HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1"]


def client_as(role, **kwargs) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, **kwargs))
    return in_english(client)


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)  # sent row by row, never built whole in memory
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def xlsx_cells(response):
    """Every cell of every sheet of a downloaded workbook."""
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_is_inert(cells, texts):
    """No cell is a formula; each hostile text is there, as text, with Excel's quote prefix."""
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    found = {c.value: c for c in cells if c.value in texts}
    assert set(found) == set(texts)
    for cell in found.values():
        assert cell.data_type == "s" and cell.quotePrefix, cell.value


def test_csv_value_neutralises_what_owasp_lists_and_keeps_numbers():
    for text in HOSTILE + ["\tSUM(1)", "\rSUM(1)"]:
        assert csv_value(text) == "'" + text
    assert csv_value(-1) == -1 and csv_value(1.5) == 1.5
    assert csv_value("Clean Water") == "Clean Water" and csv_value(None) == ""


def test_cell_values_use_phnom_penh_time_and_drop_characters_xml_cannot_carry():
    evening_utc = datetime.datetime(2024, 7, 31, 18, 30, tzinfo=datetime.timezone.utc)
    assert plain_value(evening_utc) == datetime.datetime(2024, 8, 1, 1, 30)  # openpyxl refuses time zones
    assert plain_value("Floods\x0b in July") == "Floods in July"


@pytest.fixture
def hostile_agreements(db):
    """One agreement per hostile NGO name (ended 30 days ago: a negative number of days left)."""
    today = datetime.date.today()
    return [
        AgreementFactory(ngo=NGOFactory(name_en=text, name_km=text, acronym=f"H{i}"), planned_budget_usd=1000 + i,
                         valid_from=today - datetime.timedelta(days=400), valid_to=today - datetime.timedelta(days=30))
        for i, text in enumerate(HOSTILE)
    ]


@pytest.mark.parametrize("url", ["/agreements/?_export=csv", "/ngos/?_export=csv"])
def test_registry_csv_exports_stream_and_quote_formula_text(hostile_agreements, url):
    rows = csv_rows(client_as(Role.DATA_ENTRY_OFFICER).get(url))
    cells = {cell for row in rows[1:] for cell in row}
    assert {"'" + text for text in HOSTILE} <= cells
    assert not cells & set(HOSTILE)


def test_agreement_csv_keeps_negative_numbers_as_numbers(hostile_agreements):
    rows = csv_rows(client_as(Role.DATA_ENTRY_OFFICER).get("/agreements/?_export=csv&columns=days_left"))
    days_left = rows[0].index("Days left")
    assert {row[days_left] for row in rows[1:]} == {"-30"}  # a number, not text with an apostrophe


@pytest.mark.parametrize("url", ["/agreements/?_export=xlsx", "/ngos/?_export=xlsx"])
def test_registry_xlsx_exports_keep_formula_text_as_text(hostile_agreements, url):
    response = client_as(Role.DATA_ENTRY_OFFICER).get(url)
    assert_text_is_inert(xlsx_cells(response), HOSTILE)


def test_agreement_xlsx_keeps_numbers_and_dates(hostile_agreements):
    response = client_as(Role.DATA_ENTRY_OFFICER).get("/agreements/?_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    records = [dict(zip(header, row)) for row in rows]
    assert sorted(r["Days left"] for r in records) == [-30] * 5
    assert sorted(r["Planned budget (USD)"] for r in records) == [1000, 1001, 1002, 1003, 1004]
    assert all(isinstance(r["Valid to"], datetime.datetime) for r in records)


def test_report_exports_stream_and_neutralise_formula_text(hostile_agreements):
    period = ReportingPeriodFactory(year=2024, half=1)
    for agreement in hostile_agreements:
        ProgressReportFactory(agreement=agreement, period=period, beneficiaries_total=70)
    client = client_as(Role.DATA_ENTRY_OFFICER)
    rows = csv_rows(client.get("/reports/?_export=csv"))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + text for text in HOSTILE)
    response = client.get("/reports/?_export=xlsx")
    cells = xlsx_cells(response)
    assert_text_is_inert(cells, HOSTILE)
    assert [c.value for c in cells if c.column == 7 and c.row > 1] == [70] * 5  # beneficiaries: numbers


def test_summary_workbook_neutralises_names_and_narratives():
    known = known_semester()
    ngo = known.a.ngo
    ngo.name_en = HOSTILE[0]
    ngo.save()
    known.report_a.challenges, known.report_a.lessons_learned = HOSTILE[1], HOSTILE[2]
    known.report_a.save()
    known.report_b.challenges = HOSTILE[3]
    known.report_b.save()
    known.report_g.lessons_learned = HOSTILE[4]
    known.report_g.save()
    response = download_document(client_as(Role.DEPARTMENT_HEAD), "/reports/2024S1/summary.xlsx?lang=en")
    assert response.status_code == 200
    body = response.getvalue()  # a file download: its content can be read once
    cells = [cell for sheet in openpyxl.load_workbook(io.BytesIO(body)).worksheets for row in sheet.iter_rows() for cell in row]
    assert_text_is_inert(cells, HOSTILE)
    book = openpyxl.load_workbook(io.BytesIO(body))
    headline = {row[0]: row[1] for row in book["1 Headline figures"].iter_rows(values_only=True) if row and row[0]}
    assert headline["Budget planned (USD)"] == 40000  # numbers stay numbers


def test_summary_workbook_survives_control_characters_pasted_into_a_narrative():
    known = known_semester()
    known.report_a.challenges = "Floods\x0b in July\x1b"
    known.report_a.save()
    response = download_document(client_as(Role.DEPARTMENT_HEAD), "/reports/2024S1/summary.xlsx?lang=en")
    assert response.status_code == 200
    values = {c.value for c in xlsx_cells(response)}
    assert "Floods in July" in values


def test_report_template_keeps_a_formula_like_ngo_name_as_text(siem_reap):
    agreement = AgreementFactory(ngo=NGOFactory(name_en=HOSTILE[1], name_km=HOSTILE[2]), provinces=[siem_reap])
    period = ReportingPeriodFactory(year=2024, half=1)
    response = client_as(Role.DATA_ENTRY_OFFICER).get(f"/reports/{period.code}/template.xlsx?ngo={agreement.ngo.pk}")
    assert response.status_code == 200
    cells = xlsx_cells(response)
    name = next(c for c in cells if c.value == f"{HOSTILE[2]} – {HOSTILE[1]}")
    assert name.data_type == "s" and name.quotePrefix
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_exports_of_a_provincial_officer_still_hold_only_their_rows(siem_reap, battambang):
    mine = AgreementFactory(provinces=[siem_reap])
    AgreementFactory(provinces=[battambang])
    rows = csv_rows(client_as(Role.PROVINCIAL_OFFICER, province=siem_reap).get("/agreements/?_export=csv"))
    assert [row[0] for row in rows[1:]] == [mine.reference_number]


def test_exports_read_the_rows_in_chunks_with_their_prefetched_provinces(siem_reap, battambang, monkeypatch):
    """The queryset is read in chunks (never cached whole); every row still comes, with its provinces."""
    monkeypatch.setattr("mrd_ngo.spreadsheets.CHUNK_ROWS", 7)
    for i in range(30):
        AgreementFactory(provinces=[siem_reap] if i % 2 else [battambang])
    rows = csv_rows(client_as(Role.DATA_ENTRY_OFFICER).get("/agreements/?_export=csv"))
    provinces = rows[0].index("Provinces")
    assert len(rows) == 31
    assert sorted(row[provinces] for row in rows[1:]) == ["Battambang"] * 15 + ["Siem Reap"] * 15
