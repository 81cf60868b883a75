"""The data version (mrd_ngo/versions.py): moves on every write to the apps' data, and only then."""
import pytest
from django.db import connection, transaction

from agreements.models import Province, Sector
from mrd_ngo import versions
from reports.models import SummaryDocument

pytestmark = pytest.mark.django_db


def test_every_table_of_the_apps_is_versioned_but_the_documents_state():
    """A model added later is covered without anyone remembering to: the triggers follow the apps' tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name = %s",
                       [versions.TRIGGER])
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == set(versions.versioned_tables())
    assert "reports_indicatorvalue" in triggered and "agreements_agreement" in triggered
    assert SummaryDocument._meta.db_table not in triggered  # the worker's progress is not data


def test_any_write_moves_the_version_and_a_read_does_not(siem_reap):
    before = versions.current()
    list(Province.objects.all())
    assert versions.current() == before
    with connection.cursor() as cursor:  # raw SQL too: the trigger is in the database
        cursor.execute("UPDATE agreements_province SET name_en = name_en WHERE id = %s", [siem_reap.pk])
    after = versions.current()
    assert after != before
    Sector.objects.create(code="new-sector", name_en="New sector")
    inserted = versions.current()
    assert inserted != after
    Sector.objects.filter(code="new-sector").delete()
    assert versions.current() != inserted


def test_a_version_seen_inside_a_rolled_back_write_never_comes_back(siem_reap):
    """What was computed inside a transaction that rolled back cannot be served later under its version."""
    inside = None
    with pytest.raises(RuntimeError), transaction.atomic():
        Province.objects.filter(pk=siem_reap.pk).update(name_en="Renamed")
        inside = versions.current()
        raise RuntimeError
    assert versions.current() != inside
    Province.objects.filter(pk=siem_reap.pk).update(name_en="Renamed again")
    assert versions.current() != inside


def test_remember_computes_once_per_version_and_key(siem_reap):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert versions.remember("a", compute) == 1
    assert versions.remember("a", compute) == 1
    assert versions.remember("b", compute) == 2  # another key
    Province.objects.filter(pk=siem_reap.pk).update(name_en="Siem Reap")
    assert versions.remember("a", compute) == 3


def test_folding_the_change_log_keeps_the_count():
    """Every thousandth change folds the older rows: the table stays short, the count goes on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM mrd_data_change_id_seq")
        last = cursor.fetchone()[0]
        count_before = versions.current()[0]
        to_next_fold = 1000 - last % 1000
        for _ in range(to_next_fold + 5):
            cursor.execute("UPDATE agreements_province SET name_en = name_en WHERE false")
        cursor.execute("SELECT count(*) FROM mrd_data_change")
        rows = cursor.fetchone()[0]
    assert versions.current()[0] == count_before + to_next_fold + 5
    assert rows <= 8  # the folded row, the thousandth, and the five after it
