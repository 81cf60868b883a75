"""Tests for mrd_ngo.khmer (pure functions: no database, run with -p no:django)."""

import datetime
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrd_ngo.khmer import (
    EMPTY,
    ENGLISH_MONTHS,
    KHMER_MONTHS,
    format_date,
    format_number,
    insert_word_breaks,
    khmer_digits,
    normalize_khmer,
    semester_label,
    western_digits,
)

ZWSP = "\u200b"
COENG = "\u17d2"

# From /work/shared/reference/meeting-h1-2024.km.txt (MRD article, 17 July 2024).
SENTENCE = (
    "កិច្ចប្រជុំដ៏មានសារៈសំខាន់នេះ ក៏មានការរៀបចំធ្វើបទបង្ហាញ ចំនួន ៤ ផងដែរ "
    "ព្រមទាំងមានការរៀបចំបើកឱ្យមានកិច្ចពិភាក្សាគ្នាយ៉ាងផុលផុស "
    "ដើម្បីស្វែងរកដំណោះស្រាយបញ្ហាផ្សេងៗ ដែលបានជួបប្រទះនាពេលកន្លងមកនេះ។"
)
TITLE = (
    "ឯកឧត្ដម ផូ ផារិទ្ធ អញ្ជើញដឹកនាំកិច្ចប្រជុំបូកសរុបរបាយការណ៍វឌ្ឍនភាពការងារឆមាសទី១ ឆ្នាំ២០២៤ "
    "និងលើកទិសដៅបន្តការងារអង្គការមិនមែនរដ្ឋាភិបាល"
)

# Hypothesis: no example database in the project folder.
hsettings = settings(database=None, deadline=None, max_examples=300)

khmer_chars = st.characters(min_codepoint=0x1780, max_codepoint=0x17FF)
mixed_chars = st.one_of(
    khmer_chars,
    st.sampled_from(list("abcXYZé 019\t\n\u00a0" + ZWSP + "\u200c\u200d\u17d2\u179a\u178a\u178f")),
    st.characters(codec="utf-8"),
)


# --- digits -----------------------------------------------------------------


def test_khmer_digits_number_and_text():
    assert khmer_digits(2024) == "២០២៤"
    assert khmer_digits("0123456789") == "០១២៣៤៥៦៧៨៩"
    assert khmer_digits("ឆ្នាំ2024, No. 7-b") == "ឆ្នាំ២០២៤, No. ៧-b"
    assert khmer_digits(Decimal("-12.50")) == "-១២.៥០"
    assert khmer_digits("") == ""


def test_western_digits():
    assert western_digits("០១២៣៤៥៦៧៨៩") == "0123456789"
    assert western_digits("ឆ្នាំ២០២៤ and 17") == "ឆ្នាំ2024 and 17"
    assert western_digits("no digits") == "no digits"


@hsettings
@given(st.text(alphabet=st.one_of(st.characters(blacklist_characters="០១២៣៤៥៦៧៨៩"))))
def test_digits_round_trip_from_western(s):
    assert western_digits(khmer_digits(s)) == s


@hsettings
@given(st.text(alphabet=st.characters(blacklist_characters="0123456789")))
def test_digits_round_trip_from_khmer(s):
    assert khmer_digits(western_digits(s)) == s


@hsettings
@given(st.integers())
def test_digits_round_trip_integers(n):
    k = khmer_digits(n)
    assert not any(c in "0123456789" for c in k)
    assert int(western_digits(k)) == n


# --- format_number ------------------------------------------------------------


