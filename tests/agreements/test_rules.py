"""The agreement rules of agreements/rules.py: in force, and the expiring window and its bands (settings)."""
import datetime

import pytest

from agreements import rules
from agreements.models import Agreement
from tests.factories import AgreementFactory

D = datetime.date


def test_the_expiring_window_is_split_into_three_bands():
    assert [(b.key, b.first, b.last) for b in rules.expiry_bands(90)] == [("30", 0, 30), ("60", 31, 60), ("90", 61, 90)]
    assert [(b.first, b.last) for b in rules.expiry_bands(120)] == [(0, 40), (41, 80), (81, 120)]
    assert [(b.first, b.last) for b in rules.expiry_bands(2)] == [(0, 2)]


@pytest.mark.django_db
def test_a_termination_ends_the_agreement_on_its_day_for_a_day_a_semester_and_the_status():
    terminated = AgreementFactory(valid_from=D(2023, 1, 1), valid_to=D(2025, 12, 31), terminated_on=D(2024, 3, 15),
                                  termination_reason="Closed")
    assert list(Agreement.objects.in_force_on(D(2024, 3, 14))) == [terminated]
    assert not Agreement.objects.in_force_on(D(2024, 3, 15)).exists()
    assert terminated.status_on(D(2024, 3, 15)) == "terminated"
    assert list(Agreement.objects.in_force_during(D(2024, 1, 1), D(2024, 6, 30))) == [terminated]
    assert not Agreement.objects.in_force_during(D(2024, 3, 15), D(2024, 6, 30)).exists()


@pytest.mark.django_db
def test_the_expiring_board_follows_the_window_setting(client_as, admin_user, settings, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 1, 9))
    ending = AgreementFactory(valid_from=D(2022, 1, 1), valid_to=D(2024, 4, 30))  # 120 days from today
    settings.AGREEMENT_EXPIRY_WINDOW_DAYS = 90
    page = client_as(admin_user).get("/agreements/expiring/")
    assert [key for key, _title, _rows in page.context["sections"]] == ["expired", "30", "60", "90"]
    assert ending.reference_number not in page.content.decode()  # not expiring yet

    settings.AGREEMENT_EXPIRY_WINDOW_DAYS = 150
    page = client_as(admin_user).get("/agreements/expiring/")
    sections = {key: (str(title), rows) for key, title, rows in page.context["sections"]}
    assert list(sections) == ["expired", "50", "100", "150"]
    assert sections["150"][0] == "Expiring in 101 to 150 days"
    assert [a.reference_number for a in sections["150"][1].object_list] == [ending.reference_number]
    assert Agreement.objects.expiring_within(150, today=D(2024, 1, 1)).get() == ending
