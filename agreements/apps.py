from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """NGOs, their cooperation agreements, and the reference data they use."""

    name = "agreements"
    verbose_name = _("NGOs and agreements")
