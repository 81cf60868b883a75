"""Messages to staff: the invitation of a new account (and, below, notifications of their work)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def password_set_url(user) -> str:
    """The one-time link where `user` chooses a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("desk:password_set", args=[uid, default_token_generator.make_token(user)])


def send_invitation(*, user) -> None:
    """Queue the invitation e-mail (the worker sends it once the account is saved)."""
    from desk.tasks import send_invitation_email

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
