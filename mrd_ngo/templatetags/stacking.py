"""Template filters for tables that become stacked rows on phones (each cell labelled with its column)."""
from django import template

register = template.Library()


@register.filter
def nth(items, index):
    """The item at `index` of a sequence (None beyond its end): the heading of a cell written in a loop."""
    try:
        return items[int(index)]
    except (IndexError, TypeError, ValueError):
        return None
