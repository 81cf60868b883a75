"""The project as a whole: migrations, checks, settings."""
import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_system_checks_are_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_migrations_apply_from_zero_and_load_reference_data(django_db_blocker):
    from agreements.models import Indicator, Province, Sector
    from django.contrib.auth.models import Group

    # pytest-django built the test database by running every migration from an empty one.
    assert Province.objects.count() == 25
    assert Province.objects.get(code="12").name_km == "ភ្នំពេញ"
    assert Sector.objects.count() == 7
    assert Indicator.objects.filter(disaggregated_by_sex=True).exists()
    assert set(Group.objects.values_list("name", flat=True)) == {
        "Administrator", "Department head", "Data-entry officer", "Provincial officer"
    }


def test_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert settings.DEBUG is False
