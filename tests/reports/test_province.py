"""The page of a province, its edition of the summary, and the by-province-and-sex tables (issue 14, parts 4 to 6).

The data is the summary tests' known semester (tests/reports/test_summary.py): Alpha works in Siem Reap and
Battambang, Gamma and Hotel in Siem Reap, Delta and Golf in Battambang, Beta and Epsilon in Kampot.
"""
import io
import subprocess

import lxml.html
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from mrd_ngo.roles import Role
from reports.completeness import period_completeness
from reports.models import SummaryDocument
from reports.summary import build_national_summary, build_provincial_summary
from tests.factories import UserFactory
from tests.reports.test_summary import known_semester
from tests.worker import download_document

pytestmark = pytest.mark.django_db

# Everything of Battambang and Kampot that a Siem Reap page or document could leak.
ELSEWHERE = ("Delta Water Partners", "Golf Water Partners", "Beta Water Partners", "Epsilon Water Partners",
             "Battambang", "Kampot", "Idle Model")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def known(db):
    return known_semester()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def page_of(client, code="17", query="?semester=2024S1"):
    response = client.get(reverse("reports:province", args=[code]) + query)
    assert response.status_code == 200
    return response.content.decode()


def marked(element, name: str, below: str = ""):
    """The elements marked data-testid=`name` (then `below`, an XPath step under them)."""
    return element.xpath(f'.//*[@data-testid="{name}"]{below}')


def figure(html: str, key: str) -> str:
    return marked(lxml.html.fromstring(html), f"figure-{key}")[0].text_content().strip()


# ---- One home per rule: the page's figures are the summary's ------------------------------------


COMPARED = ("ngos_active", "budget_planned", "budget_spent", "key_results", "model_villages_reached", "results")


@pytest.mark.parametrize("code", ["02", "07"])
def test_a_provinces_edition_has_the_national_summarys_by_province_figures(known, code):
    national = build_national_summary(known.period).province_row(code)
    province_id = {"17": known.siem_reap, "02": known.battambang, "07": known.kampot}[code].pk
    edition = build_provincial_summary(known.period, province_id=province_id)
    assert [r.code for r in edition.provinces] == [code]
    for field in COMPARED:
        assert getattr(edition.provinces[0], field) == getattr(national, field), field
    before = build_national_summary(known.period).province_row(code, previous=True)
    for field in COMPARED:
        assert getattr(edition.province_row(code, previous=True), field) == getattr(before, field), field


def test_a_result_outside_its_agreements_provinces_counts_nationally_but_not_in_the_provinces_edition(known):
    """Golf's agreement covers Battambang; its report records 30 households in Siem Reap. The national by-province
    table counts them in Siem Reap; Siem Reap's edition does not, as its officers may not see Golf's report
    (mrd_ngo/access.py). Every other figure of the province is the same in both."""
    national = build_national_summary(known.period)
    edition = build_provincial_summary(known.period, province_id=known.siem_reap.pk)
    row, own = national.province_row("17"), edition.province_row("17")
    assert (row.ngos_active, own.ngos_active) == (2, 1)
    households = [i.code for i in national.indicators].index("households-water")
    assert (row.results[households].total, own.results[households].total) == (30, 0)
    assert [r for n, r in enumerate(row.results) if n != households] == [r for n, r in enumerate(own.results) if n != households]
    for field in ("budget_planned", "budget_spent", "model_villages_reached"):
        assert getattr(row, field) == getattr(own, field), field


def test_the_province_page_shows_the_summarys_by_province_figures_and_its_completeness(english, known):
    log_in(english, Role.DEPARTMENT_HEAD)
    html = page_of(english, "02")
    row = build_national_summary(known.period).province_row("02")
    assert figure(html, "ngos_active") == str(row.ngos_active)
    assert figure(html, "budget_spent") == f"{row.budget_spent:,.2f}"
    assert figure(html, "budget_planned") == f"{row.budget_planned:,.2f}"
    assert figure(html, "model_villages_reached") == str(row.model_villages_reached)
    # Completeness as Siem Reap's officers see it (their home page and completeness page count the same).
    officer = UserFactory(role=Role.PROVINCIAL_OFFICER, province=known.battambang)
    total = period_completeness(known.period, officer).total
    assert figure(html, "reports_expected") == str(total.expected)
    assert figure(html, "reports_received") == str(total.received)
    assert figure(html, "reports_missing") == str(total.missing)


