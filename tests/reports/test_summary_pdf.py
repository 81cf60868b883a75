"""The printed summary: the PDF's text, fonts, page size and page numbers, and the command that writes it.

The two PDFs (Khmer and English) are written once for the module by `manage.py semester_summary`
(each render costs seconds). pdftotext of Khmer from WeasyPrint is lossy: its ToUnicode map gives
each glyph the text of the first cluster it was drawn in (Kozea/WeasyPrint#2841), so pre-base
vowels and subscript RO sometimes drop out. Khmer is therefore checked two ways: most of the
expected string must be found in order (`coverage`), and the parts that extract exactly (digits,
lunar day, Buddhist Era year) must be there verbatim.
"""
import datetime
import difflib
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from mrd_ngo.khmer import ZWSP
from reports.pdf import break_khmer_words, page_counter_css, summary_html
from reports.summary import build_national_summary
from tests.factories import ReportingPeriodFactory
from tests.reports.test_summary import known_semester

# Marked so that pytest-django runs these with the other database tests, before any transactional
# test empties the database (the module fixture below builds its data outside the test transaction).
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The lunar date, then the place and the Gregorian date (two lines under the title).
DATE_LINE = "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨"
PLACE_LINE = "រាជធានីភ្នំពេញ ថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤"
HEADER = ["ព្រះរាជាណាចក្រកម្ពុជា", "ជាតិ សាសនា ព្រះមហាក្សត្រ", "ក្រសួងអភិវឌ្ឍន៍ជនបទ"]
KHMER_DIGITS = re.compile("[\u17e0-\u17e9]")


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-raw", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(rf"[\s{ZWSP}]+", "", text)


# pdftotext drops some Khmer letters of WeasyPrint's PDFs (subscript ro, some pre-base vowels:
# ព្រះ comes out as ពះ), so a Khmer line is "found" when most of it is there in order: about 80%
# of the letterhead survives (measured), a line that is not in the PDF scores well under half.
KHMER_FOUND = 0.7


