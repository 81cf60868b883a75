"""Management pages: semesters (create, due date, lock and unlock with a recorded reason) and staff accounts.

Bad input: the message stands next to the field and nothing is written.
"""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from agreements.models import Department, Province
from mrd_ngo.roles import Role, user_role
from reports.models import PeriodLockChange, ReportingPeriod
from tests.factories import ReportingPeriodFactory, UserFactory
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(client, admin_user, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


def field_error(response, name: str) -> str:
    """The error shown next to one field (empty when none)."""
    form = response.context["form"] if "form" in response.context else None
    errors = form.errors.get(name, []) if form is not None else []
    if errors:
        assert f'data-testid="error-{name}"' in response.content.decode()
    return " ".join(errors)


# ---- Semesters -------------------------------------------------------------------------------

def test_an_administrator_opens_a_semester(admin):
    response = admin.post("/manage/semesters/new/", {"year": "2025", "half": "1", "due_date": "2025-07-31"})
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(year=2025, half=1)
    assert period.due_date == datetime.date(2025, 7, 31) and not period.is_locked
    assert admin.get(response.url).status_code == 200


def test_a_semester_in_khmer_digits_is_read(client, admin_user):
    client.force_login(admin_user)  # Khmer page
    response = client.post("/manage/semesters/new/", {"year": "២០២៥", "half": "2", "due_date": "2026-01-31"})
    assert response.status_code == 302 and ReportingPeriod.objects.filter(year=2025, half=2).exists()


@pytest.mark.parametrize("data, field, message", [
    ({"year": "2025", "half": "1", "due_date": "2025-06-30"}, "due_date", "after the semester's last day"),
    ({"year": "2025", "half": "3", "due_date": "2025-07-31"}, "half", "Select a valid choice"),
    ({"year": "1800", "half": "1", "due_date": "2025-07-31"}, "year", "greater than or equal to 1990"),
    ({"year": "2025", "half": "1", "due_date": "2025-02-30"}, "due_date", "Enter a valid date"),
    ({"year": "2024", "half": "1", "due_date": "2024-07-31"}, "half", "already exists"),
])
def test_a_bad_semester_is_refused_next_to_the_field_and_nothing_is_written(admin, data, field, message):
    ReportingPeriodFactory(year=2024, half=1)
    before = ReportingPeriod.objects.count()
    response = admin.post("/manage/semesters/new/", data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert ReportingPeriod.objects.count() == before


def test_the_due_date_changes_and_a_bad_one_is_refused(admin):
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    response = admin.post(f"/manage/semesters/{period.code}/", {"due-due_date": "2024-06-01"})
    assert response.status_code == 400
    assert "after the semester's last day" in " ".join(response.context["due_form"].errors["due_date"])
    period.refresh_from_db()
    assert period.due_date == datetime.date(2024, 7, 31)
    assert admin.post(f"/manage/semesters/{period.code}/", {"due-due_date": "2024-08-15"}).status_code == 302
    period.refresh_from_db()
    assert period.due_date == datetime.date(2024, 8, 15)


def test_lock_and_unlock_need_a_reason_and_each_is_recorded_and_listed(admin, admin_user):
    period = ReportingPeriodFactory(year=2024, half=1)
    url = f"/manage/semesters/{period.code}/lock/"
    response = admin.post(url, {"lock-reason": "   "})
    assert response.status_code == 400 and response.context["lock_form"].errors["reason"]
    period.refresh_from_db()
    assert not period.is_locked and not PeriodLockChange.objects.exists()

    assert admin.post(url, {"lock-reason": "The meeting reviewed the summary"}).status_code == 302
    assert admin.post(url, {"lock-reason": "A late report from Siem Reap"}).status_code == 302
    period.refresh_from_db()
    assert not period.is_locked
    assert [(c.locked, c.reason, c.changed_by) for c in period.lock_changes.order_by("changed_at")] == [
        (True, "The meeting reviewed the summary", admin_user), (False, "A late report from Siem Reap", admin_user),
    ]
    page = admin.get(f"/manage/semesters/{period.code}/").content.decode()
    assert "The meeting reviewed the summary" in page and "A late report from Siem Reap" in page


def test_the_semester_list_filters_those_to_lock_and_exports_them(admin):
    ReportingPeriodFactory(year=2023, half=2, due_date=datetime.date(2024, 1, 31), is_locked=True)
    ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    ReportingPeriodFactory(year=2099, half=1, due_date=datetime.date(2099, 7, 31))
    assert admin.get("/manage/semesters/").context["table"].paginator.count == 3
    assert admin.get("/manage/semesters/?to_lock=true").context["table"].paginator.count == 1
    csv = admin.get("/manage/semesters/?to_lock=true&_export=csv").getvalue().decode()
    assert "2024-07-31" in csv and "2099" not in csv and "2024-01-31" not in csv


# ---- Staff accounts --------------------------------------------------------------------------

INVITE = {"username": "sophea", "first_name": "Sophea", "last_name": "Chan", "email": "sophea@mrd.gov.kh",
          "role": Role.DEPARTMENT_HEAD.value, "department": "", "province": ""}


def test_an_administrator_invites_a_head_who_chooses_a_password_through_the_emailed_link(
    admin, client, django_capture_on_commit_callbacks
):
    department = Department.objects.get(code="rural-roads")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/manage/users/new/", {**INVITE, "department": department.pk})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="sophea")
    assert user_role(user) == Role.DEPARTMENT_HEAD and user.staff_profile.department == department
    assert not user.has_usable_password() and not user.is_staff
    assert mail.outbox == []  # sent by the worker, not in the request
    assert run_queued_tasks() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sophea@mrd.gov.kh"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = type(client)()
    response = anonymous.get("/" + path, follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = anonymous.post(form_url, {"new_password1": "a-long-new-password-42", "new_password2": "a-long-new-password-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-password-42")


@pytest.mark.parametrize("changes, field, message", [
    ({"role": Role.PROVINCIAL_OFFICER.value}, "province", "works for one province"),
    ({"role": Role.DEPARTMENT_HEAD.value}, "department", "choose it"),
    ({"role": Role.DATA_ENTRY_OFFICER.value, "province": "siem_reap"}, "province", "Only a provincial officer"),
    ({"role": Role.PROVINCIAL_OFFICER.value, "province": "siem_reap", "department": "pdrd-02"}, "department",
     "not in the province chosen"),
    ({"username": "admin_user"}, "username", "already exists"),
    ({"username": "bad name!"}, "username", "Enter a valid username"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"email": ""}, "email", "required"),
    ({"role": "Superhero"}, "role", "Select a valid choice"),
])
def test_a_bad_invitation_is_refused_next_to_the_field_and_nothing_is_written(admin, siem_reap, changes, field, message):
    data = {**INVITE, "role": Role.DATA_ENTRY_OFFICER.value, **changes}
    if data.get("province") == "siem_reap":
        data["province"] = siem_reap.pk
    if str(data.get("department", "")).startswith("pdrd-"):
        data["department"] = Department.objects.get(code=data["department"]).pk
    before = get_user_model().objects.count()
    response = admin.post("/manage/users/new/", data)  # an invitation would be queued when the request commits
    assert response.status_code == 400
    assert message.lower() in field_error(response, field).lower()
    assert get_user_model().objects.count() == before
    assert run_queued_tasks() == 0


def test_an_administrator_moves_and_deactivates_a_user_but_not_themselves(admin, admin_user, officer_user, siem_reap):
    pdrd = Department.objects.get(province=siem_reap)
    data = {"first_name": "Dara", "last_name": "Kim", "email": "dara@mrd.gov.kh", "role": Role.PROVINCIAL_OFFICER.value,
            "department": pdrd.pk, "province": siem_reap.pk, "is_active": "on"}
    assert admin.post(f"/manage/users/{officer_user.pk}/", data).status_code == 302
    officer_user = get_user_model().objects.get(pk=officer_user.pk)
    assert user_role(officer_user) == Role.PROVINCIAL_OFFICER
    assert (officer_user.staff_profile.province, officer_user.staff_profile.department) == (siem_reap, pdrd)
    data.pop("is_active")
    assert admin.post(f"/manage/users/{officer_user.pk}/", data).status_code == 302
    officer_user.refresh_from_db()
    assert not officer_user.is_active

    mine = {"first_name": "", "last_name": "", "email": "", "role": Role.ADMINISTRATOR.value, "department": "", "province": ""}
    response = admin.post(f"/manage/users/{admin_user.pk}/", mine)  # no is_active: deactivating oneself
    assert response.status_code == 400 and "your own account" in field_error(response, "is_active")
    response = admin.post(f"/manage/users/{admin_user.pk}/", {**mine, "is_active": "on", "role": Role.DATA_ENTRY_OFFICER.value})
    assert response.status_code == 400 and "your own administrator role" in field_error(response, "role")
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_user_list_shows_roles_departments_and_provinces_in_a_fixed_number_of_queries(
    admin, head_user, provincial_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin.get("/manage/users/")
    for n in range(15):
        UserFactory(role=Role.DATA_ENTRY_OFFICER, department="planning")
    with CaptureQueriesContext(connection) as many:
        response = admin.get("/manage/users/")
    assert len(many) == len(few)
    page = response.content.decode()
    assert "Department head" in page and "Department of Rural Water Supply" in page and "Siem Reap" in page
    assert response.context["table"].paginator.count == get_user_model().objects.count()


@pytest.mark.parametrize("url", ["/manage/semesters/", "/manage/semesters/new/", "/manage/users/", "/manage/users/new/"])
def test_management_pages_are_for_administrators_only(client, url, officer_user, head_user, provincial_user):
    for user in (officer_user, head_user, provincial_user):
        client.force_login(user)
        assert client.get(url).status_code == 403, user


def test_provinces_have_one_provincial_department_each():
    assert Department.objects.filter(province__isnull=False).count() == Province.objects.count() == 25
    assert Department.objects.filter(province__isnull=True).count() == 8
    assert Department.objects.get(province__code="17").name_en == "Provincial Department of Rural Development, Siem Reap"


def test_the_django_admin_renders_with_the_apps_khmer_fonts(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get("/admin/agreements/department/").content.decode()
    assert "css/fonts.css" in page and "css/admin.css" in page
    assert "មន្ទីរអភិវឌ្ឍន៍ជនបទខេត្តសៀមរាប" in page  # the provincial departments are listed in Khmer
