"""Each role's home page: the figures it shows, and every figure is a link to a list showing exactly that many rows."""
import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from agreements.models import AgreementFlag, Department
from reports.choices import ReportStatus
from tests.factories import (
    AgreementFactory, AgreementFlagFactory, IndicatorValueFactory, ProgressReportFactory, ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(siem_reap, battambang, officer_user, head_user, admin_user, provincial_user):
    """A semester past its due date, reports in every state, agreements ending, expired and flagged."""
    roads = Department.objects.get(code="rural-roads")
    period = ReportingPeriodFactory(year=2024, half=1, due_date=datetime.date(2024, 7, 31))
    ReportingPeriodFactory(year=2023, half=2, due_date=datetime.date(2024, 1, 31), is_locked=True)
    in_force = {"valid_from": datetime.date(2023, 1, 1), "valid_to": TODAY + datetime.timedelta(days=400)}

    def report(status, *, by=officer_user, department=None, province=siem_reap, **extra):
        agreement = AgreementFactory(provinces=[province], **in_force, **({"department": department} if department else {}))
        made = ProgressReportFactory(agreement=agreement, period=period, status=status, created_by=by, **extra)
        IndicatorValueFactory(report=made, province=province)
        return made

    report(ReportStatus.DRAFT)
    report(ReportStatus.DRAFT, province=battambang)
    report(ReportStatus.DRAFT, by=admin_user)  # not the officer's
    report(ReportStatus.DRAFT, by=provincial_user)
    report(ReportStatus.RETURNED, review_comment="Add the female beneficiaries, please.", returned_by=head_user,
           submitted_at=datetime.datetime(2024, 7, 20, tzinfo=datetime.UTC), submitted_by=officer_user)
    for _ in range(2):  # the head's department's
        report(ReportStatus.SUBMITTED, submitted_at=datetime.datetime(2024, 7, 25, tzinfo=datetime.UTC))
    report(ReportStatus.SUBMITTED, department=roads, province=battambang,
           submitted_at=datetime.datetime(2024, 7, 25, tzinfo=datetime.UTC))
    report(ReportStatus.ACCEPTED, submitted_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    AgreementFactory(provinces=[siem_reap], **in_force)  # expected to report, nothing yet
    # Ending soon: two of the head's department (one in Siem Reap), one of another department.
    soon = {"valid_from": datetime.date(2023, 1, 1), "valid_to": TODAY + datetime.timedelta(days=30)}
    flagged = AgreementFactory(provinces=[siem_reap], **soon)
    AgreementFactory(provinces=[battambang], **soon)
    AgreementFactory(provinces=[battambang], department=roads, **soon)
    # Expired without a successor (one in Siem Reap), and one flag open, one cleared.
    gone = {"valid_from": datetime.date(2021, 1, 1), "valid_to": TODAY - datetime.timedelta(days=10)}
    AgreementFactory(provinces=[siem_reap], **gone)
    cleared = AgreementFactory(provinces=[battambang], **gone)
    AgreementFlagFactory(agreement=flagged, follow_up_by=admin_user, flagged_by=admin_user)
    AgreementFlag.objects.create(agreement=cleared, note="Done", follow_up_by=admin_user, flagged_by=admin_user,
                                 cleared_by=admin_user, cleared_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    return period


def count_behind(client, url: str) -> int:
    """How many rows the page at `url` lists, read from the page's own context."""
    response = client.get(url)
    assert response.status_code == 200, url
    path, anchor = urlsplit(url).path, urlsplit(url).fragment
    name = resolve(path).view_name
    context = response.context
    if name in ("reports:list", "agreements:agreement_list", "desk:semesters"):
        return context["table"].paginator.count
    if name == "agreements:expiring_board":
        return dict((key, page) for key, _title, page in context["sections"])[anchor.removeprefix("board-")].paginator.count
    if name == "reports:completeness":
        total = context["completeness"].total
        return {"missing-title": total.missing, "received-title": total.received, "": total.expected}[anchor]
    raise AssertionError(f"no count known for {name}")


def figures_of(client) -> dict:
    response = client.get("/")
    assert response.status_code == 200
    return {figure.key: figure for figure in response.context["home"].figures}


EXPECTED = {
    # role fixture: {figure: count}
    # 15 agreements in force during the semester, 5 reports received (returned, submitted, accepted).
    "officer_user": {"drafts": 2, "returned": 1, "missing": 10},
    "head_user": {"waiting": 2, "expiring": 2},
    "admin_user": {"waiting": 3, "flags": 1, "expired": 2, "to_lock": 1, "missing": 10},
    # Siem Reap: 10 agreements in force during the semester, 4 reports received; 8 running, 1 ending, 1 ended.
    "provincial_user": {"drafts": 1, "returned": 0, "expected": 10, "received": 4, "missing": 6,
                        "agreements_active": 8, "agreements_expiring": 1, "agreements_expired": 1},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_roles_home_shows_its_figures_and_each_links_to_a_list_of_exactly_that_many(client, office, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    figures = figures_of(client)
    assert {key: figure.count for key, figure in figures.items()} == EXPECTED[role]
    page = client.get("/").content.decode()
    for figure in figures.values():
        assert f'href="{figure.url}"' in page.replace("&amp;", "&")
        assert count_behind(client, figure.url) == figure.count, figure.key


def test_the_officer_reads_the_reviewers_comment_and_the_days_left(client, office, officer_user, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer_user)
    page = client.get("/").content.decode()
    assert "Add the female beneficiaries, please." in page
    assert "reports were due on 31 July 2024" in page


def test_the_home_page_is_in_khmer_by_default(client, office, officer_user):
    client.force_login(officer_user)
    page = client.get("/").content.decode()
    assert "ទំព័រដើម" in page and "Your drafts" not in page


def test_a_user_without_a_role_gets_a_home_page_with_no_figures(client, no_role_user):
    client.force_login(no_role_user)
    assert figures_of(client) == {}