def coverage(expected: str, text: str) -> float:
    """The best share of `expected` (spaces removed) found in order on one line of `text`."""
    wanted = squeeze(expected)
    best = 0.0
    for line in text.splitlines():
        blocks = difflib.SequenceMatcher(None, wanted, squeeze(line), autojunk=False).get_matching_blocks()
        best = max(best, sum(b.size for b in blocks) / len(wanted))
    return best


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Khmer and English PDFs of the known semester, dated 17 July 2024, written by the command."""
    folder = tmp_path_factory.mktemp("summary-pdf")
    with django_db_blocker.unblock(), transaction.atomic():
        known = known_semester()
        outputs = {}
        for lang in ("km", "en"):
            out = io.StringIO()
            path = folder / f"summary-{lang}.pdf"
            call_command("semester_summary", "2024S1", "--lang", lang, "--output", str(path), "--date", "2024-07-17", stdout=out)
            assert path.name in out.getvalue()
            outputs[lang] = path
        ngos = [(a.ngo.name_km, a.ngo.name_en) for a in (known.a, known.b, known.d, known.f, known.h)]
        transaction.set_rollback(True)
    return SimpleNamespace(km=outputs["km"], en=outputs["en"], ngos=ngos)


def test_khmer_pdf_opens_with_the_official_header_and_lunar_date_line(pdfs):
    first_page = pdftotext(pdfs.km, "-f", "1", "-l", "1")
    for line in HEADER + [DATE_LINE, PLACE_LINE]:
        assert coverage(line, first_page) >= KHMER_FOUND, line
    for exact in ("ថ្ងៃពុធ១២កើតខែអាសាឍ", "ព.ស.២៥៦៨", "ថ្ងៃទី១៧"):
        assert exact in squeeze(first_page)


def test_pdfs_name_the_ngos(pdfs):
    khmer, english = pdftotext(pdfs.km), pdftotext(pdfs.en)
    for name_km, name_en in pdfs.ngos:
        assert coverage(name_km, khmer) >= KHMER_FOUND, name_km
        assert squeeze(name_en) in squeeze(english), name_en  # a name may wrap in a narrow column


def test_english_edition_has_no_khmer_digits_and_numbers_its_pages(pdfs):
    text = pdftotext(pdfs.en)
    assert KHMER_DIGITS.findall(text) == []
    assert re.search(r"page 1 of \d+", text)
    assert "Phnom Penh, 17 July 2024" in text
    assert coverage(HEADER[0], text) >= KHMER_FOUND  # the letterhead stays in Khmer, with its translation
    assert "KINGDOM OF CAMBODIA" in text.upper()


def test_khmer_edition_numbers_its_pages_in_khmer_digits(pdfs):
    last_line = [line for line in pdftotext(pdfs.km, "-f", "1", "-l", "1").splitlines() if line.strip()][-1]
    assert re.fullmatch(r"\D*១\D+[០-៩]+", last_line.strip()), last_line


def test_fonts_shipped_with_the_app_are_embedded(pdfs):
    # The English edition uses Khmer only in the letterhead (Moul): no Battambang needed there.
    for path, wanted in ((pdfs.km, {"MRD-Khmer", "MRD-Khmer-Title", "MRD-Latin"}), (pdfs.en, {"MRD-Khmer-Title", "MRD-Latin"})):
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        fonts = {row.split()[0].split("+", 1)[-1]: row.split()[-5] for row in rows}
        assert wanted <= set(fonts), fonts
        assert all(name.startswith("MRD-") for name in fonts), fonts  # no system font slipped in
        assert set(fonts.values()) == {"yes"}, fonts  # the "emb" column


def test_pages_are_a4(pdfs):
    info = subprocess.run(["pdfinfo", str(pdfs.km)], capture_output=True, text=True, check=True).stdout
    assert "Page size:       595.276 x 841.89 pts (A4)" in info or "(A4)" in info


# ---- The HTML handed to WeasyPrint (no rendering: fast) ------------------------------------------


def test_khmer_text_gets_word_breaks_but_tags_and_attributes_do_not():
    html = '<p title="ភូមិគំរូ">ការផ្គត់ផ្គង់ទឹកស្អាតជនបទ</p><svg><text>ភូមិគំរូ</text></svg>'
    broken = break_khmer_words(html)
    assert ZWSP in broken.split(">", 1)[1]
    assert '<p title="ភូមិគំរូ">' in broken and "<svg><text>ភូមិគំរូ</text></svg>" in broken
    assert broken.replace(ZWSP, "") == html


def test_page_numbers_are_khmer_in_the_khmer_edition_only():
    assert "counter(page, khmer)" in page_counter_css("km") and "counter(pages, khmer)" in page_counter_css("km")
    assert "counter(page)" in page_counter_css("en") and "khmer" not in page_counter_css("en")


def test_pdf_html_holds_the_exact_date_line_repeated_table_headers_and_no_khmer_digits_in_english(db):
    summary = build_national_summary(ReportingPeriodFactory(year=2024, half=1))
    html = summary_html(summary, "km", printed_on=datetime.date(2024, 7, 17)).replace(ZWSP, "")
    assert DATE_LINE in html and PLACE_LINE in html and all(line in html for line in HEADER)
    assert html.count("<thead>") == html.count('<table class="table') >= 4  # every table repeats its header
    english = summary_html(summary, "en", printed_on=datetime.date(2024, 7, 17))
    assert KHMER_DIGITS.findall(english) == []


# ---- Command errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2030S1"], "2030S1"),
        (["2024S9"], "2024S9"),
        (["2024S1", "--lang", "fr"], "fr"),
        (["2024S1", "--output", "summary.docx"], ".pdf or .xlsx"),
        (["2024S1", "--date", "2024-02-30"], "2024-02-30"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(db, tmp_path, monkeypatch, args, message):
    ReportingPeriodFactory(year=2024, half=1)
    monkeypatch.chdir(tmp_path)
    with translation.override("en"), pytest.raises(CommandError, match=re.escape(message)):
        call_command("semester_summary", *args, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_command_writes_the_workbook_when_asked_for_xlsx(db, tmp_path):
    ReportingPeriodFactory(year=2024, half=1)
    call_command("semester_summary", "2024S1", "--output", str(tmp_path / "summary.xlsx"), stdout=io.StringIO())
    assert (tmp_path / "summary.xlsx").read_bytes().startswith(b"PK")


def test_command_line_error_goes_to_stderr_with_a_non_zero_exit(tmp_path):
    # The language is checked before the database is touched: a placeholder URL is never connected to.
    env = {**os.environ, "SECRET_KEY": "x", "DATABASE_URL": "postgres://unused@127.0.0.1/unused"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "semester_summary", "2024S1", "--lang", "fr", "--output", str(tmp_path / "x.pdf")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert result.returncode != 0
    assert "fr" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
