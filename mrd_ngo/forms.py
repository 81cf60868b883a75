"""Form helpers shared by the apps."""
import re
from decimal import Decimal

from django import forms
from django.utils.translation import get_language

from mrd_ngo.khmer import format_number, western_digits

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


# Thousands separators a person may type: comma, spaces (also no-break ones).
_GROUPING_RE = re.compile(r"[,\s\u00a0\u202f]")


class FigureInput(forms.TextInput):
    """A text box for a figure, written and read the way the page writes numbers.

    Not `<input type=number>`: Chromium refuses Khmer digits there. A saved figure shows as on the
    rest of the page (Khmer digits on a Khmer page, thousands grouped, no ".00"); what a person
    typed shows back as typed. Thousands separators are dropped when the form is read, and
    KhmerDigitsMixin reads the Khmer digits.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            places = max(0, -Decimal(value).normalize().as_tuple().exponent)
            return format_number(value, get_language(), decimals=places)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return _GROUPING_RE.sub("", value) if isinstance(value, str) else value


def _reading_khmer_digits(to_python):
    def wrapped(value):
        return to_python(western_digits(value) if isinstance(value, str) else value)

    return wrapped


class BootstrapFormMixin:
    """Bootstrap classes on the widgets, and `is-invalid` on fields with an error (no template tags needed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            if css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error goes through here: field validation, clean(), and errors the services raise.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
