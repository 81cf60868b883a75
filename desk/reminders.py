"""Reminding the NGOs that have not reported for a semester: one action, at most one e-mail per NGO and day.

Who is missing is the completeness rule (`reports.completeness.period_completeness`, among what the
sender may see). Each reminder is recorded (`NGOReminder`, listed on the NGO's page) in the same
transaction that queues its e-mail for the worker; the database refuses a second one for the same NGO
and day, so two people clicking at once send one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement
from desk.models import NGOReminder
from desk.tasks import send_reminder_email
from reports.completeness import period_completeness


@dataclass
class ReminderRun:
    """What one click did."""

    sent: list = field(default_factory=list)  # NGOReminder rows made
    already_today: int = 0
    without_address: list = field(default_factory=list)  # NGOs with no e-mail address


def remind_missing(*, by, period) -> ReminderRun:
    """Queue a reminder to every NGO that has not reported for `period` (those `by` may see), once per NGO and day."""
    if not by.has_perm("desk.add_ngoreminder"):
        raise PermissionDenied(_("You may not send reminders."))
    today = timezone.localdate()
    run = ReminderRun()
    missing = list(period_completeness(period, by).missing)
    focal = dict(Agreement.objects.filter(pk__in=[item.agreement.pk for item in missing])
                 .values_list("pk", "ngo_focal_email"))
    done_today = set(NGOReminder.objects.filter(sent_on=today, ngo__in=[item.ngo for item in missing])
                     .values_list("ngo_id", flat=True))
    with transaction.atomic():
        for item in missing:
            if item.ngo.pk in done_today:
                run.already_today += 1
                continue
            recipients = sorted({address for address in (focal.get(item.agreement.pk), item.ngo.email) if address})
            if not recipients:
                run.without_address.append(item.ngo)
                continue
            try:
                with transaction.atomic():
                    reminder = NGOReminder.objects.create(ngo=item.ngo, period=period, sent_on=today, sent_by=by,
                                                          recipients=", ".join(recipients))
            except IntegrityError:  # someone else reminded it a moment ago
                run.already_today += 1
                continue
            run.sent.append(reminder)
            transaction.on_commit(lambda pk=reminder.pk: send_reminder_email.enqueue(reminder_id=pk))
    return run


def reminder_email(*, reminder_id: int) -> str:
    """Send one reminder (Khmer, then English), once."""

    with transaction.atomic():
        reminder = NGOReminder.objects.select_for_update().select_related("ngo", "period").get(pk=reminder_id)
        if reminder.emailed_at is not None:
            return "already sent"
        context = {"reminder": reminder, "ngo": reminder.ngo, "period": reminder.period}
        parts = []
        for lang in ("km", "en"):
            with translation.override(lang):
                parts.append(render_to_string("desk/email/reminder.txt", context).strip())
        with translation.override("km"):
            subject = render_to_string("desk/email/reminder_subject.txt", context).strip()
        send_mail(subject, "\n\n----\n\n".join(parts), None, reminder.recipients.split(", "))
        reminder.emailed_at = timezone.now()
        reminder.save(update_fields=["emailed_at"])
    return reminder.recipients