def test_the_province_page_lists_ngos_agreements_indicators_by_sex_and_model_villages(english, known):
    log_in(english, Role.DATA_ENTRY_OFFICER)
    html = page_of(english)
    doc = lxml.html.fromstring(html)
    ngos = marked(doc, "province-ngos")[0].text_content()
    for name in ("Alpha Water Partners", "Gamma Water Partners", "Hotel Water Partners"):
        assert name in ngos
    assert known.a.reference_number in ngos
    assert reverse("agreements:agreement_detail", args=[known.a.pk]) in html
    # Hygiene education is counted by sex: 200 people, 120 women, 80 men; wells are not split (–).
    hygiene = marked(doc, "indicator-hygiene-trained")[0]
    assert [td.text_content().strip() for td in hygiene.xpath("./td")][:4] == ["200", "120", "80", "60.0%"]
    wells = marked(doc, "indicator-wells", "/td")
    assert [td.text_content().strip() for td in wells] == ["10", "–", "–", "–", "8"]  # 8 the semester before
    assert marked(doc, "villages-reached")[0].text_content().count("Trapeang Model") == 1
    assert "Idle Model" not in html  # a Battambang model village
    battambang = page_of(english, "02")
    assert "Idle Model" in marked(lxml.html.fromstring(battambang), "villages-not-reached")[0].text_content()
    # Coverage against the national figure: Siem Reap 65 / 72 (2024), the median of 3 provinces 65 / 72.
    coverage = marked(doc, "province-coverage")[0].text_content()
    assert "65.0%*" in coverage and "median of 3 provinces" in coverage


def test_every_indicator_is_on_the_page(english, known):
    log_in(english, Role.DATA_ENTRY_OFFICER)
    doc = lxml.html.fromstring(page_of(english))
    summary = build_national_summary(known.period)
    shown = [tr.get("data-testid") for tr in marked(doc, "province-indicators", "/tbody/tr[@data-testid]")]
    assert shown == [f"indicator-{i.code}" for i in summary.indicators]


def test_a_semester_is_chosen_and_an_unknown_one_is_not_found(english, known):
    log_in(english, Role.DATA_ENTRY_OFFICER)
    html = page_of(english, query="?semester=2023S2")
    assert figure(html, "ngos_active") == "2"  # Alpha and Foxtrot's accepted reports in Siem Reap
    assert english.get(reverse("reports:province", args=["17"]) + "?semester=2031S1").status_code == 404
    assert english.get(reverse("reports:province", args=["99"])).status_code == 404


# ---- Reaching the page ----------------------------------------------------------------------------


