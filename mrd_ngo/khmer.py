"""Khmer text, number and date helpers (pure functions, no database, no active-language lookups).

Every function that depends on the language takes it explicitly (``lang="km"`` or ``"en"``;
regional forms such as ``"km-KH"`` or ``"km_KH"`` count as Khmer, anything else as English).
Templates and views pass ``get_language()`` themselves.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "EMPTY",
    "KHMER_MONTHS",
    "ENGLISH_MONTHS",
    "khmer_digits",
    "western_digits",
    "format_number",
    "format_date",
    "semester_label",
    "normalize_khmer",
    "insert_word_breaks",
]

#: What format_number / format_date return for ``None``: an EN DASH, so an empty table cell
#: stays visibly empty-on-purpose. Pass ``empty=""`` where a blank is wanted (e.g. form values).
EMPTY = "\u2013"

ZWSP = "\u200b"
COENG = "\u17d2"

_WESTERN = "0123456789"
_KHMER = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans(_WESTERN, _KHMER)
_TO_WESTERN = str.maketrans(_KHMER, _WESTERN)

#: Khmer (solar) month names, January first. Spelt as in official use (មីនា, not Django's មិនា).
KHMER_MONTHS = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)
#: English month names, independent of the C locale (unlike strftime("%B")).
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _is_km(lang: str | None) -> bool:
    """True when ``lang`` is Khmer (``km``, ``km-KH``, ``km_kh``...)."""
    return bool(lang) and re.split(r"[-_]", str(lang).strip().lower(), maxsplit=1)[0] == "km"


# ---------------------------------------------------------------------------
# Digits and numbers
# ---------------------------------------------------------------------------


def khmer_digits(text_or_number) -> str:
    """Return ``str(text_or_number)`` with Western digits 0-9 replaced by Khmer digits ០-៩."""
    return str(text_or_number).translate(_TO_KHMER)


def western_digits(text) -> str:
    """Return ``text`` with Khmer digits ០-៩ replaced by Western digits 0-9 (other characters kept)."""
    return str(text).translate(_TO_WESTERN)


def _to_decimal(value) -> Decimal:
    """Convert int/float/Decimal/numeric string (Khmer digits allowed) to a finite Decimal."""
    if isinstance(value, bool):
        raise TypeError("format_number() does not format booleans")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr() is the shortest round-tripping form, so 2.675 stays 2.675 instead of 2.67499999...
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(western_digits(value).replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"cannot format {type(value).__name__} as a number")
    if not number.is_finite():
        raise ValueError(f"cannot format non-finite number {value!r}")
    return number


def format_number(value, lang, decimals=0, *, empty=EMPTY) -> str:
    """Group thousands with "," (decimal point "."), rounding half-up; Khmer digits for km; None -> ``empty`` ("–")."""
    if value is None:
        return empty
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    number = _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = abs(number)  # never print "-0" / "-0.00"
    text = f"{number:,.{decimals}f}"
    return khmer_digits(text) if _is_km(lang) else text


# ---------------------------------------------------------------------------
# Dates and periods
# ---------------------------------------------------------------------------


def format_date(d, lang, *, empty=EMPTY) -> str:
    """Format a date (or datetime) as "១៧ កក្កដា ២០២៤" (km) or "17 July 2024" (en); None -> ``empty``."""
    if d is None:
        return empty
    if not isinstance(d, _dt.date):
        raise TypeError(f"format_date() needs a date, not {type(d).__name__}")
    if _is_km(lang):
        return f"{khmer_digits(d.day)} {KHMER_MONTHS[d.month - 1]} {khmer_digits(d.year)}"
    return f"{d.day} {ENGLISH_MONTHS[d.month - 1]} {d.year}"


def semester_label(year, half, lang) -> str:
    """Label a half-year: "ឆមាសទី១ ឆ្នាំ២០២៤" (km) or "First semester 2024" / "Second semester 2024" (en)."""
    # English uses words rather than "H1 2024": it reads as a direct translation of ឆមាសទី១
    # and is unambiguous for readers outside finance.
    half = int(half)
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, not {half!r}")
    year = int(year)
    if _is_km(lang):
        return f"ឆមាសទី{khmer_digits(half)} ឆ្នាំ{khmer_digits(year)}"
    return f"{'First' if half == 1 else 'Second'} semester {year}"


# ---------------------------------------------------------------------------
# Normalisation for search and comparison
# ---------------------------------------------------------------------------

# Invisible characters that change nothing a reader sees: zero-width space/non-joiner/joiner,
# word joiner, BOM, soft hyphen, and the two inherent-vowel signs U+17B4/U+17B5, which Unicode
# says not to use ("for transliteration only").
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5]")

# Characters Unicode deprecates in favour of a sequence that looks the same or is the same letter.
_DEPRECATED = {
    "\u17a3": "\u17a2",  # ឣ -> អ
    "\u17a4": "\u17a2\u17b6",  # ឤ -> អា
    "\u17d8": "\u17d4\u179b\u17d4",  # ៘ (beyyal) -> ។ល។
    "\u17b2": "\u17b1",  # ឲ -> ឱ (variant spelling: ឲ្យ / ឱ្យ are the same word)
}
_DEPRECATED_RE = re.compile("[" + "".join(_DEPRECATED) + "]")

# Subscript DA and subscript TA are drawn identically: fold ្ដ to ្ត (កណ្ដាល = កណ្តាល).
_COENG_DA = COENG + "\u178a"
_COENG_TA = COENG + "\u178f"

# Subscript RO (drawn before the base) typed before another subscript: ស្រ្ត -> ស្ត្រ
# (Unicode's order puts coeng RO last; both render the same).
_RO_FIRST_RE = re.compile("(\u17d2\u179a)(\u17d2[\u1780-\u17b3])")
# Dependent vowel typed before a register shifter (៉ ៊): Unicode order is shifter first.
_VOWEL_SHIFTER_RE = re.compile("([\u17b6-\u17c5])([\u17c9\u17ca])")
# Nikahit/reahmuk/yuukaleapintu (ំ ះ ៈ) typed before the dependent vowel: vowel first (ាំ not ំា).
_SIGN_VOWEL_RE = re.compile("([\u17c6-\u17c8])([\u17b6-\u17c5])")
# Space typed before the repetition sign ៗ ("ផ្សេង ៗ" -> "ផ្សេងៗ").
_SPACE_LEKATTO_RE = re.compile(r"\s+\u17d7")
_WHITESPACE_RE = re.compile(r"\s+")


def _reorder_marks(text: str) -> str:
    """Bubble the mark orders above into Unicode's order until nothing changes (always terminates)."""
    while True:
        new = _RO_FIRST_RE.sub(r"\2\1", text)
        new = _VOWEL_SHIFTER_RE.sub(r"\2\1", new)
        new = _SIGN_VOWEL_RE.sub(r"\2\1", new)
        if new == text:
            return text
        text = new


