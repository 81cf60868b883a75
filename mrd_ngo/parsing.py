"""Reading ids and whole numbers out of URLs, query strings and posted hidden fields.

One reader for all of them, so no page answers a 500 to `?ngo=²`: Python's `str.isdigit()` accepts
superscripts and `int()` accepts Arabic-Indic digits, signs and spaces, and PostgreSQL refuses numbers
beyond bigint. Here only Western (0-9) and Khmer (០-៩) digits are read; anything else is "no number".
"""
import re

from django.http import Http404

from mrd_ngo.khmer import western_digits

# Only these digits, nothing else: no sign, no space, no superscript, no other script's digits.
_DIGITS_RE = re.compile(r"[0-9\u17e0-\u17e9]+")
# The largest value a PostgreSQL bigint (Django's BigAutoField) holds.
BIGINT_MAX = 2**63 - 1


def parse_id(value) -> int | None:
    """The whole number written in `value` (Western or Khmer digits), or None for anything else.

    None for a missing or empty value, any character that is not a digit 0-9 or ០-៩, and numbers
    beyond bigint (no row has such an id, and the database would refuse to compare with it).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= BIGINT_MAX else None
    if not isinstance(value, str) or not _DIGITS_RE.fullmatch(value):
        return None
    number = int(western_digits(value))
    return number if number <= BIGINT_MAX else None


def parse_id_or_404(value) -> int:
    """`parse_id(value)`, or a 404 page when `value` is not an id (a link nobody could have followed)."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number
