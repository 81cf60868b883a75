"""Scale data for the semester summary benchmark: 2,000 NGOs, 6,000 agreements, 20 semesters, 40,000 reports.

Run by hand against a database of its own (never the app's), see bench/README.md:

    createdb -h 127.0.0.1 -U postgres mrd_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_bench SECRET_KEY=bench .venv/bin/python bench/generate.py

It migrates the database, refuses to run unless the database name contains "bench" and the NGO
table is empty, and is deterministic (one seed). The benchmarked semester is 2024S2: every NGO has
an agreement in force in every semester 2015S1-2024S2 (one report each), and the agreements of
2024S2 hold every case of section 7 (expired without renewal, expiring, renewed in the semester).
"""
from __future__ import annotations

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from agreements.choices import NGOKind  # noqa: E402
from agreements.models import NGO, Agreement, CoverageRate, Department, Indicator, Province, Sector, Village  # noqa: E402
from reports.choices import RecommendationStatus, ReportStatus  # noqa: E402
from reports.models import IndicatorValue, Meeting, MeetingRecommendation, ProgressReport, ReportingPeriod  # noqa: E402
from reports.semesters import semester_bounds  # noqa: E402

NGOS = 2_000
AGREEMENTS_PER_NGO = 3
FIRST_YEAR, LAST_YEAR = 2015, 2024  # 20 semesters
VILLAGES_PER_PROVINCE = 40
BATCH = 5_000
SEED = 20240717

CHALLENGES_KM = [
    "តម្លៃសម្ភារៈសំណង់កើនឡើង ធ្វើឱ្យការសាងសង់អណ្ដូងយឺតយ៉ាវជាងផែនការ",
    "ផ្លូវចូលភូមិដាច់ស្រយាលពិបាកធ្វើដំណើរក្នុងរដូវវស្សា",
    "កង្វះថវិកាសម្រាប់ការថែទាំប្រព័ន្ធទឹកស្អាតបន្ទាប់ពីគម្រោងបញ្ចប់",
    "ទិន្នន័យមូលដ្ឋាននៅថ្នាក់ឃុំ និងភូមិមិនទាន់គ្រប់គ្រាន់",
    "ការចូលរួមរបស់សហគមន៍ក្នុងការរក្សាអនាម័យនៅមានកម្រិត",
    "កិច្ចព្រមព្រៀងសហប្រតិបត្តិការជិតផុតកំណត់ ហើយឯកសារបន្តកំពុងរៀបចំ",
    "បុគ្គលិកបច្ចេកទេសនៅខេត្តមានចំនួនតិច",
]
CHALLENGES_EN = [
    "Rising prices of building materials delayed the construction of wells",
    "Remote villages were hard to reach during the rainy season",
    "Too little money to maintain water systems after the project ends",
    "Baseline data at commune and village level is incomplete",
    "Community participation in keeping latrines clean remains low",
    "The cooperation agreement is close to expiry and the renewal documents are being prepared",
]
LESSONS_KM = [
    "ការចូលរួមរបស់អាជ្ញាធរឃុំ តាំងពីដំណាក់កាលរៀបចំផែនការ ធ្វើឱ្យគម្រោងមាននិរន្តរភាព",
    "ក្រុមស្ត្រីជាអ្នកអប់រំអនាម័យដែលមានប្រសិទ្ធភាព",
    "ការសហការជាមួយភូមិគំរូជួយផ្សព្វផ្សាយបទពិសោធល្អទៅភូមិជិតខាង",
    "ការបណ្ដុះបណ្ដាលគណៈកម្មការទឹកស្អាតភូមិជួយកាត់បន្ថយការខូចខាតប្រព័ន្ធទឹក",
]
LESSONS_EN = [
    "Involving commune authorities from the planning stage makes projects last",
    "Women's groups are effective hygiene educators",
    "Working with model villages spreads good practice to neighbouring villages",
    "Training village water committees reduces breakdowns",
]


def months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def sentence(rng: random.Random, pool: list[str], ngo_number: int, khmer: bool) -> str:
    """One or two sentences from `pool`, made specific to an NGO so texts do not repeat exactly."""
    picked = rng.sample(pool, rng.randint(1, 2))
    if khmer:
        return "។ ".join(picked) + f" (ខេត្តគោលដៅ {ngo_number % 25 + 1} ភូមិ)។"
    return ". ".join(picked) + f" (target area {ngo_number % 25 + 1} villages)."


def check_database_name() -> None:
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to fill the database {name!r}: its name must contain 'bench' (see bench/README.md).")


