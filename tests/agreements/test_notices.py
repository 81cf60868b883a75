"""Expiry notices: once per agreement and threshold, over repeated runs and skipped days (frozen time)."""
import datetime
import zoneinfo
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from agreements.models import ExpiryNotice
from tests.factories import AgreementFactory, NGOFactory

D = datetime.date
PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
END = D(2024, 12, 31)
pytestmark = pytest.mark.django_db


def run_on(day: datetime.date, *args) -> str:
    """Run `manage.py notify_expiring` as cron would at 06:00 in Phnom Penh on `day`; return its output."""
    out = StringIO()
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, tzinfo=PHNOM_PENH), tick=False):
        call_command("notify_expiring", *args, stdout=out)
    return out.getvalue()


def days_before_end(days: int) -> datetime.date:
    return END - datetime.timedelta(days=days)


@pytest.fixture
def agreement():
    ngo = NGOFactory(email="office@ngo.org")
    return AgreementFactory(ngo=ngo, reference_number="MRD-N", valid_from=D(2022, 1, 1), valid_to=END,
                            ngo_focal_email="focal@ngo.org", mrd_focal_email="focal@mrd.gov.kh")


def sent(agreement) -> list[str]:
    return list(ExpiryNotice.objects.filter(agreement=agreement).order_by("sent_at").values_list("threshold", flat=True))


def test_nothing_is_sent_before_90_days(agreement):
    run_on(days_before_end(91))
    assert mail.outbox == [] and sent(agreement) == []


def test_the_90_day_notice_goes_to_the_ngo_contact_and_the_ministry_focal_person(agreement):
    output = run_on(days_before_end(90))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["focal@ngo.org", "focal@mrd.gov.kh"]
    assert "MRD-N" in message.subject and "90" in message.subject
    assert "ends on 31 December 2024, in 90 days" in message.body
    assert "៣១ ធ្នូ ២០២៤" in message.body  # the Khmer part comes first
    assert "Request letter" in message.body
    assert "sent      90 MRD-N" in output
    assert sent(agreement) == ["90"]


def test_running_again_the_same_day_or_the_next_days_sends_nothing_more(agreement):
    for _ in range(3):
        run_on(days_before_end(90))
    run_on(days_before_end(89))
    run_on(days_before_end(75))
    assert len(mail.outbox) == 1
    assert sent(agreement) == ["90"]


def test_each_threshold_is_sent_once_as_the_end_approaches_and_passes(agreement):
    for days in range(95, -10, -1):  # run every day from 95 days before the end to 9 days after
        run_on(days_before_end(days))
    assert sent(agreement) == ["90", "60", "30", "expired"]
    assert len(mail.outbox) == 4
    assert "has expired" in mail.outbox[-1].subject


def test_after_skipped_days_only_the_most_urgent_notice_is_sent(agreement):
    run_on(days_before_end(95))
    run_on(days_before_end(55))  # the command did not run while the agreement crossed 90 and 60 days
    assert sent(agreement) == ["60"]
    run_on(days_before_end(54))
    run_on(days_before_end(-3))  # skipped past 30 days and the end
    assert sent(agreement) == ["60", "expired"]
    assert len(mail.outbox) == 2


def test_the_ngo_address_is_used_when_the_agreement_has_no_ngo_focal_email(agreement):
    agreement.ngo_focal_email = ""
    agreement.save()
    run_on(days_before_end(30))
    assert mail.outbox[0].to == ["office@ngo.org", "focal@mrd.gov.kh"]


def test_no_address_means_no_notice_and_it_is_tried_again_later(agreement):
    agreement.ngo_focal_email = agreement.mrd_focal_email = ""
    agreement.save()
    agreement.ngo.email = ""
    agreement.ngo.save()
    output = run_on(days_before_end(30))
    assert "NOT sent" in output and "no e-mail address" in output
    assert sent(agreement) == []
    agreement.mrd_focal_email = "focal@mrd.gov.kh"
    agreement.save()
    run_on(days_before_end(29))
    assert sent(agreement) == ["30"]


def test_renewed_terminated_and_draft_agreements_get_no_notice(agreement):
    AgreementFactory(ngo=agreement.ngo, valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31), renews=agreement)
    terminated = AgreementFactory(valid_to=END, terminated_on=D(2024, 12, 1), termination_reason="Closed")
    draft = AgreementFactory(valid_to=END, signed_on=None)
    run_on(days_before_end(30))
    run_on(days_before_end(-1))
    assert mail.outbox == []
    assert not ExpiryNotice.objects.filter(agreement__in=[agreement, terminated, draft]).exists()


def test_a_renewal_in_progress_still_gets_countdown_notices_but_no_expired_notice(agreement):
    AgreementFactory(ngo=agreement.ngo, valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31), renews=agreement,
                     signed_on=None)
    run_on(days_before_end(30))
    run_on(days_before_end(-1))
    assert sent(agreement) == ["30"]


def test_agreements_that_ended_long_before_are_not_announced(agreement):
    run_on(END + datetime.timedelta(days=91))
    assert sent(agreement) == []
    run_on(END + datetime.timedelta(days=90))
    assert sent(agreement) == ["expired"]


def test_dry_run_lists_the_notices_due_without_sending_or_recording(agreement):
    output = run_on(days_before_end(60), "--dry-run")
    assert "MRD-N" in output and "dry run" in output
    assert mail.outbox == [] and sent(agreement) == []


def test_a_mail_server_failure_records_nothing_so_the_next_run_sends_it(agreement):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("connection refused")):
        output = run_on(days_before_end(30))
    assert "connection refused" in output
    assert sent(agreement) == []
    run_on(days_before_end(30))
    assert sent(agreement) == ["30"] and len(mail.outbox) == 1


def test_the_command_accepts_a_date_and_refuses_a_bad_one(agreement):
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("notify_expiring", "--date", days_before_end(60).isoformat(), stdout=out)
    assert sent(agreement) == ["60"]
    with pytest.raises(CommandError):
        call_command("notify_expiring", "--date", "31/12/2024")


def test_notices_sent_are_listed_on_the_agreement_page(agreement, client_as, officer_user):
    run_on(days_before_end(60))
    page = client_as(officer_user).get(f"/agreements/{agreement.pk}/").content.decode()
    assert "60 days before the end" in page and "focal@ngo.org, focal@mrd.gov.kh" in page
