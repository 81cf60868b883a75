"""Ids and numbers read from URLs and query strings: Khmer digits read, everything else refused, never a 500."""
import datetime

import pytest
from django.conf import settings as django_settings

from mrd_ngo.parsing import BIGINT_MAX, parse_id
from tests.factories import AgreementFactory, ReportingPeriodFactory

# What `str.isdigit()` or `int()` let through, and what PostgreSQL then refuses.
HOSTILE = ["²", "¹", "³", "٣", "۳", "१", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x1", "１",
           "99999999999999999999999", str(BIGINT_MAX + 1), "", "abc", "1\n"]


@pytest.mark.parametrize(("text", "number"), [("1", 1), ("០", 0), ("១២", 12), ("0១2", 12), (str(BIGINT_MAX), BIGINT_MAX)])
def test_parse_id_reads_western_and_khmer_digits(text, number):
    assert parse_id(text) == number


@pytest.mark.parametrize("text", HOSTILE + [None, 1.5, True, -3])
def test_parse_id_refuses_everything_else(text):
    assert parse_id(text) is None


# Every page that reads an id (or a page number) from its query string.
QUERY_PAGES = [
    ("/agreements/new/", "ngo"),
    ("/agreements/", "province"), ("/agreements/", "sector"), ("/agreements/", "department"), ("/agreements/", "ngo"),
    ("/agreements/", "page"),
    ("/ngos/", "province"), ("/ngos/", "sector"), ("/ngos/", "department"), ("/ngos/", "page"),
    ("/reports/", "ngo"), ("/reports/", "province"), ("/reports/", "sector"), ("/reports/", "period"),
    ("/reports/", "page"),
    ("/reports/new/", "ngo"),
    ("/reports/import/", "ngo"),
    ("/reports/villages/", "province"),
    ("/reports/2024S1/template.xlsx", "ngo"),
]


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(("path", "parameter"), QUERY_PAGES)
def test_hostile_ids_in_the_query_string_answer_a_page_or_404_never_a_500(signed_in, path, parameter):
    ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    AgreementFactory()
    for text in HOSTILE:
        response = signed_in.get(path, {parameter: text})
        assert response.status_code in (200, 302, 400, 404), (path, parameter, text, response.status_code)


def test_superscript_ngo_on_the_import_page_shows_the_empty_form(signed_in):
    response = signed_in.get("/reports/import/", {"ngo": "²"})
    assert response.status_code == 200
    assert '<option value="" selected>' in response.content.decode().split('name="ngo"')[1].split("</select>")[0]


def test_khmer_digits_choose_the_ngo_on_the_import_page(signed_in):
    ngo = AgreementFactory().ngo
    khmer = str(ngo.pk).translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    response = signed_in.get("/reports/import/", {"ngo": khmer})
    assert f'<option value="{ngo.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize("text", ["²", "٣", "99999999999999999999999"])
def test_template_for_a_hostile_ngo_id_is_404(signed_in, text):
    ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    assert signed_in.get("/reports/2024S1/template.xlsx", {"ngo": text}).status_code == 404


def khmer(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))


def test_the_report_start_form_reads_khmer_digits_and_refuses_other_scripts_digits(signed_in):
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    ngo = AgreementFactory().ngo
    chosen = signed_in.get("/reports/new/", {"ngo": khmer(ngo.pk), "period": khmer(period.pk)})
    assert chosen.status_code == 200 and chosen.context["ngo"] == ngo  # on to the report form
    arabic_indic = str(ngo.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    refused = signed_in.get("/reports/new/", {"ngo": arabic_indic, "period": str(period.pk)})
    assert refused.status_code == 200
    assert "ngo" in refused.context["start"].errors


@pytest.mark.parametrize("code", ["٢٠٢٤S1", "2024S1\n", " 2024S1", "²⁰²⁴S1"])
def test_semester_codes_in_other_scripts_or_with_spaces_are_not_semesters(code):
    from reports.semesters import parse_period_code

    with pytest.raises(ValueError):
        parse_period_code(code)


def test_semester_codes_in_khmer_digits_are_read():
    from reports.semesters import parse_period_code

    assert parse_period_code("២០២៤S1") == (2024, 1)
