"""Report pages: list and exports, entry form, conflicts, review, provincial officers."""
import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from agreements.gazetteer import gazetteer_load
from agreements.models import Indicator
from reports import services
from reports.choices import ReportStatus
from reports.models import IndicatorValue, ProgressReport
from reports.content import ReportContent, ResultRow
from tests.factories import (
    AgreementFactory, IndicatorValueFactory, NGOFactory, ProgressReportFactory, ReportingPeriodFactory, VillageFactory,
)
from tests.agreements.test_gazetteer import small_edition
from tests.reports.conftest import client_for, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


def page(response) -> str:
    return response.content.decode()


def form_data(ngo=None, period=None, *, rows=(), initial=0, version=None, **fields):
    """What the browser posts from the report form."""
    data = {
        "achievements": "Built 12 wells.", "challenges": "Rain.", "lessons_learned": "", "next_plans": "More wells.",
        "budget_planned_usd": "1000", "budget_spent_usd": "800", "beneficiaries_total": "100", "beneficiaries_female": "60",
        "rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000", "save": "1",
    }
    if ngo is not None:
        data.update(ngo=ngo.pk, period=period.pk)
    if version is not None:
        data["version"] = str(version)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = "" if value is None else str(value)
    data.update(fields)
    return data


def row(indicator, province, value, female="", village="", delete=False):
    result = {"indicator": indicator.pk, "province": province.pk, "village": village and village.pk,
              "value": value, "female_value": female}
    if delete:
        result["DELETE"] = "on"
    return result


# ---- List and exports ------------------------------------------------------------------------


@pytest.fixture
def listed(period, siem_reap, battambang, water, sanitation):
    """Three reports of 2024S1 and one of 2023S2, in several states, provinces and sectors."""
    older = ReportingPeriodFactory(year=2023, half=2)
    on_time = ProgressReportFactory(
        agreement=AgreementFactory(provinces=[siem_reap], sectors=[water], ngo__name_en="Clean Water Cambodia"),
        period=period, status=ReportStatus.SUBMITTED, submitted_at=datetime.datetime(2024, 7, 31, 22, tzinfo=PHNOM_PENH),
    )
    late = ProgressReportFactory(
        agreement=AgreementFactory(provinces=[battambang], sectors=[sanitation], ngo__name_en="Hygiene First"),
        period=period, status=ReportStatus.ACCEPTED, submitted_at=datetime.datetime(2024, 8, 1, 1, tzinfo=PHNOM_PENH),
    )
    draft = ProgressReportFactory(
        agreement=AgreementFactory(provinces=[battambang], sectors=[water], ngo__name_en="Mekong Roads"), period=period,
    )
    old = ProgressReportFactory(agreement=on_time.agreement, period=older, status=ReportStatus.ACCEPTED)
    return {"on_time": on_time, "late": late, "draft": draft, "old": old}


def names(response) -> list[str]:
    return sorted(r.ngo.name_en for r in response.context["table"].data)


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Clean Water Cambodia", "Clean Water Cambodia", "Hygiene First", "Mekong Roads"]),
    ("status=draft", ["Mekong Roads"]),
    ("late=late", ["Hygiene First"]),
    ("late=on_time", ["Clean Water Cambodia"]),
    ("q=mekong", ["Mekong Roads"]),
])
def test_list_filters(officer_client, listed, query, expected):
    assert names(officer_client.get(f"/reports/?{query}")) == expected


def test_list_filters_by_period_province_sector_and_ngo(officer_client, listed, period, battambang, water):
    assert names(officer_client.get(f"/reports/?period={period.pk}&province={battambang.pk}")) == ["Hygiene First", "Mekong Roads"]
    assert names(officer_client.get(f"/reports/?period={period.pk}&sector={water.pk}")) == ["Clean Water Cambodia", "Mekong Roads"]
    ngo = listed["late"].ngo
    assert names(officer_client.get(f"/reports/?ngo={ngo.pk}")) == ["Hygiene First"]


