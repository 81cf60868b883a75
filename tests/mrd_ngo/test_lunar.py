"""Tests for mrd_ngo.lunar, the Khmer lunar calendar (pure: no database, no Django).

Every expected value below comes from a public source named next to it: dated announcements and
news articles written with the official lunar date line, Cambodian public-holiday lists, and the
test data of the reference implementations (momentkh, chhankitek, khmer-chhankitek-calendar).
Sources that spell out "ពុទ្ធសករាជ" or "ខែកត្ដិក" are written here in this module's forms
("ព.ស.", "ខែកត្តិក"); nothing else is changed.
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mrd_ngo import lunar
from mrd_ngo.lunar import (
    ANIMAL_YEARS,
    ERA_YEARS,
    FIRST_SUPPORTED_DATE,
    LAST_SUPPORTED_DATE,
    LUNAR_MONTHS,
    khmer_lunar_date,
    khmer_new_year,
    official_date_line,
)

D = datetime.date.fromisoformat
ONE_DAY = datetime.timedelta(days=1)
MONTH = {name: index for index, name in enumerate(LUNAR_MONTHS)}


def lunar_part(line: str) -> str:
    """The lunar half of an official line (before "ត្រូវនឹង")."""
    return line.split(" ត្រូវនឹង")[0]


def lunar_day(d: datetime.date) -> tuple[str, str]:
    """(lunar day text, month name) of ``d``, e.g. ("១៥កើត", "ពិសាខ")."""
    lunar_date = khmer_lunar_date(d)
    return lunar_date.lunar_day_text, lunar_date.month_name


# ---------------------------------------------------------------------------
# Full official lines
# ---------------------------------------------------------------------------

FULL_LINES = [
    # MRD article on the H1 2024 NGO meeting (/work/shared/reference/meeting-h1-2024.km.txt).
    ("2024-07-17", "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨ ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤"),
    # Royal Ploughing Ceremony 2025, ppreporter.com/?p=431153.
    ("2025-05-15", "ថ្ងៃព្រហស្បតិ៍ ៤រោច ខែពិសាខ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩ ត្រូវនឹងថ្ងៃទី១៥ ខែឧសភា ឆ្នាំ២០២៥"),
    # Royal Ploughing Ceremony 2021, ronetv-news.com/?p=1318.
    ("2021-04-30", "ថ្ងៃសុក្រ ៤រោច ខែពិសាខ ឆ្នាំឆ្លូវ ត្រីស័ក ព.ស.២៥៦៥ ត្រូវនឹងថ្ងៃទី៣០ ខែមេសា ឆ្នាំ២០២១"),
    # Royal Ploughing Ceremony 2023, nkdnews.com/?p=787680.
    ("2023-05-08", "ថ្ងៃចន្ទ ៤រោច ខែពិសាខ ឆ្នាំថោះ បញ្ចស័ក ព.ស.២៥៦៧ ត្រូវនឹងថ្ងៃទី៨ ខែឧសភា ឆ្នាំ២០២៣"),
    # Start of Buddhist Lent 2023, a leap-month year: freshnewsasia.com (2023-07-31 article).
    ("2023-08-02", "ថ្ងៃពុធ ១រោច ខែទុតិយាសាឍ ឆ្នាំថោះ បញ្ចស័ក ព.ស.២៥៦៧ ត្រូវនឹងថ្ងៃទី២ ខែសីហា ឆ្នាំ២០២៣"),
    # Lent candles offered in a leap-month year: mtaseav-today.com/?p=57444.
    ("2021-06-26", "ថ្ងៃសៅរ៍ ២រោច ខែបឋមាសាឍ ឆ្នាំឆ្លូវ ត្រីស័ក ព.ស.២៥៦៥ ត្រូវនឹងថ្ងៃទី២៦ ខែមិថុនា ឆ្នាំ២០២១"),
    # King Norodom Sihamoni chosen by the Throne Council: tk-hotnews.com/2021/10/blog-post_27.html.
    ("2004-10-14", "ថ្ងៃព្រហស្បតិ៍ ១កើត ខែអស្សុជ ឆ្នាំវក ឆស័ក ព.ស.២៥៤៨ ត្រូវនឹងថ្ងៃទី១៤ ខែតុលា ឆ្នាំ២០០៤"),
    # Court decision on a birth date, nokorwatnews.com/archives/859556
    # ("ថ្ងៃអង្គារ ១៥កើត ខែស្រាពណ៍ ឆ្នាំរោងចត្វាស័ក ពុទ្ធសករាជ ២៤៩៦" = 5 August 1952).
    ("1952-08-05", "ថ្ងៃអង្គារ ១៥កើត ខែស្រាពណ៍ ឆ្នាំរោង ចត្វាស័ក ព.ស.២៤៩៦ ត្រូវនឹងថ្ងៃទី៥ ខែសីហា ឆ្នាំ១៩៥២"),
    # Anniversary of the late King-Father's death, chk-news.com/?p=45296.
    ("2020-10-15", "ថ្ងៃព្រហស្បតិ៍ ១៣រោច ខែអស្សុជ ឆ្នាំជូត ទោស័ក ព.ស.២៥៦៤ ត្រូវនឹងថ្ងៃទី១៥ ខែតុលា ឆ្នាំ២០២០"),
    # khmer-chhankitek-calendar (chochkimhour) tests, "real-world" dates.
    ("2026-05-20", "ថ្ងៃពុធ ៤កើត ខែជេស្ឋ ឆ្នាំមមី អដ្ឋស័ក ព.ស.២៥៧០ ត្រូវនឹងថ្ងៃទី២០ ខែឧសភា ឆ្នាំ២០២៦"),
    ("2026-09-10", "ថ្ងៃព្រហស្បតិ៍ ១៣រោច ខែស្រាពណ៍ ឆ្នាំមមី អដ្ឋស័ក ព.ស.២៥៧០ ត្រូវនឹងថ្ងៃទី១០ ខែកញ្ញា ឆ្នាំ២០២៦"),
    ("2026-04-16", "ថ្ងៃព្រហស្បតិ៍ ១៤រោច ខែចេត្រ ឆ្នាំមមី អដ្ឋស័ក ព.ស.២៥៦៩ ត្រូវនឹងថ្ងៃទី១៦ ខែមេសា ឆ្នាំ២០២៦"),
    ("2026-05-16", "ថ្ងៃសៅរ៍ ១៥រោច ខែពិសាខ ឆ្នាំមមី អដ្ឋស័ក ព.ស.២៥៧០ ត្រូវនឹងថ្ងៃទី១៦ ខែឧសភា ឆ្នាំ២០២៦"),
]


@pytest.mark.parametrize(("iso", "expected"), FULL_LINES)
def test_official_line_matches_published_line(iso, expected):
    assert official_date_line(D(iso)) == expected


# The four vectors of the project brief (/work/shared/reference/khmer-notes.md).
@pytest.mark.parametrize(
    ("iso", "expected_lunar_part"),
    [
        ("2024-07-17", "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨"),
        ("2022-05-15", "ថ្ងៃអាទិត្យ ១៥កើត ខែពិសាខ ឆ្នាំខាល ចត្វាស័ក ព.ស.២៥៦៥"),  # Visak Bochea 2022
        ("2018-04-30", "ថ្ងៃចន្ទ ១រោច ខែពិសាខ ឆ្នាំច សំរឹទ្ធិស័ក ព.ស.២៥៦២"),
        ("2025-12-10", "ថ្ងៃពុធ ៥រោច ខែមិគសិរ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩"),
    ],
)
def test_official_line_matches_project_vectors(iso, expected_lunar_part):
    assert lunar_part(official_date_line(D(iso))) == expected_lunar_part


def test_official_line_spells_the_gregorian_date_with_khmer_digits_and_no_padding():
    line = official_date_line(D("2023-05-08"))
    assert line.endswith("ត្រូវនឹងថ្ងៃទី៨ ខែឧសភា ឆ្នាំ២០២៣")
    assert not any(character.isascii() and character.isdigit() for character in line)


# Lunar half of lines published with the older comparison file of momentkh
# (ThyrithSor/momentkh comparition_date.txt, momentkh 3 against momentkh 2, both agreeing).
MOMENTKH_COMPARISON = [
    ("1906-10-09", "ថ្ងៃអង្គារ ៦រោច ខែអស្សុជ ឆ្នាំមមី អដ្ឋស័ក ព.ស.២៤៥០"),
    ("1909-10-30", "ថ្ងៃសៅរ៍ ១រោច ខែអស្សុជ ឆ្នាំរកា ឯកស័ក ព.ស.២៤៥៣"),
    ("1910-02-27", "ថ្ងៃអាទិត្យ ៣រោច ខែមាឃ ឆ្នាំរកា ឯកស័ក ព.ស.២៤៥៣"),
    ("1913-03-20", "ថ្ងៃព្រហស្បតិ៍ ១៣កើត ខែផល្គុន ឆ្នាំជូត ចត្វាស័ក ព.ស.២៤៥៦"),
    ("1917-10-07", "ថ្ងៃអាទិត្យ ៦រោច ខែអស្សុជ ឆ្នាំម្សាញ់ នព្វស័ក ព.ស.២៤៦១"),
    ("1929-07-10", "ថ្ងៃពុធ ៤កើត ខែអាសាឍ ឆ្នាំម្សាញ់ ឯកស័ក ព.ស.២៤៧៣"),
    ("1931-10-16", "ថ្ងៃសុក្រ ៥កើត ខែអស្សុជ ឆ្នាំមមែ ត្រីស័ក ព.ស.២៤៧៥"),
    ("1931-10-27", "ថ្ងៃអង្គារ ១រោច ខែអស្សុជ ឆ្នាំមមែ ត្រីស័ក ព.ស.២៤៧៥"),
    ("1939-05-05", "ថ្ងៃសុក្រ ២រោច ខែពិសាខ ឆ្នាំថោះ ឯកស័ក ព.ស.២៤៨៣"),
    ("1941-04-17", "ថ្ងៃព្រហស្បតិ៍ ៦រោច ខែចេត្រ ឆ្នាំម្សាញ់ ត្រីស័ក ព.ស.២៤៨៤"),
    ("1941-12-14", "ថ្ងៃអាទិត្យ ១១រោច ខែមិគសិរ ឆ្នាំម្សាញ់ ត្រីស័ក ព.ស.២៤៨៥"),
    ("1943-04-28", "ថ្ងៃពុធ ៩រោច ខែចេត្រ ឆ្នាំមមែ បញ្ចស័ក ព.ស.២៤៨៦"),
    ("1947-05-24", "ថ្ងៃសៅរ៍ ៥កើត ខែជេស្ឋ ឆ្នាំកុរ នព្វស័ក ព.ស.២៤៩១"),
    ("1949-03-12", "ថ្ងៃសៅរ៍ ១៣កើត ខែផល្គុន ឆ្នាំជូត សំរឹទ្ធិស័ក ព.ស.២៤៩២"),
    ("1951-07-16", "ថ្ងៃចន្ទ ១៣កើត ខែអាសាឍ ឆ្នាំថោះ ត្រីស័ក ព.ស.២៤៩៥"),
    ("1952-01-17", "ថ្ងៃព្រហស្បតិ៍ ៦រោច ខែបុស្ស ឆ្នាំថោះ ត្រីស័ក ព.ស.២៤៩៥"),
    ("1952-01-20", "ថ្ងៃអាទិត្យ ៩រោច ខែបុស្ស ឆ្នាំថោះ ត្រីស័ក ព.ស.២៤៩៥"),
    ("1952-11-21", "ថ្ងៃសុក្រ ៥កើត ខែមិគសិរ ឆ្នាំរោង ចត្វាស័ក ព.ស.២៤៩៦"),
    ("1955-03-30", "ថ្ងៃពុធ ៧កើត ខែចេត្រ ឆ្នាំមមី ឆស័ក ព.ស.២៤៩៨"),
    ("1961-06-15", "ថ្ងៃព្រហស្បតិ៍ ៣កើត ខែបឋមាសាឍ ឆ្នាំឆ្លូវ ត្រីស័ក ព.ស.២៥០៥"),
    ("1964-07-16", "ថ្ងៃព្រហស្បតិ៍ ៧កើត ខែទុតិយាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥០៨"),
    ("1965-01-19", "ថ្ងៃអង្គារ ២រោច ខែបុស្ស ឆ្នាំរោង ឆស័ក ព.ស.២៥០៨"),
    ("1968-02-18", "ថ្ងៃអាទិត្យ ៥រោច ខែមាឃ ឆ្នាំមមែ នព្វស័ក ព.ស.២៥១១"),
    ("1968-05-06", "ថ្ងៃចន្ទ ១០កើត ខែពិសាខ ឆ្នាំវក សំរឹទ្ធិស័ក ព.ស.២៥១១"),
    ("1983-08-06", "ថ្ងៃសៅរ៍ ១៣រោច ខែទុតិយាសាឍ ឆ្នាំកុរ បញ្ចស័ក ព.ស.២៥២៧"),
    ("1986-12-29", "ថ្ងៃចន្ទ ១៣រោច ខែមិគសិរ ឆ្នាំខាល អដ្ឋស័ក ព.ស.២៥៣០"),
    ("1999-12-11", "ថ្ងៃសៅរ៍ ៤កើត ខែមិគសិរ ឆ្នាំថោះ ឯកស័ក ព.ស.២៥៤៣"),
    ("2002-10-31", "ថ្ងៃព្រហស្បតិ៍ ១០រោច ខែអស្សុជ ឆ្នាំមមី ចត្វាស័ក ព.ស.២៥៤៦"),
    ("2012-12-24", "ថ្ងៃចន្ទ ១១កើត ខែមិគសិរ ឆ្នាំរោង ចត្វាស័ក ព.ស.២៥៥៦"),
    ("2022-10-27", "ថ្ងៃព្រហស្បតិ៍ ៣កើត ខែកត្តិក ឆ្នាំខាល ចត្វាស័ក ព.ស.២៥៦៦"),
    ("2032-07-26", "ថ្ងៃចន្ទ ៤រោច ខែអាសាឍ ឆ្នាំជូត ចត្វាស័ក ព.ស.២៥៧៦"),
    ("2033-02-20", "ថ្ងៃអាទិត្យ ៦រោច ខែមាឃ ឆ្នាំជូត ចត្វាស័ក ព.ស.២៥៧៦"),
    ("2037-05-13", "ថ្ងៃពុធ ១៤រោច ខែពិសាខ ឆ្នាំម្សាញ់ នព្វស័ក ព.ស.២៥៨១"),
    ("2040-04-11", "ថ្ងៃពុធ ១កើត ខែពិសាខ ឆ្នាំមមែ ឯកស័ក ព.ស.២៥៨៣"),
    ("2046-02-22", "ថ្ងៃព្រហស្បតិ៍ ២រោច ខែមាឃ ឆ្នាំឆ្លូវ សប្តស័ក ព.ស.២៥៨៩"),
    ("2066-09-09", "ថ្ងៃព្រហស្បតិ៍ ៥រោច ខែភទ្របទ ឆ្នាំច អដ្ឋស័ក ព.ស.២៦១០"),
    ("2067-07-18", "ថ្ងៃចន្ទ ៧កើត ខែទុតិយាសាឍ ឆ្នាំកុរ នព្វស័ក ព.ស.២៦១១"),
    ("2068-07-20", "ថ្ងៃសុក្រ ៦រោច ខែអាសាឍ ឆ្នាំជូត សំរឹទ្ធិស័ក ព.ស.២៦១២"),
    ("2071-10-11", "ថ្ងៃអាទិត្យ ២រោច ខែអស្សុជ ឆ្នាំថោះ ត្រីស័ក ព.ស.២៦១៥"),
    ("2073-01-17", "ថ្ងៃអង្គារ ៩កើត ខែបុស្ស ឆ្នាំរោង ចត្វាស័ក ព.ស.២៦១៦"),
    ("2083-10-15", "ថ្ងៃសុក្រ ៤កើត ខែអស្សុជ ឆ្នាំថោះ បញ្ចស័ក ព.ស.២៦២៧"),
    ("2089-02-23", "ថ្ងៃពុធ ១៣កើត ខែមាឃ ឆ្នាំវក សំរឹទ្ធិស័ក ព.ស.២៦៣២"),
    ("2093-11-13", "ថ្ងៃសុក្រ ១០រោច ខែកត្តិក ឆ្នាំឆ្លូវ បញ្ចស័ក ព.ស.២៦៣៧"),
]


@pytest.mark.parametrize(("iso", "expected_lunar_part"), MOMENTKH_COMPARISON)
def test_lunar_part_matches_momentkh_comparison(iso, expected_lunar_part):
    assert lunar_part(official_date_line(D(iso))) == expected_lunar_part


# ---------------------------------------------------------------------------
# Festivals fixed by the lunar calendar, from Cambodian public-holiday lists
# ---------------------------------------------------------------------------
# Meak Bochea = ១៥កើត ខែមាឃ; Visak Bochea = ១៥កើត ខែពិសាខ; Royal Ploughing = ៤រោច ខែពិសាខ;
# Pchum Ben = ១៥រោច ខែភទ្របទ (the middle of its three holidays: ១៤រោច, ១៥រោច, ១កើត អស្សុជ);
# Water Festival = ១៥កើត ខែកត្តិក (the middle of ១៤កើត, ១៥កើត, ១រោច).
MEAK, VISAK, PLOUGHING = ("១៥កើត", "មាឃ"), ("១៥កើត", "ពិសាខ"), ("៤រោច", "ពិសាខ")
PCHUM_BEN, WATER_FESTIVAL = ("១៥រោច", "ភទ្របទ"), ("១៥កើត", "កត្តិក")

HOLIDAYS = [
    # "Holidays in Cambodia" 2010 (docstoc.com/docs/28675018).
    ("2010-01-30", MEAK), ("2010-04-28", VISAK), ("2010-05-02", PLOUGHING),
    # Public holidays 2011 (khmeridentification-edu.blogspot.com/2011/11/...,
    # cambodiasituation.blogspot.com/2011/03/...).
    ("2011-02-18", MEAK), ("2011-05-17", VISAK), ("2011-05-21", PLOUGHING),
    ("2011-09-27", PCHUM_BEN), ("2011-11-10", WATER_FESTIVAL),
    # Public holidays 2015, a leap-month year (khemraloan.wordpress.com).
    ("2015-02-03", MEAK), ("2015-05-02", VISAK), ("2015-10-12", PCHUM_BEN),
    ("2015-11-25", WATER_FESTIVAL),
    # Public holidays 2017 (pulse.asia/2017/05/cambodian-public-holidays-2017.html).
    ("2017-02-11", MEAK), ("2017-05-10", VISAK), ("2017-05-14", PLOUGHING),
    ("2017-09-20", PCHUM_BEN), ("2017-11-03", WATER_FESTIVAL),
    # Public holidays 2020, a leap-day year (latestnews.fresherslive.com, Sep 2020).
    ("2020-05-06", VISAK), ("2020-05-10", PLOUGHING), ("2020-09-17", PCHUM_BEN),
    ("2020-10-31", WATER_FESTIVAL),
    # Public holidays 2022 (prasac.com.kh, Prakas 277/21).
    ("2022-05-15", VISAK), ("2022-05-19", PLOUGHING), ("2022-09-25", PCHUM_BEN),
    ("2022-11-08", WATER_FESTIVAL),
    # Public holidays 2023, a leap-month year (ibccambodia.com, sub-decree 166 of 12 Aug 2022).
    ("2023-05-04", VISAK), ("2023-05-08", PLOUGHING), ("2023-10-14", PCHUM_BEN),
    ("2023-11-27", WATER_FESTIVAL),
    # Public holidays 2024 (angkortimes.com, Prakas 014/24 of 16 Jan 2024).
    ("2024-05-22", VISAK), ("2024-05-26", PLOUGHING), ("2024-10-02", PCHUM_BEN),
    ("2024-11-15", WATER_FESTIVAL),
    # Public holidays 2025, a leap-day year (daikoufinance.com, Prakas of 9 Oct 2024;
    # holidayssky.com); Visak Bochea 2025 also in chhankitek's tests.
    ("2025-05-11", VISAK), ("2025-05-15", PLOUGHING), ("2025-09-22", PCHUM_BEN),
    ("2025-11-05", WATER_FESTIVAL),
    # khmer-chhankitek-calendar tests: holidays 2026 (a leap-month year) and 2027.
    ("2026-05-01", VISAK), ("2026-05-05", PLOUGHING), ("2026-10-11", PCHUM_BEN),
    ("2026-11-24", WATER_FESTIVAL),
    ("2027-05-20", VISAK), ("2027-05-24", PLOUGHING), ("2027-09-30", PCHUM_BEN),
    ("2027-11-13", WATER_FESTIVAL),
]


@pytest.mark.parametrize(("iso", "expected"), HOLIDAYS)
def test_festival_falls_on_its_lunar_day(iso, expected):
    assert lunar_day(D(iso)) == expected


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        # Songkran announcements, each naming the lunar day of Moha Songkran.
        ("2011-04-14", ("១១កើត", "ចេត្រ")),  # klooking.wordpress.com: Thursday, 13:12
        ("2012-04-13", ("៧រោច", "ចេត្រ")),  # guidesim.blogspot.com/2012/04: Friday, 19:11
        ("2014-04-14", ("១៥កើត", "ចេត្រ")),  # groups.google.com/g/khmer-mchas-srok: Monday, 08:24
        ("2023-04-14", ("៩រោច", "ចេត្រ")),  # ppreporter.com/?p=317610: Friday
        ("2024-04-13", ("៥កើត", "ចេត្រ")),  # infotainment.ams.com.kh: Saturday, 22:24
        # 13th waxing day of Jesth, BE 2561, year of the Rooster (khmerkromngo.org, 7 June 2017).
        ("2017-06-07", ("១៣កើត", "ជេស្ឋ")),
        # khmer-chhankitek-calendar tests ("published 2026 calendar spot-check" and others).
        ("2026-03-01", ("១៣កើត", "ផល្គុន")),
        ("2025-07-01", ("៦កើត", "អាសាឍ")),
    ],
)
def test_published_lunar_day(iso, expected):
    assert lunar_day(D(iso)) == expected


def test_2026_doubles_asath():
    # khmer-chhankitek-calendar: 3 July 2026 is in បឋមាសាឍ, 16 July 2026 in ទុតិយាសាឍ.
    first, second = khmer_lunar_date(D("2026-07-03")), khmer_lunar_date(D("2026-07-16"))
    assert (first.month_name, second.month_name) == ("បឋមាសាឍ", "ទុតិយាសាឍ")
    assert first.is_leap_month_year and second.is_leap_month_year


# ---------------------------------------------------------------------------
# Year changes: Buddhist Era, ស័ក, animal year
# ---------------------------------------------------------------------------


def test_buddhist_era_turns_on_the_day_after_visak_bochea_2018():
    # Ministry of Cults and Religion (cpp.org.kh/details/66872): ព.ស.២៥៦២ starts on
    # ១រោច ខែពិសាខ = 30 April 2018, not at the New Year.
    assert khmer_lunar_date(D("2018-04-16")).buddhist_era == 2561
    assert khmer_lunar_date(D("2018-04-29")).buddhist_era == 2561
    assert khmer_lunar_date(D("2018-04-30")).buddhist_era == 2562


def test_buddhist_era_2566_starts_16_may_2022():
    # thmeythmey.com ("ពុទ្ធសករាជ២៥៦៦ ចាប់ផ្តើមរាប់ពីថ្ងៃនេះហើយ", 16 May 2022).
    assert khmer_lunar_date(D("2022-05-15")).buddhist_era == 2565
    assert khmer_lunar_date(D("2022-05-16")).buddhist_era == 2566


def test_buddhist_era_turns_after_visak_bochea_2025():
    # chhankitek (HELMAB) VisakBocheaTest: 11 May 2025 = Sunday ១៥កើត ពិសាខ, ម្សាញ់, សប្តស័ក, ២៥៦៨;
    # the next day is ២៥៦៩.
    visak = khmer_lunar_date(D("2025-05-11"))
    assert lunar_part(official_date_line(visak.gregorian)) == (
        "ថ្ងៃអាទិត្យ ១៥កើត ខែពិសាខ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៨"
    )
    assert khmer_lunar_date(D("2025-05-12")).buddhist_era == 2569


def test_era_turns_on_lerng_sak_2024():
    # 2024: Moha Songkran on 13 April, ថ្ងៃឡើងស័ក on 16 April (four New Year days:
    # ams.com.kh/central/detail/1094248, angkortimes.com holiday list).
    assert khmer_lunar_date(D("2024-04-15")).era_year_name == "បញ្ចស័ក"
    assert khmer_lunar_date(D("2024-04-16")).era_year_name == "ឆស័ក"
    assert khmer_lunar_date(D("2024-04-16")).jolak_sakaraj == 1386


def test_animal_year_turns_on_moha_songkran_day_2024():
    # The day of Moha Songkran (ថ្ងៃចូលឆ្នាំ) already carries the new animal year, as in
    # khmer-chhankitek-calendar's test ("2024-04-13" -> រោង, "2024-04-12" -> ថោះ).
    assert khmer_lunar_date(D("2024-04-12")).animal_year_name == "ថោះ"
    assert khmer_lunar_date(D("2024-04-13")).animal_year_name == "រោង"
    assert lunar_part(official_date_line(D("2024-04-13"))) == (
        "ថ្ងៃសៅរ៍ ៥កើត ខែចេត្រ ឆ្នាំរោង បញ្ចស័ក ព.ស.២៥៦៧"
    )


def test_new_year_days_of_2026_keep_the_old_era_until_lerng_sak():
    # khmer-chhankitek-calendar: 14 April 2026 is already ឆ្នាំមមី and still ព.ស.២៥៦៩. (That library
    # also turns the ស័ក on Moha Songkran day; the rule here turns it on ថ្ងៃឡើងស័ក, 16 April 2026,
    # which its test shows as អដ្ឋស័ក, see FULL_LINES.)
    new_year_day = khmer_lunar_date(D("2026-04-14"))
    assert (new_year_day.animal_year_name, new_year_day.buddhist_era) == ("មមី", 2569)
    assert new_year_day.era_year_name == "សប្តស័ក"


@pytest.mark.parametrize(
    ("iso", "animal", "era", "buddhist_era", "jolak_sakaraj"),
    [
        # km.wikipedia.org "ស័ក (ហោរាសាស្ត្រ)": 1995 = JS 1357 = ឆ្នាំកុរ សប្ដស័ក ព.ស.២៥៣៩;
        # 2007 = ឆ្នាំកុរ នព្វស័ក ព.ស.២៥៥១.
        ("1995-06-01", "កុរ", "សប្តស័ក", 2539, 1357),
        ("2007-06-01", "កុរ", "នព្វស័ក", 2551, 1369),
        # 2014 announcement: "ចូលឆ្នាំមមី ឆស័ក ព.ស.២៥៥៨" (after ថ្ងៃឡើងស័ក and ១រោច ខែពិសាខ).
        ("2014-06-01", "មមី", "ឆស័ក", 2558, 1376),
        # 2012 announcement: "ឆ្នាំរោង ចត្វាស័ក ... ចូលពុទ្ធសករាជ ២៥៥៦" on ១រោច ខែពិសាខ.
        ("2012-06-01", "រោង", "ចត្វាស័ក", 2556, 1374),
    ],
)
def test_year_names(iso, animal, era, buddhist_era, jolak_sakaraj):
    lunar_date = khmer_lunar_date(D(iso))
    assert lunar_date.animal_year_name == animal
    assert lunar_date.era_year_name == era
    assert lunar_date.buddhist_era == buddhist_era
    assert lunar_date.jolak_sakaraj == jolak_sakaraj


# ---------------------------------------------------------------------------
# Khmer New Year
# ---------------------------------------------------------------------------

# Day of April of the first New Year day (Moha Songkran), ten years a row, as listed in momentkh's
# test/new-year.json for 1900..2100; except 2012, where momentkh hard-codes 14 April while the
# 2012 announcement (guidesim.blogspot.com: Friday 13 April, 19:11) agrees with the arithmetic.
_SONGKRAN_APRIL_DAYS = """
    1900: 12 13 13 13 12 13 13 13 12 13
    1910: 13 13 12 13 13 13 12 13 13 13
    1920: 13 13 13 13 13 13 13 13 13 13
    1930: 13 13 13 13 13 13 13 13 13 13
    1940: 13 13 13 13 13 13 13 14 13 13
    1950: 13 14 13 13 13 14 13 13 13 14
    1960: 13 13 13 14 13 13 13 14 13 13
    1970: 13 14 13 13 13 14 13 13 14 14
    1980: 13 13 14 14 13 13 14 14 13 13
    1990: 14 14 13 13 14 14 13 13 14 14
    2000: 13 13 14 14 13 14 14 14 13 14
    2010: 14 14 13 14 14 14 13 14 14 14
    2020: 13 14 14 14 13 14 14 14 13 14
    2030: 14 14 13 14 14 14 14 14 14 14
    2040: 14 14 14 14 14 14 14 14 14 14
    2050: 14 14 14 14 14 14 14 14 14 14
    2060: 14 14 14 15 14 14 14 15 14 14
    2070: 14 15 14 14 14 15 14 14 14 15
    2080: 14 14 14 15 14 14 14 15 14 14
    2090: 15 15 14 14 15 15 14 14 15 15
    2100: 15
