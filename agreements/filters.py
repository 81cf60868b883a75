"""Filters of the NGO and agreement lists (django-filter); the same filter drives the page and its exports."""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements import rules
from agreements.choices import AgreementStatus, NGOKind
from agreements.forms import DATE_WIDGET
from mrd_ngo.forms import BootstrapFormMixin, KhmerDigitsMixin, SensibleDatesMixin
from agreements.models import NGO, Agreement, Department, Province, Sector



def ends_within_choices():
    """The bands of the expiring board (`rules.expiry_bands`) as choices: 30, 60 or 90 days by default."""
    return [(band.key, band.choice_label) for band in rules.expiry_bands()]


class FilterForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    """The filter form, styled like the other forms; its dates may be typed in Khmer digits, within the app's range."""


def _ending_within(days: int) -> Q:
    """Agreements running today (active or expiring, so signed, not renewed) that end within `days` days."""
    return Q(status__in=rules.RUNNING_STATUSES) & rules.ends_between(timezone.localdate(), 0, days)


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name, acronym or reference number")}),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("status"), choices=AgreementStatus.choices, field_name="status", widget=forms.CheckboxSelectMultiple,
    )
    province = django_filters.ModelChoiceFilter(
        label=_("province"), queryset=Province.objects.all(), method="filter_province",
    )
    sector = django_filters.ModelChoiceFilter(label=_("sector"), queryset=Sector.objects.all(), method="filter_sector")
    department = django_filters.ModelChoiceFilter(label=_("MRD department"), queryset=Department.objects.all())
    ngo_kind = django_filters.ChoiceFilter(label=_("NGO type"), choices=NGOKind.choices, field_name="ngo__kind")
    in_force_on = django_filters.DateFilter(label=_("In force on"), method="filter_in_force_on", widget=DATE_WIDGET)
    ends_after = django_filters.DateFilter(label=_("Ends on or after"), field_name="valid_to", lookup_expr="gte",
                                           widget=DATE_WIDGET)
    ends_before = django_filters.DateFilter(label=_("Ends on or before"), field_name="valid_to", lookup_expr="lte",
                                            widget=DATE_WIDGET)
    ends_within = django_filters.ChoiceFilter(label=_("Ends within"), choices=ends_within_choices,
                                              method="filter_ends_within")

    class Meta:
        model = Agreement
        fields = []
        form = FilterForm

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_province(self, queryset, name, value):
        return queryset.filter(Exists(Agreement.provinces.through.objects.filter(agreement=OuterRef("pk"), province=value)))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(Exists(Agreement.sectors.through.objects.filter(agreement=OuterRef("pk"), sector=value)))

    def filter_in_force_on(self, queryset, name, value):
        return queryset.filter(rules.in_force_on(value))

    def filter_ends_within(self, queryset, name, value):
        return queryset.filter(_ending_within(int(value)))


class NGOFilter(django_filters.FilterSet):
    """NGOs by their own details, and by what their agreements cover."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name or acronym")}),
    )
    kind = django_filters.ChoiceFilter(label=_("NGO type"), choices=NGOKind.choices)
    sector = django_filters.ModelChoiceFilter(label=_("sector"), queryset=Sector.objects.all(), method="filter_sector")
    province = django_filters.ModelChoiceFilter(
        label=_("province"), queryset=Province.objects.all(), method="filter_agreements_province",
    )
    department = django_filters.ModelChoiceFilter(
        label=_("MRD department"), queryset=Department.objects.all(), method="filter_agreements_department",
    )
    agreement_status = django_filters.MultipleChoiceFilter(
        label=_("An agreement is"), choices=AgreementStatus.choices, method="filter_agreement_status",
        widget=forms.CheckboxSelectMultiple,
    )
    in_force_on = django_filters.DateFilter(label=_("Has an agreement in force on"), method="filter_in_force_on",
                                            widget=DATE_WIDGET)
    ends_within = django_filters.ChoiceFilter(label=_("Has an agreement ending within"), choices=ends_within_choices,
                                              method="filter_ends_within")
    is_active = django_filters.BooleanFilter(label=_("active"), widget=forms.Select(choices=[
        ("", _("All")), ("true", _("Yes")), ("false", _("No")),
    ]))

    class Meta:
        model = NGO
        fields = []
        form = FilterForm

    def _with_agreement(self, queryset, condition: Q, statuses: bool = False):
        """NGOs with an agreement meeting `condition`, among the agreements the user may see only.

        Searching every agreement would let a provincial officer learn, from which NGOs a filter keeps,
        where an NGO works outside their province.
        """
        agreements = Agreement.objects.visible_to(self.request.user if self.request else None)
        if statuses:
            agreements = agreements.with_status()
        return queryset.with_agreement_among(agreements.filter(condition))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sector(self, queryset, name, value):
        return queryset.filter(Exists(NGO.sectors.through.objects.filter(ngo=OuterRef("pk"), sector=value)))

    def filter_agreements_province(self, queryset, name, value):
        covered = Agreement.provinces.through.objects.filter(agreement=OuterRef("pk"), province=value)
        return self._with_agreement(queryset, Q(Exists(covered)))

    def filter_agreements_department(self, queryset, name, value):
        return self._with_agreement(queryset, Q(department=value))

    def filter_agreement_status(self, queryset, name, value):
        if not value:
            return queryset
        return self._with_agreement(queryset, Q(status__in=value), statuses=True)

    def filter_in_force_on(self, queryset, name, value):
        return self._with_agreement(queryset, rules.in_force_on(value))

    def filter_ends_within(self, queryset, name, value):
        return self._with_agreement(queryset, _ending_within(int(value)), statuses=True)

