"""Time full list exports through the real views, side by side with PostgreSQL COPY of the same rows, with memory.

    createdb -h 127.0.0.1 -U postgres -T mrd_bench mrd_bench_exports   # a copy of the scale data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_bench_exports SECRET_KEY=bench \\
        .venv/bin/python bench/exports.py [--repeat 3] [--only reports-csv ...]

For each export (reports, agreements and NGOs, CSV and XLSX, every row, as an administrator,
Khmer edition) the download is fetched through Django's test client (the whole middleware stack
and the view) and read to its last byte, `--repeat` times. Printed: the median wall time (and the CPU time of
this process, steadier on a shared machine), its
ratio to `COPY (SELECT the same rows) TO STDOUT` in CSV (the rows, joined and aggregated the same
way, produced by PostgreSQL alone: the floor of any export), and the memory the export needs
beyond what the process held before: the peak resident size growth (sampled every 5 ms during
the timed runs) and the peak Python allocation (tracemalloc, one extra run: tracemalloc slows
Python down, so that run is not timed).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.postgres.aggregates import StringAgg  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, F, OuterRef, Subquery  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402
from django.test import Client  # noqa: E402
from psycopg import ClientCursor  # noqa: E402

from agreements.models import NGO, Agreement, AgreementFlag  # noqa: E402
from mrd_ngo.roles import Role  # noqa: E402
from reports.models import ProgressReport  # noqa: E402

EXPORTS = {  # name: (url, rows exported)
    "reports-csv": ("/reports/?_export=csv", lambda: ProgressReport.objects.count()),
    "reports-xlsx": ("/reports/?_export=xlsx", lambda: ProgressReport.objects.count()),
    "agreements-csv": ("/agreements/?_export=csv", lambda: Agreement.objects.count()),
    "agreements-xlsx": ("/agreements/?_export=xlsx", lambda: Agreement.objects.count()),
    "ngos-csv": ("/ngos/?_export=csv", lambda: NGO.objects.count()),
    "ngos-xlsx": ("/ngos/?_export=xlsx", lambda: NGO.objects.count()),
}


def bench_user():
    """The throwaway administrator bench/run.py uses (created once, kept for later runs)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username="bench-admin")
    if created:
        user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    return user


def same_rows(name: str):
    """The rows of export `name` as one SQL query: the same joins, columns, aggregates and order."""
    if name.startswith("reports"):
        return ProgressReport.objects.values(
            "ngo__name_km", "period__year", "period__half", "agreement__reference_number", "status", "submitted_at",
            "budget_spent_usd", "beneficiaries_total", "beneficiaries_female",
        ).order_by("-period__year", "-period__half", "ngo__name_en", "ngo__name_km")
    if name.startswith("agreements"):
        flag = AgreementFlag.objects.filter(agreement=OuterRef("pk"), cleared_at__isnull=True).order_by("pk")
        return Agreement.objects.with_status().values(
            "reference_number", "ngo__name_km", "status", "signed_on", "valid_from", "valid_to",
        ).annotate(
            days_left=RawSQL("valid_to - current_date", []),
            provinces=StringAgg("provinces__name_km", ", ", distinct=True),
            sectors=StringAgg("sectors__name_km", ", ", distinct=True),
            department=F("department__name_km"), mrd=F("mrd_focal_person"), ngo_person=F("ngo_focal_person"),
            budget=F("planned_budget_usd"), flag=Subquery(flag.values("note")[:1]),
        ).order_by("ngo__name_km", "valid_from")
    visible = Agreement.objects.filter(ngo=OuterRef("pk")).order_by()
    return NGO.objects.values("name_km", "name_en", "acronym", "kind").annotate(
        sectors=StringAgg("sectors__name_km", ", ", distinct=True),
        agreements=Subquery(visible.values("ngo").annotate(n=Count("pk")).values("n")),
        last_valid_to=Subquery(visible.order_by("-valid_to").values("valid_to")[:1]),
        contact=Concat("contact_person", "phone"), email=F("email"), registration=F("registration_number"),
        active=F("is_active"),
    ).order_by("name_km")


def copy_same_rows(name: str) -> int:
    """Bytes of `COPY (same rows) TO STDOUT` in CSV, read to the end."""
    sql, params = same_rows(name).query.sql_with_params()
    size = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        # COPY takes no bound parameters: psycopg writes them into the statement as literals.
        query = ClientCursor(raw.connection).mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params)
        with raw.copy(query) as copy:
            for block in copy:
                size += len(block)
    return size


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RssPeak:
    """The largest resident size seen while the block runs (a thread samples it every 5 ms)."""

    def __enter__(self):
        self.peak, self._stop = rss_bytes(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def download(client: Client, url: str) -> int:
    """Fetch `url` through the views and read it to the last byte; its size."""
    response = client.get(url, secure=True)  # HTTPS is on by default (settings.HTTPS)
    assert response.status_code == 200, (url, response.status_code)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    response.close()
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(EXPORTS), help="some exports only")
    args = parser.parse_args()
    client = Client()
    client.force_login(bench_user())
    print(f"database {connection.settings_dict['NAME']}: {NGO.objects.count():,} NGOs, {Agreement.objects.count():,} "
          f"agreements, {ProgressReport.objects.count():,} reports; {args.repeat} runs each, median shown")
    print(f"{'export':16} {'rows':>7} {'size':>8} {'export s':>9} {'(CPU)':>6} {'COPY s':>7} {'ratio':>6} "
          f"{'RSS growth':>11} {'tracemalloc peak':>17}")
    for name in args.only or EXPORTS:
        url, count = EXPORTS[name]
        download(client, url)  # warm up: imports, translations, the connection
        copy_same_rows(name)
        export_times, export_cpu, copy_times, rss_growth = [], [], [], []
        for _ in range(args.repeat):
            before = rss_bytes()
            with RssPeak() as peak:
                started, started_cpu = time.perf_counter(), time.process_time()
                size = download(client, url)
                export_times.append(time.perf_counter() - started)
                export_cpu.append(time.process_time() - started_cpu)
            rss_growth.append(peak.peak - before)
            started = time.perf_counter()
            copy_size = copy_same_rows(name)
            copy_times.append(time.perf_counter() - started)
        tracemalloc.start()
        download(client, url)
        python_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        export_s, copy_s = statistics.median(export_times), statistics.median(copy_times)
        print(f"{name:16} {count():>7,} {size / 2**20:>6.1f}MB {export_s:>9.2f} {statistics.median(export_cpu):>6.2f} "
              f"{copy_s:>7.2f} {export_s / copy_s:>6.0f} "
              f"{max(rss_growth) / 2**20:>9.1f}MB {python_peak / 2**20:>15.1f}MB   (COPY {copy_size / 2**20:.1f} MB)",
              flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