"""
MOHA_SONGKRAN_APRIL_DAY = {
    int(decade) + offset: int(day)
    for decade, days in (row.split(":") for row in _SONGKRAN_APRIL_DAYS.split("\n") if row.strip())
    for offset, day in enumerate(days.split())
}


@pytest.mark.parametrize("year", sorted(MOHA_SONGKRAN_APRIL_DAY))
def test_moha_songkran_day(year):
    expected = datetime.date(year, 4, MOHA_SONGKRAN_APRIL_DAY[year])
    assert khmer_new_year(year).new_year_day == expected


@pytest.mark.parametrize(
    ("year", "first_day", "lerng_sak"),
    [
        # chhankitek (HELMAB) KhmerNewYearTest.
        (1988, "1988-04-13", None),
        (2007, "2007-04-14", None),
        (2051, "2051-04-14", None),
        (2059, "2059-04-14", None),
        (2063, "2063-04-15", None),
        (2074, "2074-04-14", None),
        (2090, "2090-04-15", None),
        # Announcements: Thursday 14 April 2011, Friday 13 April 2012, Monday 14 April 2014
        # (sources above); 2024 and 2028 have four days (ams.com.kh; khmer-chhankitek-calendar).
        (2011, "2011-04-14", "2011-04-16"),
        (2012, "2012-04-13", "2012-04-15"),
        (2014, "2014-04-14", "2014-04-16"),
        (2024, "2024-04-13", "2024-04-16"),
        (2025, "2025-04-14", "2025-04-16"),  # kohsantepheapdaily.com.kh: 14, 15, 16 April 2025
        (2026, "2026-04-14", "2026-04-16"),  # chhankitek; khmer-chhankitek-calendar
        (2028, "2028-04-13", "2028-04-16"),
    ],
)
def test_new_year_days(year, first_day, lerng_sak):
    new_year = khmer_new_year(year)
    assert new_year.new_year_day == D(first_day)
    if lerng_sak:
        assert new_year.lerng_sak == D(lerng_sak)
        assert new_year.days == (new_year.lerng_sak - new_year.new_year_day).days + 1


@pytest.mark.parametrize(
    ("year", "moment"),
    [
        (2014, "2014-04-14 08:24"),  # 2014 announcement (groups.google.com/g/khmer-mchas-srok)
        (2024, "2024-04-13 22:24"),  # Im Borin's Moha Songkran book (infotainment.ams.com.kh)
        (2026, "2026-04-14 10:48"),  # chhankitek KhmerNewYearTest
        (2028, "2028-04-13 23:12"),  # chhankitek, checked there against khmer-lunar-calendar.com
        (2029, "2029-04-14 05:36"),  # chhankitek KhmerNewYearTest
    ],
)
def test_moha_songkran_moment(year, moment):
    assert khmer_new_year(year).songkran == datetime.datetime.fromisoformat(moment)


@pytest.mark.parametrize("year", [1974, 2032])
def test_songkran_exactly_at_midnight_ends_the_first_new_year_day(year):
    # chhankitek: in these years the sun reaches Aries at 24:00 of 13 April.
    new_year = khmer_new_year(year)
    assert new_year.new_year_day == datetime.date(year, 4, 13)
    assert new_year.songkran == datetime.datetime(year, 4, 14, 0, 0)
    assert new_year.days == 4


def test_every_new_year_has_three_or_four_days_in_mid_april():
    for year in range(1900, 2101):
        new_year = khmer_new_year(year)
        assert new_year.days in (3, 4)
        assert (new_year.lerng_sak - new_year.new_year_day).days == new_year.days - 1
        assert datetime.date(year, 4, 12) <= new_year.new_year_day <= datetime.date(year, 4, 15)
        assert new_year.new_year_day <= new_year.songkran.date() <= new_year.new_year_day + ONE_DAY


def test_lerng_sak_falls_on_the_lunar_day_given_by_the_bodithey():
    # Two independent paths of the same arithmetic agree every year: the months walked from
    # the 1900 epoch with the leap rules, and the Bodithey (lunar day of ថ្ងៃឡើងស័ក).
    for year in range(1900, 2101):
        js = year - 638
        bodithey = lunar._bodithey(js)
        if lunar._leap_month_by_calculation(js - 1) and lunar._leap_day_by_calculation(js - 1):
            bodithey = (bodithey + 1) % 30  # the leap day postponed to this year is still to come
        expected = (MONTH["ចេត្រ"], bodithey) if bodithey >= 6 else (MONTH["ពិសាខ"], bodithey + 1)
        lerng_sak = khmer_lunar_date(khmer_new_year(year).lerng_sak)
        assert (lerng_sak.month, lerng_sak.day_of_month) == expected, year


# ---------------------------------------------------------------------------
# Leap months and leap days
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2015, 2021, 2023, 2026])
def test_leap_month_years_have_two_asath(year):
    # 2021 and 2023: dated lines above; 2015: Visak Bochea (2 May) and Pchum Ben (12 October)
    # of the holiday list are 163 days apart, a month more than usual; 2026:
    # khmer-chhankitek-calendar.
    months = {khmer_lunar_date(d).month_name for d in _days(datetime.date(year, 6, 1), 100)}
    assert {"បឋមាសាឍ", "ទុតិយាសាឍ"} <= months
    assert "អាសាឍ" not in months


@pytest.mark.parametrize("year", [2020, 2025])
def test_leap_day_years_have_a_30_day_jesth(year):
    # 2020 and 2025: Visak Bochea and Pchum Ben of the holiday lists are 134 days apart only
    # with a 30-day ជេស្ឋ.
    jesth = _days_of_month("ជេស្ឋ", datetime.date(year, 5, 1))
    assert len(jesth) == 30
    assert khmer_lunar_date(jesth[-1]).lunar_day_text == "១៥រោច"
    assert khmer_lunar_date(jesth[-1]).is_leap_day_year


def test_ordinary_jesth_has_29_days():
    jesth = _days_of_month("ជេស្ឋ", datetime.date(2024, 5, 1))
    assert len(jesth) == 29
    assert khmer_lunar_date(jesth[-1]).lunar_day_text == "១៤រោច"


def test_no_two_leap_months_in_a_row_and_postponed_leap_days_follow_a_leap_month():
    for js in range(1261, 1464):
        kind, previous = lunar._year_kind(js), lunar._year_kind(js - 1)
        assert not (kind == previous == lunar.LEAP_MONTH)
        if kind == lunar.LEAP_DAY and not lunar._leap_day_by_calculation(js):
            assert previous == lunar.LEAP_MONTH


def _days(start: datetime.date, count: int):
    """``count`` consecutive dates from ``start``."""
    return [start + datetime.timedelta(days=offset) for offset in range(count)]


def _days_of_month(month_name: str, start: datetime.date):
    """The days of the first lunar month ``month_name`` within 90 days from ``start``."""
    return [d for d in _days(start, 90) if khmer_lunar_date(d).month_name == month_name]


# ---------------------------------------------------------------------------
# The whole range, day by day
# ---------------------------------------------------------------------------

NEXT_MONTH = {index: (index + 1) % 12 for index in range(12)}


def test_every_day_from_1900_to_2100_follows_the_day_before():
    previous = khmer_lunar_date(FIRST_SUPPORTED_DATE)
    assert (previous.lunar_day_text, previous.month_name) == ("១កើត", "បុស្ស")
    year_lengths, lunar_year_start = [], None
    day = FIRST_SUPPORTED_DATE + ONE_DAY
    while day <= LAST_SUPPORTED_DATE:
        current = khmer_lunar_date(day)
        if previous.day_of_month < previous.month_length:
            # Same month, next day: ១៥កើត is followed by ១រោច.
            assert current.month == previous.month
            assert current.day_of_month == previous.day_of_month + 1
            assert current.month_length == previous.month_length
        else:
            assert current.day_of_month == 1
            assert current.month == _expected_next_month(previous)
            if current.month_name == "ពិសាខ":
                if lunar_year_start is not None:
                    year_lengths.append(((day - lunar_year_start).days, previous.year_kind))
                lunar_year_start = day
        _check_month_length(current)
        _check_year_changes(previous, current)
        previous = current
        day += ONE_DAY
    assert len(year_lengths) == 200  # every lunar year from ពិសាខ 1900 to ពិសាខ 2100
    assert all(
        length == {lunar.NORMAL: 354, lunar.LEAP_DAY: 355, lunar.LEAP_MONTH: 384}[kind]
        for length, kind in year_lengths
    )


def _expected_next_month(previous) -> int:
    """Month that must follow ``previous``'s month."""
    if previous.month_name == "ជេស្ឋ":
        return MONTH["បឋមាសាឍ"] if previous.is_leap_month_year else MONTH["អាសាឍ"]
    if previous.month_name == "បឋមាសាឍ":
        return MONTH["ទុតិយាសាឍ"]
    if previous.month_name == "ទុតិយាសាឍ":
        return MONTH["ស្រាពណ៍"]
    return NEXT_MONTH[previous.month]


