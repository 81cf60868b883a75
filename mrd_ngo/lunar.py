"""Khmer lunar calendar (Chhankitek, ចន្ទគតិ) and the official Khmer date line.

Pure Python: no Django, no database. Public API:

* :func:`khmer_lunar_date` -- the :class:`LunarDate` of a Gregorian date;
* :func:`official_date_line` -- the line heading official letters, e.g.
  ``ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨ ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤``;
* :func:`khmer_new_year` -- Moha Songkran and ថ្ងៃឡើងស័ក of a Gregorian year.

Supported range: 1900-01-01 to 2100-12-31; other dates raise ``ValueError``.

How it works -- the traditional arithmetic of Roath Kim Soeun's "Pratitin Soryakkatik-Chankatik",
also implemented by momentkh (JavaScript) and chhankitek (PHP):

* Solar years are numbered in the Chula Sakarat era (ចុល្លសករាជ, "JS"; JS = AD - 638 from the
  New Year on). For each one the Aharkun (day count since the era's epoch), Kromathupul (the
  year's leftover fraction of a day), Avoman (surplus of lunar days) and Bodithey (lunar day on
  which the year starts) follow. The Bodithey decides a leap month (អធិកមាស: អាសាឍ doubled into
  បឋមាសាឍ + ទុតិយាសាឍ, 30 days each), the Avoman a leap day (អធិកវារ: a 30-day ជេស្ឋ). A year never
  has both: the leap month is kept and the leap day moves to the following year.
* Lunar months alternate 29/30 days, counted from the epoch 1 January 1900 = ១កើត ខែបុស្ស.
* Moha Songkran is the day the sun's true longitude (same arithmetic) enters Aries, near the end
  of the solar year; ថ្ងៃឡើងស័ក, the last New Year day, is the Aharkun's own day.

Year names on a date:

* ព.ស. (Buddhist Era) turns on ១រោច ខែពិសាខ, the day after Visak Bochea;
* the ស័ក turns on ថ្ងៃឡើងស័ក (e.g. 16 April 2024);
* the animal year turns at Moha Songkran. Dates carry no time, so the whole day of Moha Songkran
  (ថ្ងៃចូលឆ្នាំ, the first New Year day) already shows the new animal year. (momentkh and
  chhankitek compare midnight with the Songkran minute instead, which shows the old one that day.)

Spelling: ``កត្តិក`` is written with COENG TA (្ត), like ``សប្តស័ក``; many texts use COENG DA (្ដ),
which looks the same. Day numbers are not zero-padded (``ថ្ងៃទី៥``).
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "FIRST_SUPPORTED_DATE",
    "LAST_SUPPORTED_DATE",
    "LUNAR_MONTHS",
    "ANIMAL_YEARS",
    "ERA_YEARS",
    "WEEKDAYS",
    "GREGORIAN_MONTHS",
    "NORMAL",
    "LEAP_MONTH",
    "LEAP_DAY",
    "KhmerNewYear",
    "LunarDate",
    "khmer_lunar_date",
    "khmer_new_year",
    "official_date_line",
]

FIRST_SUPPORTED_DATE = datetime.date(1900, 1, 1)
LAST_SUPPORTED_DATE = datetime.date(2100, 12, 31)

#: Lunar month names by index: the twelve months from មិគសិរ, then the two halves of the
#: doubled អាសាឍ that replace it in a leap-month year.
LUNAR_MONTHS = (
    "មិគសិរ", "បុស្ស", "មាឃ", "ផល្គុន", "ចេត្រ", "ពិសាខ",
    "ជេស្ឋ", "អាសាឍ", "ស្រាពណ៍", "ភទ្របទ", "អស្សុជ", "កត្តិក",
    "បឋមាសាឍ", "ទុតិយាសាឍ",
)
MIGASIR, BOS, MEAK, PHALKUN, CHETR, PISAKH, JESTH, ASATH = range(8)
SRAPH, PHOTRABOT, ASSOCH, KATTIK, PATHAMASATH, TUTIYASATH = range(8, 14)

#: Animal years, Rat first.
ANIMAL_YEARS = (
    "ជូត", "ឆ្លូវ", "ខាល", "ថោះ", "រោង", "ម្សាញ់",
    "មមី", "មមែ", "វក", "រកា", "ច", "កុរ",
)
#: The ten ស័ក, ឯកស័ក first (a JS year ending in 1 is ឯកស័ក, ending in 0 សំរឹទ្ធិស័ក).
ERA_YEARS = (
    "ឯកស័ក", "ទោស័ក", "ត្រីស័ក", "ចត្វាស័ក", "បញ្ចស័ក",
    "ឆស័ក", "សប្តស័ក", "អដ្ឋស័ក", "នព្វស័ក", "សំរឹទ្ធិស័ក",
)
#: Weekdays, Monday first like ``date.weekday()``.
WEEKDAYS = ("ចន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")
#: Gregorian (solar) months, January first.
GREGORIAN_MONTHS = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)
WAXING, WANING = "កើត", "រោច"

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

# Era offsets: AD = JS + 638; ព.ស. = JS + 1182 once it has turned on ១រោច ខែពិសាខ.
_AD_MINUS_JS = 638
_BE_MINUS_JS = 1182
# Aharkun + this = proleptic Gregorian ordinal (date.toordinal()) of the same day: Aharkun 1 is
# the Chula Sakarat epoch, 22 March 638 in the Julian calendar.
_AHARKUN_TO_ORDINAL = 232742

# Leap kinds of a lunar year.
NORMAL, LEAP_MONTH, LEAP_DAY = "normal", "leap month", "leap day"


# ---------------------------------------------------------------------------
# Year arithmetic (Chhankitek), per Chula Sakarat year
# ---------------------------------------------------------------------------
# The book states the leap rules for the Buddhist Era year BE = JS + 1182
# (Aharkun = (BE * 292207 + 499) // 800 + 4, Bodithey with a "+ 29"); written for JS the
# constants fold into the forms below, which give the same Avoman, Bodithey and Kromathupul.


def _aharkun(js: int) -> int:
    """Aharkun (ហារគុណ): days from the era's epoch to ថ្ងៃឡើងស័ក of year ``js``."""
    return (292207 * js + 373) // 800 + 1