def test_list_shows_status_and_late_badges(officer_client, listed):
    html = page(in_english(officer_client).get("/reports/"))
    assert '<span class="badge status-accepted">Accepted</span>' in html
    assert "late</span>" in html


def test_csv_export_holds_every_filtered_row_with_khmer_names(officer_client, listed, period):
    response = in_english(officer_client).get(f"/reports/?period={period.pk}&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert isinstance(response, StreamingHttpResponse)  # sent row by row, never built whole in memory
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["NGO", "Semester", "Agreement", "Status"]
    assert sorted(r[0] for r in rows[1:]) == ["Clean Water Cambodia", "Hygiene First", "Mekong Roads"]
    late = next(r for r in rows if r[0] == "Hygiene First")
    assert late[1] == "2024S1" and late[4] == "2024-08-01"


def test_xlsx_export_opens_in_excel_with_numbers_as_numbers(officer_client, listed):
    response = officer_client.get("/reports/?status=accepted&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.values)
    assert len(values) == 3  # header + two accepted reports
    assert all(isinstance(r[6], int) for r in values[1:])  # beneficiaries total


def test_list_takes_the_same_number_of_queries_for_10_and_100_reports(officer_client, period, siem_reap):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get("/reports/?per_page=200").status_code == 200
        return len(captured)

    agreements = [AgreementFactory(provinces=[siem_reap]) for _ in range(100)]
    for agreement in agreements[:10]:
        ProgressReportFactory(agreement=agreement, period=period, status=ReportStatus.SUBMITTED,
                              submitted_at=datetime.datetime(2024, 7, 1, tzinfo=PHNOM_PENH))
    ten = count()
    for agreement in agreements[10:]:
        ProgressReportFactory(agreement=agreement, period=period)
    assert count() == ten


def test_provincial_officer_lists_only_reports_touching_their_province(provincial_client, listed):
    assert names(provincial_client.get("/reports/")) == ["Clean Water Cambodia", "Clean Water Cambodia"]


def test_list_needs_a_role_and_a_login(client, no_role_user):
    assert client.get("/reports/").status_code == 302
    assert client_for(no_role_user).get("/reports/").status_code == 403


# ---- Entering a report -----------------------------------------------------------------------


def test_new_report_finds_the_agreement_in_force(officer_client, ngo, period, agreement):
    response = in_english(officer_client).get(f"/reports/new/?ngo={ngo.pk}&period={period.pk}")
    assert response.status_code == 200
    assert agreement.reference_number in page(response)
    assert "Indicator results by province" in page(response)


def test_new_report_for_a_period_outside_the_agreement_is_refused(officer_client):
    ended = AgreementFactory(valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2023, 12, 31))
    period = ReportingPeriodFactory(year=2024, half=2)
    response = in_english(officer_client).get(f"/reports/new/?ngo={ended.ngo.pk}&period={period.pk}")
    html = page(response)
    assert "has no signed cooperation agreement in force during Second semester 2024" in html
    assert ended.reference_number in html  # its agreements are listed, with their dates
    assert not ProgressReport.objects.exists()


def test_officer_enters_a_report_with_two_provinces_and_khmer_digits(officer_client, officer_user, ngo, period, siem_reap, battambang, wells, hygiene):
    data = form_data(ngo, period, rows=[row(wells, siem_reap, "១២"), row(hygiene, battambang, "1,250", female="៦០០")],
                     budget_spent_usd="៨០០.៥០")
    response = in_english(officer_client).post("/reports/new/", data, follow=True)
    assert "The report is saved." in page(response)
    report = ProgressReport.objects.get()
    assert report.created_by == officer_user and report.status == ReportStatus.DRAFT
    assert report.budget_spent_usd == Decimal("800.50")
    assert sorted(report.values.values_list("province__name_en", "value", "female_value")) == [
        ("Battambang", Decimal(1250), Decimal(600)), ("Siem Reap", Decimal(12), None),
    ]


def test_save_and_submit_in_one_go(officer_client, ngo, period, siem_reap, wells):
    data = form_data(ngo, period, rows=[row(wells, siem_reap, 3)], save_submit="1")
    in_english(officer_client).post("/reports/new/", data)
    assert ProgressReport.objects.get().status == ReportStatus.SUBMITTED


def test_failed_validation_keeps_everything_typed_and_writes_nothing(officer_client, ngo, period, siem_reap, battambang, wells, hygiene):
    data = form_data(
        ngo, period, achievements="Words that must survive.", beneficiaries_female="150",
        rows=[row(wells, siem_reap, "12"), row(hygiene, battambang, "10", female="11"), row(wells, battambang, "7", delete=True)],
    )
    response = in_english(officer_client).post("/reports/new/", data)
    html = page(response)
    assert response.status_code == 200
    assert "Women cannot be more than the total number of beneficiaries." in html
    assert "cannot be more than the total" in html
    assert "Words that must survive." in html
    assert 'name="rows-1-value" value="10"' in html and 'name="rows-1-female_value" value="11"' in html
    assert 'name="rows-TOTAL_FORMS" value="3"' in html
    assert re.search(r'class="result-row row-deleted"', html)  # the removed row stays removed
    assert not ProgressReport.objects.exists()


def test_the_same_result_twice_is_refused(officer_client, ngo, period, siem_reap, wells):
    data = form_data(ngo, period, rows=[row(wells, siem_reap, "1"), row(wells, siem_reap, "2")])
    html = page(in_english(officer_client).post("/reports/new/", data))
    assert "Wells built in Siem Reap is entered twice." in html
    assert not ProgressReport.objects.exists()


def test_text_in_a_number_box_is_refused_with_a_clear_message(officer_client, ngo, period, siem_reap, wells):
    data = form_data(ngo, period, rows=[row(wells, siem_reap, "twelve")], budget_planned_usd="-5")
    html = page(in_english(officer_client).post("/reports/new/", data))
    assert "Enter a number, such as 1250 or ១២៥០." in html and "Cannot be negative." in html
    assert not ProgressReport.objects.exists()


def test_a_province_outside_the_agreement_is_accepted_with_a_warning(officer_client, ngo, period, kampot, wells):
    response = in_english(officer_client).post("/reports/new/", form_data(ngo, period, rows=[row(wells, kampot, "4")]), follow=True)
    html = page(response)
    assert "Kampot is not one of the provinces of agreement" in html
    assert "outside the agreement&#x27;s provinces" in html or "outside the agreement's provinces" in html
    assert IndicatorValue.objects.get().province == kampot


def test_village_rows_mark_model_villages(officer_client, ngo, period, siem_reap, wells):
    village = VillageFactory(province=siem_reap, name_en="Trapeang Veaeng", is_model_village=True)
    in_english(officer_client).post("/reports/new/", form_data(ngo, period, rows=[row(wells, siem_reap, "4", village=village)]))
    report = ProgressReport.objects.get()
    html = page(in_english(officer_client).get(f"/reports/{report.pk}/"))
    assert "Trapeang Veaeng" in html and "★ model village" in html


def test_village_of_another_province_is_refused(officer_client, ngo, period, siem_reap, battambang, wells):
    village = VillageFactory(province=battambang)
    html = page(in_english(officer_client).post("/reports/new/", form_data(ngo, period, rows=[row(wells, siem_reap, "4", village=village)])))
    assert "This village is in Battambang, not in Siem Reap." in html
    assert not ProgressReport.objects.exists()


def test_opening_new_for_an_existing_report_goes_to_it(officer_client, ngo, period, agreement):
    report = ProgressReportFactory(agreement=agreement, period=period)
    response = officer_client.get(f"/reports/new/?ngo={ngo.pk}&period={period.pk}")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/edit/"


def test_a_village_is_chosen_with_a_search_box_over_the_agreements_provinces(officer_client, ngo, period, siem_reap, wells):
    gazetteer_load(edition=small_edition(), today=datetime.date(2026, 11, 28))
    client = in_english(officer_client)
    html = page(client.get(f"/reports/new/?ngo={ngo.pk}&period={period.pk}"))
    search = re.search(r'<input type="search" name="rows-0-village_search"[^>]*>', html).group(0)
    url = re.search(r'hx-get="([^"]+)"', search).group(1).replace("&amp;", "&")
    assert url == f"/villages/options/?agreement={ngo.agreements.get().pk}"
    options = page(client.get(url + "&rows-0-village_search=veaeng"))
    assert "Trapeang Veaeng 17010102 · Char Chhuk, Angkor Chum, Siem Reap" in options
    # Without JavaScript: the search text comes back with the matches to choose from, nothing saved.
    data = form_data(ngo, period, rows=[row(wells, siem_reap, "4")])
    data["rows-0-village_search"] = "ត្រពាំង"
    html = page(client.post("/reports/new/", data))
    assert "Choose the village among those matching “ត្រពាំង”" in html
    assert re.search(r'<option value="\d+">Trapeang Veaeng 17010102 ·', html)
    assert not ProgressReport.objects.exists()


def test_a_village_outside_the_agreements_provinces_cannot_be_posted(officer_client, ngo, period, wells):
    from agreements.models import Province

    kampot = Province.objects.get(code="07")
    village = VillageFactory(province=kampot, code="07010101")
    html = page(in_english(officer_client).post("/reports/new/", form_data(ngo, period, rows=[row(wells, kampot, "4", village=village)])))
    assert "Choose a village of the agreement&#x27;s provinces with the search box." in html
    assert not ProgressReport.objects.exists()


# ---- Editing, conflicts ------------------------------------------------------------------------


@pytest.fixture
def draft(officer_user, ngo, period, siem_reap, battambang, wells):
    return services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(
        fields={"achievements": "First words.", "budget_spent_usd": Decimal(800)},
        rows=[ResultRow(wells, siem_reap, None, Decimal(12)), ResultRow(wells, battambang, None, Decimal(3))],
    ))


