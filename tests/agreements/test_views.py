"""Registry pages: who may see and do what, lists, detail pages, forms with their messages, the board."""
import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement, AgreementFlag, RenewalChecklistEntry
from tests.factories import AgreementFactory, AgreementFlagFactory, NGOFactory

D = datetime.date
PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
pytestmark = pytest.mark.django_db


def on(day: datetime.date):
    """Freeze time at 10:00 in Phnom Penh on `day`."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=PHNOM_PENH), tick=False)


def agreement_form_data(ngo, **overrides):
    data = {
        "ngo": ngo.pk, "reference_number": "MRD-2025-NEW", "signed_on": "2024-12-20",
        "valid_from": "2025-01-01", "valid_to": "2027-12-31", "planned_budget_usd": "250000",
        "mrd_focal_person": "Sok Dara", "mrd_focal_email": "dara@mrd.gov.kh",
    }
    data.update(overrides)
    return data


# ---- Access ----------------------------------------------------------------------------------------

def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/agreements/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_user_without_a_role_is_refused_the_lists(client_as, no_role_user):
    client = client_as(no_role_user)
    assert client.get("/agreements/").status_code == 403
    assert client.get("/ngos/").status_code == 403
    assert client.get("/agreements/expiring/").status_code == 403


def test_provincial_officer_sees_only_agreements_of_their_province(client_as, provincial_user, siem_reap, battambang):
    mine = AgreementFactory(provinces=[siem_reap])
    other = AgreementFactory(provinces=[battambang])
    client = client_as(provincial_user)
    page = client.get("/agreements/").content.decode()
    assert mine.reference_number in page
    assert other.reference_number not in page
    assert client.get(f"/agreements/{other.pk}/").status_code == 404
    assert client.get(f"/ngos/{other.ngo_id}/").status_code == 404
    assert client.get(f"/agreements/{mine.pk}/").status_code == 200


def test_data_entry_officer_edits_ngos_but_only_reads_agreements(client_as, officer_user):
    agreement = AgreementFactory()
    client = client_as(officer_user)
    assert client.get(f"/ngos/{agreement.ngo_id}/edit/").status_code == 200
    assert client.get("/ngos/new/").status_code == 200
    assert client.get(f"/agreements/{agreement.pk}/").status_code == 200
    for url in [f"/agreements/{agreement.pk}/edit/", "/agreements/new/", f"/agreements/{agreement.pk}/renew/",
                f"/agreements/{agreement.pk}/terminate/", f"/agreements/{agreement.pk}/flag/",
                f"/agreements/{agreement.pk}/document/upload/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/agreements/{agreement.pk}/terminate/",
                       {"terminated_on": "2024-01-01", "termination_reason": "x"}).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).terminated_on is None


def test_department_head_reads_but_cannot_change_ngos(client_as, head_user):
    ngo = NGOFactory()
    client = client_as(head_user)
    assert client.get(f"/ngos/{ngo.pk}/").status_code == 200
    assert client.get(f"/ngos/{ngo.pk}/edit/").status_code == 403


def test_action_buttons_are_hidden_from_readers(client_as, head_user):
    agreement = AgreementFactory()
    page = client_as(head_user).get(f"/agreements/{agreement.pk}/").content.decode()
    assert f"/agreements/{agreement.pk}/edit/" not in page
    assert f"/agreements/{agreement.pk}/terminate/" not in page


# ---- Lists ----------------------------------------------------------------------------------------

def test_agreement_list_is_paginated_by_25(client_as, officer_user):
    ngo = NGOFactory()
    for year in range(30):
        AgreementFactory(ngo=ngo, valid_from=D(1990 + year, 1, 1), valid_to=D(1990 + year, 12, 31))
    client = client_as(officer_user)
    first = client.get("/agreements/")
    assert len(first.context["table"].page.object_list) == 25
    assert "30 agreements" in first.content.decode()
    assert len(client.get("/agreements/?page=2").context["table"].page.object_list) == 5


def test_list_can_be_sorted_by_a_column(client_as, officer_user):
    AgreementFactory(reference_number="MRD-B")
    AgreementFactory(reference_number="MRD-A")
    AgreementFactory(reference_number="MRD-C")
    rows = client_as(officer_user).get("/agreements/?sort=-reference_number").context["table"].page.object_list
    assert [row.record.reference_number for row in rows] == ["MRD-C", "MRD-B", "MRD-A"]


def test_chosen_columns_are_shown_and_remembered(client_as, officer_user):
    AgreementFactory(mrd_focal_person="Focal Person Chea")
    client = client_as(officer_user)
    default = client.get("/agreements/").content.decode()
    assert "Focal Person Chea" not in default
    chosen = client.get("/agreements/?columns=&columns=mrd_focal_person&columns=status").content.decode()
    assert "Focal Person Chea" in chosen
    assert "Provinces" not in chosen.split("<tbody")[0].split("<thead")[-1]  # not chosen any more
    # Remembered on the next visit without the parameter.
    assert "Focal Person Chea" in client.get("/agreements/").content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_agreement_list_query_count_does_not_grow_with_rows(client_as, admin_user, siem_reap, battambang):
    from agreements.models import Sector

    sectors = list(Sector.objects.all()[:2])
    client = client_as(admin_user)
    every_column = "/agreements/?" + "&".join(f"columns={c}" for c in [
        "status", "valid_from", "valid_to", "days_left", "provinces", "sectors", "department", "flag", "signed_on",
        "mrd_focal_person", "ngo_focal_person", "planned_budget_usd"])

    def add(n):
        for _ in range(n):
            agreement = AgreementFactory(provinces=[siem_reap, battambang], sectors=sectors)
            AgreementFlagFactory(agreement=agreement, follow_up_by=admin_user)

    add(10)
    with_10 = _count_queries(client, every_column)
    add(90)
    with_100 = _count_queries(client, every_column)
    assert with_10 == with_100


def test_ngo_list_query_count_does_not_grow_with_rows(client_as, provincial_user, siem_reap):
    client = client_as(provincial_user)
    every_column = "/ngos/?" + "&".join(f"columns={c}" for c in [
        "acronym", "kind", "sectors", "agreement_count", "last_valid_to", "contact_person", "phone", "email"])

    def add(n):
        for _ in range(n):
            AgreementFactory(provinces=[siem_reap]).ngo.sectors.set([1, 2])

    add(10)
    with_10 = _count_queries(client, every_column)
    add(90)
    with_100 = _count_queries(client, every_column)
    assert with_10 == with_100


def test_list_numbers_and_dates_are_khmer_on_khmer_pages(client_as, officer_user):
    AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2025, 12, 31))
    page = client_as(officer_user, lang="km").get("/agreements/").content.decode()
    assert "៣១ ធ្នូ ២០២៥" in page


# ---- Detail pages ----------------------------------------------------------------------------------

def test_ngo_page_lists_its_agreements_in_renewal_order_and_its_contacts(client_as, officer_user):
    ngo = NGOFactory(director="Director Sopheap", phone="+855 12 345 678")
    second = AgreementFactory(ngo=ngo, reference_number="MRD-2", valid_from=D(2024, 1, 1), valid_to=D(2026, 12, 31))
    first = AgreementFactory(ngo=ngo, reference_number="MRD-1", valid_from=D(2021, 1, 1), valid_to=D(2023, 12, 31))
    second.renews = first
    second.save()
    page = client_as(officer_user).get(f"/ngos/{ngo.pk}/").content.decode()
    assert page.index("MRD-1") < page.index("MRD-2")
    assert "Director Sopheap" in page and "+855 12 345 678" in page


def test_ngo_page_lists_its_reports_by_semester(client_as, officer_user):
    from tests.factories import ProgressReportFactory

    report = ProgressReportFactory()
    page = client_as(officer_user).get(f"/ngos/{report.ngo_id}/").content.decode()
    assert "First semester 2024" in page


@on(D(2024, 6, 1))
def test_agreement_page_shows_predecessor_successor_flags_and_notices(client_as, admin_user):
    from agreements.models import ExpiryNotice

    first = AgreementFactory(reference_number="MRD-OLD", valid_from=D(2021, 1, 1), valid_to=D(2024, 6, 30))
    successor = AgreementFactory(ngo=first.ngo, reference_number="MRD-NEW", valid_from=D(2024, 7, 1),
                                 valid_to=D(2027, 6, 30), renews=first, signed_on=None)
    AgreementFlagFactory(agreement=first, note="Letter still missing")
    ExpiryNotice.objects.create(agreement=first, threshold="30", valid_to=first.valid_to, recipients="a@example.org")
    page = client_as(admin_user).get(f"/agreements/{first.pk}/").content.decode()
    assert f'href="/agreements/{successor.pk}/"' in page
    assert "Renewal in progress" in page
    assert "Letter still missing" in page
    assert "30 days before the end" in page and "a@example.org" in page
    successor_page = client_as(admin_user).get(f"/agreements/{successor.pk}/").content.decode()
    assert f'href="/agreements/{first.pk}/"' in successor_page


# ---- Forms -----------------------------------------------------------------------------------------

def test_administrator_records_an_agreement(client_as, admin_user, siem_reap):
    ngo = NGOFactory()
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(ngo, provinces=[siem_reap.pk]))
    agreement = Agreement.objects.get(reference_number="MRD-2025-NEW")
    assert response.status_code == 302 and response["Location"] == f"/agreements/{agreement.pk}/"
    assert list(agreement.provinces.all()) == [siem_reap]


def test_end_before_start_is_reported_next_to_the_end_date_and_nothing_is_saved(client_as, admin_user):
    ngo = NGOFactory()
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(ngo, valid_to="2024-12-31"))
    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"] == ["The end date must be on or after the start date."]
    assert 'data-testid="error-valid_to"' in response.content.decode()
    assert not Agreement.objects.exists()


def test_missing_reference_number_is_reported_and_nothing_is_saved(client_as, admin_user):
    ngo = NGOFactory()
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(ngo, reference_number=""))
    assert response.context["form"].errors["reference_number"] == [
        "Enter the reference number written on the signed agreement."]
    assert not Agreement.objects.exists()


def test_duplicate_reference_number_names_the_agreement_that_has_it(client_as, admin_user):
    existing = AgreementFactory(reference_number="MRD-2025-NEW")
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(NGOFactory()))
    assert f'<a href="/agreements/{existing.pk}/">MRD-2025-NEW</a>' in response.content.decode()
    assert Agreement.objects.count() == 1


def test_overlap_with_another_agreement_of_the_ngo_is_named_with_a_link_next_to_the_dates(client_as, admin_user):
    current = AgreementFactory(reference_number="MRD-CURRENT", valid_from=D(2023, 1, 1), valid_to=D(2025, 6, 30))
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(current.ngo))
    assert response.status_code == 200
    errors = response.context["form"].errors["valid_from"]
    assert "MRD-CURRENT" in errors[0] and "30 June 2025" in errors[0]
    page = response.content.decode()
    assert f'<a href="/agreements/{current.pk}/">MRD-CURRENT</a>' in page  # a real link, not escaped text
    assert Agreement.objects.count() == 1


def test_future_signing_date_is_refused(client_as, admin_user):
    response = client_as(admin_user).post("/agreements/new/", agreement_form_data(NGOFactory(), signed_on="2099-01-01"))
    assert response.context["form"].errors["signed_on"] == ["The signing date cannot be in the future."]


def test_editing_an_agreement_changes_it_and_keeps_its_ngo(client_as, admin_user):
    agreement = AgreementFactory(reference_number="MRD-E")
    other_ngo = NGOFactory()
    client = client_as(admin_user)
    form = client.get(f"/agreements/{agreement.pk}/edit/").context["form"]
    data = agreement_form_data(other_ngo, reference_number="MRD-E", valid_from="2023-01-01", valid_to="2025-12-31",
                               version=form.initial["version"], mrd_focal_person="New Focal")
    response = client.post(f"/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.mrd_focal_person == "New Focal"
    assert agreement.ngo_id != other_ngo.pk


def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(client_as, admin_user):
    agreement = AgreementFactory(reference_number="MRD-S")
    client = client_as(admin_user)
    version = client.get(f"/agreements/{agreement.pk}/edit/").context["form"].initial["version"]
    Agreement.objects.get(pk=agreement.pk).save()  # someone else saves
    data = agreement_form_data(agreement.ngo, reference_number="MRD-S", valid_from="2023-01-01",
                               valid_to="2025-12-31", version=version, mrd_focal_person="Mine")
    response = client.post(f"/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 200
    assert "Someone else saved changes here" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).mrd_focal_person == ""


def test_officer_records_an_ngo_with_its_sectors(client_as, officer_user):
    response = client_as(officer_user).post("/ngos/new/", {
        "name_km": "អង្គការថ្មី", "name_en": "New Org", "acronym": "NO", "kind": "local", "sectors": [1, 2],
        "is_active": "on",
    })
    ngo = NGO.objects.get(name_en="New Org")
    assert response["Location"] == f"/ngos/{ngo.pk}/"
    assert ngo.sectors.count() == 2


def test_ngo_needs_a_name_and_nothing_is_saved(client_as, officer_user):
    response = client_as(officer_user).post("/ngos/new/", {"name_km": "", "name_en": "", "kind": "local"})
    assert response.context["form"].errors["name_km"] == ["Give the NGO's name in Khmer, in English, or both."]
    assert not NGO.objects.exists()


def test_an_ngo_already_recorded_under_another_spelling_is_pointed_out(client_as, officer_user):
    existing = NGOFactory(name_km="មជ្ឈមណ្ឌលកណ្ដាល", name_en="Central Centre")  # coeng DA
    response = client_as(officer_user).post("/ngos/new/", {"name_km": "មជ្ឈមណ្ឌលកណ្តាល", "name_en": "", "kind": "local"})
    assert f'href="/ngos/{existing.pk}/"' in response.content.decode()
    assert NGO.objects.count() == 1


# ---- Lifecycle through the pages -------------------------------------------------------------------

@on(D(2024, 12, 1))
def test_administrator_renews_then_signs_and_the_agreement_leaves_the_board(client_as, admin_user):
    agreement = AgreementFactory(reference_number="MRD-OLD", valid_from=D(2022, 1, 1), valid_to=D(2024, 12, 31))
    client = client_as(admin_user)
    board = client.get("/agreements/expiring/")
    assert [a.pk for a in dict((k, rows) for k, _t, rows in board.context["sections"])["30"]] == [agreement.pk]

    form = client.get(f"/agreements/{agreement.pk}/renew/").context["form"]
    assert form.initial == {"valid_from": D(2025, 1, 1), "valid_to": D(2027, 12, 31)}
    response = client.post(f"/agreements/{agreement.pk}/renew/", {
        "reference_number": "MRD-NEW", "valid_from": "2025-01-01", "valid_to": "2027-12-31"})
    successor = Agreement.objects.get(reference_number="MRD-NEW")
    assert response["Location"] == f"/agreements/{successor.pk}/"
    assert successor.renews == agreement and successor.signed_on is None
    assert RenewalChecklistEntry.objects.filter(agreement=successor).count() == 4
    board = client.get("/agreements/expiring/")
    assert [a.pk for a in board.context["renewing"]] == [agreement.pk]

    client.post(f"/agreements/{successor.pk}/sign/", {"signed_on": "2024-12-01"})
    assert Agreement.objects.with_status().get(pk=agreement.pk).status == AgreementStatus.RENEWED
    board = client.get("/agreements/expiring/")
    assert all(agreement.pk not in [a.pk for a in rows] for _k, _t, rows in board.context["sections"])
    assert list(board.context["renewing"]) == []


@on(D(2024, 12, 1))
def test_renew_of_an_agreement_already_being_renewed_goes_to_the_renewal(client_as, admin_user):
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    successor = AgreementFactory(ngo=agreement.ngo, valid_from=D(2025, 1, 1), valid_to=D(2026, 1, 1),
                                 renews=agreement, signed_on=None)
    response = client_as(admin_user).get(f"/agreements/{agreement.pk}/renew/")
    assert response["Location"] == f"/agreements/{successor.pk}/"


def test_renewal_checklist_records_documents_received(client_as, admin_user):
    from agreements.services import agreement_renew

    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    successor = agreement_renew(agreement=agreement, by=admin_user, reference_number="MRD-R",
                                valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    entries = list(successor.checklist_entries.all())
    client = client_as(admin_user)
    response = client.post(f"/agreements/{successor.pk}/checklist/", {f"entry_{entries[0].pk}": "2024-11-20"})
    assert response.status_code == 302
    assert RenewalChecklistEntry.objects.get(pk=entries[0].pk).received_on == D(2024, 11, 20)
    assert "1 / 4" in client.get(f"/agreements/{successor.pk}/").content.decode()


def test_termination_needs_a_reason_and_a_date_within_the_agreement(client_as, admin_user):
    agreement = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2025, 12, 31))
    client = client_as(admin_user)
    response = client.post(f"/agreements/{agreement.pk}/terminate/", {"terminated_on": "2022-06-01",
                                                                       "termination_reason": ""})
    errors = response.context["form"].errors
    assert errors["termination_reason"] == ["Give the reason for the termination."]
    response = client.post(f"/agreements/{agreement.pk}/terminate/", {"terminated_on": "2022-06-01",
                                                                       "termination_reason": "Closed"})
    assert response.context["form"].errors["terminated_on"] == [
        "The agreement starts on 1 January 2023; it cannot end before."]
    assert Agreement.objects.get(pk=agreement.pk).terminated_on is None
    client.post(f"/agreements/{agreement.pk}/terminate/", {"terminated_on": "2024-06-30",
                                                           "termination_reason": "Programme closed"})
    agreement.refresh_from_db()
    assert agreement.terminated_on == D(2024, 6, 30) and agreement.termination_reason == "Programme closed"


@on(D(2024, 12, 1))
def test_flag_shows_on_the_board_and_the_page_until_cleared(client_as, admin_user, head_user):
    agreement = AgreementFactory(valid_to=D(2024, 12, 20))
    client = client_as(admin_user)
    response = client.post(f"/agreements/{agreement.pk}/flag/", {"note": "Call the director",
                                                                  "follow_up_by": head_user.pk})
    assert response.status_code == 302
    assert "Call the director" in client.get("/agreements/expiring/").content.decode()
    assert "Call the director" in client.get(f"/agreements/{agreement.pk}/").content.decode()
    flag = AgreementFlag.objects.get()
    client.post(f"/agreements/{agreement.pk}/flags/{flag.pk}/clear/", {"clearing_note": "Director called"})
    flag.refresh_from_db()
    assert flag.cleared_by == admin_user and flag.clearing_note == "Director called"
    assert "Call the director" not in client.get("/agreements/expiring/").content.decode()
    assert "Call the director" in client.get(f"/agreements/{agreement.pk}/").content.decode()  # kept in history


def test_a_second_flag_is_refused_while_one_is_open(client_as, admin_user):
    flag = AgreementFlagFactory()
    response = client_as(admin_user).post(f"/agreements/{flag.agreement_id}/flag/", {
        "note": "Again", "follow_up_by": admin_user.pk})
    assert "already flagged" in response.content.decode()
    assert AgreementFlag.objects.count() == 1


# ---- The board -------------------------------------------------------------------------------------

@on(D(2024, 6, 1))
def test_board_groups_agreements_by_days_left_each_once(client_as, head_user):
    def ending(days, **kwargs):
        return AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 6, 1) + datetime.timedelta(days=days),
                                **kwargs)

    expired = ending(-1)
    in_30, at_30 = ending(0), ending(30)
    at_31, at_60 = ending(31), ending(60)
    at_61, at_90 = ending(61), ending(90)
    ending(91)  # active, not on the board
    ending(10, terminated_on=D(2024, 5, 1), termination_reason="Closed")  # terminated
    ending(-5, signed_on=None)  # a draft
    being_renewed = ending(20)
    AgreementFactory(ngo=being_renewed.ngo, valid_from=D(2024, 6, 22), valid_to=D(2026, 1, 1),
                     renews=being_renewed, signed_on=None)
    renewed = ending(15)
    AgreementFactory(ngo=renewed.ngo, valid_from=D(2024, 6, 17), valid_to=D(2026, 1, 1), renews=renewed)

    context = client_as(head_user).get("/agreements/expiring/").context
    groups = {key: {a.pk for a in rows} for key, _title, rows in context["sections"]}
    assert groups == {
        "expired": {expired.pk}, "30": {in_30.pk, at_30.pk}, "60": {at_31.pk, at_60.pk}, "90": {at_61.pk, at_90.pk},
    }
    assert [a.pk for a in context["renewing"]] == [being_renewed.pk]


@on(D(2024, 6, 1))
def test_board_shows_ngo_focal_persons_days_left_and_flag(client_as, head_user):
    agreement = AgreementFactory(valid_to=D(2024, 6, 21), mrd_focal_person="Chan Sokha", ngo_focal_person="Mey Lina")
    AgreementFlagFactory(agreement=agreement, note="Waiting for the plan")
    page = client_as(head_user).get("/agreements/expiring/").content.decode()
    row = page.split(f'data-reference="{agreement.reference_number}"')[1].split("</tr>")[0]
    assert agreement.ngo.name_en in row or agreement.ngo.name_km in row
    assert "Chan Sokha" in row and "Mey Lina" in row and ">20<" in row and "Waiting for the plan" in row


@on(D(2024, 6, 1))
def test_board_query_count_does_not_grow_with_rows(client_as, admin_user, siem_reap):
    def add(n):
        for i in range(n):
            # Spread over the 30-, 60- and 90-day groups from the first rows: a group with no row needs no row query.
            agreement = AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 6, 2) + datetime.timedelta(days=(i * 17) % 80),
                                         provinces=[siem_reap])
            AgreementFlagFactory(agreement=agreement, follow_up_by=admin_user)
            if i % 3 == 0:
                from agreements.services import agreement_renew
                agreement_renew(agreement=agreement, by=admin_user, reference_number=f"R-{agreement.pk}",
                                valid_from=agreement.valid_to + datetime.timedelta(days=1), valid_to=D(2030, 1, 1))

    client = client_as(admin_user)
    add(5)
    with_5 = _count_queries(client, "/agreements/expiring/")
    add(40)
    assert _count_queries(client, "/agreements/expiring/") == with_5


@on(D(2024, 6, 1))
def test_provincial_officer_sees_only_their_province_on_the_board(client_as, provincial_user, siem_reap, battambang):
    mine = AgreementFactory(valid_to=D(2024, 6, 20), provinces=[siem_reap])
    AgreementFactory(valid_to=D(2024, 6, 20), provinces=[battambang])
    context = client_as(provincial_user).get("/agreements/expiring/").context
    assert [a.pk for _k, _t, rows in context["sections"] for a in rows] == [mine.pk]


def test_agreement_page_history_names_who_changed_what(client_as, admin_user):
    admin_user.first_name, admin_user.last_name = "Sokha", "Chan"
    admin_user.save()
    agreement = AgreementFactory(reference_number="MRD-HIST", mrd_focal_person="Old Focal")
    client = client_as(admin_user)
    version = client.get(f"/agreements/{agreement.pk}/edit/").context["form"].initial["version"]
    client.post(f"/agreements/{agreement.pk}/edit/", agreement_form_data(
        agreement.ngo, reference_number="MRD-HIST", valid_from="2023-01-01", valid_to="2025-12-31",
        signed_on="2022-12-15", planned_budget_usd="100000", mrd_focal_person="New Focal",
        mrd_focal_email="focal@mrd.gov.kh", version=version))
    history = client.get(f"/agreements/{agreement.pk}/").content.decode().split('data-testid="history"')[1]
    assert "Sokha Chan" in history
    assert "Ministry focal person" in history and "Old Focal" in history and "New Focal" in history


def test_a_draft_cannot_be_terminated(client_as, admin_user):
    draft = AgreementFactory(signed_on=None)
    response = client_as(admin_user).post(f"/agreements/{draft.pk}/terminate/", {
        "terminated_on": "2024-06-01", "termination_reason": "Abandoned"})
    assert "A draft is not in force" in response.content.decode()
    assert Agreement.objects.get(pk=draft.pk).terminated_on is None


def test_the_renewal_checklist_is_editable_in_the_admin(client_as, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    page = client_as(admin_user).get("/admin/agreements/renewalchecklistitem/")
    assert page.status_code == 200
    assert "Registration certificate" in page.content.decode()


def test_a_rule_about_a_field_the_form_does_not_show_is_reported_on_top(client_as, admin_user, monkeypatch):
    from django.core.exceptions import ValidationError

    from agreements import services

    draft = AgreementFactory(signed_on=None)

    def refuse(**kwargs):
        raise ValidationError({"valid_from": "These dates overlap another agreement of the same NGO."})

    monkeypatch.setattr(services, "agreement_sign", refuse)
    response = client_as(admin_user).post(f"/agreements/{draft.pk}/sign/", {"signed_on": "2024-01-01"})
    assert response.context["form"].non_field_errors() == ["These dates overlap another agreement of the same NGO."]
    assert Agreement.objects.get(pk=draft.pk).signed_on is None
