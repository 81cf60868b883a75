"""Report services: who may do what, in which state, and nothing written when refused."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.choices import ReportStatus
from reports.models import IndicatorValue, ProgressReport
from reports.content import ReportContent, ResultRow
from mrd_ngo.roles import Role
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


def content(*rows, **fields) -> ReportContent:
    base = {
        "achievements": "Built wells.", "challenges": "", "lessons_learned": "", "next_plans": "",
        "budget_planned_usd": Decimal("1000"), "budget_spent_usd": Decimal("800"),
        "beneficiaries_total": 100, "beneficiaries_female": 60,
    }
    base.update(fields)
    return ReportContent(fields=base, rows=list(rows))


@pytest.fixture
def draft(officer_user, ngo, period, siem_reap, battambang, wells):
    return services.report_create(
        user=officer_user, ngo=ngo, period=period,
        content=content(ResultRow(wells, siem_reap, None, Decimal(12)), ResultRow(wells, battambang, None, Decimal(3))),
    )


def test_officer_creates_a_draft_under_the_agreement_in_force(draft, officer_user, agreement):
    assert draft.status == ReportStatus.DRAFT
    assert draft.agreement == agreement
    assert draft.created_by == officer_user
    assert draft.version == 1
    assert sorted(draft.values.values_list("province__name_en", "value")) == [("Battambang", 3), ("Siem Reap", 12)]


def test_no_report_for_a_period_outside_every_agreement(officer_user, period):
    ended = AgreementFactory(valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2023, 12, 31))
    with pytest.raises(ValidationError, match="no signed cooperation agreement in force"):
        services.report_create(user=officer_user, ngo=ended.ngo, period=period, content=content())
    assert not ProgressReport.objects.exists()


def test_a_second_report_for_the_same_ngo_and_period_is_refused(draft, officer_user, ngo, period):
    with pytest.raises(ValidationError, match="already has a report"):
        services.report_create(user=officer_user, ngo=ngo, period=period, content=content())
    assert ProgressReport.objects.count() == 1


def test_department_head_cannot_enter_reports(head_user, ngo, period):
    with pytest.raises(PermissionDenied):
        services.report_create(user=head_user, ngo=ngo, period=period, content=content())


def test_rows_with_negative_or_too_many_women_are_refused_and_nothing_written(officer_user, ngo, period, siem_reap, hygiene, wells):
    bad = [
        ResultRow(wells, siem_reap, None, Decimal(-1)),
        ResultRow(hygiene, siem_reap, None, Decimal(10), Decimal(11)),
    ]
    with pytest.raises(ValidationError) as caught:
        services.report_create(user=officer_user, ngo=ngo, period=period, content=content(*bad))
    text = " ".join(caught.value.messages)
    assert "cannot be negative" in text and "cannot be more than the total" in text
    assert not ProgressReport.objects.exists() and not IndicatorValue.objects.exists()


def test_female_value_for_an_indicator_not_counted_by_sex_is_refused(officer_user, ngo, period, siem_reap, wells):
    with pytest.raises(ValidationError, match="not counted by sex"):
        services.report_create(user=officer_user, ngo=ngo, period=period,
                               content=content(ResultRow(wells, siem_reap, None, Decimal(5), Decimal(2))))


def test_update_saves_and_moves_the_version_on(draft, officer_user, siem_reap, wells):
    saved = services.report_update(
        user=officer_user, report=draft, version=1,
        content=content(ResultRow(wells, siem_reap, None, Decimal(20)), achievements="More wells."),
    )
    assert saved.version == 2
    saved.refresh_from_db()
    assert saved.achievements == "More wells."
    assert list(saved.values.values_list("value", flat=True)) == [Decimal(20)]


def test_a_stale_save_is_refused_with_what_the_other_person_changed(draft, officer_user, siem_reap, wells):
    colleague = UserFactory(role=Role.DATA_ENTRY_OFFICER, first_name="Sokha", last_name="Chan")
    services.report_update(user=colleague, report=draft, version=1,
                           content=content(ResultRow(wells, siem_reap, None, Decimal(15)), budget_spent_usd=Decimal(900)))
    mine = content(ResultRow(wells, siem_reap, None, Decimal(12)), achievements="My words.")
    with pytest.raises(services.ReportConflict) as caught:
        services.report_update(user=officer_user, report=draft, version=1, content=mine)
    conflict = caught.value.changes
    assert conflict.changed_by == colleague
    assert [(c.label, c.theirs, c.yours) for c in conflict.fields] == [("budget spent (USD)", "900", "800")]
    # The colleague also removed the Battambang result: both lists now agree on that.
    assert [(c.label, c.theirs, c.yours) for c in conflict.rows] == [("Wells built · Siem Reap", "15", "12")]
    draft.refresh_from_db()
    assert draft.achievements == "Built wells." and draft.budget_spent_usd == 900 and draft.version == 2


def test_provincial_officer_enters_only_their_province_and_keeps_the_others(
    draft, provincial_user, siem_reap, battambang, wells
):
    with pytest.raises(ValidationError, match="only enter results for your own province"):
        services.report_update(user=provincial_user, report=draft, version=1,
                               content=content(ResultRow(wells, battambang, None, Decimal(1))))
    services.report_update(user=provincial_user, report=draft, version=1,
                           content=content(ResultRow(wells, siem_reap, None, Decimal(30))))
    assert sorted(draft.values.values_list("province__name_en", "value")) == [("Battambang", 3), ("Siem Reap", 30)]


def test_provincial_officer_cannot_touch_a_report_outside_their_province(provincial_user, battambang, period, wells):
    elsewhere = AgreementFactory(provinces=[battambang])
    report = ProgressReportFactory(agreement=elsewhere, period=period)
    IndicatorValueFactory(report=report, province=battambang)
    with pytest.raises(PermissionDenied):
        services.report_submit(user=provincial_user, report=report)


# ---- Workflow transitions per role -----------------------------------------------------------

ALLOWED, DENIED = "allowed", "denied"
TRANSITIONS = [
    # action, role fixture, expected
    ("submit", "officer_user", ALLOWED),
    ("submit", "provincial_user", ALLOWED),
    ("submit", "admin_user", ALLOWED),
    ("submit", "head_user", DENIED),
    ("return", "head_user", ALLOWED),
    ("return", "admin_user", ALLOWED),
    ("return", "officer_user", DENIED),
    ("return", "provincial_user", DENIED),
    ("accept", "head_user", ALLOWED),
    ("accept", "admin_user", ALLOWED),
    ("accept", "officer_user", DENIED),
    ("accept", "provincial_user", DENIED),
]


def act(action, user, report, **kwargs):
    if action == "submit":
        return services.report_submit(user=user, report=report, **kwargs)
    if action == "return":
        return services.report_return(user=user, report=report, comment=kwargs.pop("comment", "Fix the totals."), **kwargs)
    return services.report_accept(user=user, report=report, **kwargs)


@pytest.mark.parametrize(("action", "role", "expected"), TRANSITIONS)
def test_workflow_transitions_by_role(request, draft, officer_user, action, role, expected):
    user = request.getfixturevalue(role)
    if action != "submit":
        services.report_submit(user=officer_user, report=draft)
    before = ProgressReport.objects.get(pk=draft.pk).status
    if expected == DENIED:
        with pytest.raises(PermissionDenied):
            act(action, user, draft)
        assert ProgressReport.objects.get(pk=draft.pk).status == before
    else:
        report = act(action, user, draft)
        assert report.status == {"submit": "submitted", "return": "returned", "accept": "accepted"}[action]


@pytest.mark.parametrize(("action", "status"), [
    ("submit", ReportStatus.SUBMITTED), ("submit", ReportStatus.ACCEPTED),
    ("return", ReportStatus.DRAFT), ("return", ReportStatus.RETURNED), ("return", ReportStatus.ACCEPTED),
    ("accept", ReportStatus.DRAFT), ("accept", ReportStatus.RETURNED), ("accept", ReportStatus.ACCEPTED),
])
def test_workflow_actions_refused_in_the_wrong_state(admin_user, draft, action, status):
    ProgressReport.objects.filter(pk=draft.pk).update(status=status)
    with pytest.raises(ValidationError, match="Only a"):
        act(action, admin_user, draft)
    assert ProgressReport.objects.get(pk=draft.pk).status == status


def test_full_cycle_records_who_did_what(draft, officer_user, head_user, siem_reap, wells):
    submitted = services.report_submit(user=officer_user, report=draft)
    assert submitted.submitted_by == officer_user and submitted.submitted_at is not None
    returned = services.report_return(user=head_user, report=draft, comment="  Give the female figures.  ")
    assert returned.review_comment == "Give the female figures."
    assert returned.returned_by == head_user and returned.returned_at is not None
    fixed = services.report_update(user=officer_user, report=draft, version=returned.version,
                                   content=content(ResultRow(wells, siem_reap, None, Decimal(12))))
    services.report_submit(user=officer_user, report=fixed)
    accepted = services.report_accept(user=head_user, report=draft)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.accepted_by == head_user


def test_returning_needs_a_comment(draft, officer_user, head_user):
    services.report_submit(user=officer_user, report=draft)
    with pytest.raises(ValidationError) as caught:
        services.report_return(user=head_user, report=draft, comment="   ")
    assert "comment is required" in caught.value.message_dict["comment"][0]
    assert ProgressReport.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED


def test_a_report_without_results_cannot_be_submitted(officer_user, ngo, period):
    report = services.report_create(user=officer_user, ngo=ngo, period=period, content=content())
    with pytest.raises(ValidationError, match="at least one indicator result"):
        services.report_submit(user=officer_user, report=report)


def test_accepted_reports_are_read_only(draft, officer_user, head_user, siem_reap, wells):
    services.report_submit(user=officer_user, report=draft)
    accepted = services.report_accept(user=head_user, report=draft)
    with pytest.raises(ValidationError, match="accepted: it is read-only"):
        services.report_update(user=officer_user, report=draft, version=accepted.version,
                               content=content(ResultRow(wells, siem_reap, None, Decimal(1))))


def test_submitted_reports_wait_for_review(draft, officer_user, siem_reap, wells):
    submitted = services.report_submit(user=officer_user, report=draft)
    with pytest.raises(ValidationError, match="waits for review"):
        services.report_update(user=officer_user, report=draft, version=submitted.version, content=content())


def test_a_stale_review_is_refused(draft, officer_user, head_user):
    submitted = services.report_submit(user=officer_user, report=draft)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        services.report_accept(user=head_user, report=draft, version=submitted.version - 1)
    assert services.report_accept(user=head_user, report=draft, version=submitted.version).status == ReportStatus.ACCEPTED


def test_locked_period_refuses_every_change_until_unlocked(draft, officer_user, head_user, admin_user, period, siem_reap, wells):
    with pytest.raises(PermissionDenied):
        services.period_set_locked(user=officer_user, period=period, locked=True, reason="Meeting held")
    with pytest.raises(ValidationError, match="reason is required"):
        services.period_set_locked(user=admin_user, period=period, locked=True, reason="  ")
    period.refresh_from_db()
    assert not period.is_locked and not period.lock_changes.exists()
    services.period_set_locked(user=admin_user, period=period, locked=True, reason="Meeting held")
    draft.period.refresh_from_db()
    for call in (
        lambda: services.report_submit(user=officer_user, report=draft),
        lambda: services.report_update(user=officer_user, report=draft, version=1, content=content()),
        lambda: services.report_create(user=officer_user, ngo=AgreementFactory().ngo, period=period, content=content()),
    ):
        with pytest.raises(ValidationError, match="is locked"):
            call()
    services.period_set_locked(user=admin_user, period=period, locked=False, reason="A late report arrived")
    assert [(c.locked, c.reason, c.changed_by) for c in period.lock_changes.order_by("changed_at")] == [
        (True, "Meeting held", admin_user), (False, "A late report arrived", admin_user),
    ]
    assert services.report_submit(user=officer_user, report=draft).status == ReportStatus.SUBMITTED


def test_resubmitting_after_the_due_date_keeps_the_first_on_time_submission(draft, officer_user, head_user, period):
    with time_machine.travel(datetime.datetime(2024, 7, 30, 9, 0, tzinfo=PHNOM_PENH), tick=False):
        services.report_submit(user=officer_user, report=draft)
        services.report_return(user=head_user, report=draft, comment="Add the women.")
    with time_machine.travel(datetime.datetime(2024, 8, 15, 9, 0, tzinfo=PHNOM_PENH), tick=False):
        resubmitted = services.report_submit(user=officer_user, report=draft)
    assert services.submitted_on(resubmitted) == datetime.date(2024, 7, 30)
    assert not resubmitted.is_late


def test_a_result_outside_the_agreements_provinces_is_refused_and_nothing_is_written(officer_user, ngo, period, agreement,
                                                                                      kampot, siem_reap, wells):
    with pytest.raises(ValidationError) as refused:
        services.report_create(user=officer_user, ngo=ngo, period=period,
                               content=content(ResultRow(wells, siem_reap, None, Decimal(1)), ResultRow(wells, kampot, None, Decimal(4))))
    assert refused.value.messages == [
        f"Wells built in Kampot: Kampot is not one of the provinces of agreement {agreement.reference_number}: "
        "a result can only be recorded in a province where the agreement says the NGO works.",
    ]
    assert not ProgressReport.objects.exists() and not IndicatorValue.objects.exists()


def test_a_change_moving_a_result_outside_the_agreements_provinces_is_refused(draft, officer_user, kampot, wells):
    with pytest.raises(ValidationError, match="Kampot is not one of the provinces of agreement"):
        services.report_update(user=officer_user, report=draft, version=draft.version,
                               content=content(ResultRow(wells, kampot, None, Decimal(4))))
    draft.refresh_from_db()
    assert draft.version == 1 and "17" in set(draft.values.values_list("province__code", flat=True))


def test_scope_warnings_name_provinces_and_sectors_outside_the_agreement(agreement, kampot, siem_reap, wells):
    """The warnings still name, on a report's page, a province of results stored before the rule refused them."""
    from agreements.models import Indicator

    roads = Indicator.objects.get(code="road-km")
    warnings = services.scope_warnings(agreement, [
        ResultRow(wells, siem_reap, None, Decimal(1)),
        ResultRow(wells, kampot, None, Decimal(1)),
        ResultRow(roads, siem_reap, None, Decimal(1)),
    ])
    assert len(warnings) == 2
    assert "Kampot" in warnings[0]
    assert agreement.reference_number in warnings[1]
