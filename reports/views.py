"""Views of semester progress reports."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from reports.models import ProgressReport


class ReportListView(LoginRequiredMixin, ListView):
    template_name = "reports/report_list.html"

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).select_related("ngo", "period")