def edit_rows(draft):
    return [{"indicator": v.indicator_id, "province": v.province_id, "village": "", "value": v.value, "female_value": ""}
            for v in draft.values.order_by("province__code")]


def test_two_people_edit_the_same_report_the_second_save_is_refused(officer_user, draft):
    from mrd_ngo.roles import Role
    from tests.factories import UserFactory

    me = in_english(client_for(officer_user))
    colleague = in_english(client_for(UserFactory(role=Role.DATA_ENTRY_OFFICER, first_name="Sokha", last_name="Chan")))
    assert 'name="version" value="1"' in page(me.get(f"/reports/{draft.pk}/edit/"))
    assert 'name="version" value="1"' in page(colleague.get(f"/reports/{draft.pk}/edit/"))

    theirs = form_data(version=1, rows=edit_rows(draft), initial=2, budget_spent_usd="900", achievements="First words.")
    assert colleague.post(f"/reports/{draft.pk}/edit/", theirs).status_code == 302

    mine = form_data(version=1, rows=edit_rows(draft), initial=2, achievements="My better words.", budget_spent_usd="800")
    response = me.post(f"/reports/{draft.pk}/edit/", mine)
    html = page(response)
    assert response.status_code == 409
    assert "Sokha Chan saved this report" in html
    assert re.search(r"budget spent \(USD\)</th><td[^>]*>900</td><td[^>]*>800</td>", html)
    assert "My better words." in html  # my input is still on the page
    assert 'name="version" value="2"' in html  # saving again is now a deliberate choice
    draft.refresh_from_db()
    assert draft.budget_spent_usd == 900 and draft.achievements == "First words."

    mine["version"] = "2"
    assert me.post(f"/reports/{draft.pk}/edit/", mine).status_code == 302
    draft.refresh_from_db()
    assert draft.achievements == "My better words." and draft.version == 3


