"""Who changed whose access (history), administrators lift lock-outs, and signed-in pages are never cached."""
import pghistory
import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services
from agreements.models import StaffAccountEvent, StaffProfile, StaffProfileEvent, StaffRoleEvent
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def administrator(db):
    """An Administrator (the role, with the staff flag the admin site needs), not a superuser."""
    user = UserFactory(username="chief", role=Role.ADMINISTRATOR)
    user.is_staff = True
    user.save()
    return user


def signed_in(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---- History of roles, staff flags and provinces -------------------------------------------------

def test_giving_and_taking_a_role_is_recorded_with_who_did_it(administrator, siem_reap):
    officer = UserFactory(username="dara")
    group = Group.objects.get(name=Role.PROVINCIAL_OFFICER.value)
    with pghistory.context(user=administrator.pk):
        officer.groups.add(group)
        officer.groups.remove(group)
    events = StaffRoleEvent.objects.filter(user_id=officer.pk).select_related("pgh_context").order_by("pgh_id")
    assert [(e.pgh_label, e.group_id) for e in events] == [("add", group.pk), ("remove", group.pk)]
    assert {e.pgh_context.metadata["user"] for e in events} == {administrator.pk}


def test_staff_flags_are_recorded_but_logins_and_passwords_are_not(administrator):
    officer = UserFactory(username="dara")
    with pghistory.context(user=administrator.pk):
        officer.is_staff = True
        officer.save()
    officer.set_password("another-long-password")
    officer.save()
    events = StaffAccountEvent.objects.filter(id=officer.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.is_staff) for e in events] == [("insert", False), ("update", True)]
    assert not hasattr(events.first(), "password")


def test_changing_a_province_in_the_staff_profile_is_recorded(administrator, siem_reap, battambang):
    officer = UserFactory(username="dara", role=Role.PROVINCIAL_OFFICER, province=siem_reap)
    profile = StaffProfile.objects.get(user=officer)
    with pghistory.context(user=administrator.pk):
        profile.province = battambang
        profile.save()
    events = StaffProfileEvent.objects.filter(user_id=officer.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.province_id) for e in events] == [("insert", siem_reap.pk), ("update", battambang.pk)]


def test_a_role_given_in_the_admin_site_is_recorded_with_the_administrator(client, administrator):
    officer = UserFactory(username="dara")
    group = Group.objects.get(name=Role.DATA_ENTRY_OFFICER.value)
    admin = signed_in(client, administrator)
    page = admin.get(f"/admin/auth/user/{officer.pk}/change/")
    assert page.status_code == 200
    data = {
        "username": "dara", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "groups": [str(group.pk)], "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2024-01-01", "initial-date_joined_1": "08:00:00",
    }
    response = admin.post(f"/admin/auth/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = StaffRoleEvent.objects.select_related("pgh_context").get(user_id=officer.pk, pgh_label="add")
    assert event.group_id == group.pk
    assert event.pgh_context.metadata["user"] == administrator.pk


# ---- Administrators unlock locked-out users (SECURITY.md) -----------------------------------------

@pytest.mark.axes
def test_an_administrator_unlocks_a_locked_out_user_in_the_admin(client, administrator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="dara", role=Role.DATA_ENTRY_OFFICER)

    def log_in(password):
        return client.post(reverse("login"), {"username": "dara", "password": password}, REMOTE_ADDR="10.0.0.7")

    for _ in range(3):
        log_in("wrong")
    assert log_in("correct-horse-battery").status_code == 429  # locked out

    admin = signed_in(client, administrator)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "dara" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="dara")
    assert admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="dara").exists()

    client.logout()
    assert log_in("correct-horse-battery").status_code == 302  # in again


def test_other_roles_cannot_reach_the_lock_outs(client):
    head = UserFactory(role=Role.DEPARTMENT_HEAD)
    head.is_staff = True  # marked staff by mistake
    head.save()
    assert signed_in(client, head).get("/admin/axes/accessattempt/").status_code == 302


# ---- Nothing a signed-in user sees is cached ---------------------------------------------------------

def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_exports_and_downloads_of_signed_in_users_are_not_cached(client, administrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory()
    services.agreement_attach_document(agreement=agreement, by=administrator, upload=SimpleUploadedFile(
        "signed.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"))
    client = signed_in(client, administrator)
    for url in ["/", f"/agreements/{agreement.pk}/", f"/ngos/{agreement.ngo_id}/", "/agreements/?_export=csv",
                "/ngos/?_export=xlsx", f"/agreements/{agreement.pk}/document/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
        assert "private" in response["Cache-Control"], url
