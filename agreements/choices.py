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


class NoticeThreshold(models.TextChoices):
    """The moments an expiry notice is e-mailed, least urgent first (see `notices_send_due`)."""

    DAYS_90 = "90", _("90 days before the end")
    DAYS_60 = "60", _("60 days before the end")
    DAYS_30 = "30", _("30 days before the end")
    EXPIRED = "expired", _("Expired without renewal")

    @classmethod
    def due_on(cls, valid_to, today) -> "NoticeThreshold | None":
        """The most urgent threshold an agreement ending on `valid_to` has crossed by `today`."""
        days_left = (valid_to - today).days
        if days_left < 0:
            return cls.EXPIRED
        for threshold in (cls.DAYS_30, cls.DAYS_60, cls.DAYS_90):
            if days_left <= int(threshold.value):
                return threshold
        return None
