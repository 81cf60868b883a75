"""Management pages of places: the gazetteer's villages (model-village status, recorded) and coverage rates.

Administrators only; bad input is answered next to the field and writes nothing.
"""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import CoverageRate, Village
from tests.factories import CoverageRateFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, admin_user, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


@pytest.fixture
def villages(siem_reap, battambang):
    return {
        "srae": VillageFactory(province=siem_reap, name_en="Srae Thmei", name_km="ស្រែថ្មី", code="17010101",
                               is_model_village=False),
        "kouk": VillageFactory(province=siem_reap, name_en="Kouk Chan", name_km="គោកចន្ទ", code="17010102",
                               is_model_village=True),
        "other_srae": VillageFactory(province=battambang, name_en="Srae Thmei", name_km="ស្រែថ្មី", code="02010101",
                                     is_model_village=False),
    }


def listed(response) -> set[str]:
    return {row.record.code for row in response.context["table"].paginated_rows}


# ---- Villages --------------------------------------------------------------------------------


def test_villages_are_found_by_name_or_code_and_filtered_by_province_and_status(admin, villages, siem_reap):
    assert listed(admin.get("/manage/villages/?q=srae")) == {"17010101", "02010101"}
    assert listed(admin.get("/manage/villages/?q=ស្រែ")) == {"17010101", "02010101"}
    assert listed(admin.get(f"/manage/villages/?q=srae&province={siem_reap.pk}")) == {"17010101"}
    assert listed(admin.get("/manage/villages/?q=1701010")) == {"17010101", "17010102"}
    assert listed(admin.get(f"/manage/villages/?province={siem_reap.pk}&is_model_village=true")) == {"17010102"}


def test_the_village_list_shows_50_a_page_and_its_queries_do_not_grow_with_the_villages(admin, siem_reap):
    VillageFactory.create_batch(3, province=siem_reap)
    with CaptureQueriesContext(connection) as few:
        admin.get("/manage/villages/")
    VillageFactory.create_batch(60, province=siem_reap)
    with CaptureQueriesContext(connection) as many:
        response = admin.get("/manage/villages/")
    assert len(many) == len(few)
    assert response.context["table"].paginator.count == 63
    assert len(response.context["table"].paginated_rows) == 50
    assert "?page=2" in response.content.decode()


def test_the_village_export_keeps_the_filters(admin, villages, siem_reap):
    csv = admin.get(f"/manage/villages/?q=srae&province={siem_reap.pk}&_export=csv").getvalue().decode()
    assert "17010101" in csv and "02010101" not in csv and "Kouk Chan" not in csv
    assert "Srae Thmei" in csv and "Siem Reap" in csv


def test_marking_a_model_village_is_recorded_with_who_did_it(admin, admin_user, villages):
    village = villages["srae"]
    response = admin.post(f"/manage/villages/{village.pk}/", {"is_model_village": "on"})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.is_model_village
    page = admin.get(f"/manage/villages/{village.pk}/").content.decode()
    assert "Marked as a model village" in page and admin_user.username in page
    # Unmarked again: the page says so, newest first, and the record holds both changes.
    admin.post(f"/manage/villages/{village.pk}/", {})
    village.refresh_from_db()
    assert not village.is_model_village
    page = admin.get(f"/manage/villages/{village.pk}/").content.decode()
    assert page.index("No longer a model village") < page.index("Marked as a model village")
    assert [e.is_model_village for e in village.events.filter(pgh_label="model_village").order_by("pgh_id")] == [True, False]


def test_a_data_entry_officer_cannot_mark_a_model_village(client, officer_user, villages):
    client.force_login(officer_user)
    village = villages["srae"]
    assert client.post(f"/manage/villages/{village.pk}/", {"is_model_village": "on"}).status_code == 403
    village.refresh_from_db()
    assert not village.is_model_village


def test_the_village_list_is_in_khmer_with_khmer_digits(client, admin_user, villages):
    client.force_login(admin_user)
    page = client.get("/manage/villages/?q=srae").content.decode()
    assert "ស្រែថ្មី" in page and "១៧០១០១០១" in page and "ភូមិ" in page


# ---- Coverage rates --------------------------------------------------------------------------


def test_an_administrator_enters_a_provinces_coverage_for_a_year(admin, siem_reap):
    response = admin.post("/manage/coverage/new/", {
        "province": siem_reap.pk, "year": "2025", "water_supply_pct": "71.5", "sanitation_pct": "80",
        "source": "MRD annual report 2025",
    })
    assert response.status_code == 302
    rate = CoverageRate.objects.get(province=siem_reap, year=2025)
    assert rate.water_supply_pct == Decimal("71.5") and rate.sanitation_pct == Decimal("80.0")
    assert not rate.is_demonstration
    assert "Siem Reap" in admin.get("/manage/coverage/?year=2025").content.decode()


def test_a_correction_is_saved_and_recorded(admin, siem_reap):
    rate = CoverageRateFactory(province=siem_reap, year=2024)
    response = admin.post(f"/manage/coverage/{rate.pk}/", {
        "province": siem_reap.pk, "year": "2024", "water_supply_pct": "72", "sanitation_pct": "75", "source": "x",
    })
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.water_supply_pct == Decimal("72.0")
    assert rate.events.count() == 2  # created, then corrected


@pytest.mark.parametrize("field, value, message", [
    ("water_supply_pct", "101", "less than or equal to 100"),
    ("sanitation_pct", "-1", "greater than or equal to 0"),
    ("water_supply_pct", "abc", "Enter a number"),
    ("year", "", "This field is required"),
])
def test_a_figure_out_of_range_is_refused_next_to_its_field_and_nothing_is_written(admin, siem_reap, field, value,
                                                                                   message):
    data = {"province": siem_reap.pk, "year": "2025", "water_supply_pct": "50", "sanitation_pct": "50", field: value}
    response = admin.post("/manage/coverage/new/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert not CoverageRate.objects.exists()


def test_a_second_row_for_the_same_province_and_year_is_refused(admin, siem_reap):
    CoverageRateFactory(province=siem_reap, year=2024, water_supply_pct=Decimal("60"))
    response = admin.post("/manage/coverage/new/", {
        "province": siem_reap.pk, "year": "២០២៤", "water_supply_pct": "90", "sanitation_pct": "90",
    })
    assert response.status_code == 400
    assert "already has coverage rates for this year" in " ".join(response.context["form"].errors["year"])
    assert CoverageRate.objects.get().water_supply_pct == Decimal("60")


def test_the_coverage_export_keeps_the_filters(admin, siem_reap, battambang):
    CoverageRateFactory(province=siem_reap, year=2024)
    CoverageRateFactory(province=battambang, year=2024)
    csv = admin.get(f"/manage/coverage/?province={battambang.pk}&_export=csv").getvalue().decode()
    assert "Battambang" in csv and "Siem Reap" not in csv


def test_village_count_on_the_list_is_the_filtered_count(admin, villages):
    page = admin.get("/manage/villages/?is_model_village=false").content.decode()
    assert "2 villages" in page
    assert Village.objects.count() == 3


def test_the_manage_menu_links_the_management_pages_for_administrators_only(admin, client, officer_user):
    page = admin.get("/").content.decode()
    for url in ("/manage/semesters/", "/manage/users/", "/manage/villages/", "/manage/coverage/"):
        assert f'href="{url}"' in page
    client.force_login(officer_user)
    page = client.get("/").content.decode()
    assert 'data-testid="manage-menu"' not in page and 'href="/manage/villages/"' not in page