def test_a_provincial_officer_lands_on_their_province_and_others_see_every_province(english, known):
    log_in(english, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    response = english.get(reverse("reports:provinces"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:province", args=["17"])
    assert reverse("reports:province", args=["17"]) in english.get(reverse("desk:home")).content.decode()
    log_in(english, Role.DEPARTMENT_HEAD)
    listing = english.get(reverse("reports:provinces") + "?semester=2024S1").content.decode()
    links = marked(lxml.html.fromstring(listing), "province-list", "//a")
    assert len(links) == 25 and "Battambang" in listing


# ---- The province's edition: PDF and workbook through the worker ----------------------------------


def test_a_national_user_gets_the_provinces_edition_the_provincial_officer_gets(client, known):
    head = log_in(client, Role.DEPARTMENT_HEAD)
    url = reverse("reports:province_document", args=["17", "2024S1", "xlsx", "en"])
    national_copy = download_document(client, url)
    assert national_copy.status_code == 200
    assert national_copy["Content-Disposition"].endswith('semester-summary-2024S1-17-en.xlsx"')
    log_in(client, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    officers_copy = client.get(reverse("reports:summary_xlsx", args=["2024S1"]) + "?lang=en")
    assert officers_copy.status_code == 200  # no second build: the very file built for the head
    assert b"".join(officers_copy.streaming_content) == b"".join(national_copy.streaming_content)
    assert SummaryDocument.objects.filter(province_id=known.siem_reap.pk, kind="xlsx").count() == 1
    assert head.has_perm("reports.print_summary")


def test_the_provinces_pdf_is_asked_for_on_its_page_and_printing_needs_the_right(client, known):
    log_in(client, Role.DATA_ENTRY_OFFICER)
    page = page_of(client)
    assert 'data-testid="pdf-km"' not in page and 'data-testid="xlsx"' in page
    assert client.get(reverse("reports:province_document", args=["17", "2024S1", "pdf", "en"])).status_code == 403
    log_in(client, Role.DEPARTMENT_HEAD)
    prepare = reverse("reports:province_document_prepare", args=["17", "2024S1", "pdf", "en"])
    assert prepare in page_of(client)
    response = client.post(prepare)
    assert response.status_code == 302 and response["Location"].endswith("?semester=2024S1#documents")
    assert SummaryDocument.objects.get(kind="pdf", lang="en").province_id == known.siem_reap.pk


# ---- Part 6: a provincial officer's page, PDF and workbook hold nothing of other provinces -------


def test_a_provincial_officers_page_pdf_and_workbook_hold_nothing_of_other_provinces(english, known, tmp_path):
    log_in(english, Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    html = page_of(english)
    assert "Alpha Water Partners" in html
    for text in ELSEWHERE:
        assert text not in html, text
    assert english.get(reverse("reports:province", args=["02"])).status_code == 404
    assert english.post(reverse("reports:province_document_prepare", args=["02", "2024S1", "xlsx", "en"])).status_code == 404
    workbook = download_document(english, reverse("reports:province_document", args=["17", "2024S1", "xlsx", "en"]))
    cells = " ".join(
        str(value) for sheet in load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).worksheets
        for row in sheet.iter_rows(values_only=True) for value in row if value is not None
    )
    assert "Alpha Water Partners" in cells and "Siem Reap" in cells
    for text in ELSEWHERE:
        assert text not in cells, text
    # The PDF of the province's edition, printed by a head (provincial officers do not print): the same edition.
    log_in(english, Role.DEPARTMENT_HEAD)
    pdf = download_document(english, reverse("reports:province_document", args=["17", "2024S1", "pdf", "en"]))
    assert pdf.status_code == 200
    path = tmp_path / "siem-reap.pdf"
    path.write_bytes(b"".join(pdf.streaming_content))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Siem Reap only" in text and "Alpha Water Partners" in text
    for name in ELSEWHERE:
        assert name not in text, name


# ---- Part 5: indicators by province and sex -------------------------------------------------------


def test_the_workbook_has_every_indicator_by_province_and_sex(known):
    from reports.summary_xlsx import summary_workbook

    summary = build_national_summary(known.period)
    sheet = load_workbook(io.BytesIO(summary_workbook(summary, "en")))["10 By province and sex"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == ("Province", "Sector", "Indicator", "Unit", "Total", "Female", "Male", "Sex not reported",
                           "Female share (%)")
    assert len(rows) == 1 + 25 * len(summary.indicators)
    hygiene = next(r for r in rows if r[0] == "Siem Reap" and r[2] == summary.province_table("hygiene-trained").indicator.name.en)
    assert hygiene[4:9] == (200, 120, 80, 0, 60.0)
    wells = next(r for r in rows if r[0] == "Battambang" and r[2] == summary.province_table("wells").indicator.name.en)
    assert wells[4:8] == (4, None, None, None)


def test_the_summary_pages_by_province_table_shows_any_indicator_chosen_without_javascript(english, known):
    log_in(english, Role.DEPARTMENT_HEAD)
    html = english.get("/reports/2024S1/summary/?indicator=road-km").content.decode()
    doc = lxml.html.fromstring(html)
    form = marked(doc, "indicator-choice")[0]
    assert form.get("method") == "get"
    options = form.xpath(".//option")
    assert len(options) == len(build_national_summary(known.period).indicators)
    assert [o.get("value") for o in options if o.get("selected") is not None] == ["road-km"]
    table = marked(doc, "province-indicator-table")[0]
    kampot = next(tr for tr in table.xpath("./tbody/tr") if "Kampot" in tr.text_content())
    assert kampot.xpath("./td")[0].text_content().strip() == "12"
    # An indicator counted by sex shows its split; an unknown code falls back to the first indicator.
    html = english.get("/reports/2024S1/summary/?indicator=hygiene-trained").content.decode()
    table = marked(lxml.html.fromstring(html), "province-indicator-table")[0]
    siem_reap = next(tr for tr in table.xpath("./tbody/tr") if "Siem Reap" in tr.text_content())
    assert [td.text_content().strip() for td in siem_reap.xpath("./td")] == ["200", "120", "80", "60.0%"]
    assert english.get("/reports/2024S1/summary/?indicator=nonsense").status_code == 200
