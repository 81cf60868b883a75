"""Reviewers overtaken by a colleague, the history of indicator results, and pages nobody may cache."""
import datetime
from decimal import Decimal
from html import unescape

import pytest
import time_machine

from mrd_ngo.roles import Role
from reports import services
from reports.choices import ReportStatus
from reports.models import IndicatorValue, IndicatorValueEvent, ProgressReport
from reports.content import ReportContent, ResultRow
from tests.factories import UserFactory
from tests.reports.conftest import client_for, in_english

pytestmark = pytest.mark.django_db
PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def draft(officer_user, ngo, period, siem_reap, battambang, wells):
    return services.report_create(user=officer_user, ngo=ngo, period=period, content=ReportContent(
        fields={"achievements": "First words.", "budget_spent_usd": Decimal(800)},
        rows=[ResultRow(wells, siem_reap, None, Decimal(12)), ResultRow(wells, battambang, None, Decimal(3))],
    ))


# ---- A return overtaken by an accept ------------------------------------------------------------

def test_return_after_a_colleague_accepted_says_who_and_when_and_keeps_the_comment(officer_user, head_user, draft):
    services.report_submit(user=officer_user, report=draft)
    reviewer = in_english(client_for(head_user))
    opened = reviewer.get(f"/reports/{draft.pk}/").context["return_form"].initial["version"]
    colleague = UserFactory(username="sophea", first_name="Sophea", last_name="Chan", role=Role.DEPARTMENT_HEAD)
    with time_machine.travel(datetime.datetime(2024, 8, 5, 14, 30, tzinfo=PHNOM_PENH), tick=False):
        services.report_accept(user=colleague, report=draft)

    comment = "Give the women's figures for Battambang, please."
    response = reviewer.post(f"/reports/{draft.pk}/return/", {"comment": comment, "version": opened})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Sophea Chan accepted this report on 5 August 2024 at 14:30, after you opened it." in html
    assert "Your comment was not sent; it is kept below." in html
    assert comment in unescape(html.split('data-testid="return-card"')[1])  # kept in the box, as the browser reads it
    report = ProgressReport.objects.get(pk=draft.pk)
    assert report.status == ReportStatus.ACCEPTED and report.review_comment == ""


def test_return_after_a_colleague_returned_says_so_in_khmer_too(officer_user, head_user, draft):
    services.report_submit(user=officer_user, report=draft)
    reviewer = client_for(head_user)  # Khmer, the default
    opened = reviewer.get(f"/reports/{draft.pk}/").context["return_form"].initial["version"]
    colleague = UserFactory(username="sophea", first_name="Sophea", last_name="Chan", role=Role.DEPARTMENT_HEAD)
    services.report_return(user=colleague, report=draft, comment="Theirs.")
    response = reviewer.post(f"/reports/{draft.pk}/return/", {"comment": "Mine, kept.", "version": opened})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Sophea Chan បានបញ្ជូនរបាយការណ៍នេះត្រឡប់" in html and "Mine, kept." in html
    assert ProgressReport.objects.get(pk=draft.pk).review_comment == "Theirs."


def test_return_of_a_report_resubmitted_meanwhile_keeps_the_comment_ready_to_send_again(officer_user, head_user, draft):
    services.report_submit(user=officer_user, report=draft)
    reviewer = in_english(client_for(head_user))
    opened = reviewer.get(f"/reports/{draft.pk}/").context["return_form"].initial["version"]
    colleague = UserFactory(role=Role.DEPARTMENT_HEAD)
    services.report_return(user=colleague, report=draft, comment="Theirs.")
    services.report_submit(user=officer_user, report=draft)  # corrected and sent again

    response = reviewer.post(f"/reports/{draft.pk}/return/", {"comment": "Mine.", "version": opened})
    assert response.status_code == 409
    assert "changed after you opened it" in response.content.decode()
    form = response.context["return_form"]
    # Sent again from that page, the comment goes through: the form now names the current version.
    again = reviewer.post(f"/reports/{draft.pk}/return/", {"comment": form["comment"].value(),
                                                           "version": form["version"].value()})
    assert again.status_code == 302
    assert ProgressReport.objects.get(pk=draft.pk).review_comment == "Mine."


# ---- History of indicator results ---------------------------------------------------------------

def test_indicator_results_keep_a_history_with_the_acting_user(officer_user, draft, wells, siem_reap):
    events = IndicatorValueEvent.objects.filter(report_id=draft.pk)
    assert sorted(events.values_list("pgh_label", "value")) == [("insert", Decimal(3)), ("insert", Decimal(12))]
    services.report_update(user=officer_user, report=draft, version=draft.version, content=ReportContent(
        fields={"achievements": "First words."}, rows=[ResultRow(wells, siem_reap, None, Decimal(15))],
    ))
    removed = events.filter(pgh_label="delete").values_list("value", flat=True)
    assert sorted(removed) == [Decimal(3), Decimal(12)]
    latest = events.filter(pgh_label="insert").order_by("-pgh_id").select_related("pgh_context").first()
    assert latest.value == Decimal(15)
    assert latest.pgh_context.metadata["user"] == officer_user.pk


def test_a_result_changed_in_the_database_directly_is_in_the_history_too(draft):
    IndicatorValue.objects.filter(report=draft).update(value=Decimal(99))
    assert IndicatorValueEvent.objects.filter(report_id=draft.pk, pgh_label="update", value=Decimal(99)).count() == 2


# ---- Nobody caches what a signed-in user sees -----------------------------------------------------

def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_report_page_export_and_template_are_not_cached(officer_user, draft, period):
    client = client_for(officer_user)
    assert no_store(client.get(f"/reports/{draft.pk}/"))
    assert no_store(client.get("/reports/", {"_export": "csv"}))
    assert no_store(client.get("/reports/", {"_export": "xlsx"}))
    template = client.get(f"/reports/{period.code}/template.xlsx", {"ngo": draft.ngo_id})
    assert template.status_code == 200 and no_store(template)

