"""Notifications: who is told of what, the bell, marked read when opened, e-mail per kind through the worker;
reminders to the NGOs that have not reported, once per NGO and day, recorded on the NGO's page."""
import datetime

import pytest
from django.core import mail

from agreements import services as agreement_services
from desk.models import EmailChoice, NGOReminder, Notification, NotificationKind
from desk.notifications import notify_deadlines
from mrd_ngo.roles import Role
from reports import services
from reports.choices import ReportStatus
from tests.factories import (
    AgreementFactory, IndicatorValueFactory, ProgressReportFactory, ReportingPeriodFactory, UserFactory,
)
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(officer_user, head_user, other_head_user, admin_user):
    for user in (officer_user, head_user, other_head_user, admin_user):
        user.email = f"{user.username}@mrd.gov.kh"
        user.save()
    return {"officer": officer_user, "head": head_user, "other_head": other_head_user, "admin": admin_user}


@pytest.fixture
def draft(people, siem_reap):
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], ngo__name_en="Clean Water NGO"),
                                   period=period, created_by=people["officer"])
    IndicatorValueFactory(report=report, province=siem_reap)
    return report


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_submitting_tells_the_heads_of_the_department_and_reviewing_tells_the_officer(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(user=people["officer"], report=draft)
    assert kinds_of(people["head"]) == [NotificationKind.REPORT_SUBMITTED]
    assert kinds_of(people["other_head"]) == [] and kinds_of(people["officer"]) == [] and kinds_of(people["admin"]) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(user=people["head"], report=draft, comment="Add the female beneficiaries.")
    notification = Notification.objects.get(recipient=people["officer"])
    assert notification.kind == NotificationKind.REPORT_RETURNED
    assert "Add the female beneficiaries." in notification.text_en and "Clean Water NGO" in notification.text_en
    assert notification.url == draft.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(user=people["officer"], report=draft)
        services.report_accept(user=people["head"], report=draft)
    assert kinds_of(people["officer"]) == [NotificationKind.REPORT_RETURNED, NotificationKind.REPORT_ACCEPTED]
    # Every notification went out by e-mail, through the worker, once.
    assert mail.outbox == []
    assert run_queued_tasks() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head_user@mrd.gov.kh", "head_user@mrd.gov.kh", "officer_user@mrd.gov.kh", "officer_user@mrd.gov.kh"]
    assert all(m.body.count(draft.get_absolute_url()) == 2 for m in mail.outbox)  # Khmer, then English
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_report_of_an_agreement_without_department_is_announced_to_the_administrators(
    people, draft, django_capture_on_commit_callbacks
):
    draft.agreement.department = None
    draft.agreement.save()
    services.report_submit(user=people["officer"], report=draft)
    assert kinds_of(people["admin"]) == [NotificationKind.REPORT_SUBMITTED] and kinds_of(people["head"]) == []


def test_who_turned_off_e_mail_for_a_kind_still_sees_it_under_the_bell(people, draft, django_capture_on_commit_callbacks):
    EmailChoice.objects.create(user=people["head"], kind=NotificationKind.REPORT_SUBMITTED, by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(user=people["officer"], report=draft)
    assert kinds_of(people["head"]) == [NotificationKind.REPORT_SUBMITTED]
    assert run_queued_tasks() == 0 and mail.outbox == []


def test_the_email_choices_page_saves_per_kind(client, people):
    client.force_login(people["head"])
    data = {kind.value: "on" for kind in NotificationKind if kind != NotificationKind.RENEWAL}
    assert client.post("/notifications/email/", data).status_code == 302
    assert dict(EmailChoice.objects.filter(user=people["head"]).values_list("kind", "by_email")) == {
        kind.value: kind != NotificationKind.RENEWAL for kind in NotificationKind}


def test_flags_and_renewals_are_announced(people, draft):
    agreement = draft.agreement
    agreement_services.agreement_flag(agreement=agreement, by=people["admin"], note="Ask for the letter",
                                      follow_up_by=people["officer"])
    assert kinds_of(people["officer"]) == [NotificationKind.FLAG]
    agreement_services.agreement_renew(agreement=agreement, by=people["admin"], reference_number="MRD-RENEWED-1",
                                       valid_from=agreement.valid_to + datetime.timedelta(days=1),
                                       valid_to=agreement.valid_to + datetime.timedelta(days=1000))
    assert kinds_of(people["head"]) == [NotificationKind.RENEWAL] and kinds_of(people["other_head"]) == []


def test_the_bell_counts_unread_and_opening_one_marks_it_read(client, people, draft, settings):
    services.report_submit(user=people["officer"], report=draft)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people["head"])
    page = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    notification = Notification.objects.get(recipient=people["head"])
    listing = client.get("/notifications/").content.decode()
    assert "waits for your review" in listing
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    # Someone else's notification is not theirs to open.
    client.force_login(people["other_head"])
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404


def test_deadline_notices_go_to_the_officers_once_per_threshold():
    officer = UserFactory(role=Role.DATA_ENTRY_OFFICER)
    UserFactory(role=Role.DEPARTMENT_HEAD, department="planning")
    ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    assert notify_deadlines(today=datetime.date(2024, 7, 10)) == 0  # 21 days before: nothing yet
    assert notify_deadlines(today=datetime.date(2024, 7, 17)) == 1  # 14 days before
    assert notify_deadlines(today=datetime.date(2024, 7, 18)) == 0  # already told
    assert notify_deadlines(today=datetime.date(2024, 7, 29)) == 1  # 2 days before: the 3-day notice
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE).count() == 2
    assert set(Notification.objects.values_list("recipient", flat=True)) == {officer.pk}


def test_one_click_reminds_every_ngo_that_has_not_reported_once_a_day(
    client, people, draft, siem_reap, django_capture_on_commit_callbacks, settings
):
    silent = AgreementFactory(provinces=[siem_reap], ngo__name_en="Silent NGO", ngo__email="", ngo_focal_email="")
    reported = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap]), period=draft.period,
                                     status=ReportStatus.SUBMITTED,
                                     submitted_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{draft.period.code}/remind/", follow=True)
    body = response.content.decode()
    assert "Reminders queued for 1 NGOs; 0 were already reminded today." in body
    assert "No e-mail address for: Silent NGO" in body
    assert list(NGOReminder.objects.values_list("ngo", flat=True)) == [draft.ngo_id]
    assert reported.ngo_id not in NGOReminder.objects.values_list("ngo", flat=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{draft.period.code}/remind/", follow=True)
    assert "Reminders queued for 0 NGOs; 1 were already reminded today." in response.content.decode()
    assert run_queued_tasks() == 1
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {"focal@example.org", draft.ngo.email}
    assert "Clean Water NGO" in mail.outbox[0].body
    page = client.get(draft.ngo.get_absolute_url()).content.decode()
    assert 'data-testid="ngo-reminders"' in page
    assert silent.ngo.reminders.count() == 0


def test_heads_may_not_send_reminders(client, people, draft):
    client.force_login(people["head"])
    assert client.post(f"/reports/{draft.period.code}/remind/").status_code == 403
    assert not NGOReminder.objects.exists()