def _check_month_length(current) -> None:
    """Month lengths: alternating 29/30, ជេស្ឋ 30 only with a leap day, doubled អាសាឍ 30 + 30."""
    name = current.month_name
    if name in ("បឋមាសាឍ", "ទុតិយាសាឍ"):
        assert current.is_leap_month_year and current.month_length == 30
    elif name == "អាសាឍ":
        assert not current.is_leap_month_year and current.month_length == 30
    elif name == "ជេស្ឋ":
        assert current.month_length == (30 if current.is_leap_day_year else 29)
    else:
        assert current.month_length == (29 if current.month % 2 == 0 else 30)


def _check_year_changes(previous, current) -> None:
    """ព.ស. turns on ១រោច ពិសាខ, the ស័ក on ថ្ងៃឡើងស័ក, the animal year on Moha Songkran day."""
    day = current.gregorian
    new_year = khmer_new_year(day.year)
    turns_be = current.month_name == "ពិសាខ" and current.day_of_month == 16
    assert current.buddhist_era == previous.buddhist_era + (1 if turns_be else 0)
    turns_era = day == new_year.lerng_sak
    assert current.era_year == (previous.era_year + (1 if turns_era else 0)) % len(ERA_YEARS)
    assert current.jolak_sakaraj == previous.jolak_sakaraj + (1 if turns_era else 0)
    turns_animal = day == new_year.new_year_day
    animal_step = 1 if turns_animal else 0
    assert current.animal_year == (previous.animal_year + animal_step) % len(ANIMAL_YEARS)