def test_accepted_report_cannot_be_opened_for_editing(officer_client, officer_user, head_user, draft):
    services.report_submit(user=officer_user, report=draft)
    services.report_accept(user=head_user, report=draft)
    response = in_english(officer_client).get(f"/reports/{draft.pk}/edit/", follow=True)
    assert "This report is accepted: it is read-only." in page(response)


def test_a_save_refused_by_the_workflow_keeps_the_input(officer_client, officer_user, draft):
    services.report_submit(user=officer_user, report=draft)
    response = in_english(officer_client).post(
        f"/reports/{draft.pk}/edit/", form_data(version=1, rows=edit_rows(draft), initial=2, achievements="Kept words."),
    )
    html = page(response)
    assert "waits for review" in html and "Kept words." in html


def test_department_head_may_not_edit(head_client, draft):
    assert head_client.get(f"/reports/{draft.pk}/edit/").status_code == 403


def test_provincial_officer_sees_and_edits_only_their_province_rows(provincial_user, draft, siem_reap, wells, hygiene):
    client = in_english(client_for(provincial_user))
    html = page(client.get(f"/reports/{draft.pk}/edit/"))
    assert 'name="rows-TOTAL_FORMS" value="1"' in html
    assert "Battambang" not in html.split('data-testid="result-rows"')[1].split("<template")[0]
    data = form_data(version=1, initial=1, rows=[
        {"indicator": wells.pk, "province": siem_reap.pk, "village": "", "value": "20", "female_value": ""},
        {"indicator": hygiene.pk, "province": siem_reap.pk, "village": "", "value": "9", "female_value": "5"},
    ])
    assert client.post(f"/reports/{draft.pk}/edit/", data).status_code == 302
    assert sorted(draft.values.values_list("province__name_en", "indicator__code", "value")) == [
        ("Battambang", "wells", 3), ("Siem Reap", "hygiene-trained", 9), ("Siem Reap", "wells", 20),
    ]
    detail = page(client.get(f"/reports/{draft.pk}/"))
    assert "Siem Reap" in detail and "You see the results of your province only. Results in other provinces are not shown." in detail
    assert "Battambang</td>" not in detail


