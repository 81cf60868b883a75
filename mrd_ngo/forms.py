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
