"""Agreements: database rules (ORM and raw SQL) and the derived status at each boundary."""
import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement
from tests.factories import AgreementFactory, NGOFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def integrity_error(sql: str, params=()) -> None:
    """Assert that running `sql` is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_agreement_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(valid_from=D(2024, 1, 1), valid_to=D(2023, 12, 31))
    agreement = AgreementFactory()
    integrity_error("UPDATE agreements_agreement SET valid_to = valid_from - 1 WHERE id = %s", [agreement.pk])


def test_two_agreements_of_one_ngo_cannot_overlap():
    first = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2024, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(ngo=first.ngo, valid_from=D(2024, 12, 31), valid_to=D(2026, 12, 31))
    integrity_error(
        "INSERT INTO agreements_agreement (ngo_id, reference_number, valid_from, valid_to, mrd_focal_person,"
        " mrd_focal_email, ngo_focal_person, ngo_focal_email, planned_budget_usd, document, document_name,"
        " termination_reason, created_at, updated_at) VALUES (%s, 'RAW-1', '2024-06-01', '2025-06-01', '', '', '',"
        " '', 0, '', '', '', now(), now())",
        [first.ngo_id],
    )


def test_back_to_back_agreements_and_other_ngos_may_share_dates():
    first = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2024, 12, 31))
    AgreementFactory(ngo=first.ngo, valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31))
    AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2024, 12, 31))  # another NGO
    assert Agreement.objects.count() == 3


def test_an_early_termination_frees_the_rest_of_the_period():
    first = AgreementFactory(
        valid_from=D(2023, 1, 1), valid_to=D(2027, 12, 31), terminated_on=D(2024, 6, 30), termination_reason="Closed"
    )
    AgreementFactory(ngo=first.ngo, valid_from=D(2024, 7, 1), valid_to=D(2026, 12, 31))


def test_termination_needs_a_reason_and_a_date_after_the_start():
    agreement = AgreementFactory()
    integrity_error("UPDATE agreements_agreement SET terminated_on = '2024-01-01' WHERE id = %s", [agreement.pk])
    integrity_error(
        "UPDATE agreements_agreement SET terminated_on = '2020-01-01', termination_reason = 'x' WHERE id = %s",
        [agreement.pk],
    )


def test_budget_cannot_be_negative():
    agreement = AgreementFactory()
    integrity_error("UPDATE agreements_agreement SET planned_budget_usd = -1 WHERE id = %s", [agreement.pk])


def test_reference_numbers_are_unique():
    AgreementFactory(reference_number="MRD-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(reference_number="MRD-1")


def test_an_agreement_has_at_most_one_successor_and_cannot_renew_itself():
    first = AgreementFactory(valid_to=D(2023, 12, 31))
    AgreementFactory(ngo=first.ngo, valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31), renews=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(ngo=first.ngo, valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31), renews=first)
    integrity_error("UPDATE agreements_agreement SET renews_id = id WHERE id = %s", [first.pk])


def test_an_ngo_with_agreements_cannot_be_deleted():
    agreement = AgreementFactory()
    with pytest.raises(ProtectedError):
        agreement.ngo.delete()


def test_an_ngo_needs_a_name_in_one_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        NGO.objects.create(name_km="", name_en="")
    NGO.objects.create(name_km="អង្គការ", name_en="")


# Status: valid_to = 2024-12-31, window 90 days -> expiring from 2024-10-02, expired from 2025-01-01.
STATUS_ON = [
    (D(2024, 10, 1), AgreementStatus.ACTIVE),
    (D(2024, 10, 2), AgreementStatus.EXPIRING),
    (D(2024, 12, 31), AgreementStatus.EXPIRING),
    (D(2025, 1, 1), AgreementStatus.EXPIRED),
]


@pytest.mark.parametrize(("today", "expected"), STATUS_ON)
def test_status_follows_the_dates(today, expected):
    agreement = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2024, 12, 31))
    with time_machine.travel(datetime.datetime(today.year, today.month, today.day, 12), tick=False):
        assert Agreement.objects.get(pk=agreement.pk).status == expected
        assert Agreement.objects.with_status().get(pk=agreement.pk).status == expected


def test_expiry_window_is_configurable(settings):
    settings.AGREEMENT_EXPIRY_WINDOW_DAYS = 30
    agreement = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2024, 12, 31))
    assert agreement.status_on(D(2024, 11, 30)) == AgreementStatus.ACTIVE
    assert agreement.status_on(D(2024, 12, 1)) == AgreementStatus.EXPIRING
    assert Agreement.objects.with_status(D(2024, 11, 30)).get().status == AgreementStatus.ACTIVE


def test_unsigned_agreement_is_a_draft():
    agreement = AgreementFactory(signed_on=None)
    assert agreement.status_on(D(2024, 1, 1)) == AgreementStatus.DRAFT
    assert Agreement.objects.with_status(D(2024, 1, 1)).get().status == AgreementStatus.DRAFT


def test_termination_takes_effect_on_its_date():
    agreement = AgreementFactory(terminated_on=D(2024, 5, 1), termination_reason="Project closed")
    for day, expected in [(D(2024, 4, 30), AgreementStatus.ACTIVE), (D(2024, 5, 1), AgreementStatus.TERMINATED)]:
        assert agreement.status_on(day) == expected
        assert Agreement.objects.with_status(day).get().status == expected


def test_agreement_is_renewed_once_its_successor_is_signed():
    first = AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 12, 31))
    successor = AgreementFactory(ngo=first.ngo, valid_from=D(2025, 1, 1), valid_to=D(2027, 12, 31), renews=first, signed_on=None)
    day = D(2024, 12, 1)
    assert Agreement.objects.get(pk=first.pk).status_on(day) == AgreementStatus.EXPIRING
    assert Agreement.objects.with_status(day).get(pk=first.pk).status == AgreementStatus.EXPIRING
    successor.signed_on = D(2024, 12, 10)
    successor.save()
    assert Agreement.objects.get(pk=first.pk).status_on(D(2025, 3, 1)) == AgreementStatus.RENEWED
    assert Agreement.objects.with_status(D(2025, 3, 1)).get(pk=first.pk).status == AgreementStatus.RENEWED


def test_expiring_within_lists_only_agreements_ending_in_the_window():
    today = D(2024, 6, 1)
    soon = AgreementFactory(valid_to=D(2024, 6, 30))
    AgreementFactory(valid_to=D(2024, 12, 31))
    AgreementFactory(valid_to=D(2024, 5, 31))  # already expired
    assert list(Agreement.objects.expiring_within(30, today=today)) == [soon]


def test_in_force_during_counts_partial_overlap_and_termination():
    start, end = D(2024, 1, 1), D(2024, 6, 30)
    mid = AgreementFactory(valid_from=D(2024, 3, 15), valid_to=D(2026, 1, 1))
    AgreementFactory(valid_from=D(2020, 1, 1), valid_to=D(2023, 10, 31))  # ended before
    AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2026, 1, 1), terminated_on=D(2023, 12, 1), termination_reason="x")
    AgreementFactory(valid_from=D(2024, 1, 1), valid_to=D(2026, 1, 1), signed_on=None)  # draft
    assert list(Agreement.objects.in_force_during(start, end)) == [mid]


def test_bilingual_name_falls_back_to_the_other_language():
    from django.utils import translation

    ngo = NGOFactory(name_km="", name_en="Only English")
    with translation.override("km"):
        assert ngo.name == "Only English"
    ngo.name_km = "ខ្មែរ"
    with translation.override("km"):
        assert ngo.name == "ខ្មែរ"
    with translation.override("en"):
        assert ngo.name == "Only English"