def normalize_khmer(text) -> str:
    """Fold Khmer (and Latin) text to a search/comparison key: NFC, look-alike spellings unified, casefolded."""
    # Steps, in order (the result is idempotent: normalize_khmer(normalize_khmer(x)) == normalize_khmer(x)):
    #  1. NFC; remove invisible characters (ZWSP/ZWNJ/ZWJ/WJ/BOM/soft hyphen/U+17B4/U+17B5);
    #  2. deprecated characters to their recommended sequences, ឲ to ឱ;
    #  3. coeng DA (្ដ) to coeng TA (្ត);
    #  4. mark order: coeng RO after other subscripts, register shifter before the vowel,
    #     ំ/ះ/ៈ after the vowel;
    #  5. no whitespace before ៗ; whitespace runs (incl. NBSP) to one space, trimmed;
    #  6. Khmer digits to Western digits (so "២០២៤" and "2024" match); casefold (Latin); NFC.
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _INVISIBLE_RE.sub("", text)
    text = _DEPRECATED_RE.sub(lambda m: _DEPRECATED[m.group()], text)
    text = text.replace(_COENG_DA, _COENG_TA)
    text = _reorder_marks(text)
    text = _SPACE_LEKATTO_RE.sub("\u17d7", text)
    text = _WHITESPACE_RE.sub(" ", text).strip()
    text = western_digits(text).casefold()
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------
# Word breaks for PDF rendering
# ---------------------------------------------------------------------------

