from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """Each person's daily work: home page per role, notifications, and the management pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = _("Daily work")
