"""Lifecycle services (renew, sign, terminate, flag), the overlap rule as the last line, and the audit trail."""
import datetime

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from agreements import services
from agreements.choices import AgreementStatus
from agreements.history import agreement_history, ngo_history
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementFlag,
    AgreementProvinceEvent,
    NGOEvent,
    RenewalChecklistItem,
    Sector,
)
from tests.factories import AgreementFactory, AgreementFlagFactory, NGOFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# ---- Renewal ---------------------------------------------------------------------------------------

def test_renewal_dates_follow_on_for_as_many_whole_years():
    agreement = AgreementFactory.build(valid_from=D(2022, 1, 1), valid_to=D(2024, 12, 31))
    assert services.renewal_dates(agreement) == (D(2025, 1, 1), D(2027, 12, 31))
    leap = AgreementFactory.build(valid_from=D(2023, 3, 1), valid_to=D(2024, 2, 28))
    assert services.renewal_dates(leap) == (D(2024, 2, 29), D(2025, 2, 27))


def test_renewal_copies_the_scope_and_starts_a_checklist(admin_user, siem_reap):
    sector = Sector.objects.first()
    agreement = AgreementFactory(provinces=[siem_reap], sectors=[sector], mrd_focal_person="Sok", planned_budget_usd=5000,
                                 valid_to=D(2024, 12, 31))
    successor = services.agreement_renew(agreement=agreement, by=admin_user, reference_number="MRD-R",
                                         valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    assert successor.renews == agreement and successor.ngo == agreement.ngo and successor.signed_on is None
    assert list(successor.provinces.all()) == [siem_reap] and list(successor.sectors.all()) == [sector]
    assert successor.mrd_focal_person == "Sok" and successor.planned_budget_usd == 5000
    assert [e.item.name_en for e in successor.checklist_entries.select_related("item")] == [
        "Request letter", "Activity and financial report of the ending period", "New plan", "Registration certificate",
    ]


def test_checklist_items_switched_off_in_the_admin_are_not_asked_for(admin_user):
    RenewalChecklistItem.objects.filter(name_en="New plan").update(is_active=False)
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    successor = services.agreement_renew(agreement=agreement, by=admin_user, reference_number="MRD-R",
                                         valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    assert successor.checklist_entries.count() == 3


def test_an_agreement_is_renewed_once_and_never_a_draft_or_terminated_one(admin_user):
    agreement = AgreementFactory(valid_to=D(2024, 12, 31))
    services.agreement_renew(agreement=agreement, by=admin_user, reference_number="R1",
                             valid_from=D(2025, 1, 1), valid_to=D(2026, 12, 31))
    with pytest.raises(ValidationError, match="already been started"):
        services.agreement_renew(agreement=agreement, by=admin_user, reference_number="R2",
                                 valid_from=D(2027, 1, 1), valid_to=D(2028, 12, 31))
    draft = AgreementFactory(signed_on=None)
    with pytest.raises(ValidationError, match="draft cannot be renewed"):
        services.agreement_renew(agreement=draft, by=admin_user, reference_number="R3",
                                 valid_from=D(2026, 1, 1), valid_to=D(2027, 12, 31))
    terminated = AgreementFactory(terminated_on=D(2024, 1, 1), termination_reason="Closed")
    with pytest.raises(ValidationError, match="terminated agreement"):
        services.agreement_renew(agreement=terminated, by=admin_user, reference_number="R4",
                                 valid_from=D(2026, 1, 1), valid_to=D(2027, 12, 31))
    assert not Agreement.objects.filter(reference_number__in=["R2", "R3", "R4"]).exists()


def test_a_renewal_chain_of_three_agreements_reads_in_order(admin_user):
    first = AgreementFactory(valid_from=D(2019, 1, 1), valid_to=D(2021, 12, 31))
    second = services.agreement_renew(agreement=first, by=admin_user, reference_number="R2",
                                      valid_from=D(2022, 1, 1), valid_to=D(2024, 12, 31))
    services.agreement_sign(agreement=second, by=admin_user, signed_on=D(2021, 12, 20))
    third = services.agreement_renew(agreement=second, by=admin_user, reference_number="R3",
                                     valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    day = D(2024, 12, 15)
    statuses = {a.pk: a.status for a in Agreement.objects.with_status(day)}
    assert statuses == {first.pk: AgreementStatus.RENEWED, second.pk: AgreementStatus.EXPIRING,
                        third.pk: AgreementStatus.DRAFT}
    assert third.renews.renews == first


def test_renewal_dates_overlapping_the_ngo_are_refused(admin_user):
    agreement = AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.agreement_renew(agreement=agreement, by=admin_user, reference_number="R",
                                 valid_from=D(2024, 6, 1), valid_to=D(2027, 12, 31))
    assert agreement.reference_number in error.value.message_dict["valid_from"][0]
    assert not Agreement.objects.filter(reference_number="R").exists()


def test_signing_in_the_future_is_refused(admin_user):
    draft = AgreementFactory(signed_on=None)
    with pytest.raises(ValidationError):
        services.agreement_sign(agreement=draft, by=admin_user, signed_on=D(2999, 1, 1))
    assert Agreement.objects.get(pk=draft.pk).signed_on is None


# ---- The database as the last line --------------------------------------------------------------

def test_an_overlap_only_the_database_sees_becomes_the_same_field_error_and_saves_nothing(admin_user, monkeypatch):
    ngo = NGOFactory()
    checked = Agreement.full_clean  # the service's last check before its save
    others = []

    def checked_then_someone_else_saves(agreement, *args, **kwargs):
        checked(agreement, *args, **kwargs)
        if not others:  # another person saves an overlapping agreement of the same NGO just now
            others.append(AgreementFactory(ngo=ngo, reference_number="MRD-CURRENT",
                                           valid_from=D(2023, 1, 1), valid_to=D(2025, 12, 31)))

    monkeypatch.setattr(Agreement, "full_clean", checked_then_someone_else_saves)
    with pytest.raises(ValidationError) as error:
        services.agreement_create(by=admin_user, ngo=ngo, reference_number="MRD-LATE",
                                  valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31), provinces=[], sectors=[])
    # The refusal came from the database's exclusion constraint, not from the checks before the save ...
    assert isinstance(error.value.__cause__, IntegrityError)
    assert services._constraint_name(error.value.__cause__) == services.OVERLAP_CONSTRAINT
    # ... and reads as the form's message next to the dates, naming (and linking) the other agreement.
    assert error.value.message_dict == {"valid_from": [
        f'These dates overlap agreement <a href="/agreements/{others[0].pk}/">MRD-CURRENT</a> of the same NGO, '
        "in force from 1 January 2023 to 31 December 2025. Two agreements of one NGO may not be in force on the same day.",
    ]}
    # Nothing of ours was saved. (The other person's row goes too: here it shares our transaction.)
    assert not Agreement.objects.filter(reference_number="MRD-LATE").exists()


# ---- Termination and flags --------------------------------------------------------------------------

def test_terminating_twice_is_refused(admin_user):
    agreement = AgreementFactory()
    services.agreement_terminate(agreement=agreement, by=admin_user, terminated_on=D(2024, 1, 31), reason="Closed")
    with pytest.raises(ValidationError, match="already terminated"):
        services.agreement_terminate(agreement=agreement, by=admin_user, terminated_on=D(2024, 2, 1), reason="Again")


def test_a_termination_after_the_end_is_refused(admin_user):
    agreement = AgreementFactory(valid_to=D(2025, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.agreement_terminate(agreement=agreement, by=admin_user, terminated_on=D(2026, 1, 1), reason="x")
    assert error.value.message_dict["terminated_on"] == ["The agreement already ends on 31 December 2025."]


def test_flag_then_clear_keeps_both_in_the_history(admin_user, head_user):
    agreement = AgreementFactory()
    flag = services.agreement_flag(agreement=agreement, by=admin_user, note="Missing report", follow_up_by=head_user)
    with pytest.raises(ValidationError):
        services.agreement_flag(agreement=agreement, by=admin_user, note="Again", follow_up_by=head_user)
    services.agreement_clear_flag(flag=flag, by=head_user, note="Report received")
    with pytest.raises(ValidationError, match="already been cleared"):
        services.agreement_clear_flag(flag=flag, by=head_user)
    services.agreement_flag(agreement=agreement, by=admin_user, note="New issue", follow_up_by=head_user)
    assert AgreementFlag.objects.filter(agreement=agreement).count() == 2
    whats = [entry.what for entry in agreement_history(agreement, user=admin_user)]
    assert whats[:3] == ["Flagged", "Flag cleared", "Flagged"]


def test_an_empty_flag_note_is_refused():
    flag_count = AgreementFlag.objects.count()
    flag = AgreementFlagFactory.build()
    with pytest.raises(ValidationError):
        services.agreement_flag(agreement=AgreementFactory(), by=None, note="  ", follow_up_by=flag.follow_up_by)
    assert AgreementFlag.objects.count() == flag_count


# ---- Audit trail -----------------------------------------------------------------------------------

def test_orm_changes_are_recorded_with_the_acting_user(admin_user):
    agreement = AgreementFactory(mrd_focal_person="Before")
    with pghistory.context(user=admin_user.pk):
        agreement.mrd_focal_person = "After"
        agreement.save()
    event = AgreementEvent.objects.filter(pgh_obj_id=agreement.pk, pgh_label="update").get()
    assert event.mrd_focal_person == "After"
    assert event.pgh_context.metadata["user"] == admin_user.pk


def test_bulk_updates_and_deletes_are_recorded_for_every_row(admin_user):
    agreements = [AgreementFactory(signed_on=None) for _ in range(3)]
    with pghistory.context(user=admin_user.pk):
        Agreement.objects.filter(pk__in=[a.pk for a in agreements]).update(mrd_focal_person="Bulk")
        Agreement.objects.filter(pk=agreements[0].pk).delete()
    updates = AgreementEvent.objects.filter(pgh_label="update", mrd_focal_person="Bulk")
    assert updates.count() == 3
    assert {e.pgh_context.metadata["user"] for e in updates} == {admin_user.pk}
    assert AgreementEvent.objects.filter(pgh_label="delete", pgh_obj_id=agreements[0].pk).exists()


def test_services_record_the_acting_user_and_province_changes(admin_user, siem_reap, battambang):
    agreement = services.agreement_create(
        by=admin_user, ngo=NGOFactory(), reference_number="MRD-H", valid_from=D(2024, 1, 1), valid_to=D(2025, 12, 31),
        provinces=[siem_reap],
    )
    services.agreement_update(agreement=agreement, by=admin_user, mrd_focal_person="Chan",
                              valid_to=D(2026, 6, 30), provinces=[battambang])
    province_events = AgreementProvinceEvent.objects.filter(agreement_id=agreement.pk)
    assert {(e.pgh_label, e.province_id) for e in province_events} == {
        ("add", siem_reap.pk), ("remove", siem_reap.pk), ("add", battambang.pk)}
    assert {e.pgh_context.metadata["user"] for e in province_events} == {admin_user.pk}


def test_history_says_who_changed_which_field_from_what_to_what(admin_user, siem_reap, battambang):
    admin_user.first_name, admin_user.last_name = "Sokha", "Chan"
    admin_user.save()
    agreement = services.agreement_create(
        by=admin_user, ngo=NGOFactory(), reference_number="MRD-H", valid_from=D(2024, 1, 1), valid_to=D(2025, 12, 31),
        provinces=[siem_reap],
    )
    services.agreement_update(agreement=agreement, by=admin_user, valid_to=D(2026, 6, 30), provinces=[battambang])
    latest, created = agreement_history(agreement, user=admin_user)
    assert (latest.who, latest.what) == ("Sokha Chan", "Changed")
    changes = {c.label: c for c in latest.changes}
    assert (changes["valid to"].old, changes["valid to"].new) == ("31 December 2025", "30 June 2026")
    assert changes["provinces"].added == ["Battambang"] and changes["provinces"].removed == ["Siem Reap"]
    assert created.what == "Created" and {c.label: c.added for c in created.changes}["provinces"] == ["Siem Reap"]


def test_ngo_history_shows_renames_and_bulk_changes_made_without_a_user():
    ngo = NGOFactory(name_en="First Name")
    NGO_ = type(ngo)
    NGO_.objects.filter(pk=ngo.pk).update(name_en="Second Name")
    latest = ngo_history(ngo)[0]
    assert latest.who == "System"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [("name (English)", "First Name", "Second Name")]
    assert NGOEvent.objects.filter(pgh_obj_id=ngo.pk).count() == 2