@pytest.mark.parametrize(
    "value, lang, decimals, expected",
    [
        (12345, "km", 0, "១២,៣៤៥"),
        (12345, "en", 0, "12,345"),
        (0, "km", 0, "០"),
        (999, "en", 0, "999"),
        (1000, "en", 0, "1,000"),
        (-1234567, "en", 0, "-1,234,567"),
        (-1234567, "km", 0, "-១,២៣៤,៥៦៧"),
        (Decimal("1234567.891"), "en", 2, "1,234,567.89"),
        (Decimal("1234567.891"), "km", 2, "១,២៣៤,៥៦៧.៨៩"),
        (Decimal("0.5"), "en", 0, "1"),  # half-up, not banker's rounding
        (Decimal("2.5"), "en", 0, "3"),
        (Decimal("-2.5"), "en", 0, "-3"),
        (2.675, "en", 2, "2.68"),  # float goes through its shortest repr
        (1.5, "km", 1, "១.៥"),
        (7, "en", 3, "7.000"),
        (Decimal("-0.004"), "en", 2, "0.00"),  # no "-0.00"
        (12345, "km-KH", 0, "១២,៣៤៥"),
        (12345, "km_kh", 0, "១២,៣៤៥"),
        (12345, "fr", 0, "12,345"),
        ("១២៣៤៥", "en", 0, "12,345"),  # Khmer-digit strings are accepted
        ("12,345.5", "km", 1, "១២,៣៤៥.៥"),
    ],
)
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


def test_format_number_none():
    assert EMPTY == "\u2013"
    assert format_number(None, "km") == "–"
    assert format_number(None, "en", 2) == "–"
    assert format_number(None, "en", empty="") == ""


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), "abc"])
def test_format_number_rejects_non_numbers(bad):
    with pytest.raises(ValueError):
        format_number(bad, "en")


def test_format_number_rejects_bool_and_negative_decimals():
    with pytest.raises(TypeError):
        format_number(True, "en")
    with pytest.raises(ValueError):
        format_number(1, "en", -1)


@hsettings
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_number_round_trips_integers(n):
    for lang in ("km", "en"):
        assert int(western_digits(format_number(n, lang)).replace(",", "")) == n


# --- dates and semesters --------------------------------------------------------


def test_format_date():
    d = datetime.date(2024, 7, 17)
    assert format_date(d, "km") == "១៧ កក្កដា ២០២៤"
    assert format_date(d, "en") == "17 July 2024"
    assert format_date(datetime.datetime(2024, 3, 5, 14, 30), "km") == "៥ មីនា ២០២៤"
    assert format_date(datetime.date(2025, 12, 1), "en") == "1 December 2025"
    assert format_date(None, "km") == "–"
    assert format_date(None, "en", empty="") == ""
    with pytest.raises(TypeError):
        format_date("2024-07-17", "en")


def test_month_names():
    assert len(KHMER_MONTHS) == len(ENGLISH_MONTHS) == 12
    assert KHMER_MONTHS[2] == "មីនា"  # not Django's "មិនា"
    assert " ".join(KHMER_MONTHS) == "មករា កុម្ភៈ មីនា មេសា ឧសភា មិថុនា កក្កដា សីហា កញ្ញា តុលា វិច្ឆិកា ធ្នូ"
    for m in range(1, 13):
        assert format_date(datetime.date(2024, m, 1), "km").split(" ")[1] == KHMER_MONTHS[m - 1]
        assert format_date(datetime.date(2024, m, 1), "en").split(" ")[1] == ENGLISH_MONTHS[m - 1]


def test_semester_label():
    assert semester_label(2024, 1, "km") == "ឆមាសទី១ ឆ្នាំ២០២៤"
    assert semester_label(2024, 2, "km") == "ឆមាសទី២ ឆ្នាំ២០២៤"
    assert semester_label(2024, 1, "en") == "First semester 2024"
    assert semester_label(2024, 2, "en") == "Second semester 2024"
    assert semester_label("2025", "1", "en") == "First semester 2025"
    # The label used in the ministry's own article.
    assert semester_label(2024, 1, "km") in TITLE
    for bad in (0, 3):
        with pytest.raises(ValueError):
            semester_label(2024, bad, "en")


# --- normalize_khmer -------------------------------------------------------------


def test_normalize_coeng_da_ta():
    assert normalize_khmer("កណ្ដាល") == normalize_khmer("កណ្តាល")
    assert normalize_khmer("ឯកឧត្ដម") == normalize_khmer("ឯកឧត្តម")
    assert normalize_khmer("កត្ដិក") == normalize_khmer("កត្តិក")
    assert "\u17d2\u178a" not in normalize_khmer("កណ្ដាល")


