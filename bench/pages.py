"""Time the list pages against the Django admin, and the other pages on the scale data against the demo data.

    .venv/bin/python bench/pages.py \
        --scale postgres://postgres@127.0.0.1:5432/mrd_bench_copy \
        --demo postgres://postgres@127.0.0.1:5432/mrd_demo --repeat 7

One run measures everything side by side: a worker process per database (each a Django set up on
that database, requests through Django's test client as an administrator), the parent asking them
for one request at a time, in turns, so that both databases, and a page and its admin changelist,
share the same moments of a busy machine. Each figure is the median of `--repeat` rounds (after one
warm-up round): wall time, CPU time of the worker, queries and the size of the HTML.

Two tables come out (and bench/out/pages.json):
- each list page (first page, a filter, a sort, page 50) against the admin changelist of the same
  rows (same filter, order and page size): ratio = page / admin, target at most 1.0; the query count
  should not change between the demo and the scale data;
- the other pages at scale against the demo data: ratio target at most 3, and the HTML size.

The workers write one user, `bench-admin` (Administrator, staff), into each database: use copies,
never the app's database.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

# The admin changelists compared show as many rows per page as our lists do.
PER_PAGE = {"ngo": 25, "agreement": 25, "progressreport": 50}


# --------------------------------------------------------------------------------------------------
# Worker: one Django on one database, answering "GET this URL" one line at a time.
# --------------------------------------------------------------------------------------------------

def worker() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from agreements.models import NGO, Agreement, Sector
    from mrd_ngo.roles import Role
    from reports.models import ProgressReport, ReportingPeriod

    for model, admin_object in admin.site._registry.items():
        if model._meta.model_name in PER_PAGE:
            admin_object.list_per_page = PER_PAGE[model._meta.model_name]

    user, _created = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    client = Client()
    client.force_login(user)

    period = ReportingPeriod.objects.filter(reports__isnull=False).distinct().order_by("-year", "-half").first()
    ngo = NGO.objects.annotate(n=Count("reports")).order_by("-n", "pk").first()
    agreement = Agreement.objects.filter(ngo=ngo).order_by("-valid_from").first()
    report = ProgressReport.objects.filter(ngo=ngo, period=period).first() or ProgressReport.objects.filter(ngo=ngo).first()
    sector = Sector.objects.annotate(n=Count("agreements")).order_by("-n", "pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    info = {
        "database": connection.settings_dict["NAME"],
        "ngos": NGO.objects.count(), "agreements": Agreement.objects.count(), "reports": ProgressReport.objects.count(),
        "period": period.code, "period_reports": ProgressReport.objects.filter(period=period).count(),
        "period_pk": period.pk, "ngo": ngo.pk, "agreement": agreement.pk, "report": report.pk,
        "sector": sector.pk, "jit": jit,
    }
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        url = json.loads(line)["url"]
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)  # HTTPS is on by default (settings.HTTPS)
            body = b"".join(response) if response.streaming else response.content
            wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        print(json.dumps({
            "status": response.status_code, "wall": wall, "cpu": cpu, "queries": len(queries), "bytes": len(body),
        }), flush=True)


# --------------------------------------------------------------------------------------------------
# Parent: what to measure, in turns, and the tables.
# --------------------------------------------------------------------------------------------------

def list_cases(info: dict) -> list[tuple[str, str, str]]:
    """(case, our URL, the admin changelist URL of the same rows)."""
    period, sector = info["period_pk"], info["sector"]
    reports, agreements, ngos = "/admin/reports/progressreport/", "/admin/agreements/agreement/", "/admin/agreements/ngo/"
    return [
        ("NGOs", "/ngos/", ngos),
        ("NGOs, filter: international", "/ngos/?kind=international", f"{ngos}?kind__exact=international"),
        ("NGOs, sort: acronym", "/ngos/?sort=acronym", f"{ngos}?o=3"),
        ("NGOs, page 50", "/ngos/?page=50", f"{ngos}?p=50"),
        ("agreements", "/agreements/", agreements),
        ("agreements, filter: sector", f"/agreements/?sector={sector}", f"{agreements}?sectors__id__exact={sector}"),
        ("agreements, sort: valid to", "/agreements/?sort=valid_to", f"{agreements}?o=5"),
        ("agreements, page 50", "/agreements/?page=50", f"{agreements}?p=50"),
        ("reports", "/reports/", reports),
        ("reports, filter: semester + accepted", f"/reports/?period={period}&status=accepted",
         f"{reports}?period__id__exact={period}&status__exact=accepted"),
        ("reports, sort: submitted, newest", "/reports/?sort=-submitted_at", f"{reports}?o=-4"),
        ("reports, page 50", "/reports/?page=50", f"{reports}?p=50"),
    ]


def page_cases(info: dict) -> list[tuple[str, str]]:
    period = info["period"]
    return [
        ("dashboard", "/"),
        ("completeness", f"/reports/{period}/completeness/"),
        ("expiring board", "/agreements/expiring/"),
        ("summary page", f"/reports/{period}/summary/"),
        ("NGO detail", f"/ngos/{info['ngo']}/"),
        ("agreement detail", f"/agreements/{info['agreement']}/"),
        ("report detail", f"/reports/{info['report']}/"),
    ]


class Worker:
    def __init__(self, label: str, database_url: str):
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")}
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        )
        self.info = json.loads(self.process.stdout.readline())

    def get(self, url: str) -> dict:
        self.process.stdin.write(json.dumps({"url": url}) + "\n")
        self.process.stdin.flush()
        result = json.loads(self.process.stdout.readline())
        if result["status"] != 200:
            raise SystemExit(f"{self.label} {url}: HTTP {result['status']}")
        return result

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def median_of(samples: list[dict]) -> dict:
    return {
        "wall": statistics.median(s["wall"] for s in samples), "cpu": statistics.median(s["cpu"] for s in samples),
        "queries": samples[-1]["queries"], "bytes": samples[-1]["bytes"],
    }


def main() -> None:
    if "--worker" in sys.argv:
        return worker()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", required=True, help="DATABASE_URL of a copy of the bench/generate.py data")
    parser.add_argument("--demo", required=True, help="DATABASE_URL of a database with manage.py load_demo")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    workers = {"scale": Worker("scale", args.scale), "demo": Worker("demo", args.demo)}
    for label, w in workers.items():
        i = w.info
        print(f"{label}: {i['database']}: {i['ngos']:,} NGOs, {i['agreements']:,} agreements, {i['reports']:,} reports; "
              f"semester {i['period']} ({i['period_reports']:,} reports); jit={i['jit']}", flush=True)

    # Every (database, what, URL) measured; page 50 of the demo data is its last page.
    jobs = []
    for label, w in workers.items():
        for case, ours, theirs in list_cases(w.info):
            if label == "demo" and "page=50" in ours:
                pages = {"NGOs": 25, "agreements": 25, "reports": 50}[case.split(",")[0]]
                count = {"NGOs": w.info["ngos"], "agreements": w.info["agreements"], "reports": w.info["reports"]}[case.split(",")[0]]
                last = max(1, -(-count // pages))
                ours, theirs = ours.replace("page=50", f"page={last}"), theirs.replace("p=50", f"p={last}")
            jobs.append((label, ("list", case, "page"), ours))
            jobs.append((label, ("list", case, "admin"), theirs))
        for case, url in page_cases(w.info):
            jobs.append((label, ("page", case, "page"), url))

    samples: dict[tuple, list[dict]] = {}
    for round_number in range(args.repeat + 1):  # round 0 warms up (imports, templates, caches)
        for label, key, url in jobs:
            result = workers[label].get(url)
            if round_number:
                samples.setdefault((label, *key), []).append(result)
        print(f"round {round_number} done", file=sys.stderr, flush=True)
    for w in workers.values():
        w.close()
    figures = {key: median_of(values) for key, values in samples.items()}

    lines = [
        f"Medians of {args.repeat} rounds; wall time in ms (CPU time of the Django process in brackets).",
        "",
        "| list page | scale: page | scale: admin | ratio | queries page / admin (demo → scale) | demo: page | demo: admin | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case, _ours, _theirs in list_cases(workers["scale"].info):
        row = [case]
        for label in ("scale", "demo"):
            page, admin = figures[(label, "list", case, "page")], figures[(label, "list", case, "admin")]
            row += [f"{page['wall'] * 1000:.0f} ({page['cpu'] * 1000:.0f})", f"{admin['wall'] * 1000:.0f} ({admin['cpu'] * 1000:.0f})",
                    f"{page['wall'] / admin['wall']:.2f}"]
            if label == "scale":
                demo_page, demo_admin = figures[("demo", "list", case, "page")], figures[("demo", "list", case, "admin")]
                row.append(f"{demo_page['queries']} → {page['queries']} / {demo_admin['queries']} → {admin['queries']}")
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "| page | scale | demo | scale / demo | HTML scale | HTML demo | queries scale / demo |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, _url in page_cases(workers["scale"].info):
        scale, demo = figures[("scale", "page", case, "page")], figures[("demo", "page", case, "page")]
        lines.append(
            f"| {case} | {scale['wall'] * 1000:.0f} ({scale['cpu'] * 1000:.0f}) | {demo['wall'] * 1000:.0f} ({demo['cpu'] * 1000:.0f}) | "
            f"{scale['wall'] / demo['wall']:.1f} | {scale['bytes'] / 1024:.0f} KB | {demo['bytes'] / 1024:.0f} KB | "
            f"{scale['queries']} / {demo['queries']} |"
        )
    lines.append(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    print("\n".join(lines))
    OUT.mkdir(exist_ok=True)
    (OUT / "pages.json").write_text(json.dumps(
        {"info": {k: w.info for k, w in workers.items()}, "figures": {" | ".join(k): v for k, v in figures.items()}}, indent=1,
    ))


if __name__ == "__main__":
    main()
