"""The one place that decides access: `visible_to(user)` on the main models. Deny by default."""
import pytest
from django.contrib.auth.models import AnonymousUser

from agreements.models import NGO, Agreement
from mrd_ngo.roles import Role, user_role
from reports.models import IndicatorValue, ProgressReport
from tests.factories import AgreementFactory, IndicatorValueFactory, ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces(siem_reap, battambang):
    """One agreement in Siem Reap, one in Battambang, each with a report and a value in its province."""
    here = AgreementFactory(provinces=[siem_reap])
    there = AgreementFactory(provinces=[battambang])
    here_value = IndicatorValueFactory(report=ProgressReportFactory(agreement=here), province=siem_reap)
    there_value = IndicatorValueFactory(report=ProgressReportFactory(agreement=there), province=battambang)
    return here, there, here_value, there_value


@pytest.mark.parametrize("user_fixture", ["admin_user", "head_user", "officer_user"])
def test_national_roles_see_every_row(request, user_fixture, two_provinces):
    user = request.getfixturevalue(user_fixture)
    assert NGO.objects.visible_to(user).count() == 2
    assert Agreement.objects.visible_to(user).count() == 2
    assert ProgressReport.objects.visible_to(user).count() == 2
    assert IndicatorValue.objects.visible_to(user).count() == 2


def test_provincial_officer_sees_only_rows_touching_their_province(provincial_user, two_provinces):
    here, there, here_value, there_value = two_provinces
    assert list(NGO.objects.visible_to(provincial_user)) == [here.ngo]
    assert list(Agreement.objects.visible_to(provincial_user)) == [here]
    assert list(ProgressReport.objects.visible_to(provincial_user)) == [here_value.report]
    assert list(IndicatorValue.objects.visible_to(provincial_user)) == [here_value]


def test_a_result_in_the_province_does_not_make_another_provinces_report_visible(
    provincial_user, siem_reap, battambang
):
    elsewhere = AgreementFactory(provinces=[battambang])
    value = IndicatorValueFactory(report=ProgressReportFactory(agreement=elsewhere), province=siem_reap)
    IndicatorValueFactory(report=value.report, province=battambang)
    assert not ProgressReport.objects.visible_to(provincial_user).exists()
    # ...nor its Siem Reap result: a result is seen only within a visible report.
    assert not IndicatorValue.objects.visible_to(provincial_user).exists()


def test_an_ngo_is_visible_through_an_expired_agreement_but_its_other_agreements_are_not(
    provincial_user, siem_reap, battambang
):
    import datetime

    old = AgreementFactory(provinces=[siem_reap], valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2021, 12, 31))
    current = AgreementFactory(ngo=old.ngo, provinces=[battambang], valid_from=datetime.date(2022, 1, 1))
    assert list(NGO.objects.visible_to(provincial_user)) == [old.ngo]
    assert list(Agreement.objects.visible_to(provincial_user).filter(ngo=old.ngo)) == [old]
    assert not ProgressReport.objects.visible_to(provincial_user).filter(agreement=current).exists()


def test_a_provincial_officer_sees_only_their_provinces_results_of_a_report_covering_several(
    provincial_user, siem_reap, battambang
):
    shared = AgreementFactory(provinces=[siem_reap, battambang])
    here = IndicatorValueFactory(report=ProgressReportFactory(agreement=shared), province=siem_reap)
    IndicatorValueFactory(report=here.report, province=battambang)
    assert list(ProgressReport.objects.visible_to(provincial_user)) == [here.report]
    assert list(IndicatorValue.objects.visible_to(provincial_user)) == [here]


def test_provincial_officer_without_a_province_sees_nothing(two_provinces):
    user = UserFactory(role=Role.PROVINCIAL_OFFICER)
    for model in (NGO, Agreement, ProgressReport, IndicatorValue):
        assert not model.objects.visible_to(user).exists()


def test_users_without_a_role_and_anonymous_visitors_see_nothing(no_role_user, two_provinces):
    for user in (no_role_user, AnonymousUser(), None):
        for model in (NGO, Agreement, ProgressReport, IndicatorValue):
            assert not model.objects.visible_to(user).exists()


def test_inactive_users_see_nothing(admin_user, two_provinces):
    admin_user.is_active = False
    assert user_role(admin_user) is None
    assert not Agreement.objects.visible_to(admin_user).exists()


def test_superuser_is_an_administrator():
    assert user_role(UserFactory(is_superuser=True)) == Role.ADMINISTRATOR


def test_the_most_trusted_of_several_groups_applies(siem_reap):
    user = UserFactory(role=Role.PROVINCIAL_OFFICER, province=siem_reap)
    user.groups.add(*__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name="Department head"))
    assert user_role(user) == Role.DEPARTMENT_HEAD


def test_each_role_group_holds_exactly_its_permissions():
    from django.contrib.auth.models import Group

    from mrd_ngo.role_permissions import ROLE_PERMISSIONS

    for role, codenames in ROLE_PERMISSIONS.items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role.value).permissions.values_list("content_type__app_label", "codename")
        }
        if codenames == "__all__":
            assert "agreements.change_agreement" in granted and "reports.change_meetingrecommendation" in granted
        else:
            assert granted == set(codenames), role
