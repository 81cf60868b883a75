"""The data version: a cheap answer to "has any of the app's data changed since?".

Pages that count thousands of rows (completeness, the home pages, the summary's fingerprint) are
read far more often than the data changes. Each web process keeps what it computed under the data
version it computed it at (`remember`), and computes again only when the version moved.

How the version moves: every write statement (INSERT, UPDATE, DELETE, TRUNCATE) on a table of the
apps in `VERSIONED_APPS` (bar `UNVERSIONED_TABLES`) fires a statement trigger that appends one row to
`mrd_data_change`. The version is the number of changes and the latest change's id and time, read
in one query. It is exact in PostgreSQL's own terms, with no lock between writers:
- a change is seen exactly when the transaction that made it commits (the row commits with it);
- a transaction that rolls back leaves nothing: its row's id is never handed out again, so a
  version seen inside it never comes back;
- what is computed after reading version V holds data at least as new as V, so keeping it under V
  never serves older data than V promises (a later commit moves the version).
The triggers are (re)installed after every `migrate` (`install_triggers`, from apps.py), on every
table of those apps, so a new model is versioned without anyone remembering to. Every thousandth
change folds the older rows into one (same count), so reading the version stays one short scan.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.apps import apps
from django.db import connection

#: The apps whose tables the version covers (the data people enter and the pages count).
VERSIONED_APPS = ("agreements", "reports")
#: Tables of those apps whose writes are not data: the worker's state of the documents it builds.
UNVERSIONED_TABLES = {"reports_summarydocument", "reports_recorddocument"}
TRIGGER = "mrd_data_version"
#: Results kept per process (each a few hundred KB at most at national scale): a home page per
#: person who came by, a completeness per semester and edition, a fingerprint per semester.
KEPT = 256

_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()  # gthread workers serve requests in threads of one process


def versioned_tables() -> list[str]:
    """The tables the triggers are on: every concrete table of `VERSIONED_APPS`, bar `UNVERSIONED_TABLES`."""
    tables = set()
    for label in VERSIONED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                tables.add(model._meta.db_table)
    return sorted(tables - UNVERSIONED_TABLES)


def install_triggers(**_kwargs) -> None:
    """(Re)install the statement trigger on every versioned table (post_migrate: new tables included)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('mrd_data_change') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # mrd_ngo's migration that creates it has not run yet
        existing = set(connection.introspection.table_names(cursor))
        for table in versioned_tables():
            if table in existing:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                    f"{connection.ops.quote_name(table)} FOR EACH STATEMENT EXECUTE FUNCTION mrd_data_changed()"
                )


def current() -> tuple:
    """The data version as this transaction sees it (one query on a table of at most a thousand rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(changes), 0), max(id), max(at) FROM mrd_data_change")
        return cursor.fetchone()


def remember(key: Hashable, compute: Callable[[], object]):
    """`compute()`, or what it returned before under the same `key` and the same data version.

    The key must hold everything else the result depends on (the semester, the user's scope, the
    language, the day...). The version is read before computing: see the module's note on why that
    order cannot serve older data than the version promises.
    """
    full_key = (key, current())
    with _lock:
        if full_key in _kept:
            _kept.move_to_end(full_key)
            return _kept[full_key]
    value = compute()
    with _lock:
        _kept[full_key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept result of this process (tests that rebuild the database under the same ids)."""
    with _lock:
        _kept.clear()
