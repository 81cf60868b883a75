"""The table of progress reports; `value_*` are the cells of its CSV and XLSX exports (mrd_ngo.spreadsheets)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.tables import LeanRowsMixin, link
from mrd_ngo.khmer import format_date, format_number, semester_label


class ProgressReportTable(LeanRowsMixin, tables.Table):
    ngo = tables.Column(
        verbose_name=_("NGO"), order_by=("ngo__name_en", "ngo__name_km"),
    )
    period = tables.Column(verbose_name=_("Semester"), order_by=("period__year", "period__half"))
    agreement = tables.Column(verbose_name=_("agreement"), accessor="agreement__reference_number")
    status = tables.Column(verbose_name=_("status"))
    submitted_at = tables.Column(verbose_name=_("submitted at"), attrs={"td": {"class": "text-nowrap"}})
    budget_spent_usd = tables.Column(verbose_name=_("budget spent (USD)"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    beneficiaries_total = tables.Column(verbose_name=_("beneficiaries (total)"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    beneficiaries_female = tables.Column(verbose_name=_("beneficiaries (female)"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta:
        attrs = {"class": "table table-sm table-striped table-hover align-middle report-table"}
        order_by = ("-period", "ngo")
        empty_text = _("No report matches these filters.")
        template_name = "agreements/table.html"  # translated pagination, page numbers in Khmer digits

    def render_ngo(self, record):
        return link(reverse("reports:detail", args=[record.pk]), record.ngo.name)

    def value_ngo(self, record):
        return record.ngo.name

    def render_period(self, record):
        return semester_label(record.period.year, record.period.half, get_language())

    def value_period(self, record):
        return record.period.code

    def render_status(self, value, record):
        # `value` is already the status's label (django-tables2 reads `get_status_display` for a field with choices).
        return format_html('<span class="badge status-{}">{}</span>', record.status, value)

    def value_status(self, record):
        return record.get_status_display()

    def render_submitted_at(self, record):
        day = format_date(timezone.localdate(record.submitted_at), get_language())
        if record.is_late:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', day, _("late"))
        return day

    def value_submitted_at(self, record):
        return timezone.localdate(record.submitted_at).isoformat() if record.submitted_at else ""

    def render_budget_spent_usd(self, value):
        return format_number(value, get_language())

    def render_beneficiaries_total(self, value):
        return format_number(value, get_language())

    def render_beneficiaries_female(self, value):
        return format_number(value, get_language())

    def value_budget_spent_usd(self, value):
        return value

    def value_beneficiaries_total(self, value):
        return value

    def value_beneficiaries_female(self, value):
        return value
