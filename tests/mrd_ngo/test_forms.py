"""Khmer digits are accepted wherever a number or a date is typed."""
import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from pytest_django.asserts import assertHTMLEqual

from agreements.filters import AgreementFilter, NGOFilter
from agreements.forms import AgreementForm, NGOForm
from mrd_ngo.form_renderer import WidgetRenderer
from mrd_ngo.forms import KhmerDigitsMixin
from reports.filters import ProgressReportFilter


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


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [AgreementFilter, NGOFilter, ProgressReportFilter, AgreementForm, NGOForm])
def test_widgets_render_the_same_html_through_jinja2_as_through_django_templates(form_class, rf, admin_user):
    """The widget renderer (mrd_ngo/form_renderer.py) changes how fast widgets render, never what they show."""
    request = rf.get("/", {"status": ["active"], "q": "<b>x</b>"})
    request.user = admin_user
    if hasattr(form_class, "base_filters"):
        fields = form_class(request.GET, request=request).form
    else:
        extra = {"user": admin_user} if form_class is AgreementForm else {}
        fields = form_class(data={"name_en": "A & B"}, **extra)
    assert isinstance(get_default_renderer(), WidgetRenderer)
    for field in fields:
        fast = field.as_widget()
        slow = field.field.widget.render(field.html_name, field.value(), renderer=DjangoTemplates(),
                                         attrs=field.build_widget_attrs({"id": field.auto_id}))
        assertHTMLEqual(fast, slow)
        assert "<option" in fast or "<input" in fast or "<textarea" in fast


def test_a_widget_only_django_templates_have_is_still_rendered():
    """The admin's related-object wrapper has no Jinja2 edition: it comes from Django templates."""
    assert WidgetRenderer().get_template("admin/widgets/related_widget_wrapper.html")
