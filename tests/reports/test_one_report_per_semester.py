"""One report per NGO and semester: the database, the service, the spreadsheet import and the admin agree.

Around a renewal inside a semester the report is filed under the agreement in force at the semester's
end, else the last one in force during it (reports/rules.py, `agreement_for_report`).
"""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from agreements.models import Agreement
from reports import rules, services
from reports.choices import ReportStatus
from reports.content import ReportContent, ResultRow
from reports.models import ProgressReport
from tests.factories import AgreementFactory, ProgressReportFactory
from tests.reports.conftest import client_for, in_english
from tests.reports.test_spreadsheets import download, fill, result_rows, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date


@pytest.fixture
def renewed(siem_reap, battambang, water):
    """An NGO whose agreement (Battambang) ended on 31 March 2024 and was renewed (Siem Reap) from 1 April."""
    first = AgreementFactory(valid_from=D(2022, 4, 1), valid_to=D(2024, 3, 31), provinces=[battambang], sectors=[water])
    second = AgreementFactory(ngo=first.ngo, renews=first, signed_on=D(2024, 3, 1), valid_from=D(2024, 4, 1),
                              valid_to=D(2027, 3, 31), provinces=[siem_reap], sectors=[water])
    return first, second


def content(wells, province) -> ReportContent:
    return ReportContent(fields={"achievements": "Wells."}, rows=[ResultRow(wells, province, None, Decimal(3))])


# ---- The rule -------------------------------------------------------------------------------------


def test_the_report_is_filed_under_the_agreement_in_force_at_the_semester_end(renewed, period):
    first, second = renewed
    agreements = Agreement.objects.filter(ngo=first.ngo)
    assert rules.agreement_for_report(agreements, start=period.start, end=period.end) == second
    # The semester before the renewal: only the first was in force.
    assert rules.agreement_for_report(agreements, start=D(2023, 7, 1), end=D(2023, 12, 31)) == first


def test_without_an_agreement_at_the_end_the_last_one_in_force_during_the_semester_counts(period):
    ended = AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 2, 29))
    earlier = AgreementFactory(ngo=ended.ngo, valid_from=D(2020, 1, 1), valid_to=D(2021, 12, 31))
    agreements = Agreement.objects.filter(ngo=ended.ngo)
    assert rules.agreement_for_report(agreements, start=period.start, end=period.end) == ended
    assert earlier != ended


# ---- The database ---------------------------------------------------------------------------------


def test_the_database_refuses_a_second_report_of_an_ngo_for_a_semester_under_another_agreement(renewed, period):
    first, second = renewed
    ProgressReportFactory(agreement=second, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReportFactory(agreement=first, period=period)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_progressreport (ngo_id, agreement_id, period_id, status, achievements, challenges, "
            "lessons_learned, next_plans, budget_planned_usd, budget_spent_usd, beneficiaries_total, "
            "beneficiaries_female, review_comment, version, created_at, updated_at) "
            "VALUES (%s, %s, %s, 'draft', '', '', '', '', 0, 0, 0, 0, '', 1, now(), now())",
            [first.ngo_id, first.pk, period.pk],
        )
    assert ProgressReport.objects.count() == 1


def test_model_validation_names_the_rule(renewed, period):
    first, second = renewed
    ProgressReportFactory(agreement=second, period=period)
    with pytest.raises(ValidationError, match="files one report per semester"):
        ProgressReport(ngo=first.ngo, agreement=first, period=period).validate_constraints()


# ---- The service ----------------------------------------------------------------------------------


def test_the_service_files_under_the_renewal_and_refuses_a_second_report(renewed, period, officer_user, wells, siem_reap):
    first, second = renewed
    report = services.report_create(user=officer_user, ngo=first.ngo, period=period, content=content(wells, siem_reap))
    assert report.agreement == second
    with pytest.raises(ValidationError, match="already has a report for .*one report per semester"):
        services.report_create(user=officer_user, ngo=first.ngo, period=period, content=content(wells, siem_reap))
    assert ProgressReport.objects.count() == 1


def test_a_provincial_officer_of_the_ended_agreement_files_nothing_for_the_semester(renewed, period, battambang, wells):
    """The report belongs to the renewal (Siem Reap): a Battambang officer may not file it, nor a second one."""
    from mrd_ngo.roles import Role
    from tests.factories import UserFactory

    first, _second = renewed
    officer = UserFactory(role=Role.PROVINCIAL_OFFICER, province=battambang)
    assert services.agreement_in_force(ngo=first.ngo, period=period, user=officer) is None
    with pytest.raises(ValidationError, match="in force at the end of the semester, which does not cover Battambang"):
        services.report_create(user=officer, ngo=first.ngo, period=period, content=content(wells, battambang))
    assert not ProgressReport.objects.exists()


# ---- The spreadsheet import -----------------------------------------------------------------------


def test_the_import_refuses_a_second_report_and_writes_nothing(renewed, period, provincial_user, officer_user):
    """A report filed under the first agreement (before the renewal was recorded) is the NGO's one report:
    an import of the renewal's template by a Siem Reap officer, who cannot see that report, is refused."""
    first, second = renewed
    existing = ProgressReportFactory(agreement=first, period=period, status=ReportStatus.SUBMITTED)
    siem_reap_officer = in_english(client_for(provincial_user))
    template = download(siem_reap_officer, first.ngo, period)
    wells_row = result_rows(template)[("សៀមរាប – Siem Reap", "អណ្ដូងដែលបានសាងសង់ – Wells built")]
    response = upload(siem_reap_officer, first.ngo, period, fill(template, results={(wells_row, "D"): 12}))
    assert response.status_code == 200 and response.context["token"]
    response = siem_reap_officer.post("/reports/import/confirm/", {"token": response.context["token"]}, follow=True)
    assert "already has a report for" in response.content.decode()
    assert "one report per semester" in response.content.decode()
    assert list(ProgressReport.objects.all()) == [existing]


# ---- The admin ------------------------------------------------------------------------------------


def test_the_admin_refuses_a_second_report_with_a_clear_message(renewed, period, admin_user):
    first, second = renewed
    ProgressReportFactory(agreement=second, period=period)
    admin_user.is_staff = True
    admin_user.save()
    client = in_english(client_for(admin_user))
    response = client.post("/admin/reports/progressreport/add/", {
        "ngo": first.ngo_id, "agreement": first.pk, "period": period.pk, "status": ReportStatus.DRAFT,
        "budget_planned_usd": "0", "budget_spent_usd": "0", "beneficiaries_total": "0", "beneficiaries_female": "0",
        "version": "1",
        "values-TOTAL_FORMS": "0", "values-INITIAL_FORMS": "0", "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert "This NGO already has a report for this semester: an NGO files one report per semester" in response.content.decode()
    assert ProgressReport.objects.count() == 1
