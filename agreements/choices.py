"""Choices of the agreements app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class NGOKind(models.TextChoices):
    LOCAL = "local", _("Local")
    INTERNATIONAL = "international", _("International")


class AgreementStatus(models.TextChoices):
    """Derived from dates and links, never stored."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    TERMINATED = "terminated", _("Terminated")
