from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MrdNgoConfig(AppConfig):
    """The project package: roles, access rules, Khmer helpers and base views."""

    name = "mrd_ngo"
    verbose_name = _("MRD NGO tracker")

    def ready(self):
        from mrd_ngo import middleware, security  # noqa: F401 (connect the login-failure logger, the session renewal at login)
