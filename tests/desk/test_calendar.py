"""The calendar feed: one private address per user, revocable; due dates and agreement ends in the user's scope."""
import datetime

import pytest

from agreements.models import Department
from desk.calendar import _line
from desk.models import CalendarFeed
from tests.factories import AgreementFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def dates(siem_reap, battambang):
    ReportingPeriodFactory(year=TODAY.year + 1, half=1, due_date=datetime.date(TODAY.year + 1, 7, 31))
    soon = {"valid_from": datetime.date(2023, 1, 1), "valid_to": TODAY + datetime.timedelta(days=40)}
    AgreementFactory(provinces=[siem_reap], reference_number="MRD-CAL-HERE", ngo__name_en="Here, Inc; NGO", **soon)
    AgreementFactory(provinces=[battambang], reference_number="MRD-CAL-THERE", **soon)
    AgreementFactory(provinces=[battambang], reference_number="MRD-CAL-ROADS", department=Department.objects.get(code="rural-roads"), **soon)
    AgreementFactory(provinces=[siem_reap], reference_number="MRD-CAL-OLD", valid_from=datetime.date(2015, 1, 1),
                     valid_to=datetime.date(2016, 12, 31))


def feed_of(client, user, lang="en") -> str:
    client.force_login(user)
    client.post("/calendar/", {"action": "new"})
    key = CalendarFeed.objects.get(user=user).key
    client.logout()  # the calendar program has no session
    response = client.get(f"/calendar/{key}.ics", {"lang": lang})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def test_the_feed_holds_due_dates_and_agreement_ends_in_the_users_scope(client, dates, admin_user, provincial_user, head_user):
    everything = feed_of(client, admin_user)
    assert everything.startswith("BEGIN:VCALENDAR\r\n") and everything.endswith("END:VCALENDAR\r\n")
    unfolded = everything.replace("\r\n ", "")
    assert f"Reports of First semester {TODAY.year + 1} due" in unfolded
    assert f"DTSTART;VALUE=DATE:{TODAY.year + 1}0731" in unfolded
    for reference in ("MRD-CAL-HERE", "MRD-CAL-THERE", "MRD-CAL-ROADS"):
        assert reference in unfolded
    assert "MRD-CAL-OLD" not in unfolded  # long gone
    assert "Here\\, Inc\\; NGO" in unfolded  # escaped
    province = feed_of(client, provincial_user).replace("\r\n ", "")
    assert "MRD-CAL-HERE" in province and "MRD-CAL-THERE" not in province
    department = feed_of(client, head_user).replace("\r\n ", "")
    assert "MRD-CAL-THERE" in department and "MRD-CAL-ROADS" not in department
    khmer = feed_of(client, admin_user, lang="km").replace("\r\n ", "")
    assert "ឆមាស" in khmer


def test_a_new_address_revokes_the_old_one_and_stopping_revokes_it_all(client, dates, officer_user):
    client.force_login(officer_user)
    client.post("/calendar/", {"action": "new"})
    first = CalendarFeed.objects.get(user=officer_user).key
    client.post("/calendar/", {"action": "new"})
    second = CalendarFeed.objects.get(user=officer_user).key
    assert first != second
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    client.post("/calendar/", {"action": "stop"})
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    assert client.get("/calendar/not-a-key.ics").status_code == 404


def test_a_deactivated_users_address_stops_working(client, dates, officer_user):
    client.force_login(officer_user)
    client.post("/calendar/", {"action": "new"})
    key = CalendarFeed.objects.get(user=officer_user).key
    officer_user.is_active = False
    officer_user.save()
    assert client.get(f"/calendar/{key}.ics").status_code == 404


def test_long_lines_fold_at_75_octets_without_cutting_a_khmer_letter():
    line = _line("SUMMARY", "កិច្ចព្រមព្រៀង " * 20)
    parts = line.split("\r\n ")
    assert len(parts) > 1
    assert all(len(part.encode()) <= 75 for part in parts)
    assert "".join(parts) == "SUMMARY:" + "កិច្ចព្រមព្រៀង " * 20
