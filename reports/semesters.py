"""Semester arithmetic: pure functions, no database."""
import datetime
import re

from mrd_ngo.khmer import western_digits

# Western digits only (`\d` would take any script's digits); Khmer digits are read as Western first.
PERIOD_CODE = re.compile(r"(?P<year>[0-9]{4})S(?P<half>[12])")


def semester_bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of semester `half` (1 or 2) of `year`: 1 Jan-30 Jun or 1 Jul-31 Dec."""
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    if half == 2:
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    raise ValueError(f"A semester is 1 or 2, not {half!r}.")


def parse_period_code(code: str) -> tuple[int, int]:
    """`"2024S1"` (or `"២០២៤S1"`) -> (2024, 1); ValueError for anything else."""
    match = PERIOD_CODE.fullmatch(western_digits(code or ""))
    if not match:
        raise ValueError(f"{code!r} is not a semester code such as 2024S1.")
    return int(match["year"]), int(match["half"])


def period_code(year: int, half: int) -> str:
    """(2024, 1) -> `"2024S1"`."""
    return f"{year}S{half}"


def previous_semester(year: int, half: int) -> tuple[int, int]:
    """The semester before (2024, 1) is (2023, 2)."""
    return (year, 1) if half == 2 else (year - 1, 2)


def next_semester(year: int, half: int) -> tuple[int, int]:
    """The semester after (2024, 1) is (2024, 2)."""
    return (year, 2) if half == 1 else (year + 1, 1)


def semester_of(day: datetime.date) -> tuple[int, int]:
    """The semester a day falls in."""
    return day.year, 1 if day.month <= 6 else 2
