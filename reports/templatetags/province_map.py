"""`{% province_maps summary "ngos" "water-gap" as maps %}`: maps of a summary for the PDF (no queries: the
figures are the summary's own; reports/maps.py)."""
from django import template

from reports.maps import province_map

register = template.Library()


@register.simple_tag
def province_maps(summary, *keys):
    """One map of `summary` per figure key, in the order given."""
    return [province_map(summary, key) for key in keys]

