"""URLs of the reports app: progress reports (views.py) and the semester summary (summary_views.py)."""
from django.urls import path, register_converter

from reports import summary_views, views
from reports.converters import PeriodCodeConverter

register_converter(PeriodCodeConverter, "period")
app_name = "reports"

urlpatterns = [
    # Progress reports: list, completeness, entry, review workflow, spreadsheet template and import.
    path("reports/", views.ReportListView.as_view(), name="list"),
    # Semester summary: page, PDF, workbook.
    path("reports/<period:period>/summary/", summary_views.summary_page, name="summary"),
]