def test_normalize_nfc_and_decomposed():
    composed = "Caf\u00e9 ខេត្ត"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert normalize_khmer(composed) == normalize_khmer(decomposed) == "caf\u00e9 ខេត្ត"


def test_normalize_coeng_ro_order():
    # ស្ត្រី typed as ស ្ រ ្ ត ី (RO first) and as ស ្ ត ្ រ ី (Unicode order).
    ro_first = "\u179f\u17d2\u179a\u17d2\u178f\u17b8"
    ro_last = "\u179f\u17d2\u178f\u17d2\u179a\u17b8"
    assert normalize_khmer(ro_first) == normalize_khmer(ro_last) == ro_last
    # With coeng DA as the other subscript, both folds apply.
    assert normalize_khmer("\u179f\u17d2\u179a\u17d2\u178a\u17b8") == ro_last


def test_normalize_invisible_characters_and_spacing():
    assert normalize_khmer("អង្គ\u200bការ") == normalize_khmer("អង្គការ")
    assert normalize_khmer("អង្គ\u200cការ\u200d\ufeff") == "អង្គការ"
    assert normalize_khmer("ផ្សេង ៗ") == normalize_khmer("ផ្សេងៗ") == "ផ្សេងៗ"
    assert normalize_khmer("ផ្សេង\u200b ៗ") == "ផ្សេងៗ"
    assert normalize_khmer("  ភូមិ \u00a0  គំរូ\n") == "ភូមិ គំរូ"


def test_normalize_mark_order_and_variants():
    assert normalize_khmer("ក\u17c6\u17b6") == normalize_khmer("ក\u17b6\u17c6")  # ំា vs ាំ
    assert normalize_khmer("ប\u17b8\u17ca") == normalize_khmer("ប\u17ca\u17b8")  # ី៊ vs ៊ី
    assert normalize_khmer("ឲ្យ") == normalize_khmer("ឱ្យ")
    assert normalize_khmer("\u17a3") == normalize_khmer("អ")
    assert normalize_khmer("\u17d8") == normalize_khmer("។ល។")


def test_normalize_casefold_and_digits():
    assert normalize_khmer("ZOOM Meeting") == normalize_khmer("zoom meeting") == "zoom meeting"
    assert normalize_khmer("Straße") == normalize_khmer("STRASSE")
    assert normalize_khmer("ឆ្នាំ២០២៤") == normalize_khmer("ឆ្នាំ2024")
    assert normalize_khmer(None) == ""


def test_normalize_search_use():
    haystack = normalize_khmer(TITLE)
    assert normalize_khmer("ឯកឧត្តម") in haystack
    assert normalize_khmer("ឆមាសទី1") in haystack


@hsettings
@given(st.text(alphabet=mixed_chars))
def test_normalize_idempotent(s):
    once = normalize_khmer(s)
    assert normalize_khmer(once) == once


@hsettings
@given(st.text(alphabet=khmer_chars, max_size=40))
def test_normalize_idempotent_khmer_only(s):
    once = normalize_khmer(s)
    assert normalize_khmer(once) == once
    assert "\u17d2\u178a" not in once


# --- insert_word_breaks ------------------------------------------------------------


def _check_break_positions(text):
    for i, ch in enumerate(text):
        if ch != ZWSP:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        assert before not in (" ", "\n", COENG), (text, i)
        assert after not in (" ", "\n"), (text, i)
        # Never before a dependent vowel/sign (inside a cluster) or before ៗ ។.
        assert not after or unicodedata.category(after) not in ("Mn", "Mc"), (text, i)
        assert after not in "ៗ។៕៖", (text, i)


def test_word_breaks_real_sentence():
    out = insert_word_breaks(SENTENCE)
    assert out.replace(ZWSP, "") == SENTENCE
    # Words of the sentence are separated...
    for pair in (
        "ធ្វើ\u200bបទ",
        "ស្វែងរក\u200bដំណោះស្រាយ",
        "គ្នា\u200bយ៉ាង",
        "ជួបប្រទះ\u200bនា",
    ):
        assert pair in out
    # ...but never next to an existing space, inside a cluster, or before ៗ / ។.
    assert " \u200b" not in out and "\u200b " not in out
    assert "ផ្សេងៗ" in out
    _check_break_positions(out)
    assert out.count(ZWSP) >= 20


