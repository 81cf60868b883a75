"""Template filters for long lists on a page that also prints them whole (the summary page and its PDF)."""
from django import template

register = template.Library()


@register.filter
def head(rows, limit):
    """The first `limit` rows; every row when `limit` is empty (the PDF, rendered without limits)."""
    return rows[: int(limit)] if limit else rows


@register.filter
def cut_off(rows, limit) -> int:
    """How many rows `head` leaves out (0 when nothing is cut off)."""
    return max(0, len(rows) - int(limit)) if limit else 0