_KHMER_RUN_RE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]{2,}")
_HAS_KHMER_RE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_KHMER_DIGITS = frozenset(_KHMER)
_ZWSP_RUN_RE = re.compile(ZWSP + "+")


def _can_start_word(ch: str) -> bool:
    """True for Khmer characters a line may begin with: consonants, independent vowels, symbols."""
    o = ord(ch)
    # Excludes dependent vowels and signs (would split a cluster), ។ ៕ ៖ ៗ ៘ ៚ (must not begin
    # a line), ៛ (follows its number), and digits (ទី១, ឆ្នាំ២០២៤ stay together).
    return 0x1780 <= o <= 0x17B3 or o in (0x17D9, 0x17DC) or 0x17F0 <= o <= 0x17F9 or 0x19E0 <= o <= 0x19FF


_local = threading.local()


def _word_iterator():
    """Return this thread's cached ICU Khmer word BreakIterator (ICU iterators are not thread-safe)."""
    bi = getattr(_local, "word_iterator", None)
    if bi is None:
        import icu  # PyICU (pyicu-wheels); imported lazily so the other helpers work without it

        bi = _local.word_iterator = icu.BreakIterator.createWordInstance(icu.Locale("km"))
    return bi


def insert_word_breaks(text) -> str:
    """Insert U+200B at ICU Khmer word boundaries between two Khmer characters (idempotent; non-Khmer untouched)."""
    if not text or not _HAS_KHMER_RE.search(text):
        return text
    # Segment the text without its existing ZWSPs, then put those back plus the new ones: the
    # segmentation (and so the result) is then the same however many times this runs.
    base = text.replace(ZWSP, "")
    existing: dict[int, int] = {}  # position in base -> number of ZWSPs there
    removed = 0
    for m in _ZWSP_RUN_RE.finditer(text):
        existing[m.start() - removed] = len(m.group())
        removed += len(m.group())
    bi = _word_iterator()
    new: set[int] = set()
    # Khmer runs are all in the BMP, so ICU's UTF-16 offsets equal Python indexes within a run.
    for match in _KHMER_RUN_RE.finditer(base):
        run = match.group()
        start = match.start()
        bi.setText(run)
        for b in bi:
            if b >= len(run):
                break
            prev = run[b - 1]
            if prev != COENG and prev not in _KHMER_DIGITS and _can_start_word(run[b]):
                new.add(start + b)
    if not new:
        return text  # nothing to add; existing ZWSPs stay where they are
    parts = []
    last = 0
    for pos in sorted(new | existing.keys()):
        parts.append(base[last:pos])
        parts.append(ZWSP * max(existing.get(pos, 0), 1))
        last = pos
    parts.append(base[last:])
    return "".join(parts)


# ---- Khmer order ----------------------------------------------------------------------------------
# Names sort in Khmer dictionary order on Khmer pages (ICU's Khmer collation), by their English names on
# English pages. PostgreSQL cannot be relied on for it (the embedded server is built without ICU), so a
# name's ICU sort key is kept beside it as hex text, which sorts byte by byte (a "C" collation column)
# exactly as the ICU keys compare.
COLLATION_KEY_LENGTH = 600


def _khmer_collator():
    """This thread's ICU Khmer collator (ICU collators are not thread-safe)."""
    collator = getattr(_local, "khmer_collator", None)
    if collator is None:
        import icu

        collator = _local.khmer_collator = icu.Collator.createInstance(icu.Locale("km"))
    return collator


def khmer_collation_key(text: str) -> str:
    """The ICU Khmer sort key of `text`, as hex text: comparing two keys byte-wise orders the texts as a Khmer dictionary."""
    return _khmer_collator().getSortKey(text or "").hex()[:COLLATION_KEY_LENGTH]


def name_sort_key(name_km: str, name_en: str, lang: str | None = None) -> tuple:
    """How a named thing sorts in `lang` (the active language by default): Khmer collation of the Khmer name
    in Khmer, the English name (case folded) in English; each falling back to the other name."""
    from django.utils.translation import get_language

    if (lang or get_language()) == "en":
        return (0, (name_en or name_km).casefold())
    return (0, khmer_collation_key(name_km)) if name_km else (1, (name_en or "").casefold())
