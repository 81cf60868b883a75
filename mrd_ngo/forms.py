"""Form helpers shared by the apps."""
import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mrd_ngo.khmer import format_date, format_number, western_digits
from mrd_ngo.parsing import parse_id

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


# The dates a person may enter anywhere in the app: the ministry's records start after 1990, and an end
# date of 9999-12-31 is a typing slip (and overflows date arithmetic such as "the day after the end").
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_sensible_date(day: datetime.date | None) -> None:
    """Refuse a date outside EARLIEST_DATE..LATEST_DATE, saying the range in the page's language."""
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        lang = get_language()
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": format_date(EARLIEST_DATE, lang), "latest": format_date(LATEST_DATE, lang)},
            code="date_out_of_range",
        )


class SensibleDatesMixin:
    """Every date field of the form accepts only dates between EARLIEST_DATE and LATEST_DATE.

    The message goes next to the field; the date picker is bounded the same way (`min`, `max`).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound_dates()

    def bound_dates(self) -> None:
        """Bound the date fields (again, for a form that adds fields after `__init__`)."""
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and validate_sensible_date not in field.validators:
                field.validators.append(validate_sensible_date)
                field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
                field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())


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


class IdChoiceMixin:
    """For a ModelChoiceField: the chosen id is read by `parse_id` (Khmer digits too), anything else is no choice.

    Django's own reading uses `int()`, which takes Arabic-Indic digits, signs and spaces for an id.
    """

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(str(number))
