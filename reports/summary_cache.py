"""The semester summary the page shows, kept per semester and edition until its data changes.

Building a semester's summary reads and sums the whole semester (about 0.3 s of a web worker at
national scale, whoever asks); the page is read far more often than the data changes. Each web
process therefore keeps the last few summaries it built, one per semester and edition (the national
one, or one province's: `scope_of(user)` (mrd_ngo/access.py), the same rule as `visible_to(user)`), and serves one
again as long as `data_fingerprint(period)` is unchanged: the same test of "the data changed" as the
kept PDF and workbook (reports/documents.py), one query instead of about thirty. A summary one web
process built is also written to the shared "summaries" cache (settings.CACHES: files under var/),
named by semester, edition and fingerprint, so the other processes read it (about 15 ms to unpickle
at national scale) instead of building it again; while one process builds a summary, the others
that want the same one wait for it (a PostgreSQL advisory lock) rather than build it too. Nothing is
shared between editions: a provincial officer gets their province's summary or a fresh build,
never the national one.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from contextlib import contextmanager

from django.core.cache import caches
from django.db import connection

from mrd_ngo.access import NoAccess, scope_of
from reports.documents import data_fingerprint
from reports.models import ReportingPeriod
from reports.summary import (
    SemesterSummary,
    build_national_summary,
    build_provincial_summary,
    build_summary,
)

#: Summaries kept per process (a national one at scale holds a few MB): the semesters people read.
KEPT = 8

_kept: OrderedDict[tuple[int, int | None], tuple[str, SemesterSummary]] = OrderedDict()
_lock = threading.Lock()  # gthread workers serve requests in threads of one process


def summary_for(period: ReportingPeriod, *, user, fingerprint=None) -> SemesterSummary:
    """The summary of `period` as `user` may see it: the kept one if its data is unchanged, else built now.

    `fingerprint`: `data_fingerprint(period)` if the caller has it already (or a lazy object computing it).
    """
    try:
        province_id = scope_of(user)
    except NoAccess:
        return build_summary(period, user=user)  # a user who may see nothing: an empty summary, not kept
    return edition_summary(period, province_id=province_id, fingerprint=fingerprint)


def edition_summary(period: ReportingPeriod, *, province_id: int | None, fingerprint=None) -> SemesterSummary:
    """One edition of the summary of `period`: the national one (None) or one province's, kept like `summary_for`'s.

    The caller has decided the user may see that edition (the province page: reports/province_views.py).
    """
    # Worked out before the build: if the data changes during the build, the summary is newer than
    # its fingerprint and the next request builds again; it is never served for data it does not show.
    fingerprint = str(fingerprint or data_fingerprint(period))
    key = (period.pk, province_id)
    with _lock:
        kept = _kept.get(key)
        if kept is not None and kept[0] == fingerprint:
            _kept.move_to_end(key)
            return kept[1]
    shared = caches["summaries"]
    shared_key = f"summary:{period.pk}:{'national' if province_id is None else province_id}:{fingerprint}"
    summary = shared.get(shared_key)
    if summary is None:
        # People open the page together (a meeting): one process builds, the others wait for it and
        # read what it shared, rather than all building the same summary at once.
        with _building(shared_key):
            summary = shared.get(shared_key)
            if summary is None:
                if province_id is None:
                    summary = build_national_summary(period)
                else:
                    summary = build_provincial_summary(period, province_id=province_id)
                shared.set(shared_key, summary)
    with _lock:
        _kept[key] = (fingerprint, summary)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return summary


@contextmanager
def _building(shared_key: str):
    """Hold PostgreSQL's advisory lock named after `shared_key` (released when done, or if the process dies)."""
    lock_id = int.from_bytes(hashlib.sha256(shared_key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


def forget_kept_summaries() -> None:
    """Drop every kept summary, in this process and shared (tests that start from nothing)."""
    with _lock:
        _kept.clear()
    caches["summaries"].clear()
