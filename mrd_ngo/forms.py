"""Form helpers shared by the apps."""
from django import forms

from mrd_ngo.khmer import western_digits

# Fields whose typed value is digits: Khmer digits are read as Western ones.
DIGIT_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.DateField, forms.DateTimeField)


class KhmerDigitsMixin:
    """Accept Khmer digits (០-៩) as well as Western ones in number and date fields.

    Text fields are left alone: a narrative may rightly contain Khmer digits.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, DIGIT_FIELDS):
                field.to_python = _reading_khmer_digits(field.to_python)


def _reading_khmer_digits(to_python):
    def wrapped(value):
        return to_python(western_digits(value) if isinstance(value, str) else value)

    return wrapped
