"""Dates are entered between 1990 and 2100 everywhere; a row already holding 9999-12-31 does not break a page."""
import datetime

import pytest

from agreements import services
from agreements.models import Agreement, RenewalChecklistEntry
from tests.factories import AgreementFactory, NGOFactory

D = datetime.date
pytestmark = pytest.mark.django_db
OUT_OF_RANGE = "Enter a date between 1 January 1990 and 31 December 2100."


def agreement_form_data(ngo, **overrides):
    return {
        "ngo": ngo.pk, "reference_number": "MRD-2025-NEW", "signed_on": "2024-12-20",
        "valid_from": "2025-01-01", "valid_to": "2027-12-31", "planned_budget_usd": "250000", **overrides,
    }


@pytest.mark.parametrize(("field", "value"), [("valid_to", "9999-12-31"), ("valid_from", "1899-01-01"),
                                              ("signed_on", "0001-01-01"), ("valid_to", "2101-01-01")])
def test_agreement_dates_out_of_range_are_refused_next_to_the_field(client_as, admin_user, field, value):
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(NGOFactory(), **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]
    assert 'aria-invalid="true"' in response.content.decode().split(f'name="{field}"')[1].split(">")[0]
    assert not Agreement.objects.exists()


def test_the_last_day_of_the_range_is_accepted(client_as, admin_user):
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(NGOFactory(), valid_to="2100-12-31"))
    assert response.status_code == 302
    assert Agreement.objects.get().valid_to == D(2100, 12, 31)


def test_khmer_digits_out_of_range_are_refused_too(client_as, admin_user):
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(NGOFactory(), valid_to="៩៩៩៩-១២-៣១"))
    assert response.context["form"].errors["valid_to"] == [OUT_OF_RANGE]


def test_date_pickers_are_bounded_the_same_way(client_as, admin_user):
    html = client_as(admin_user).get("/agreements/new/").content.decode()
    tag = html.split('name="valid_to"')[1].split(">")[0]
    assert 'min="1990-01-01"' in html.split('name="valid_to"')[0].rsplit("<input", 1)[1] + tag
    assert 'max="2100-12-31"' in html.split('name="valid_to"')[0].rsplit("<input", 1)[1] + tag


@pytest.mark.parametrize(("path", "data"), [
    ("renew/", {"reference_number": "MRD-R", "valid_from": "2025-01-01", "valid_to": "9999-12-31"}),
    ("terminate/", {"terminated_on": "9999-12-31", "termination_reason": "Closed."}),
])
def test_lifecycle_forms_refuse_dates_out_of_range(client_as, admin_user, path, data):
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    response = client_as(admin_user).post(f"/agreements/{agreement.pk}/{path}", data)
    assert response.status_code == 200
    field = next(name for name, value in data.items() if value == "9999-12-31")
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]


def test_checklist_dates_out_of_range_are_refused(client_as, admin_user):
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    successor = services.agreement_renew(agreement=agreement, by=admin_user, reference_number="MRD-R",
                                         valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    entry = successor.checklist_entries.first()
    response = client_as(admin_user).post(f"/agreements/{successor.pk}/checklist/", {f"entry_{entry.pk}": "1900-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors[f"entry_{entry.pk}"] == [OUT_OF_RANGE]
    assert RenewalChecklistEntry.objects.get(pk=entry.pk).received_on is None


def test_list_filter_with_a_date_out_of_range_says_so_instead_of_failing(client_as, officer_user):
    response = client_as(officer_user).get("/agreements/", {"in_force_on": "9999-12-31"})
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()


def test_renew_page_of_an_agreement_ending_on_9999_12_31_opens_without_suggested_dates(client_as, admin_user):
    # Recorded before the bound existed (or in the admin): the page must still open.
    agreement = AgreementFactory(valid_from=D(2020, 1, 1), valid_to=D(9999, 12, 31))
    response = client_as(admin_user).get(f"/agreements/{agreement.pk}/renew/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial.get("valid_from") is None and form.initial.get("valid_to") is None
    assert client_as(admin_user).get(f"/agreements/{agreement.pk}/").status_code == 200
    assert client_as(admin_user).get("/agreements/expiring/").status_code == 200


def test_renewal_dates_stop_at_the_end_of_the_calendar():
    ends_late = Agreement(valid_from=D(9990, 1, 1), valid_to=D(9998, 12, 31))
    assert services.renewal_dates(ends_late) == (D(9999, 1, 1), None)
