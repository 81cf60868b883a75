"""Khmer digits are accepted wherever a number or a date is typed."""
import datetime
from decimal import Decimal

from django import forms

from mrd_ngo.forms import KhmerDigitsMixin


class BudgetForm(KhmerDigitsMixin, forms.Form):
    amount = forms.DecimalField()
    people = forms.IntegerField()
    day = forms.DateField()
    note = forms.CharField()


def test_khmer_digits_are_read_in_number_and_date_fields_but_kept_in_text():
    form = BudgetForm(data={"amount": "១២៣៤.៥០", "people": "៤៥", "day": "២០២៤-០៧-១៧", "note": "ឆមាសទី១"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "amount": Decimal("1234.50"), "people": 45, "day": datetime.date(2024, 7, 17), "note": "ឆមាសទី១",
    }


def test_western_digits_still_work_and_nonsense_is_refused():
    assert BudgetForm(data={"amount": "12", "people": "3", "day": "17/07/2024", "note": "x"}).is_valid()
    form = BudgetForm(data={"amount": "ដប់", "people": "3", "day": "2024-02-30", "note": "x"})
    assert not form.is_valid()
    assert set(form.errors) == {"amount", "day"}
