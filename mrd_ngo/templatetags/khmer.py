"""Template filters that write numbers, dates and semesters the Khmer way in Khmer."""
from django import template
from django.utils.translation import get_language

from mrd_ngo import khmer

register = template.Library()


@register.filter
def num(value, decimals=0):
    """A number with grouping, in Khmer digits when the page is in Khmer."""
    return khmer.format_number(value, get_language(), decimals=int(decimals))


@register.filter
def kdate(value):
    """A date such as ១៧ កក្កដា ២០២៤ / 17 July 2024."""
    return khmer.format_date(value, get_language()) if value else ""


@register.filter
def semester(period):
    """A reporting period such as ឆមាសទី១ ឆ្នាំ២០២៤."""
    return khmer.semester_label(period.year, period.half, get_language()) if period else ""
