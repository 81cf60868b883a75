from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MrdNgoConfig(AppConfig):
    """The project package: roles, access rules, Khmer helpers and base views."""

    name = "mrd_ngo"
    verbose_name = _("MRD NGO tracker")

    def ready(self):
        from django.db.models.signals import post_migrate

        from mrd_ngo import middleware, security  # noqa: F401 (connect the login-failure logger, the session renewal at login)
        from mrd_ngo.versions import install_triggers

        # Once per migrate (sent for each app: this one only), after every app's tables exist.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="mrd_data_version")
