from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reporting periods, semester progress reports and the consolidated summary."""

    name = "reports"
    verbose_name = _("Semester reports")
