from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """Each person's daily work: home page per role, notifications, and the management pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = _("Daily work")

    def ready(self):
        from agreements import signals as agreement_signals
        from desk import notifications
        from reports import signals as report_signals

        report_signals.report_submitted.connect(notifications.on_report_submitted, dispatch_uid="desk.submitted")
        report_signals.report_returned.connect(notifications.on_report_returned, dispatch_uid="desk.returned")
        report_signals.report_accepted.connect(notifications.on_report_accepted, dispatch_uid="desk.accepted")
        agreement_signals.agreement_flagged.connect(notifications.on_agreement_flagged, dispatch_uid="desk.flagged")
        agreement_signals.agreement_renewal_started.connect(notifications.on_renewal_started, dispatch_uid="desk.renewal")
