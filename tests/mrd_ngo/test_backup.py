"""A dump of the demo data restores into an empty database with the same rows."""
import io

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from mrd_ngo.backup import restore_database

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts(cursor) -> dict:
    counts = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue  # views, such as pghistory's events
        table = model._meta.db_table
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (table names from the models)
        counts[table] = cursor.fetchone()[0]
    return counts


def test_demo_dump_restores_into_an_empty_database_with_the_same_row_counts(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    archive = tmp_path / "demo.dump"
    call_command("backup_database", str(archive), stdout=io.StringIO())
    assert archive.stat().st_size > 10_000

    target = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_restore"}
    admin_conninfo = {k: v for k, v in {
        "host": target["HOST"], "port": target["PORT"], "user": target["USER"], "password": target["PASSWORD"],
    }.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin_conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        restore_database(archive, target)
        with connection.cursor() as cursor:
            original = row_counts(cursor)
        with psycopg.connect(dbname=target["NAME"], **admin_conninfo) as restored:
            copy = row_counts(restored.cursor())
        assert copy == original
        assert original["agreements_ngo"] == 66 and original["reports_indicatorvalue"] > 500
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin_conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    existing = tmp_path / "old.dump"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", str(existing))
    assert existing.read_text() == "keep me"
