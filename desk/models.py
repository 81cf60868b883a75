"""Notifications to staff, their e-mail choices, reminders sent to NGOs, and calendar feed keys."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.models import NGO
from reports.models import ReportingPeriod


class NotificationKind(models.TextChoices):
    """What a notification is about; each user chooses per kind whether it is also e-mailed."""

    REPORT_SUBMITTED = "report_submitted", _("A report is submitted for your review")
    REPORT_RETURNED = "report_returned", _("A report of yours is returned for correction")
    REPORT_ACCEPTED = "report_accepted", _("A report of yours is accepted")
    FLAG = "flag", _("An agreement is flagged for your follow-up")
    RENEWAL = "renewal", _("A renewal is started for an agreement of your department")
    DEADLINE = "deadline", _("A semester's reports are due soon")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know about their work; shown under the bell, maybe e-mailed."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # Written in both languages when it is made: the page shows the one of the page.
    text_km = models.TextField()
    text_en = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    # Makes a notification that must go out once (a deadline) unique per recipient.
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.kind}"

    @property
    def text(self) -> str:
        return self.text_en if get_language() == "en" else self.text_km


class EmailChoice(models.Model):
    """Whether a user wants notifications of one kind by e-mail too (no row: yes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choices")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    by_email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_choice_once_per_kind")]


class NGOReminder(models.Model):
    """A reminder e-mailed to an NGO that has not reported for a semester; at most one per NGO and day."""

    ngo = models.ForeignKey(NGO, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("NGO"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders",
                               verbose_name=_("semester"))
    sent_on = models.DateField(_("date"))
    sent_at = models.DateTimeField(_("at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("by"))
    recipients = models.TextField(_("recipients"))
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder to an NGO")
        verbose_name_plural = _("reminders to NGOs")
        constraints = [models.UniqueConstraint(fields=["ngo", "sent_on"], name="reminder_once_per_ngo_and_day")]

    def __str__(self) -> str:
        return f"{self.ngo} {self.period} {self.sent_on}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's private calendar address (iCalendar); a new key revokes the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} calendar"