def test_word_breaks_title():
    out = insert_word_breaks(TITLE)
    assert out.replace(ZWSP, "") == TITLE
    assert "អញ្ជើញ\u200bដឹកនាំ" in out
    assert "របាយការណ៍\u200bវឌ្ឍនភាព" in out
    assert "ឆ្នាំ២០២៤" in out  # numbers stay attached (no break next to a digit)
    assert "ទី១" in out
    _check_break_positions(out)


def test_word_breaks_idempotent_and_existing_zwsp_kept():
    out = insert_word_breaks(SENTENCE)
    assert insert_word_breaks(out) == out
    assert ZWSP * 2 not in out
    # A ZWSP typed by the user where ICU would not break stays; one where ICU breaks is not doubled.
    manual = "ការ\u200bងារ អញ្ជើញ\u200bដឹកនាំ"
    result = insert_word_breaks(manual)
    assert result.startswith("ការ\u200bងារ ")
    assert "អញ្ជើញ\u200bដឹកនាំ" in result and ZWSP * 2 not in result
    assert insert_word_breaks(result) == result


def test_word_breaks_leave_non_khmer_untouched():
    for text in ("", "Hello world", "Report 2024-07-17\u200bfoo", "ĉu 😀", "123 ៛"):
        assert insert_word_breaks(text) == text
    mixed = "Meeting via Zoom: អង្គការមិនមែនរដ្ឋាភិបាល (NGO) 😀ការងារអង្គការ"
    out = insert_word_breaks(mixed)
    assert out.replace(ZWSP, "") == mixed
    assert out.startswith("Meeting via Zoom: ")
    assert "(NGO) 😀" in out
    assert "ការងារ\u200bអង្គការ" in out  # offsets right after an astral character


def test_word_breaks_speed_100kb():
    text = "\n".join([TITLE, SENTENCE] * 5)
    big = (text * (100_000 // len(text) + 1))[:100_000]
    insert_word_breaks("ការងារ")  # create the cached iterator
    start = time.perf_counter()
    out = insert_word_breaks(big)
    elapsed = time.perf_counter() - start
    assert out.replace(ZWSP, "") == big
    assert elapsed < 0.5, elapsed


def test_word_breaks_threads():
    expected = insert_word_breaks(SENTENCE)
    barrier = threading.Barrier(4)

    def work(_):
        barrier.wait()
        return [insert_word_breaks(SENTENCE) for _ in range(50)]

    with ThreadPoolExecutor(4) as pool:
        for results in pool.map(work, range(4)):
            assert all(r == expected for r in results)


def _is_khmer(ch):
    return "\u1780" <= ch <= "\u17ff"


@hsettings
@given(st.text(alphabet=st.one_of(khmer_chars, st.sampled_from([" ", "a", "1", "\n"])), max_size=60))
def test_word_breaks_properties(s):
    out = insert_word_breaks(s)
    assert out.replace(ZWSP, "") == s
    assert insert_word_breaks(out) == out
    # Every added ZWSP sits between two Khmer characters, never after a coeng or before a mark.
    for i, ch in enumerate(out):
        if ch == ZWSP:
            assert 0 < i < len(out) - 1
            assert _is_khmer(out[i - 1]) and _is_khmer(out[i + 1])
            assert out[i - 1] != COENG
            assert unicodedata.category(out[i + 1]) not in ("Mn", "Mc")


@hsettings
@given(st.text(alphabet=st.one_of(khmer_chars, st.sampled_from([" ", ZWSP, "a", "😀"])), max_size=60))
def test_word_breaks_idempotent_with_existing_zwsp(s):
    out = insert_word_breaks(s)
    assert out.replace(ZWSP, "") == s.replace(ZWSP, "")
    assert out.count(ZWSP) >= s.count(ZWSP)
    assert insert_word_breaks(out) == out
