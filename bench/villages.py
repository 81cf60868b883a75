"""Time the village search (`/villages/options/`) over the whole gazetteer: server time per query.

    createdb -h 127.0.0.1 -U postgres mrd_villages
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_villages SECRET_KEY=bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_villages SECRET_KEY=bench .venv/bin/python bench/villages.py --repeat 21

Loads the gazetteer (`load_gazetteer`) if the database has none, writes one user (`bench-admin`,
Administrator) and one agreement in three provinces, then asks for each query `--repeat` times
(after one warm-up) through Django's test client in this process: the figure is the median wall time
of the whole request (view, queries, template), and of its SQL alone; also the query plan of the
search's main query. Results in bench/out/villages.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

QUERIES = [
    ("Khmer, start of a name", "ត្រពាំង", {}),
    ("Khmer, inside names", "ថ្មី", {}),
    ("Khmer, one village", "ត្រពាំងវែង", {}),
    ("Latin, common", "kampong", {}),
    ("Latin, one letter", "k", {}),
    ("Latin, two words", "prey thmei", {}),
    ("Latin, no match", "zzzz", {}),
    ("code prefix", "1701", {}),
    ("code in Khmer digits", "១៧០១០១០២", {}),
    ("Khmer, agreement in 3 provinces", "ត្រពាំង", {"agreement": True}),
    ("Latin, agreement and row province", "thmei", {"agreement": True, "province": True}),
    ("(for comparison: the NGO search, 1 NGO)", "bench", {"url": "/ngos/options/"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from agreements.models import NGO, Agreement, Province, Village
    from mrd_ngo.roles import Role

    if not Village.objects.exclude(gazetteer_key="").exists():
        call_command("load_gazetteer")
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    ngo, _ = NGO.objects.get_or_create(name_en="Bench NGO")
    agreement = Agreement.objects.filter(ngo=ngo).first() or Agreement.objects.create(
        ngo=ngo, reference_number="BENCH-1", valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2026, 12, 31))
    three = list(Province.objects.filter(code__in=["03", "14", "17"]))
    agreement.provinces.set(three)
    siem_reap = next(p for p in three if p.code == "17")
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "km"

    sql_time, sql_count = [0.0], [0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started
            sql_count[0] += 1

    rows = []
    villages, communes = Village.objects.count(), Village.objects.exclude(commune=None).values("commune").distinct().count()
    for label, text, options in QUERIES:
        params = {"q": text}
        if options.get("agreement"):
            params["agreement"] = agreement.pk
        if options.get("province"):
            params["province"] = siem_reap.pk
        walls, sqls = [], []
        for round_ in range(args.repeat + 1):
            sql_time[0], sql_count[0] = 0.0, 0
            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                response = client.get(options.get("url", "/villages/options/"), params, secure=True)
                wall = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            if round_:  # the first round warms up
                walls.append(wall * 1000)
                sqls.append(sql_time[0] * 1000)
        shown = response.content.decode().count("<option value=\"") - 1
        search = []  # the search alone (VillageQuerySet.first_matches, as the view calls it), no request around it
        if "url" not in options:
            searched = Village.objects.visible_to(user).in_use()
            if options.get("agreement"):
                searched = searched.for_agreement(agreement)
            if options.get("province"):
                searched = searched.filter(province_id=siem_reap.pk)
            for round_ in range(args.repeat + 1):
                started = time.perf_counter()
                searched.first_matches(text, 21)
                if round_:
                    search.append((time.perf_counter() - started) * 1000)
        rows.append({"query": label, "text": text, "median_ms": round(statistics.median(walls), 1),
                     "sql_ms": round(statistics.median(sqls), 1), "max_ms": round(max(walls), 1), "options": shown,
                     "queries": sql_count[0], "search_ms": round(statistics.median(search), 1) if search else None})
    plan = _plan("ត្រពាំង")
    result = {"villages": villages, "communes_with_villages": communes, "repeat": args.repeat,
              "load_average": os.getloadavg(), "rows": rows, "plan": plan}
    OUT.mkdir(exist_ok=True)
    (OUT / "villages.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{villages} villages; medians of {args.repeat} requests; load average {os.getloadavg()[0]:.1f}")
    print("| query | text | search alone ms | request ms | request SQL ms (queries) | request max ms | options |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['query']} | {row['text']} | {row['search_ms'] or '–'} | {row['median_ms']} | {row['sql_ms']} ({row['queries']}) "
              f"| {row['max_ms']} | {row['options']} |")
    print("\n".join(plan))


def _plan(text: str) -> list[str]:
    """EXPLAIN ANALYZE of the search's two queries, as VillageQuerySet.first_matches asks them."""
    from django.db import connection

    from agreements.models import Village

    from django.db.models import Q

    starts = Q(name_km_key__startswith=text) | Q(name_en_key__startswith=text) | Q(code__startswith=text)
    first = Village.objects.in_use().filter(starts).order_by("name_km", "code", "pk").values_list("pk", flat=True)[:21]
    rest = Village.objects.in_use().search(text).exclude(starts).order_by("name_km", "code", "pk").values_list("pk", flat=True)[:21]
    lines = []
    for name, query in (("names or code starting with it", first), ("the others (when fewer than 21 start with it)", rest)):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
            lines += [f"-- {name}: {text}"] + [line for (line,) in cursor.fetchall()]
    return lines


if __name__ == "__main__":
    main()
