"""Filters of the progress report list (the same filter drives the CSV and XLSX exports)."""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from agreements.forms import NGOSearchSelect
from agreements.models import NGO, Agreement, Province, Sector, search_terms
from reports.choices import ReportStatus
from reports.forms import NGOChoiceField, PeriodChoiceField
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod

SELECT = {"class": "form-select form-select-sm"}
ALL = _("All")


def visible_ngos(request):
    return NGO.objects.visible_to(request.user).order_by("name_en", "name_km") if request else NGO.objects.none()


class NGOFilter(django_filters.ModelChoiceFilter):
    field_class = NGOChoiceField


class PeriodFilter(django_filters.ModelChoiceFilter):
    field_class = PeriodChoiceField


class ProgressReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    period = PeriodFilter(label=_("Semester"), queryset=ReportingPeriod.objects.all(), empty_label=ALL,
                          widget=forms.Select(attrs=SELECT))
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices, empty_label=ALL,
                                         widget=forms.Select(attrs=SELECT))
    ngo = NGOFilter(label=_("NGO"), queryset=visible_ngos, empty_label=ALL, widget=NGOSearchSelect(attrs=SELECT))
    province = django_filters.ModelChoiceFilter(
        label=_("province"), queryset=Province.objects.all(), method="filter_province", empty_label=ALL,
        widget=forms.Select(attrs=SELECT),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("sector"), queryset=Sector.objects.all(), method="filter_sector", empty_label=ALL,
        widget=forms.Select(attrs=SELECT),
    )
    late = django_filters.ChoiceFilter(
        label=_("Submitted"), method="filter_late", empty_label=_("late or on time"),
        choices=[("late", _("late")), ("on_time", _("on time"))], widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = ProgressReport
        fields = ["q", "period", "status", "ngo", "province", "sector", "late"]

    def filter_search(self, queryset, name, value):
        # Folded like the NGO and agreement searches: Khmer spellings that look the same match.
        condition = Q()
        for term in search_terms(value):
            condition &= Q(ngo__search_text__contains=term) | Q(agreement__reference_number__icontains=term)
        return queryset.filter(condition)

    def _visible_results(self):
        """The results the user may see: a filter must not reveal results in another province."""
        return IndicatorValue.objects.visible_to(self.request.user if self.request else None)

    def filter_province(self, queryset, name, value):
        """Reports whose agreement covers the province, or with a result there the user may see."""
        if not value:
            return queryset
        covered = Agreement.provinces.through.objects.filter(agreement_id=OuterRef("agreement_id"), province_id=value.pk)
        results = self._visible_results().filter(report_id=OuterRef("pk"), province_id=value.pk)
        return queryset.filter(Exists(covered) | Exists(results))

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        covered = Agreement.sectors.through.objects.filter(agreement_id=OuterRef("agreement_id"), sector_id=value.pk)
        results = self._visible_results().filter(report_id=OuterRef("pk"), indicator__sector_id=value.pk)
        return queryset.filter(Exists(covered) | Exists(results))

    def filter_late(self, queryset, name, value):
        """Received late or on time: the rules of reports/rules.py, as on the completeness page and the summary."""
        if value == "late":
            return queryset.late()
        if value == "on_time":
            return queryset.on_time()
        return queryset
