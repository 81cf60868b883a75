from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reporting periods, semester progress reports and the consolidated summary."""

    name = "reports"
    verbose_name = _("Semester reports")

    def ready(self):
        from reports import checks  # noqa: F401  (registers the data check of `manage.py check --database default`)
        from reports import record_pdfs  # noqa: F401  (a deleted report or meeting takes its kept PDFs with it)