def _kromathupul(js: int) -> int:
    """Kromathupul (ក្រមធុពល): what remains of year ``js``'s last day, in 800ths of a day."""
    return 800 - (292207 * js + 373) % 800


def _avoman(js: int) -> int:
    """Avoman (អវមាន): surplus of lunar over solar days at the year's start, in 692ths."""
    return (11 * _aharkun(js) + 650) % 692


def _bodithey(js: int) -> int:
    """Bodithey (បូតិថី): lunar day of ថ្ងៃឡើងស័ក (6..29 in ចេត្រ; 0..5 = 1st..6th of ពិសាខ)."""
    aharkun = _aharkun(js)
    return (aharkun + (11 * aharkun + 650) // 692) % 30


def _has_366_days(js: int) -> bool:
    """True when solar year ``js`` has 366 days."""
    return _kromathupul(js) <= 207


def _leap_month_by_calculation(js: int) -> bool:
    """True when the Bodithey calls for a leap month (អធិកមាស) in year ``js``."""
    bodithey, next_bodithey = _bodithey(js), _bodithey(js + 1)
    # The two exceptions keep leap months from coming in consecutive years: 25 followed by 5
    # leaves it to the next year, 24 followed by 6 takes it this year.
    if bodithey == 25 and next_bodithey == 5:
        return False
    if bodithey == 24 and next_bodithey == 6:
        return True
    return bodithey >= 25 or bodithey <= 5


def _leap_day_by_calculation(js: int) -> bool:
    """True when the Avoman calls for a leap day (អធិកវារ, a 30-day ជេស្ឋ) in year ``js``."""
    avoman = _avoman(js)
    if _has_366_days(js):
        return avoman <= 126
    # 137 followed by 0 would give leap days two years running: this year's is dropped.
    if avoman == 137 and _avoman(js + 1) == 0:
        return False
    return avoman <= 137


@lru_cache(maxsize=None)
def _year_kind(js: int) -> str:
    """Leap kind of the lunar year that starts (at ពិសាខ) in solar year ``js``."""
    if _leap_month_by_calculation(js):
        return LEAP_MONTH
    if _leap_day_by_calculation(js):
        return LEAP_DAY
    # A leap day falling due in a leap-month year is taken the following year.
    if _leap_month_by_calculation(js - 1) and _leap_day_by_calculation(js - 1):
        return LEAP_DAY
    return NORMAL


# ---------------------------------------------------------------------------
# Khmer New Year (Soriyatra Lerng Sak): the sun's true longitude on the year's last days
# ---------------------------------------------------------------------------
# Angles are in libda (arc-minutes): 1 reasey (sign) = 30 angsar (degrees) = 1800 libda.
_REASEY = 1800
_ANGSAR = 60
# Equation of centre per half-sign (khan) of the sun's distance from its apogee:
# (correction at the start of the half-sign, growth over the half-sign); 134 beyond.
_CHHAYA = ((0, 35), (35, 32), (67, 27), (94, 22), (116, 13), (129, 5))
_CHHAYA_BEYOND = 134
# Apogee of the sun's orbit: 2 signs 20 degrees.
_APOGEE = 2 * _REASEY + 20 * _ANGSAR


def _true_sun(js: int, sotin: int) -> int:
    """Sun's true longitude in libda at the end of day ``sotin`` after ថ្ងៃឡើងស័ក of ``js - 1``."""
    # Mean sun: 800 units a day; 24350 units a sign, 811 a degree, about 14 an arc-minute.
    units = 800 * sotin + _kromathupul(js - 1)
    reasey, rest = divmod(units, 24350)
    angsar, rest = divmod(rest, 811)
    mean = reasey * _REASEY + angsar * _ANGSAR + rest // 14 - 3
    # Anomaly: distance from the apogee. The correction depends on the distance to the nearer
    # apsis (0..90 degrees), in half-signs (khan) of 900 libda.
    anomaly = (mean - _APOGEE) % (12 * _REASEY)
    half_circle = 6 * _REASEY
    within_half = anomaly % half_circle
    khan, into_khan = divmod(min(within_half, half_circle - within_half), 900)
    if khan < len(_CHHAYA):
        start, growth = _CHHAYA[khan]
        correction = start + into_khan * growth // 900
    else:
        correction = _CHHAYA_BEYOND
    # For half a circle after the apogee the true sun lags the mean sun, then leads it.
    return mean - correction if anomaly < half_circle else mean + correction


@dataclass(frozen=True)
class KhmerNewYear:
    """The Khmer New Year in one Gregorian year."""

    new_year_day: datetime.date  # ថ្ងៃមហាសង្ក្រាន្ត, the first New Year day
    songkran: datetime.datetime  # moment the New Year angel arrives (Phnom Penh time)
    lerng_sak: datetime.date  # ថ្ងៃឡើងស័ក, the last New Year day: the ស័ក turns
    days: int  # 3 or 4 (one or two ថ្ងៃវារៈវ័នបត in between)


@lru_cache(maxsize=None)
def khmer_new_year(year: int) -> KhmerNewYear:
    """The Khmer New Year (Moha Songkran to ថ្ងៃឡើងស័ក) of Gregorian ``year``."""
    js = year - _AD_MINUS_JS
    lerng_sak = datetime.date.fromordinal(_aharkun(js) + _AHARKUN_TO_ORDINAL)
    # The previous solar year ends on its day 365 or 366, which is this ថ្ងៃឡើងស័ក; Moha Songkran
    # is the first of the four days before it whose evening finds the sun in Aries' first degree.
    last_sotin = 366 if _has_366_days(js - 1) else 365
    for days_before in (3, 2, 1, 0):
        longitude = _true_sun(js, last_sotin - days_before)
        if (longitude % _REASEY) // _ANGSAR == 0:
            break
    else:  # pragma: no cover - never happens for 1900..2100 (checked by the tests)
        raise ArithmeticError(f"no Moha Songkran found in {year}")
    new_year_day = lerng_sak - datetime.timedelta(days=days_before)
    # The sun covers about one arc-minute in 24 minutes: the arc-minutes it is past 0 degrees at
    # midnight tell how long before midnight it crossed. Zero means exactly at midnight (24:00).
    minutes = 24 * 60 - (longitude % _ANGSAR) * 24
    songkran = datetime.datetime.combine(new_year_day, datetime.time()) + datetime.timedelta(
        minutes=minutes
    )
    return KhmerNewYear(
        new_year_day=new_year_day, songkran=songkran, lerng_sak=lerng_sak, days=days_before + 1
    )


# ---------------------------------------------------------------------------
# The lunar months, walked once from the epoch
# ---------------------------------------------------------------------------
_EPOCH = FIRST_SUPPORTED_DATE  # ១កើត ខែបុស្ស
_EPOCH_MONTH = BOS
_EPOCH_LUNAR_YEAR = 1261  # JS year whose lunar year (ពិសាខ 1899 .. ចេត្រ 1900) holds the epoch


@dataclass(frozen=True)
class _Month:
    """One lunar month: first day, name index, length and lunar year (JS, from ពិសាខ)."""

    start: int  # ordinal of ១កើត
    index: int  # into LUNAR_MONTHS
    length: int  # 29 or 30
    js: int  # the lunar year runs from ពិសាខ to ចេត្រ; numbered by the JS year it starts in


def _month_length(index: int, kind: str) -> int:
    """Days in lunar month ``index`` of a lunar year of leap kind ``kind``."""
    if index in (PATHAMASATH, TUTIYASATH):
        return 30
    if index == JESTH and kind == LEAP_DAY:
        return 30
    # From មិគសិរ the months alternate 29, 30, 29, ... ending with a 30-day កត្តិក.
    return 29 if index % 2 == 0 else 30


def _next_month(index: int, kind: str) -> int:
    """The lunar month after ``index``; a leap-month year doubles អាសាឍ."""
    if index == JESTH:
        return PATHAMASATH if kind == LEAP_MONTH else ASATH
    if index == PATHAMASATH:
        return TUTIYASATH
    if index == TUTIYASATH:
        return SRAPH
    return (index + 1) % 12


@lru_cache(maxsize=1)
def _month_table() -> tuple[_Month, ...]:
    """Every lunar month overlapping the supported range, in order."""
    months = []
    start, index, js = _EPOCH.toordinal(), _EPOCH_MONTH, _EPOCH_LUNAR_YEAR
    while start <= LAST_SUPPORTED_DATE.toordinal():
        if index == PISAKH:
            js += 1
        kind = _year_kind(js)
        length = _month_length(index, kind)
        months.append(_Month(start=start, index=index, length=length, js=js))
        start += length
        index = _next_month(index, kind)
    return tuple(months)


@lru_cache(maxsize=1)
def _month_starts() -> tuple[int, ...]:
    """First-day ordinals of :func:`_month_table`, for bisecting."""
    return tuple(month.start for month in _month_table())


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LunarDate:
    """A day of the Khmer lunar calendar with the year names written in official dates."""

    gregorian: datetime.date
    day: int  # 1..15 within the waxing (កើត) or waning (រោច) half
    waxing: bool
    month: int  # index into LUNAR_MONTHS
    month_length: int  # 29 or 30
    year_kind: str  # NORMAL, LEAP_MONTH or LEAP_DAY: the lunar year ពិសាខ..ចេត្រ holding the day
    animal_year: int  # index into ANIMAL_YEARS
    era_year: int  # index into ERA_YEARS (ស័ក)
    buddhist_era: int  # ព.ស.
    jolak_sakaraj: int  # ចុល្លសករាជ year the ស័ក is taken from

    @property
    def day_of_month(self) -> int:
        """Day within the lunar month, 1..30 (១កើត = 1, ១រោច = 16)."""
        return self.day if self.waxing else self.day + 15

    @property
    def phase_name(self) -> str:
        """``កើត`` (waxing) or ``រោច`` (waning)."""
        return WAXING if self.waxing else WANING

    @property
    def month_name(self) -> str:
        """Lunar month name, e.g. ``អាសាឍ`` or ``ទុតិយាសាឍ``."""
        return LUNAR_MONTHS[self.month]

    @property
    def animal_year_name(self) -> str:
        """Animal year name, e.g. ``រោង``."""
        return ANIMAL_YEARS[self.animal_year]

    @property
    def era_year_name(self) -> str:
        """ស័ក name, e.g. ``ឆស័ក``."""
        return ERA_YEARS[self.era_year]

    @property
    def weekday_name(self) -> str:
        """Weekday name without ``ថ្ងៃ``, e.g. ``ពុធ``."""
        return WEEKDAYS[self.gregorian.weekday()]

    @property
    def is_leap_month_year(self) -> bool:
        """True in a lunar year with a leap month (អធិកមាស: បឋមាសាឍ + ទុតិយាសាឍ)."""
        return self.year_kind == LEAP_MONTH

    @property
    def is_leap_day_year(self) -> bool:
        """True in a lunar year with a leap day (អធិកវារ: 30-day ជេស្ឋ)."""
        return self.year_kind == LEAP_DAY

    @property
    def lunar_day_text(self) -> str:
        """The lunar day as written in dates, e.g. ``១២កើត``."""
        return f"{self.day}{self.phase_name}".translate(_KHMER_DIGITS)


def _supported_date(d: datetime.date) -> datetime.date:
    """``d`` as a plain date; TypeError if it is not a date, ValueError if out of range."""
    if isinstance(d, datetime.datetime):
        d = d.date()
    elif not isinstance(d, datetime.date):
        raise TypeError(f"expected a datetime.date, not {type(d).__name__}")
    if not FIRST_SUPPORTED_DATE <= d <= LAST_SUPPORTED_DATE:
        raise ValueError(
            f"{d.isoformat()} is outside the range supported by the Khmer lunar calendar "
            f"({FIRST_SUPPORTED_DATE.isoformat()} to {LAST_SUPPORTED_DATE.isoformat()})"
        )
    return d


def khmer_lunar_date(d: datetime.date) -> LunarDate:
    """The Khmer lunar date of Gregorian date ``d`` (1900-01-01 to 2100-12-31)."""
    d = _supported_date(d)
    ordinal = d.toordinal()
    month = _month_table()[bisect.bisect_right(_month_starts(), ordinal) - 1]
    day_index = ordinal - month.start  # 0..29
    new_year = khmer_new_year(d.year)
    # JS years of the animal year and of the ស័ក: both turn during the April New Year.
    animal_js = d.year - _AD_MINUS_JS - (0 if d >= new_year.new_year_day else 1)
    era_js = d.year - _AD_MINUS_JS - (0 if d >= new_year.lerng_sak else 1)
    # ព.ស. is one behind the lunar year's JS until ១រោច ខែពិសាខ, the month the lunar year starts.
    before_visak_turn = month.index == PISAKH and day_index < 15
    return LunarDate(
        gregorian=d,
        day=day_index % 15 + 1,
        waxing=day_index < 15,
        month=month.index,
        month_length=month.length,
        year_kind=_year_kind(month.js),
        animal_year=(animal_js + 10) % 12,  # JS 1386 (AD 2024) is រោង
        era_year=(era_js - 1) % 10,
        buddhist_era=month.js + _BE_MINUS_JS - (1 if before_visak_turn else 0),
        jolak_sakaraj=era_js,
    )


def official_date_line(d: datetime.date) -> str:
    """The official Khmer date line of ``d``, lunar date first, e.g. for 2024-07-17
    ``ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨ ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤``."""
    lunar = khmer_lunar_date(d)
    day = lunar.gregorian
    line = (
        f"ថ្ងៃ{lunar.weekday_name} {lunar.day}{lunar.phase_name} ខែ{lunar.month_name} "
        f"ឆ្នាំ{lunar.animal_year_name} {lunar.era_year_name} ព.ស.{lunar.buddhist_era} "
        f"ត្រូវនឹងថ្ងៃទី{day.day} ខែ{GREGORIAN_MONTHS[day.month - 1]} ឆ្នាំ{day.year}"
    )
    return line.translate(_KHMER_DIGITS)
