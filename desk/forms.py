"""Forms of the management pages; the rules themselves are in desk/services.py and reports/services.py."""
import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.forms import DATE_WIDGET
from agreements.models import CoverageRate, Department, Province, Village
from desk.models import NotificationKind
from mrd_ngo.forms import BootstrapFormMixin, FigureInput, KhmerDigitsMixin, SensibleDatesMixin
from mrd_ngo.roles import Role
from reports.models import ReportingPeriod


class DeskForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    """A management form: Bootstrap look, Khmer digits accepted, dates within the app's range."""


class SemesterCreateForm(DeskForm):
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2200)
    half = forms.TypedChoiceField(label=_("semester"), coerce=int,
                                  choices=[(1, _("First semester")), (2, _("Second semester"))])
    due_date = forms.DateField(label=_("due date"), widget=DATE_WIDGET,
                               help_text=_("Reports submitted after this day count as late."))


class DueDateForm(DeskForm):
    due_date = forms.DateField(label=_("due date"), widget=DATE_WIDGET,
                               help_text=_("Reports submitted after this day count as late."))


class LockForm(DeskForm):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Recorded with your name and the time."))


class SemesterFilter(django_filters.FilterSet):
    to_lock = django_filters.BooleanFilter(
        label=_("Due date passed, not locked"), method="filter_to_lock",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes"))], attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = ReportingPeriod
        fields = []

    def filter_to_lock(self, queryset, name, value):
        return queryset.to_lock() if value else queryset


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  widget=forms.TextInput(attrs={"type": "search", "class": "form-control form-control-sm"}))
    role = django_filters.ChoiceFilter(label=_("role"), choices=[(r.value, r.label) for r in Role], field_name="groups__name",
                                       empty_label=_("All"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    department = django_filters.ModelChoiceFilter(label=_("department"), queryset=Department.objects.all(),
                                                  field_name="staff_profile__department", empty_label=_("All"),
                                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    is_active = django_filters.BooleanFilter(label=_("active"), widget=forms.Select(
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))], attrs={"class": "form-select form-select-sm"}))

    class Meta:
        model = get_user_model()
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(username__icontains=term) | Q(first_name__icontains=term)
                                       | Q(last_name__icontains=term) | Q(email__icontains=term))
        return queryset


def _role_choices():
    return [("", "–")] + [(role.value, role.label) for role in Role]


class StaffForm(DeskForm):
    """A staff account: who, role, department and province; the username only when inviting."""

    username = forms.CharField(label=_("user name"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False,
                             help_text=_("The invitation to choose a password is sent here."))
    role = forms.ChoiceField(label=_("role"), choices=_role_choices)
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.select_related("province"),
                                        required=False)
    province = forms.ModelChoiceField(label=_("province"), queryset=Province.objects.all(), required=False,
                                      help_text=_("Provincial officers only: they see this province's rows."))
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True,
                                   help_text=_("A deactivated user can no longer log in; their history is kept."))

    def __init__(self, *args, inviting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if inviting:
            del self.fields["is_active"]
            self.fields["email"].required = True
        else:
            del self.fields["username"]
            self.fields["email"].help_text = ""

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        return username

    def clean_role(self):
        return Role(self.cleaned_data["role"])


class EmailChoicesForm(DeskForm):
    """One check box per kind of notification: also send it by e-mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.BooleanField(label=kind.label, required=False)


# ---- Villages and coverage rates -------------------------------------------------------------

_YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class VillageFilter(django_filters.FilterSet):
    """The gazetteer's villages: by name or code, province, model-village status, in use or retired."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_search",
                                  widget=forms.TextInput(attrs={"type": "search", "class": "form-control form-control-sm"}))
    province = django_filters.ModelChoiceFilter(label=_("province"), queryset=Province.objects.all(), empty_label=_("All"),
                                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    is_model_village = django_filters.BooleanFilter(label=_("model village"), widget=forms.Select(
        choices=_YES_NO, attrs={"class": "form-select form-select-sm"}))
    retired = django_filters.BooleanFilter(label=_("retired"), field_name="retired_on", lookup_expr="isnull", exclude=True,
                                           widget=forms.Select(choices=_YES_NO, attrs={"class": "form-select form-select-sm"}))

    class Meta:
        model = Village
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset


class ModelVillageForm(DeskForm):
    is_model_village = forms.BooleanField(label=_("model village"), required=False,
                                          help_text=_("Recorded with your name and the time."))


class CoverageRateFilter(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(label=_("province"), queryset=Province.objects.all(), empty_label=_("All"),
                                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    year = django_filters.NumberFilter(label=_("year"), widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))

    class Meta:
        model = CoverageRate
        fields = []


class CoverageRateForm(DeskForm):
    """A province's rural water-supply and sanitation coverage in a year."""

    # Text boxes, not <input type=number>: Chromium refuses Khmer digits there (KhmerDigitsMixin reads them).
    province = forms.ModelChoiceField(label=_("province"), queryset=Province.objects.all())
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2200,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    water_supply_pct = forms.DecimalField(label=_("rural water supply coverage (%)"), min_value=0, max_value=100,
                                          max_digits=4, decimal_places=1, widget=FigureInput)
    sanitation_pct = forms.DecimalField(label=_("rural sanitation coverage (%)"), min_value=0, max_value=100,
                                        max_digits=4, decimal_places=1, widget=FigureInput)
    source = forms.CharField(label=_("source"), max_length=255, required=False,
                             help_text=_("Where the figure comes from, e.g. the ministry's annual report."))
    is_demonstration = forms.BooleanField(label=_("demonstration figure"), required=False,
                                          help_text=_("Made-up figure of the demo data, not an official statistic."))
