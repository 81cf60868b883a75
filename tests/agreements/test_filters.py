"""List filters and search (Khmer included), and exports that hold exactly the filtered rows."""
import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.http import QueryDict, StreamingHttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from agreements.filters import AgreementFilter, NGOFilter
from agreements.models import NGO, Agreement, Department, Sector
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory, NGOFactory, UserFactory

D = datetime.date
PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
pytestmark = pytest.mark.django_db

COENG_DA = "\u17d2\u178a"  # ្ដ
COENG_TA = "\u17d2\u178f"  # ្ត


def query(params: dict) -> QueryDict:
    """GET parameters as the browser sends them (a list value is a repeated parameter)."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return data


def agreements(**params) -> set[str]:
    """Reference numbers the agreement filter keeps for these GET parameters."""
    queryset = Agreement.objects.with_status()
    filterset = AgreementFilter(query(params), queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("reference_number", flat=True))


def ngos(**params) -> set[str]:
    """Names the NGO filter keeps, for an administrator (the filters search only agreements the user may see)."""
    request = RequestFactory().get("/ngos/")
    request.user = UserFactory(role=Role.ADMINISTRATOR)
    filterset = NGOFilter(query(params), queryset=NGO.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("name_en", flat=True))


# ---- Search ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stored", "typed"), [(COENG_TA, COENG_DA), (COENG_DA, COENG_TA)])
def test_khmer_search_ignores_the_coeng_da_or_ta_spelling(stored, typed):
    AgreementFactory(reference_number="MRD-K", ngo=NGOFactory(name_km=f"មជ្ឈមណ្ឌលកណ{stored}ាល", name_en="Centre"))
    AgreementFactory(reference_number="MRD-X", ngo=NGOFactory(name_km="អង្គការផ្សេង", name_en="Other"))
    assert agreements(q=f"កណ{typed}ាល") == {"MRD-K"}
    assert ngos(q=f"មណ្ឌលកណ{typed}ាល") == {"Centre"}


def test_search_folds_invisible_characters_and_khmer_digits():
    AgreementFactory(reference_number="MRD-2024-007", ngo=NGOFactory(name_km="អង្គការ\u200bទឹកស្អាត", name_en="Water"))
    assert agreements(q="អង្គការទឹកស្អាត") == {"MRD-2024-007"}
    assert agreements(q="mrd-២០២៤") == {"MRD-2024-007"}


def test_search_matches_english_name_acronym_and_reference_number_ignoring_case():
    AgreementFactory(reference_number="MRD-2023-011", ngo=NGOFactory(name_en="Mekong Rural Water", acronym="MRW"))
    AgreementFactory(reference_number="MRD-2022-500", ngo=NGOFactory(name_en="Tonle Sap Children", acronym="TSC"))
    assert agreements(q="rural water") == {"MRD-2023-011"}
    assert agreements(q="mrw") == {"MRD-2023-011"}
    assert agreements(q="2022-500") == {"MRD-2022-500"}
    assert agreements(q="water mekong") == {"MRD-2023-011"}  # every word, in any order
    assert agreements(q="water tonle") == set()


def test_search_text_follows_renames_saved_through_the_orm():
    ngo = NGOFactory(name_en="Old Name", acronym="ON")
    ngo.name_en = "Fresh Name"
    ngo.save(update_fields=["name_en"])
    assert ngos(q="fresh") == {"Fresh Name"}
    assert ngos(q="old name") == set()


def test_search_text_is_refreshed_after_a_bulk_rename():
    NGOFactory(name_en="Bulk Old")
    NGO.objects.update(name_en="Bulk New")  # update() bypasses save()
    NGO.objects.refresh_search_text()
    assert ngos(q="bulk new") == {"Bulk New"}


# ---- Filters ---------------------------------------------------------------------------------------

def test_filters_by_province_sector_department_and_ngo_type(siem_reap, battambang):
    water = Sector.objects.get(code="rural-water-supply")
    roads = Sector.objects.get(code="rural-roads")
    planning = Department.objects.get(code="planning")
    AgreementFactory(reference_number="A", provinces=[siem_reap, battambang], sectors=[water], department=planning,
                     ngo=NGOFactory(kind="international"))
    AgreementFactory(reference_number="B", provinces=[battambang], sectors=[roads])
    assert agreements(province=siem_reap.pk) == {"A"}
    assert agreements(province=battambang.pk) == {"A", "B"}
    assert agreements(sector=roads.pk) == {"B"}
    assert agreements(department=planning.pk) == {"A"}
    assert agreements(ngo_kind="international") == {"A"}
    assert agreements(ngo_kind="local") == {"B"}


@time_machine.travel(datetime.datetime(2024, 6, 1, 10, tzinfo=PHNOM_PENH), tick=False)
def test_filters_by_status_validity_dates_and_expiry_window():
    AgreementFactory(reference_number="ENDS-20", valid_from=D(2022, 1, 1), valid_to=D(2024, 6, 21))
    AgreementFactory(reference_number="ENDS-75", valid_from=D(2022, 1, 1), valid_to=D(2024, 8, 15))
    AgreementFactory(reference_number="ACTIVE", valid_from=D(2022, 1, 1), valid_to=D(2026, 1, 1))
    AgreementFactory(reference_number="EXPIRED", valid_from=D(2020, 1, 1), valid_to=D(2021, 12, 31))
    AgreementFactory(reference_number="DRAFT", valid_from=D(2024, 9, 1), valid_to=D(2026, 1, 1), signed_on=None)
    assert agreements(status="expiring") == {"ENDS-20", "ENDS-75"}
    assert agreements(status=["expired", "draft"]) == {"EXPIRED", "DRAFT"}
    assert agreements(ends_within="30") == {"ENDS-20"}
    assert agreements(ends_within="90") == {"ENDS-20", "ENDS-75"}
    assert agreements(in_force_on="2021-06-01") == {"EXPIRED"}
    assert agreements(in_force_on="2024-10-01") == {"ACTIVE"}  # the draft is not in force
    assert agreements(ends_after="2024-07-01", ends_before="2025-12-31") == {"ENDS-75"}


def test_an_early_termination_ends_the_agreement_for_the_in_force_filter():
    AgreementFactory(reference_number="T", valid_from=D(2023, 1, 1), valid_to=D(2027, 1, 1),
                     terminated_on=D(2024, 6, 30), termination_reason="Closed")
    assert agreements(in_force_on="2024-06-29") == {"T"}
    assert agreements(in_force_on="2024-06-30") == set()


@time_machine.travel(datetime.datetime(2024, 6, 1, 10, tzinfo=PHNOM_PENH), tick=False)
def test_ngo_filters_look_at_their_agreements(siem_reap):
    AgreementFactory(ngo=NGOFactory(name_en="Expiring Org"), valid_from=D(2022, 1, 1), valid_to=D(2024, 6, 21),
                     provinces=[siem_reap])
    AgreementFactory(ngo=NGOFactory(name_en="Expired Org"), valid_from=D(2020, 1, 1), valid_to=D(2021, 1, 1))
    NGOFactory(name_en="No Agreement Org", is_active=False)
    assert ngos(agreement_status="expiring") == {"Expiring Org"}
    assert ngos(agreement_status="expired") == {"Expired Org"}
    assert ngos(province=siem_reap.pk) == {"Expiring Org"}
    assert ngos(ends_within="30") == {"Expiring Org"}
    assert ngos(in_force_on="2020-06-01") == {"Expired Org"}
    assert ngos(is_active="false") == {"No Agreement Org"}


def test_a_bad_date_in_a_filter_is_reported_and_lists_nothing(client_as, officer_user):
    AgreementFactory()
    response = client_as(officer_user).get("/agreements/?in_force_on=31-31-2024")
    assert response.context["filter"].errors["in_force_on"]
    assert response.context["table"].paginator.count == 0


# ---- Exports ---------------------------------------------------------------------------------------

def _csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)  # sent row by row, never built whole in memory
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_holds_every_filtered_row_not_just_the_page(client_as, officer_user, siem_reap, battambang):
    for _ in range(30):
        AgreementFactory(provinces=[siem_reap])
    for _ in range(3):
        AgreementFactory(provinces=[battambang])
    response = client_as(officer_user).get(f"/agreements/?province={siem_reap.pk}&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert len(rows) == 1 + 30
    expected = set(Agreement.objects.filter(provinces=siem_reap).values_list("reference_number", flat=True))
    assert {row[0] for row in rows[1:]} == expected


def test_xlsx_export_equals_the_filtered_list_with_real_dates(client_as, officer_user):
    keep = AgreementFactory(ngo=NGOFactory(name_en="Keep Me"), valid_to=D(2025, 12, 31), planned_budget_usd=1234)
    AgreementFactory(ngo=NGOFactory(name_en="Leave Me"))
    response = client_as(officer_user).get("/agreements/?q=keep&_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    record = dict(zip(header, row))
    assert record["Reference number"] == keep.reference_number
    assert record["NGO"] == "Keep Me"
    assert record["Valid to"].date() == D(2025, 12, 31)
    assert record["Planned budget (USD)"] == 1234


def test_export_only_holds_what_the_user_may_see(client_as, provincial_user, siem_reap, battambang):
    mine = AgreementFactory(provinces=[siem_reap])
    AgreementFactory(provinces=[battambang])
    rows = _csv_rows(client_as(provincial_user).get("/agreements/?_export=csv"))
    assert [row[0] for row in rows[1:]] == [mine.reference_number]


def test_ngo_export_has_both_names(client_as, officer_user):
    NGOFactory(name_km="អង្គការខ្មែរ", name_en="Khmer Org")
    rows = _csv_rows(client_as(officer_user).get("/ngos/?_export=csv"))
    header = rows[0]
    record = dict(zip(header, rows[1]))
    assert record["Name (Khmer)"] == "អង្គការខ្មែរ" and record["Name (English)"] == "Khmer Org"


def test_exported_text_that_looks_like_a_formula_stays_text(client_as, officer_user):
    AgreementFactory(ngo=NGOFactory(name_en="=HYPERLINK(1)"))
    rows = _csv_rows(client_as(officer_user).get("/agreements/?_export=csv"))
    assert "'=HYPERLINK(1)" in rows[1]
    response = client_as(officer_user).get("/agreements/?_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s" and cell.quotePrefix
