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


def test_a_report_with_results_in_the_province_is_visible_even_if_the_agreement_is_elsewhere(
    provincial_user, siem_reap, battambang
):
    elsewhere = AgreementFactory(provinces=[battambang])
    value = IndicatorValueFactory(report=ProgressReportFactory(agreement=elsewhere), province=siem_reap)
    IndicatorValueFactory(report=value.report, province=battambang)
    assert list(ProgressReport.objects.visible_to(provincial_user)) == [value.report]
    # ...but only their province's rows of it.
    assert list(IndicatorValue.objects.visible_to(provincial_user)) == [value]


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
