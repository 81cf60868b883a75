"""Spreadsheet template and import: real .xlsx files, filled in, broken, or not spreadsheets at all."""
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.choices import ReportStatus
from reports.models import IndicatorValue, ProgressReport
from reports.content import ReportContent, ResultRow
from reports.spreadsheets import REPORT_ROWS, SHEET_REPORT, SHEET_RESULTS
from tests.factories import AgreementFactory, ProgressReportFactory, ReportingPeriodFactory, VillageFactory
from tests.reports.conftest import client_for, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROW = {key: 4 + i for i, (key, _km, _en) in enumerate(REPORT_ROWS)}


@pytest.fixture
def officer(officer_user):
    return in_english(client_for(officer_user))


def download(client, ngo, period) -> bytes:
    response = client.get(f"/reports/{period.code}/template.xlsx?ngo={ngo.pk}")
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX
    return response.content


def fill(template: bytes, report=None, results=None, edit=None) -> bytes:
    """Fill a template the way an NGO would: report items by key, result cells by (row, column letter)."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    for key, value in (report or {}).items():
        workbook[SHEET_REPORT].cell(row=REPORT_ROW[key], column=3, value=value)
    for (row, column), value in (results or {}).items():
        workbook[SHEET_RESULTS][f"{column}{row}"] = value
    if edit:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, ngo, period, data: bytes, name="report.xlsx"):
    return client.post("/reports/import/", {
        "ngo": ngo.pk, "period": period.pk, "file": SimpleUploadedFile(name, data, content_type=XLSX),
    })


def result_rows(template: bytes) -> dict[tuple[str, str], int]:
    """(province, indicator) -> row number of the pre-filled lines."""
    sheet = openpyxl.load_workbook(io.BytesIO(template))[SHEET_RESULTS]
    return {(sheet[f"A{r}"].value, sheet[f"B{r}"].value): r for r in range(3, sheet.max_row + 1) if sheet[f"A{r}"].value}


def filled_ok(template):
    lines = result_rows(template)
    wells_sr = lines[("សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built")]
    hygiene_bb = lines[("បាត់ដំបង – Battambang", "អ្នកចូលរួមអប់រំអនាម័យ – People reached by hygiene education")]
    return fill(
        template,
        report={"budget_planned_usd": 5000, "budget_spent_usd": "៤៥០០", "beneficiaries_total": 300,
                "beneficiaries_female": 160, "achievements": "Twelve wells.", "challenges": "Floods."},
        results={(wells_sr, "D"): 12, (hygiene_bb, "D"): "២៥០", (hygiene_bb, "E"): 130},
    )


# ---- The template ----------------------------------------------------------------------------


def test_template_is_prefilled_with_ngo_period_provinces_and_indicators(officer, ngo, period, agreement):
    workbook = openpyxl.load_workbook(io.BytesIO(download(officer, ngo, period)))
    assert workbook.sheetnames == [SHEET_REPORT, SHEET_RESULTS, "Lists"]
    report = workbook[SHEET_REPORT]
    assert report.cell(REPORT_ROW["ngo_id"], 3).value == ngo.pk
    assert report.cell(REPORT_ROW["period"], 3).value == "2024S1"
    assert report.cell(REPORT_ROW["agreement"], 3).value == agreement.reference_number
    assert report.cell(REPORT_ROW["period"], 4).value == "ឆមាសទី១ ឆ្នាំ២០២៤ – First semester 2024"
    results = workbook[SHEET_RESULTS]
    assert [c.value for c in results[1]][:5] == ["ខេត្ត", "សូចនាករ", "លេខកូដភូមិ (បើមាន)", "លទ្ធផល", "ក្នុងនោះស្ត្រី"]
    assert [c.value for c in results[2]][:5] == ["Province", "Indicator", "Village code (optional)", "Value", "Of which female"]
    provinces = {results[f"A{r}"].value for r in range(3, results.max_row + 1)}
    assert provinces == {"សៀមរាប – Siem Reap", "បាត់ដំបង – Battambang"}
    indicators = {results[f"B{r}"].value.split(" – ")[1] for r in range(3, results.max_row + 1)}
    assert "Wells built" in indicators and "Household latrines built" in indicators
    assert "Rural roads built or repaired" not in indicators  # not one of the agreement's sectors
    lists = {str(v.sqref): v.formula1 for v in results.data_validations.dataValidation if v.type == "list"}
    # The province list offers only the agreement's provinces: a result may not be recorded elsewhere.
    assert lists == {"A3:A2000": "Lists!$A$2:$A$3", "B3:B2000": "Lists!$B$2:$B$15"}
    offered = [workbook["Lists"][f"A{r}"].value for r in range(2, workbook["Lists"].max_row + 1)]
    assert [name for name in offered if name] == ["បាត់ដំបង – Battambang", "សៀមរាប – Siem Reap"]
    assert workbook["Lists"].sheet_state == "hidden"


def test_provincial_officer_template_holds_only_their_province(provincial_user, ngo, period):
    template = download(client_for(provincial_user), ngo, period)
    results = openpyxl.load_workbook(io.BytesIO(template))[SHEET_RESULTS]
    assert {results[f"A{r}"].value for r in range(3, results.max_row + 1)} == {"សៀមរាប – Siem Reap"}


def test_no_template_without_an_agreement_in_force(officer, period):
    ended = AgreementFactory(valid_from="2020-01-01", valid_to="2023-06-30")
    response = officer.get(f"/reports/{period.code}/template.xlsx?ngo={ended.ngo.pk}", follow=True)
    assert "there is no template to fill in" in response.content.decode()


def test_template_of_an_ngo_the_user_may_not_see_is_not_found(provincial_user, period, battambang):
    elsewhere = AgreementFactory(provinces=[battambang])
    assert client_for(provincial_user).get(f"/reports/{period.code}/template.xlsx?ngo={elsewhere.ngo.pk}").status_code == 404


# ---- Importing --------------------------------------------------------------------------------


def test_import_shows_a_preview_then_imports_everything_on_confirmation(officer, officer_user, ngo, period, agreement):
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-problems"' not in html
    assert "Import this report" in html and "Twelve wells." in html
    assert not ProgressReport.objects.exists()  # nothing written before the confirmation

    token = response.context["token"]
    response = officer.post("/reports/import/confirm/", {"token": token}, follow=True)
    assert "The spreadsheet is imported: 2 indicator results." in response.content.decode()
    report = ProgressReport.objects.get()
    assert (report.agreement, report.status, report.created_by) == (agreement, ReportStatus.DRAFT, officer_user)
    assert report.budget_spent_usd == Decimal(4500) and report.beneficiaries_female == 160
    assert sorted(report.values.values_list("province__name_en", "indicator__code", "value", "female_value")) == [
        ("Battambang", "hygiene-trained", Decimal(250), Decimal(130)), ("Siem Reap", "wells", Decimal(12), None),
    ]
    # The same preview cannot be imported twice.
    response = officer.post("/reports/import/confirm/", {"token": token}, follow=True)
    assert "This preview has expired" in response.content.decode()
    assert ProgressReport.objects.count() == 1


def test_import_history_says_it_came_from_a_spreadsheet(officer, ngo, period):
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    officer.post("/reports/import/confirm/", {"token": response.context["token"]})
    report = ProgressReport.objects.get()
    assert "Imported from a spreadsheet" in officer.get(f"/reports/{report.pk}/").content.decode()


def problems_of(response) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.sheet, p.row, p.column, p.message) for p in response.context["parsed"].problems]


def test_every_bad_cell_is_named_by_sheet_row_and_column_and_nothing_can_be_imported(officer, ngo, period):
    template = download(officer, ngo, period)
    lines = result_rows(template)
    wells_sr = lines[("សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built")]
    hygiene_bb = lines[("បាត់ដំបង – Battambang", "អ្នកចូលរួមអប់រំអនាម័យ – People reached by hygiene education")]
    latrines_sr = lines[("សៀមរាប – Siem Reap", "បង្គន់អនាម័យគ្រួសារដែលបានសាងសង់ – Household latrines built")]
    data = fill(template, report={"beneficiaries_total": 10, "beneficiaries_female": 12}, results={
        (wells_sr, "D"): "twelve",
        (hygiene_bb, "D"): 10, (hygiene_bb, "E"): 11,
        (latrines_sr, "D"): -4,
        (40, "A"): "Atlantis", (40, "B"): "Wells built", (40, "D"): 3,
    })
    response = upload(officer, ngo, period, data)
    problems = problems_of(response)
    assert (SHEET_REPORT, REPORT_ROW["beneficiaries_female"], "C",
            "female greater than total: 12 women out of 10 beneficiaries.") in problems
    assert (SHEET_RESULTS, wells_sr, "D (Value)", "text in a number cell: “twelve”") in problems
    assert (SHEET_RESULTS, hygiene_bb, "E (Of which female)", "female greater than total (11.00 > 10.00)") in problems
    assert (SHEET_RESULTS, latrines_sr, "D (Value)", "negative value (-4): figures cannot be negative") in problems
    assert (SHEET_RESULTS, 40, "A (Province)", "unknown province: “Atlantis”") in problems
    assert len(problems) == 5
    html = response.content.decode()
    assert "5 problems: nothing can be imported" in html and "Import this report" not in html
    assert response.context["token"] is None
    assert officer.post("/reports/import/confirm/", {"token": ""}).status_code == 302
    assert not ProgressReport.objects.exists()


def test_template_of_another_period_is_refused(officer, ngo, agreement):
    first = ReportingPeriodFactory(year=2024, half=1)
    second = ReportingPeriodFactory(year=2024, half=2)
    response = upload(officer, ngo, second, filled_ok(download(officer, ngo, first)))
    assert (SHEET_REPORT, REPORT_ROW["period"], "C",
            "wrong period: this template is for First semester 2024, not for Second semester 2024.") in problems_of(response)
    assert response.context["token"] is None and not ProgressReport.objects.exists()


def test_template_of_another_ngo_is_refused(officer, ngo, period):
    other = AgreementFactory(ngo__name_en="Other NGO").ngo
    response = upload(officer, other, period, filled_ok(download(officer, ngo, period)))
    [problem] = [p for p in problems_of(response) if p[1] == REPORT_ROW["ngo_id"]]
    assert problem[3].startswith("wrong NGO: this template was made for") and "not for Other NGO" in problem[3]
    assert not ProgressReport.objects.exists()


def test_villages_are_found_by_their_official_code_and_each_refusal_says_why_by_row(officer, ngo, period, siem_reap, agreement):
    from agreements.models import Province

    prey_thmei = VillageFactory(province=siem_reap, code="17010203", name_en="Prey Thmei", name_km="ព្រៃថ្មី")
    kampot = VillageFactory(province=Province.objects.get(code="07"), code="07010101", name_en="Trapeang Veaeng")
    VillageFactory(province=siem_reap, code="17990101", name_en="Twin A")
    VillageFactory(province=siem_reap, code="17990101", name_en="Twin B")
    battambang_village = VillageFactory(province=agreement.provinces.get(code="02"), code="02010101", name_en="Ou Thum")
    template = download(officer, ngo, period)
    rows = {50: ("Siem Reap", "១៧០១០២០៣"), 51: ("Siem Reap", "17000000"), 52: ("Siem Reap", "17990101"),
            53: ("Siem Reap", "07010101"), 54: ("Battambang", 2010101), 55: ("Siem Reap", "02010101")}
    results = {}
    for row, (province, code) in rows.items():
        results.update({(row, "A"): province, (row, "B"): "wells", (row, "C"): code, (row, "D"): 2})
    response = upload(officer, ngo, period, fill(template, results=results))
    assert problems_of(response) == [
        (SHEET_RESULTS, 51, "C (Village)", "unknown village code: “17000000” (the report form's village search shows the codes)"),
        (SHEET_RESULTS, 52, "C (Village)", "the official list gives the code 17990101 to 2 villages: enter this result in the browser"),
        (SHEET_RESULTS, 53, "C (Village)", "village 07010101 (Trapeang Veaeng) is in Kampot, which is not one of the agreement's provinces"),
        (SHEET_RESULTS, 55, "C (Village)", "This village is in Battambang, not in Siem Reap."),
    ]
    assert kampot.pk and not ProgressReport.objects.exists()
    good = fill(template, results={(50, "A"): "Siem Reap", (50, "B"): "wells", (50, "C"): "១៧០១០២០៣", (50, "D"): 2,
                                   (54, "A"): "Battambang", (54, "B"): "wells", (54, "C"): 2010101, (54, "D"): 3})
    response = upload(officer, ngo, period, good)
    assert problems_of(response) == []
    assert {row.village for row in response.context["parsed"].content.rows} == {prey_thmei, battambang_village}


def test_a_result_in_a_province_outside_the_agreement_is_refused_by_row_and_nothing_is_imported(officer, ngo, period, agreement):
    data = fill(download(officer, ngo, period), results={(60, "A"): "Kampot", (60, "B"): "Wells built", (60, "D"): 1})
    response = upload(officer, ngo, period, data)
    assert problems_of(response) == [
        (SHEET_RESULTS, 60, "A (Province)", f"Kampot is not one of the provinces of agreement {agreement.reference_number}: "
                                            "a result can only be recorded in a province where the agreement says the NGO works."),
    ]
    assert response.context["token"] is None
    assert not ProgressReport.objects.exists()


def test_provincial_officer_cannot_import_results_of_another_province(provincial_user, ngo, period):
    client = in_english(client_for(provincial_user))
    data = fill(download(client, ngo, period), results={(60, "A"): "Battambang", (60, "B"): "Wells built", (60, "D"): 1})
    response = upload(client, ngo, period, data)
    assert (SHEET_RESULTS, 60, "A (Province)",
            "You may only enter results for your own province, not for Battambang.") in problems_of(response)
    assert response.context["token"] is None and not ProgressReport.objects.exists()


def test_import_into_an_existing_draft_replaces_it_all(officer, officer_user, ngo, period, siem_reap, wells):
    services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(
        fields={"achievements": "Old words."}, rows=[ResultRow(wells, siem_reap, None, Decimal(1))]))
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    assert "importing replaces its narrative" in response.content.decode()
    officer.post("/reports/import/confirm/", {"token": response.context["token"]})
    report = ProgressReport.objects.get()
    assert report.achievements == "Twelve wells." and report.values.count() == 2 and report.version == 2


def test_import_refused_when_the_report_changed_after_the_preview(officer, officer_user, ngo, period, siem_reap, wells):
    draft = services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(
        fields={"achievements": "Old words."}, rows=[ResultRow(wells, siem_reap, None, Decimal(1))]))
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    services.report_update(user=officer_user, report=draft, version=1, content=ReportContent(
        fields={"achievements": "Changed meanwhile."}, rows=[ResultRow(wells, siem_reap, None, Decimal(5))]))
    response = officer.post("/reports/import/confirm/", {"token": response.context["token"]}, follow=True)
    assert "Nothing was imported" in response.content.decode()
    draft.refresh_from_db()
    assert draft.achievements == "Changed meanwhile." and list(draft.values.values_list("value", flat=True)) == [5]


def test_import_is_all_or_nothing(officer, ngo, period, monkeypatch):
    """A failure while writing the last result leaves no report and no result behind."""
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    real_bulk_create = IndicatorValue.objects.bulk_create

    def fail_half_way(values, *args, **kwargs):
        real_bulk_create(values[:1])
        raise services.ValidationError("The database refused a row.")

    monkeypatch.setattr(IndicatorValue.objects, "bulk_create", fail_half_way)
    response = officer.post("/reports/import/confirm/", {"token": response.context["token"]}, follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert not ProgressReport.objects.exists() and not IndicatorValue.objects.exists()


def test_an_import_over_a_draft_that_fails_part_way_leaves_the_draft_exactly_as_it_was(
        officer, officer_user, ngo, period, siem_reap, wells, monkeypatch):
    """The import replaces the narrative, then deletes the old results, then writes the new ones: a failure
    while writing them must undo the first two as well."""
    draft = services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(
        fields={"achievements": "Old words.", "budget_spent_usd": Decimal(100)},
        rows=[ResultRow(wells, siem_reap, None, Decimal(1))]))

    def saved():
        return (ProgressReport.objects.filter(pk=draft.pk).values().get(),
                list(IndicatorValue.objects.filter(report=draft).values("indicator", "province", "village", "value")),
                draft.events.count())

    before = saved()
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    assert "importing replaces its narrative" in response.content.decode()
    real_bulk_create = IndicatorValue.objects.bulk_create

    def fail_half_way(values, *args, **kwargs):
        real_bulk_create(values[:1])
        raise services.ValidationError("The database refused a row.")

    monkeypatch.setattr(IndicatorValue.objects, "bulk_create", fail_half_way)
    response = officer.post("/reports/import/confirm/", {"token": response.context["token"]}, follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert saved() == before  # narrative, budget, version, status, timestamps, results and history


def test_submitted_report_cannot_be_replaced_by_an_import(officer, ngo, period, agreement):
    ProgressReportFactory(agreement=agreement, period=period, status=ReportStatus.SUBMITTED)
    response = upload(officer, ngo, period, filled_ok(download(officer, ngo, period)))
    assert response.status_code == 400
    assert "cannot be replaced by an import" in response.content.decode()


# ---- Files that are not templates ----------------------------------------------------------------


def corrupt(data: bytes) -> bytes:
    """The first half of a real workbook, as a broken download would leave it."""
    return data[: len(data) // 2]


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def other_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Budget 2024"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def bad_crc(data: bytes) -> bytes:
    """A workbook whose compressed contents were damaged without changing its size."""
    damaged = bytearray(data)
    start = damaged.find(b"xl/worksheets/sheet1.xml") + 60
    for i in range(start, start + 40):
        damaged[i] ^= 0x55
    return bytes(damaged)


@pytest.mark.parametrize(("make", "message"), [
    (lambda t: corrupt(t), "The file is damaged and cannot be read."),
    (lambda t: bad_crc(t), "The file is damaged and cannot be read."),
    (lambda t: png(), "This file is not an Excel workbook (.xlsx)."),
    (lambda t: b"name,value\nwells,12\n", "This file is not an Excel workbook (.xlsx)."),
    (lambda t: word_document(), "This file is not an Excel workbook (.xlsx)."),
    (lambda t: other_workbook(), "This workbook is not the ministry's report template (the sheet “Report” is missing)."),
    (lambda t: fill(t, edit=lambda wb: wb[SHEET_REPORT].delete_rows(REPORT_ROW["budget_spent_usd"])),
     "This workbook is not the ministry's report template (the sheet “Report” has no line “Budget spent (USD)”)."),
])
def test_files_that_cannot_be_read_get_a_clear_error_and_nothing_is_written(officer, ngo, period, make, message):
    response = upload(officer, ngo, period, make(download(officer, ngo, period)))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ProgressReport.objects.exists()
    assert "reports_import" not in officer.session
