"""Template tags for long lists on a page that also prints them whole (the summary page and its PDF)."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def first_rows(context, rows, kind: str):
    """The first `limits[kind]` rows on the page; every row where the context sets no `limits` (the PDF)."""
    limit = (context.get("limits") or {}).get(kind)
    return rows[:limit] if limit else rows


@register.filter
def cut_off(rows, limit) -> int:
    """How many rows `first_rows` leaves out (0 when nothing is cut off)."""
    return max(0, len(rows) - int(limit)) if limit else 0