def check_database_empty() -> None:
    name = connection.settings_dict["NAME"]
    if NGO.objects.exists():
        sys.exit(f"The database {name!r} already holds NGOs: drop and recreate it to generate again.")


def bulk(model, rows) -> list:
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start:start + BATCH], batch_size=BATCH)
    return created


@transaction.atomic
def generate() -> dict:
    rng = random.Random(SEED)
    provinces = list(Province.objects.order_by("code"))
    sectors = list(Sector.objects.order_by("order"))
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.order_by("order"):
        indicators.setdefault(indicator.sector_id, []).append(indicator)

    # Villages are those of the official gazetteer (loaded by main()): the first 40 of each province,
    # every third a model village.
    villages = []
    for p in provinces:
        villages += list(Village.objects.filter(province=p).order_by("code")[:VILLAGES_PER_PROVINCE])
    Village.objects.filter(pk__in=[v.pk for v in villages[::3]]).update(is_model_village=True)
    villages_by_province: dict[int, list[Village]] = {}
    for village in villages:
        villages_by_province.setdefault(village.province_id, []).append(village)

    periods = bulk(ReportingPeriod, [
        ReportingPeriod(year=y, half=h, due_date=datetime.date(y, 7, 31) if h == 1 else datetime.date(y + 1, 1, 31),
                        is_locked=y < LAST_YEAR)
        for y in range(FIRST_YEAR, LAST_YEAR + 1) for h in (1, 2)
    ])

    ngos = []
    for n in range(NGOS):
        ngo = NGO(name_km=f"អង្គការអភិវឌ្ឍន៍ជនបទលេខ{n + 1}", name_en=f"Rural Development Organisation {n + 1:04d}",
                  acronym=f"RDO{n + 1}", kind=NGOKind.INTERNATIONAL if n % 3 == 2 else NGOKind.LOCAL)
        if hasattr(ngo, "set_derived_fields"):  # the search key and name keys, normally set by save()
            ngo.set_derived_fields()
        elif hasattr(ngo, "make_search_text"):
            ngo.search_text = ngo.make_search_text()
        ngos.append(ngo)
    ngos = bulk(NGO, ngos)

    # Three consecutive agreements per NGO (renewal chains), in force from 2015 to at least mid-2024.
    chains: list[list[tuple[datetime.date, datetime.date]]] = []
    for n in range(NGOS):
        start = datetime.date(2014, 7 + n % 6, 1)
        second = months_later(start, 48 + n % 13)
        third = months_later(second, 48 + n % 11)
        if n % 20 == 0:  # expires during 2024S2 and is not renewed
            end = max(datetime.date(2024, 7, 1) + datetime.timedelta(days=30 * (n % 5)), third + datetime.timedelta(days=90))
        elif n % 20 in (1, 2):  # expires in the first half of 2025
            end = datetime.date(2025, 1, 15) + datetime.timedelta(days=25 * (n % 6))
        else:
            end = months_later(datetime.date(2026, 6, 1), n % 24) - datetime.timedelta(days=1)
        chains.append([(start, second - datetime.timedelta(days=1)), (second, third - datetime.timedelta(days=1)), (third, end)])

    agreements_by_ngo: list[list[Agreement]] = [[] for _ in range(NGOS)]
    provinces_of: dict[int, list[Province]] = {}
    sectors_of: dict[int, list[Sector]] = {}
    for link in range(AGREEMENTS_PER_NGO):
        rows = []
        for n, ngo in enumerate(ngos):
            valid_from, valid_to = chains[n][link]
            rows.append(Agreement(
                ngo=ngo, reference_number=f"BENCH-{n + 1:04d}-{link + 1}", valid_from=valid_from, valid_to=valid_to,
                signed_on=valid_from - datetime.timedelta(days=14),
                planned_budget_usd=Decimal(rng.randrange(50_000, 3_000_000, 1000)),
                renews=agreements_by_ngo[n][-1] if link else None,
            ))
        for n, agreement in enumerate(bulk(Agreement, rows)):
            agreements_by_ngo[n].append(agreement)
            provinces_of[agreement.pk] = rng.sample(provinces, rng.choice([1, 1, 2, 2, 3]))
            sectors_of[agreement.pk] = rng.sample(sectors, rng.choice([1, 1, 2]))
    bulk(Agreement.provinces.through, [
        Agreement.provinces.through(agreement_id=a, province_id=p.pk) for a, ps in provinces_of.items() for p in ps
    ])
    bulk(Agreement.sectors.through, [
        Agreement.sectors.through(agreement_id=a, sector_id=s.pk) for a, ss in sectors_of.items() for s in ss
    ])

    tz = timezone.get_current_timezone()
    reports, values_total = 0, 0
    for period in periods:
        start, end = semester_bounds(period.year, period.half)
        latest = (period.year, period.half) == (LAST_YEAR, 2)
        rows, plans = [], []
        for n, ngo in enumerate(ngos):
            in_force = [a for a in agreements_by_ngo[n] if a.valid_from <= end and a.valid_to >= start]
            if not in_force:
                continue
            agreement = in_force[-1]
            roll = rng.random()
            if latest:
                status = (ReportStatus.ACCEPTED if roll < 0.78 else ReportStatus.SUBMITTED if roll < 0.88
                          else ReportStatus.RETURNED if roll < 0.94 else ReportStatus.DRAFT)
            else:
                status = ReportStatus.ACCEPTED if roll < 0.95 else ReportStatus.SUBMITTED
            due = datetime.datetime.combine(period.due_date, datetime.time(10), tzinfo=tz)
            submitted = None if status == ReportStatus.DRAFT else due + datetime.timedelta(days=rng.randint(-25, 12))
            khmer = ngo.kind == NGOKind.LOCAL
            planned = Decimal(rng.randrange(20_000, 400_000, 100))
            total = rng.randrange(200, 20_000)
            rows.append(ProgressReport(
                ngo=ngo, agreement=agreement, period=period, status=status,
                achievements="", next_plans="",
                challenges=sentence(rng, CHALLENGES_KM if khmer else CHALLENGES_EN, n, khmer),
                lessons_learned=sentence(rng, LESSONS_KM if khmer else LESSONS_EN, n, khmer),
                budget_planned_usd=planned, budget_spent_usd=(planned * Decimal(rng.uniform(0.6, 1.05))).quantize(Decimal(1)),
                beneficiaries_total=total, beneficiaries_female=int(total * rng.uniform(0.45, 0.6)),
                submitted_at=submitted,
                accepted_at=due + datetime.timedelta(days=30) if status == ReportStatus.ACCEPTED else None,
            ))
            plans.append(agreement)
        created = bulk(ProgressReport, rows)
        values = []
        for report, agreement in zip(created, plans):
            for province in provinces_of[agreement.pk]:
                for sector in sectors_of[agreement.pk]:
                    for indicator in indicators.get(sector.pk, [])[:3]:
                        village = rng.choice(villages_by_province[province.pk]) if rng.random() < 0.25 else None
                        value = Decimal(rng.randrange(20, 900) if indicator.unit_en in ("people", "children") else rng.randrange(1, 60))
                        female = (value * Decimal(rng.uniform(0.4, 0.65))).quantize(Decimal(1)) if indicator.disaggregated_by_sex else None
                        values.append(IndicatorValue(report=report, indicator=indicator, province=province, village=village,
                                                     value=value, female_value=female))
        bulk(IndicatorValue, values)
        reports += len(created)
        values_total += len(values)
        print(f"  {period.code}: {len(created)} reports, {len(values)} indicator values", flush=True)

    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        bulk(CoverageRate, [
            CoverageRate(province=p, year=year, water_supply_pct=Decimal(f"{min(95, 40 + (year - FIRST_YEAR) * 4 + rng.uniform(0, 15)):.1f}"),
                         sanitation_pct=Decimal(f"{min(95, 35 + (year - FIRST_YEAR) * 4 + rng.uniform(0, 15)):.1f}"),
                         is_demonstration=True, source="Benchmark data")
            for p in provinces
        ])
    owners = list(Department.objects.filter(province__isnull=True))
    for period in periods:
        held_on = period.due_date + datetime.timedelta(days=20)
        meeting = Meeting.objects.create(period=period, held_on=held_on, place_km="ក្រសួងអភិវឌ្ឍន៍ជនបទ",
                                         place_en="Ministry of Rural Development", mode="both")
        bulk(MeetingRecommendation, [
            MeetingRecommendation(meeting=meeting, number=k, owner=owners[k % len(owners)],
                                  deadline=held_on + datetime.timedelta(days=180),
                                  text_en=f"Recommendation {k} of the meeting on {period.code}.",
                                  text_km=f"អនុសាសន៍ទី{k} នៃកិច្ចប្រជុំ",
                                  status=list(RecommendationStatus)[k % 4])
            for k in range(1, 7)
        ])
    return {"ngos": len(ngos), "agreements": Agreement.objects.count(), "periods": len(periods),
            "reports": reports, "indicator values": values_total, "villages": len(villages)}


def main() -> None:
    check_database_name()
    call_command("migrate", verbosity=0)
    check_database_empty()
    started = time.perf_counter()
    call_command("load_gazetteer", verbosity=0)
    counts = generate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()), f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
