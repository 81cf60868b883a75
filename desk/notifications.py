"""Messages to staff: the invitation of a new account (and, below, notifications of their work)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from agreements.models import StaffProfile
from desk.models import EmailChoice, Notification, NotificationKind
from desk.tasks import send_invitation_email, send_notification_email
from mrd_ngo.khmer import format_date, format_number, semester_label
from mrd_ngo.roles import Role
from reports import rules


def password_set_url(user) -> str:
    """The one-time link where `user` chooses a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("desk:password_set", args=[uid, default_token_generator.make_token(user)])


def send_invitation(*, user) -> None:
    """Queue the invitation e-mail (the worker sends it once the account is saved)."""
    if user.email:
        transaction.on_commit(lambda: send_invitation_email.enqueue(user_id=user.pk))


def invitation_email(*, user_id: int) -> str:
    """Send the invitation, in Khmer then English (the account has no language yet)."""
    user = get_user_model().objects.get(pk=user_id)
    context = {"user": user, "url": password_set_url(user), "site_url": settings.SITE_URL}
    parts = []
    for lang in ("km", "en"):
        with translation.override(lang):
            parts.append(render_to_string("desk/email/invitation.txt", context).strip())
    with translation.override("km"):
        subject = render_to_string("desk/email/invitation_subject.txt", context).strip()
    send_mail(subject, "\n\n----\n\n".join(parts), None, [user.email])
    return user.email


# ---- Notifications of the users' work ----------------------------------------------------------
#
# The services of `reports` and `agreements` send signals (reports/signals.py, agreements/signals.py)
# inside their transaction; the receivers below write the notifications in that same transaction and
# queue their e-mails for the worker once it commits. Nobody is told of their own action.


def _active(users):
    return [user for user in dict.fromkeys(users) if user is not None and user.is_active]


def reviewers_of(report) -> list:
    """Who reviews `report`: the heads of the department that follows its agreement, else the administrators."""
    User = get_user_model()
    department_id = report.agreement.department_id
    heads = []
    if department_id is not None:
        heads = list(User.objects.filter(
            is_active=True, groups__name=Role.DEPARTMENT_HEAD.value,
            pk__in=StaffProfile.objects.filter(department_id=department_id).values("user_id"),
        ))
    return heads or list(User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.value))


def notify(*, recipients, kind: str, message, url: str = "", key: str = "", by=None) -> list:
    """Write one notification per recipient (not to `by`), in Khmer and English; queue the e-mails.

    `message` is a function called with the language active, returning the text; `key` makes a
    notification that must go out once per recipient (a second `notify` with it writes nothing).
    """
    recipients = [user for user in _active(recipients) if by is None or user.pk != by.pk]
    if not recipients:
        return []
    texts = {}
    for lang in ("km", "en"):
        with translation.override(lang):
            texts[lang] = str(message())
    made = []
    for user in recipients:
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        made.append(Notification.objects.create(recipient=user, kind=kind, text_km=texts["km"], text_en=texts["en"],
                                                url=url, key=key))
    no_email = set(EmailChoice.objects.filter(user__in=recipients, kind=kind, by_email=False).values_list("user_id", flat=True))
    for notification in made:
        if notification.recipient.email and notification.recipient_id not in no_email:
            transaction.on_commit(lambda pk=notification.pk: send_notification_email.enqueue(notification_id=pk))
    return made


def notification_email(*, notification_id: int) -> str:
    """Send one notification by e-mail (Khmer, then English), once."""


    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if notification.emailed_at is not None:
            return "already sent"
        link = settings.SITE_URL + notification.url if notification.url else settings.SITE_URL
        body = f"{notification.text_km}\n{link}\n\n----\n\n{notification.text_en}\n{link}\n"
        send_mail(notification.text_km[:150], body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return notification.recipient.email


def _report_words(report) -> dict:

    return {"ngo": report.ngo.name, "period": semester_label(report.period.year, report.period.half, translation.get_language())}


def on_report_submitted(sender, *, report, by, **kwargs):


    notify(recipients=reviewers_of(report), kind=NotificationKind.REPORT_SUBMITTED, by=by, url=report.get_absolute_url(),
           message=lambda: _("The report of %(ngo)s for %(period)s is submitted and waits for your review.")
           % _report_words(report))


def on_report_returned(sender, *, report, by, **kwargs):


    notify(recipients=[report.created_by, report.submitted_by], kind=NotificationKind.REPORT_RETURNED, by=by,
           url=report.get_absolute_url(),
           message=lambda: _("The report of %(ngo)s for %(period)s is returned for correction: %(comment)s")
           % {**_report_words(report), "comment": report.review_comment})


def on_report_accepted(sender, *, report, by, **kwargs):


    notify(recipients=[report.created_by, report.submitted_by], kind=NotificationKind.REPORT_ACCEPTED, by=by,
           url=report.get_absolute_url(),
           message=lambda: _("The report of %(ngo)s for %(period)s is accepted.") % _report_words(report))


def on_agreement_flagged(sender, *, flag, by, **kwargs):


    agreement = flag.agreement
    notify(recipients=[flag.follow_up_by], kind=NotificationKind.FLAG, by=by, url=agreement.get_absolute_url(),
           message=lambda: _("Agreement %(reference)s of %(ngo)s is flagged for your follow-up: %(note)s") % {
               "reference": agreement.reference_number, "ngo": agreement.ngo.name, "note": flag.note})


def on_renewal_started(sender, *, agreement, successor, by, **kwargs):


    if agreement.department_id is None:
        return
    heads = get_user_model().objects.filter(
        is_active=True, groups__name=Role.DEPARTMENT_HEAD.value,
        pk__in=StaffProfile.objects.filter(department_id=agreement.department_id).values("user_id"))
    notify(recipients=list(heads), kind=NotificationKind.RENEWAL, by=by, url=successor.get_absolute_url(),
           message=lambda: _("A renewal of agreement %(reference)s of %(ngo)s is started: %(successor)s.") % {
               "reference": agreement.reference_number, "ngo": agreement.ngo.name,
               "successor": successor.reference_number})


def notify_deadlines(today=None, days_before=(14, 3)) -> int:
    """Tell the officers who enter reports that the current semester's reports are due in 14 and 3 days (once each)."""
    today = today or timezone.localdate()
    period = rules.current_period(today)
    if period is None or period.is_locked:
        return 0
    days_left = (period.due_date - today).days
    due = [days for days in days_before if 0 <= days_left <= days]
    if not due:
        return 0
    threshold = min(due)  # after days without running, only the most urgent
    officers = get_user_model().objects.filter(
        is_active=True, groups__name__in=[Role.DATA_ENTRY_OFFICER.value, Role.PROVINCIAL_OFFICER.value])

    def message():
        lang = translation.get_language()
        return _("The reports of %(period)s are due on %(due)s, in %(days)s days.") % {
            "period": semester_label(period.year, period.half, lang), "due": format_date(period.due_date, lang),
            "days": format_number(days_left, lang)}

    with transaction.atomic():
        made = notify(recipients=list(officers), kind=NotificationKind.DEADLINE, message=message,
                      url=reverse("reports:completeness", args=[period.code]), key=f"deadline:{period.code}:{threshold}")
    return len(made)
