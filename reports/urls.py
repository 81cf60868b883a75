"""URLs of the reports app: progress reports (views.py) and the semester summary (summary_views.py)."""
from django.urls import path, register_converter

from reports import (
    issue_views, meeting_views, narrative_views, province_views, record_views, slides_views, summary_views, views,
)
from reports.converters import PeriodCodeConverter

register_converter(PeriodCodeConverter, "period")
app_name = "reports"

urlpatterns = [
    # Progress reports: list, completeness, entry, review workflow, spreadsheet template and import.
    path("reports/", views.ReportListView.as_view(), name="list"),
    path("reports/completeness/", views.completeness_current, name="completeness_current"),
    path("reports/<period:period>/completeness/", views.completeness, name="completeness"),
    path("reports/<period:period>/lock/", views.period_lock, name="lock"),
    path("reports/<period:period>/unlock/", views.period_lock, {"locked": False}, name="unlock"),
    path("reports/<period:period>/template.xlsx", views.report_template, name="template"),
    path("reports/new/", views.report_new, name="new"),
    path("reports/import/", views.report_import, name="import"),
    path("reports/import/confirm/", views.report_import_confirm, name="import_confirm"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="submit"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="accept"),
    # Semester summary: page, PDF, workbook (PDF and workbook built by the worker: reports/documents.py).
    path("reports/summary/", summary_views.summary_latest, name="summary_latest"),
    path("reports/narratives/", narrative_views.narrative_list, name="narratives"),
    path("reports/<int:pk>/translate/<str:field>/", narrative_views.narrative_translate_page, name="narrative_translate"),
    path("reports/<period:period>/summary-annex.pdf", summary_views.summary_annex, name="summary_annex"),
    path("reports/<period:period>/summary/", summary_views.summary_page, name="summary"),
    path("reports/<period:period>/summary.pdf", summary_views.summary_pdf, name="summary_pdf"),
    path("reports/<period:period>/summary.xlsx", summary_views.summary_xlsx, name="summary_xlsx"),
    # The PDF and the workbook are built by the worker: ask for one, then watch its progress.
    path("reports/<period:period>/summary/<str:kind>/<str:lang>/prepare/", summary_views.summary_document_prepare,
         name="summary_document_prepare"),
    path("reports/<period:period>/summary/<str:kind>/<str:lang>/status/", summary_views.summary_document_status,
         name="summary_document_status"),
    # Issuing the summary (an edition kept as issued) and one report as a document of its own.
    path("reports/<period:period>/summary/issue/", issue_views.summary_issue, name="summary_issue"),
    path("reports/issued/<int:pk>.pdf", issue_views.summary_issued_pdf, name="summary_issued_pdf"),
    path("reports/issued/<int:pk>/try-again/", issue_views.summary_issued_retry, name="summary_issued_retry"),
    # A page per province, and its edition of the summary (PDF, workbook) for whoever may see the province.
    path("provinces/", province_views.province_list, name="provinces"),
    path("provinces/<str:code>/", province_views.province_page, name="province"),
    path("provinces/<str:code>/<period:period>/<str:kind>/<str:lang>/", province_views.province_document,
         name="province_document"),
    path("provinces/<str:code>/<period:period>/<str:kind>/<str:lang>/prepare/", province_views.province_document_prepare,
         name="province_document_prepare"),
    path("provinces/<str:code>/<period:period>/<str:kind>/<str:lang>/status/", province_views.province_document_status,
         name="province_document_status"),
    path("reports/<period:period>/slides/", slides_views.summary_slides, name="summary_slides"),
    path("reports/<period:period>/slides.pdf", summary_views.summary_slides_pdf, name="summary_slides_pdf"),
    path("reports/<int:pk>/report.pdf", record_views.report_pdf, name="report_pdf"),
    path("documents/<str:kind>/<int:pk>/<str:lang>/prepare/", record_views.record_document_prepare,
         name="record_document_prepare"),
    path("documents/<str:kind>/<int:pk>/<str:lang>/status/", record_views.record_document_status,
         name="record_document_status"),
    # The semester review meeting, its recommendations and their progress (reports/meeting_views.py).
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/minutes.pdf", record_views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("meetings/<int:pk>/recommendations/new/", meeting_views.recommendation_create, name="recommendation_create"),
    path("recommendations/<int:pk>/edit/", meeting_views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/progress/", meeting_views.recommendation_note, name="recommendation_note"),
    # The lessons-learned register.
    path("lessons/", meeting_views.lesson_list, name="lesson_list"),
    path("lessons/new/", meeting_views.lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/edit/", meeting_views.lesson_edit, name="lesson_edit"),
]
