"""Time the semester summary: data build (+ query count), the HTML page and the PDF, with memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_bench SECRET_KEY=bench .venv/bin/python bench/run.py 2024S2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_demo_bench SECRET_KEY=bench .venv/bin/python bench/run.py 2024S1

Each step runs `--repeat` times (default 3) and the best and median times are printed; the PDF is
written to bench/out/ to look at. Memory: the peak resident size of this process (the PDF step
dominates it) and the peak Python allocation of the data build (tracemalloc).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "off")  # the test client speaks http; HTTPS is on by default without DEBUG

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agreements.models import NGO, Agreement  # noqa: E402
from mrd_ngo.roles import Role  # noqa: E402
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod  # noqa: E402
from reports.pdf import render_summary_pdf  # noqa: E402
from reports.summary import build_national_summary  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def timed(step, repeat: int):
    """Run `step` `repeat` times; return (best wall time, median wall time, best CPU time, last result).

    CPU time is printed too: on a shared machine the wall time also counts other processes' work.
    """
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = step()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return min(times), statistics.median(times), min(cpu), result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_user():
    """A throwaway administrator for the page (created once, kept for later runs)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username="bench-admin")
    if created:
        user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("period", help="semester code, e.g. 2024S2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="km", choices=["km", "en"])
    parser.add_argument("--no-pdf", action="store_true", help="time the data build and the page only")
    args = parser.parse_args()
    period = ReportingPeriod.objects.get_by_code(args.period)
    OUT.mkdir(exist_ok=True)

    print(f"database {connection.settings_dict['NAME']}: {NGO.objects.count():,} NGOs, {Agreement.objects.count():,} agreements, "
          f"{ReportingPeriod.objects.count()} semesters, {ProgressReport.objects.count():,} reports, "
          f"{IndicatorValue.objects.count():,} indicator values; {period.code}: "
          f"{ProgressReport.objects.filter(period=period).count():,} reports")

    build_national_summary(period)  # warm up (imports, ICU, connection)
    with CaptureQueriesContext(connection) as queries:
        build_national_summary(period)
    tracemalloc.start()
    build_national_summary(period)
    build_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    best, median, cpu, summary = timed(lambda: build_national_summary(period), args.repeat)
    print(f"summary data build: best {best:.3f} s, median {median:.3f} s (CPU {cpu:.3f} s), {len(queries)} queries, "
          f"peak Python allocation {build_peak:.1f} MB")

    client = Client()
    client.force_login(bench_user())
    url = f"/reports/{period.code}/summary/"
    best, median, cpu, response = timed(lambda: client.get(url, secure=True), args.repeat)
    assert response.status_code == 200, response.status_code
    print(f"HTML page {url}: best {best:.3f} s, median {median:.3f} s (CPU {cpu:.3f} s), "
          f"{len(response.content) / 2**20:.1f} MB of HTML")

    if args.no_pdf:
        return
    best, median, cpu, pdf = timed(lambda: render_summary_pdf(summary, args.lang), args.repeat)
    path = OUT / f"summary-{period.code}-{args.lang}.pdf"
    path.write_bytes(pdf)
    pages = "?"
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    print(f"PDF ({args.lang}, data already built): best {best:.2f} s, median {median:.2f} s (CPU {cpu:.2f} s), {pages} pages, "
          f"{len(pdf) / 2**20:.1f} MB -> {path}")
    print(f"peak resident memory of this process: {peak_rss_mb():.0f} MB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
