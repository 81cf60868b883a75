"""Template filters of the registry pages."""
from django import template
from django.utils import timezone
from django.utils.translation import get_language

from mrd_ngo import khmer

register = template.Library()


@register.filter
def kdatetime(value):
    """A moment in Phnom Penh time: ១៧ កក្កដា ២០២៤ ១៤:០៥ / 17 July 2024 14:05."""
    if not value:
        return ""
    local = timezone.localtime(value)
    lang = get_language()
    clock = f"{local:%H:%M}"
    return f"{khmer.format_date(local.date(), lang)} {khmer.khmer_digits(clock) if lang == 'km' else clock}"


@register.filter
def abs_num(value):
    """The absolute value of a number of days, grouped and in Khmer digits on Khmer pages."""
    return khmer.format_number(abs(value), get_language())