# ---------------------------------------------------------------------------
# Properties and bad input
# ---------------------------------------------------------------------------


@given(st.dates(min_value=FIRST_SUPPORTED_DATE, max_value=LAST_SUPPORTED_DATE))
def test_official_line_is_built_from_the_lunar_date(d):
    lunar_date = khmer_lunar_date(d)
    line = official_date_line(d)
    assert line.startswith(
        f"ថ្ងៃ{lunar_date.weekday_name} {lunar_date.lunar_day_text} ខែ{lunar_date.month_name} "
    )
    assert f" ឆ្នាំ{lunar_date.animal_year_name} {lunar_date.era_year_name} ព.ស." in line
    assert " ត្រូវនឹងថ្ងៃទី" in line
    assert not any(character in "0123456789" for character in line)
    assert 1 <= lunar_date.day <= 15
    assert lunar_date.buddhist_era - d.year in (543, 544)
    assert lunar_date.jolak_sakaraj - d.year in (-638, -639)


@given(
    st.one_of(
        st.dates(max_value=FIRST_SUPPORTED_DATE - ONE_DAY),
        st.dates(min_value=LAST_SUPPORTED_DATE + ONE_DAY),
    )
)
def test_dates_outside_the_range_are_refused(d):
    with pytest.raises(ValueError, match="outside the range supported"):
        khmer_lunar_date(d)
    with pytest.raises(ValueError, match=d.isoformat()):
        official_date_line(d)


def test_range_limits_are_included():
    first_line = official_date_line(D("1900-01-01"))
    assert first_line.startswith("ថ្ងៃចន្ទ ១កើត ខែបុស្ស ឆ្នាំកុរ ឯកស័ក ព.ស.២៤៤៣")
    assert official_date_line(D("2100-12-31")).endswith("ត្រូវនឹងថ្ងៃទី៣១ ខែធ្នូ ឆ្នាំ២១០០")


def test_datetime_is_read_as_its_date():
    late_evening = datetime.datetime(2024, 7, 17, 23, 59)
    assert khmer_lunar_date(late_evening) == khmer_lunar_date(D("2024-07-17"))


@pytest.mark.parametrize("value", ["2024-07-17", 20240717, None])
def test_non_dates_are_refused(value):
    with pytest.raises(TypeError):
        khmer_lunar_date(value)
