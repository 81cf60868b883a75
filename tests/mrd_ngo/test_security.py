"""Hardening: throttling, sessions, headers, error pages, deployment checks."""
import datetime
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from mrd_ngo.roles import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.axes
def test_repeated_failed_logins_lock_the_account_for_a_while(client, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="dara", role=Role.DATA_ENTRY_OFFICER)
    with caplog.at_level(logging.WARNING, logger="mrd_ngo.security"):
        for _ in range(2):
            assert login(client, "dara", "wrong").status_code == 200
        locked = login(client, "dara", "wrong")
    assert locked.status_code == 429
    assert "data-testid=\"locked-out\"" in locked.content.decode()
    # Even the right password is refused during the cool-off period.
    assert login(client, "dara", "correct-horse-battery").status_code == 429
    assert "login failed: username='dara' address=10.0.0.7" in caplog.text


@pytest.mark.axes
def test_a_successful_login_works_with_throttling_on(client):
    UserFactory(username="dara", role=Role.DATA_ENTRY_OFFICER)
    response = login(client, "dara", "correct-horse-battery")
    assert response.status_code == 302 and response.url == reverse("home")


def test_session_expires_after_30_idle_minutes_and_is_renewed_while_used(settings, client, officer_user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(datetime.datetime(2024, 7, 1, 8, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client.force_login(officer_user)  # signing in saves the session: 30 minutes from now
        first_expiry = Session.objects.get().expire_date
        assert first_expiry == timezone.now() + datetime.timedelta(minutes=30)

        clock.shift(datetime.timedelta(seconds=30))  # within the minute: the session is not written again
        response = client.get(reverse("home"))
        assert response.status_code == 200 and "sessionid" not in response.cookies
        assert Session.objects.get().expire_date == first_expiry

        for _ in range(3):  # used every 20 minutes for an hour: still signed in, the expiry follows
            clock.shift(datetime.timedelta(minutes=20))
            response = client.get(reverse("home"))
            assert response.status_code == 200
            assert response.cookies["sessionid"]["max-age"] == 30 * 60
        assert Session.objects.get().expire_date == first_expiry + datetime.timedelta(minutes=60, seconds=30)

        clock.shift(datetime.timedelta(minutes=30, seconds=1))  # left alone for 30 minutes: signed out
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logout_ends_the_session(client, officer_user):
    client.force_login(officer_user)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_pages_carry_security_headers(client, officer_user):
    client.force_login(officer_user)
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_our_templates_have_no_inline_scripts_styles_or_handlers():
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style[\s>]", text) \
                or re.search(r"\sstyle=\"", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_error_pages_are_bilingual_and_leak_nothing(client, officer_user):
    client.force_login(officer_user)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "រកមិនឃើញទំព័រ" in body and "Page not found" in body
    assert "Traceback" not in body and "urlpatterns" not in body.lower()


def test_server_errors_show_the_bilingual_500_page(client, officer_user, settings):
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "មានបញ្ហាកើតឡើង" in body and "Something went wrong" in body


def test_denied_access_is_logged_with_user_and_address(rf, officer_user, caplog):
    from django.core.exceptions import PermissionDenied

    from mrd_ngo.security import permission_denied

    request = rf.get("/admin/", REMOTE_ADDR="10.1.2.3")
    request.user = officer_user
    with caplog.at_level(logging.WARNING, logger="mrd_ngo.security"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "access denied: user='officer_user' path=/admin/ address=10.1.2.3" in caplog.text


def test_admin_is_for_administrators_only(client, officer_user, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(officer_user)
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    officer_user.is_staff = True  # marked staff by mistake: still not an administrator
    officer_user.save()
    client.force_login(officer_user)
    assert client.get("/admin/").status_code == 302


# The deployment check with production settings: tests/mrd_ngo/test_deploy.py (a clean environment).


def test_debug_is_never_on_by_default():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mrd_ngo.settings';"
         "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr
