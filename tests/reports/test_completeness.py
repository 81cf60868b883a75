"""Completeness of a semester on a dataset where the answer is known."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.choices import ReportStatus
from reports.completeness import period_completeness
from tests.factories import AgreementFactory, NGOFactory, ProgressReportFactory
from tests.reports.conftest import client_for, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date
PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


def at(day, hour, minute=0):
    """A Phnom Penh time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PHNOM_PENH)


@pytest.fixture
def dataset(period, siem_reap, battambang, kampot, water, sanitation):
    """NGOs A to I, each a case of the rules (2024S1 runs 1 January to 30 June, due 31 July)."""
    due = period.due_date
    ngos = {}

    def agreement(name, provinces, sectors, **dates):
        ngo = ngos.get(name) or NGOFactory(name_en=f"NGO {name}", contact_person=f"Contact {name}")
        ngos[name] = ngo
        return AgreementFactory(ngo=ngo, provinces=provinces, sectors=sectors, **dates)

    def report(agreement, status, submitted_at=None):
        return ProgressReportFactory(agreement=agreement, period=period, status=status, submitted_at=submitted_at)

    # A: submitted at 23:30 on the due date, Phnom Penh time (16:30 UTC): on time.
    report(agreement("A", [siem_reap], [water]), ReportStatus.SUBMITTED, at(due, 23, 30))
    # B: submitted at 00:30 the next day in Phnom Penh, still 31 July in UTC: late.
    report(agreement("B", [siem_reap, battambang], [water]), ReportStatus.ACCEPTED, at(due + datetime.timedelta(days=1), 0, 30))
    # C: agreement starts in the middle of the semester; only a draft so far: expected, missing.
    report(agreement("C", [battambang], [sanitation], valid_from=D(2024, 3, 15)), ReportStatus.DRAFT)
    # D: agreement ended before the semester: not expected.
    agreement("D", [siem_reap], [water], valid_from=D(2021, 1, 1), valid_to=D(2023, 12, 31))
    # E: agreement not signed yet: not expected.
    agreement("E", [siem_reap], [water], signed_on=None)
    # F: in force, nothing received: missing, with its contact person.
    agreement("F", [siem_reap], [sanitation])
    # G: renewed in the middle of the semester, reported under the new agreement: expected once, on time.
    agreement("G", [siem_reap], [water], valid_from=D(2022, 1, 1), valid_to=D(2024, 3, 31))
    report(agreement("G", [kampot], [water], valid_from=D(2024, 4, 1)), ReportStatus.ACCEPTED, at(D(2024, 7, 1), 9))
    # H: terminated before the semester began: not expected.
    agreement("H", [battambang], [water], terminated_on=D(2023, 6, 30), termination_reason="Closed.")
    # I: submitted on time, then returned for corrections: received, on time.
    report(agreement("I", [battambang], [water]), ReportStatus.RETURNED, at(D(2024, 7, 20), 10))
    return ngos


def test_counts_on_a_known_dataset(dataset, period, admin_user):
    result = period_completeness(period, admin_user)
    total = result.total
    assert (total.expected, total.received, total.on_time, total.late, total.missing) == (6, 4, 3, 1, 2)
    assert total.received_pct == 67
    assert [item.ngo.name_en for item in result.missing] == ["NGO C", "NGO F"]
    assert [item.ngo.contact_person for item in result.missing] == ["Contact C", "Contact F"]
    assert result.missing[0].has_draft and not result.missing[1].has_draft
    assert [item.ngo.name_en for item in result.received] == ["NGO A", "NGO B", "NGO G", "NGO I"]
    assert [item.late for item in result.received] == [False, True, False, False]


def test_counts_by_province_and_by_sector(dataset, period, admin_user):
    result = period_completeness(period, admin_user)
    by_province = {t.label: (t.expected, t.received, t.on_time, t.late, t.missing) for t in result.by_province}
    # Siem Reap: A, B, F, G (its first agreement); Battambang: B, C, I; Kampot: G.
    assert by_province == {
        "Battambang": (3, 2, 1, 1, 1),
        "Kampot": (1, 1, 1, 0, 0),
        "Siem Reap": (4, 3, 2, 1, 1),
    }
    assert [t.label for t in result.by_province] == ["Battambang", "Kampot", "Siem Reap"]  # by province code
    by_sector = {t.label: (t.expected, t.received, t.missing) for t in result.by_sector}
    assert by_sector == {"Rural water supply": (4, 4, 0), "Rural sanitation and hygiene": (2, 0, 2)}


def test_provincial_officer_counts_only_their_province(dataset, period, provincial_user):
    result = period_completeness(period, provincial_user)
    assert sorted(item.ngo.name_en for item in result.expected) == ["NGO A", "NGO B", "NGO F", "NGO G"]
    # G reported under its Kampot agreement, which the Siem Reap officer may not see: for them that
    # report does not exist, so G is missing (and nothing says where G reported).
    assert sorted(item.ngo.name_en for item in result.missing) == ["NGO F", "NGO G"]
    assert next(item for item in result.expected if item.ngo.name_en == "NGO G").report is None


def test_completeness_takes_the_same_number_of_queries_for_few_and_many_ngos(period, admin_user, siem_reap, water):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            period_completeness(period, admin_user)
        return len(captured)

    queries()  # the user's role is looked up once, then remembered
    for _ in range(3):
        ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], sectors=[water]), period=period,
                              status=ReportStatus.SUBMITTED, submitted_at=at(D(2024, 7, 1), 9))
    few = queries()
    for _ in range(30):
        ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], sectors=[water]), period=period,
                              status=ReportStatus.SUBMITTED, submitted_at=at(D(2024, 7, 1), 9))
    assert queries() == few == 8  # the data version, then the seven queries of the count


def test_completeness_is_counted_again_exactly_when_the_data_changed(period, admin_user, siem_reap, water):
    """Kept while the data version stands (one query), counted again after any write, even raw SQL."""
    report = ProgressReportFactory(agreement=AgreementFactory(provinces=[siem_reap], sectors=[water]), period=period,
                                   status=ReportStatus.SUBMITTED, submitted_at=at(D(2024, 7, 1), 9))
    assert period_completeness(period, admin_user).total.received == 1
    with CaptureQueriesContext(connection) as captured:
        assert period_completeness(period, admin_user).total.received == 1
    assert len(captured) == 1  # only the data version
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_progressreport SET status = 'draft' WHERE id = %s", [report.pk])
    assert period_completeness(period, admin_user).total.received == 0


def test_completeness_page_lists_counts_and_whom_to_chase(dataset, period, admin_user):
    client = in_english(client_for(admin_user))
    response = client.get(f"/reports/{period.code}/completeness/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="expected">6<' in page
    assert 'data-testid="missing">2<' in page
    assert "Contact F" in page and "NGO F" in page
    assert "NGO D" not in page and "NGO E" not in page and "NGO H" not in page


def test_completeness_page_in_khmer_uses_khmer_digits(dataset, period, admin_user):
    page = client_for(admin_user).get(f"/reports/{period.code}/completeness/").content.decode()
    assert 'data-testid="expected">៦<' in page


def test_completeness_of_an_unknown_semester_is_not_found(admin_user, period):
    assert client_for(admin_user).get("/reports/2030S1/completeness/").status_code == 404


def test_completeness_link_goes_to_the_latest_started_semester(admin_user, period):
    response = client_for(admin_user).get("/reports/completeness/")
    assert response.status_code == 302 and response["Location"] == f"/reports/{period.code}/completeness/"


def test_users_without_a_role_may_not_see_completeness(no_role_user, period):
    assert client_for(no_role_user).get(f"/reports/{period.code}/completeness/").status_code == 403


def test_administrator_locks_and_unlocks_a_semester_from_the_completeness_page(admin_user, officer_user, period):
    assert client_for(officer_user).post(f"/reports/{period.code}/lock/").status_code == 403
    admin = in_english(client_for(admin_user))
    response = admin.post(f"/reports/{period.code}/lock/", follow=True)
    assert "a reason is required" in response.content.decode()
    period.refresh_from_db()
    assert not period.is_locked
    response = admin.post(f"/reports/{period.code}/lock/", {"reason": "Meeting held"}, follow=True)
    assert "Locked: reports are read-only" in response.content.decode()
    period.refresh_from_db()
    assert period.is_locked
    admin.post(f"/reports/{period.code}/unlock/", {"reason": "A late report"})
    period.refresh_from_db()
    assert not period.is_locked