def test_provincial_officer_cannot_post_rows_for_another_province(provincial_user, draft, battambang, wells):
    client = in_english(client_for(provincial_user))
    data = form_data(version=1, initial=0, rows=[row(wells, battambang, "5")])
    html = page(client.post(f"/reports/{draft.pk}/edit/", data))
    assert "Select a valid choice" in html
    assert draft.values.get(province=battambang).value == 3


def test_provincial_officer_cannot_open_a_report_of_another_province(provincial_user, battambang, period):
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[battambang]), period=period)
    assert client_for(provincial_user).get(f"/reports/{report.pk}/").status_code == 404


# ---- Reading and reviewing ---------------------------------------------------------------------


def test_review_cycle_through_the_pages(officer_user, head_user, draft):
    officer = in_english(client_for(officer_user))
    head = in_english(client_for(head_user))
    assert "Accept the report" not in page(head.get(f"/reports/{draft.pk}/"))  # a draft is not for review yet

    officer.post(f"/reports/{draft.pk}/submit/", {"version": 1})
    html = page(head.get(f"/reports/{draft.pk}/"))
    assert "Accept the report" in html and "Return for corrections" in html

    response = head.post(f"/reports/{draft.pk}/return/", {"comment": "", "version": 2})
    assert response.status_code == 400 and "comment is required" in page(response)

    head.post(f"/reports/{draft.pk}/return/", {"comment": "Give the women's figures.", "version": 2})
    html = page(officer.get(f"/reports/{draft.pk}/"))
    assert "Give the women&#x27;s figures." in html and "Resubmit for review" in html

    officer.post(f"/reports/{draft.pk}/submit/", {"version": 3})
    head.post(f"/reports/{draft.pk}/accept/", {"version": 4})
    draft.refresh_from_db()
    assert draft.status == ReportStatus.ACCEPTED

    history = page(officer.get(f"/reports/{draft.pk}/")).split('data-testid="history"')[1]
    for action in ("Accepted", "Resubmitted", "Returned for corrections", "Submitted", "Created"):
        assert action in history
    assert history.index("Accepted") < history.index("Created")  # newest first
    assert "head_user" in history and "officer_user" in history


def test_officers_may_not_accept_and_heads_may_not_submit(officer_client, head_client, officer_user, draft):
    assert head_client.post(f"/reports/{draft.pk}/submit/").status_code == 403
    services.report_submit(user=officer_user, report=draft)
    assert officer_client.post(f"/reports/{draft.pk}/accept/").status_code == 403
    assert officer_client.post(f"/reports/{draft.pk}/return/", {"comment": "x"}).status_code == 403
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED


def test_a_stale_accept_is_refused_with_a_message(officer_user, head_user, draft):
    services.report_submit(user=officer_user, report=draft)
    head = in_english(client_for(head_user))
    response = head.post(f"/reports/{draft.pk}/accept/", {"version": 1}, follow=True)
    assert "changed after you opened it" in page(response)
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED


def test_history_names_the_changed_fields(officer_client, officer_user, draft):
    services.report_update(user=officer_user, report=draft, version=1, content=ReportContent(
        fields={"achievements": "New words.", "budget_spent_usd": Decimal(800)}, rows=[],
    ))
    history = page(in_english(officer_client).get(f"/reports/{draft.pk}/")).split('data-testid="history"')[1]
    assert "Edited" in history and "achievements" in history and "indicator results" in history


def test_detail_page_in_khmer_writes_numbers_in_khmer_digits(officer_client, draft):
    html = page(officer_client.get(f"/reports/{draft.pk}/"))
    assert "<td class=\"text-end\">១២</td>" in html


def test_locked_period_makes_the_report_read_only_in_the_pages(admin_user, officer_client, draft, period):
    services.period_set_locked(user=admin_user, period=period, locked=True, reason="Meeting held")
    response = in_english(officer_client).get(f"/reports/{draft.pk}/edit/", follow=True)
    assert "This semester is locked" in page(response)
    assert 'href="/reports/%d/edit/"' % draft.pk not in page(response)


def test_indicator_value_factory_rows_show_on_the_detail_page(officer_client, period, siem_reap):
    value = IndicatorValueFactory(report=ProgressReportFactory(period=period, agreement=AgreementFactory(provinces=[siem_reap])),
                                  indicator=Indicator.objects.get(code="latrines"), value=Decimal("7.5"))
    html = page(in_english(officer_client).get(f"/reports/{value.report.pk}/"))
    assert "Household latrines built" in html and ">7.50<" in html


def test_ngo_factory_is_found_by_the_search_box_of_new_reports(officer_client):
    NGOFactory(name_en="Brand New NGO")
    assert "Brand New NGO" in page(in_english(officer_client).get("/reports/new/?ngo_search=brand"))


def test_dates_on_the_report_page_are_phnom_penh_dates(officer_client, officer_user, ngo, period):
    import time_machine

    # 18:30 UTC on 31 July is 01:30 on 1 August in Phnom Penh.
    with time_machine.travel(datetime.datetime(2024, 7, 31, 18, 30, tzinfo=datetime.timezone.utc), tick=False):
        report = services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(fields={}))
    facts = page(in_english(officer_client).get(f"/reports/{report.pk}/")).split('data-testid="workflow"')[1]
    assert "1 August 2024" in facts and "31 July 2024" not in facts.split("Entered by")[1].split("</dd>")[0]


def test_exports_never_turn_names_into_formulas(officer_client, period):
    ProgressReportFactory(period=period, agreement=AgreementFactory(ngo__name_en="=HYPERLINK(\"http://evil\")"))
    rows = list(csv.reader(io.StringIO(in_english(officer_client).get("/reports/?_export=csv").getvalue().decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"
    sheet = openpyxl.load_workbook(io.BytesIO(in_english(officer_client).get("/reports/?_export=xlsx").getvalue())).active
    # Stored as text with Excel's quote prefix: what Excel keeps when a person types '=HYPERLINK(...).
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=HYPERLINK(\"http://evil\")" and sheet["A2"].quotePrefix
