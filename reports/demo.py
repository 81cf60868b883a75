"""A deterministic, realistic demo dataset at the scale of the July 2024 meeting (66 NGOs).

Agreement dates are anchored on the day it is loaded, so the board shows agreements expiring in
30, 60 and 90 days; reports cover the semesters 2023S2 and 2024S1. Rows are only created, never
updated, so loading twice changes nothing.
"""
import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from agreements.choices import NGOKind
from agreements.models import NGO, Agreement, CoverageRate, Department, Indicator, Province, Sector, StaffProfile, Village
from mrd_ngo.roles import Role
from reports.choices import RecommendationStatus, ReportStatus
from reports.models import IndicatorValue, MeetingRecommendation, ProgressReport, ReportingPeriod
from reports.semesters import semester_bounds
from reports.rules import agreement_for_report

DEMO_PASSWORD = "mrd-demo-2024"  # noqa: S105 (printed to the person who loads the demo)
DEMO_USERS = [
    # username, role, full name, province code
    ("admin", Role.ADMINISTRATOR, ("Sokha", "Chan"), None),
    ("officer", Role.DATA_ENTRY_OFFICER, ("Dara", "Kim"), None),
    ("head", Role.DEPARTMENT_HEAD, ("Vanna", "Sok"), None),
    ("siemreap", Role.PROVINCIAL_OFFICER, ("Sreymom", "Heng"), "17"),
]
DEMO_HEAD_DEPARTMENT = "water-supply"

ORG_TYPES = [
    ("អង្គការ", "Organisation"), ("សមាគម", "Association"), ("មូលនិធិ", "Foundation"),
    ("បណ្ដាញ", "Network"), ("មជ្ឈមណ្ឌល", "Centre"), ("ភាពជាដៃគូ", "Partnership"),
]
FOCUSES = [
    ("ទឹកស្អាតជនបទ", "Rural Clean Water", ["rural-water-supply"]),
    ("អភិវឌ្ឍសហគមន៍", "Community Development", ["community-development"]),
    ("សុខភាព និងអនាម័យ", "Health and Hygiene", ["rural-sanitation"]),
    ("ជីវភាពកសិករ", "Farmer Livelihoods", ["rural-economy"]),
    ("កុមារ និងគ្រួសារ", "Children and Families", ["early-childhood"]),
    ("ផ្លូវ និងហេដ្ឋារចនាសម្ព័ន្ធជនបទ", "Rural Roads and Infrastructure", ["rural-roads"]),
    ("អភិវឌ្ឍភូមិ", "Village Development", ["community-development", "rural-water-supply"]),
    ("ស្ត្រី និងយុវជនជនបទ", "Rural Women and Youth", ["rural-economy", "community-development"]),
    ("ទឹក និងបរិស្ថាន", "Water and Environment", ["rural-water-supply", "rural-sanitation"]),
    ("ជនជាតិដើមភាគតិច", "Indigenous Peoples", ["ethnic-minorities"]),
    ("ទឹកស្អាត និងអនាម័យ", "Water, Sanitation and Hygiene", ["rural-water-supply", "rural-sanitation"]),
]
PLACES = [("កម្ពុជា", "Cambodia"), ("ខ្មែរ", "Khmer"), ("មេគង្គ", "Mekong"), ("ទន្លេសាប", "Tonle Sap")]
INTERNATIONAL = ("អន្តរជាតិ", "International")

VILLAGE_NAMES = [
    ("ត្រពាំងវែង", "Trapeang Veaeng"), ("ព្រៃថ្មី", "Prey Thmei"), ("អូរស្វាយ", "Ou Svay"), ("ភ្នំតូច", "Phnum Touch"),
    ("ស្រែថ្មី", "Srae Thmei"), ("ទួលក្រសាំង", "Tuol Krasang"), ("កំពង់ត្រាច", "Kampong Trach"),
    ("ត្រពាំងឫស្សី", "Trapeang Ruessei"), ("ស្វាយជ្រុំ", "Svay Chrum"), ("ចំការលើ", "Chamkar Leu"),
    ("ព្រែកតាមាក់", "Preaek Ta Meak"), ("ក្រាំងយ៉ូវ", "Krang Yov"), ("ថ្មគោល", "Thma Koul"),
    ("ដូនកែវ", "Doun Kaev"), ("អន្លង់វែង", "Anlong Veaeng"), ("ពោធិ៍ចិន", "Pou Chen"), ("ស្រះកែវ", "Srah Kaev"),
]

NARRATIVE = {
    "achievements": [
        ("បានសាងសង់អណ្ដូងស្នប់ និងប្រព័ន្ធទឹកស្អាតសម្រាប់គ្រួសារជនបទ ដោយសហការជាមួយមន្ទីរអភិវឌ្ឍន៍ជនបទខេត្ត។",
         "Built pump wells and small piped systems for rural households together with the provincial department of rural development."),
        ("បានគាំទ្រភូមិគំរូក្នុងការរៀបចំផែនការអភិវឌ្ឍភូមិ និងការថែទាំហេដ្ឋារចនាសម្ព័ន្ធ។",
         "Supported model villages in preparing village development plans and maintaining their infrastructure."),
        ("បានបណ្ដុះបណ្ដាលគណៈកម្មការទឹកស្អាតភូមិ ស្ដីពីការគ្រប់គ្រង និងការជួសជុលប្រព័ន្ធទឹក។",
         "Trained village water committees in managing and repairing their water systems."),
        ("គ្រួសារជាច្រើនបានសាងសង់បង្គន់អនាម័យ ក្រោយការអប់រំអនាម័យតាមផ្ទះ។",
         "Many households built latrines after home visits on hygiene."),
    ],
    "challenges": [
        ("តម្លៃសម្ភារៈសំណង់កើនឡើង ធ្វើឱ្យការសាងសង់យឺតយ៉ាវ។", "Rising prices of building materials delayed construction."),
        ("ផ្លូវចូលភូមិខ្លះពិបាកធ្វើដំណើរក្នុងរដូវវស្សា។", "Some villages were hard to reach in the rainy season."),
        ("កិច្ចព្រមព្រៀងសហប្រតិបត្តិការជិតផុតកំណត់ ហើយឯកសារបន្តកំពុងរៀបចំ។",
         "The cooperation agreement is close to expiry and the renewal documents are still being prepared."),
        ("កង្វះថវិកាសម្រាប់ការថែទាំប្រព័ន្ធទឹកបន្ទាប់ពីគម្រោងបញ្ចប់។", "Too little money to maintain water systems after the project ends."),
        ("ទិន្នន័យមូលដ្ឋាននៅថ្នាក់ឃុំមិនទាន់គ្រប់គ្រាន់។", "Baseline data at commune level is incomplete."),
    ],
    "lessons_learned": [
        ("ការចូលរួមរបស់អាជ្ញាធរឃុំ តាំងពីដំណាក់កាលរៀបចំផែនការ ធ្វើឱ្យគម្រោងមាននិរន្តរភាព។",
         "Involving commune authorities from the planning stage makes projects last."),
        ("ការប្រើប្រាស់ក្រុមស្ត្រីក្នុងការអប់រំអនាម័យ ទទួលបានលទ្ធផលល្អ។", "Women's groups are effective hygiene educators."),
        ("ការសហការជាមួយភូមិគំរូជួយផ្សព្វផ្សាយបទពិសោធល្អទៅភូមិជិតខាង។",
         "Working with model villages spreads good practice to neighbouring villages."),
    ],
    "next_plans": [
        ("បន្តសាងសង់ប្រព័ន្ធទឹកស្អាត និងពង្រីកការគាំទ្រទៅភូមិគំរូថ្មី។", "Continue building water systems and extend support to new model villages."),
        ("រៀបចំឯកសារបន្តកិច្ចព្រមព្រៀងសហប្រតិបត្តិការជាមួយក្រសួង។", "Prepare the documents to renew the cooperation agreement with the ministry."),
        ("ពង្រឹងសមត្ថភាពគណៈកម្មការទឹកស្អាតភូមិ។", "Strengthen the village water committees."),
    ],
}

def _ngo_names(count: int) -> list[tuple[str, str, str]]:
    """`count` distinct (Khmer name, English name, kind) triples, the same every time."""
    names = []
    for i in range(count):
        org_km, org_en = ORG_TYPES[i % len(ORG_TYPES)]
        focus_km, focus_en, _ = FOCUSES[(i * 7) % len(FOCUSES)]
        if i % 3 == 2:
            kind = NGOKind.INTERNATIONAL
            place_km, place_en = INTERNATIONAL
            km, en = f"{org_km}{focus_km}{place_km}", f"{focus_en} {org_en} {place_en}"
        else:
            kind = NGOKind.LOCAL
            place_km, place_en = PLACES[(i // len(ORG_TYPES)) % len(PLACES)]
            km, en = f"{org_km}{focus_km}{place_km}", f"{place_en} {focus_en} {org_en}"
        names.append((km, en, kind))
    assert len({n[1] for n in names}) == count, "demo NGO names must be distinct"
    return names


def _acronym(name_en: str) -> str:
    return "".join(word[0] for word in name_en.replace(",", "").split() if word[0].isupper())


def _plan(index: int, today: datetime.date) -> list[dict]:
    """The agreements of NGO number `index`: dates and state, oldest first."""
    d = datetime.date
    days = datetime.timedelta
    if index < 36:  # active, running well past the window
        start = d(2022 + index % 3, 1 + index % 12, 1)
        return [{"from": start, "to": today + days(days=120 + 20 * index)}]
    if index < 49:  # expiring within 30, 60, 90 days
        left = [10, 20, 28, 5, 15, 40, 50, 58, 35, 70, 80, 88, 65][index - 36]
        plan = [{"from": d(2023, 1, 1), "to": today + days(days=left)}]
        if index in (38, 44):  # renewal in progress: an unsigned successor
            plan.append({"from": today + days(days=left + 1), "to": today + days(days=left + 3 * 365), "draft": True})
        return plan
    if index < 54:  # expired, not renewed
        return [{"from": d(2021, 7, 1), "to": today - days(days=30 + 90 * (index - 49))}]
    if index < 60:  # renewed chains
        plan = [{"from": d(2019, 1, 1), "to": d(2021, 12, 31)}, {"from": d(2022, 1, 1), "to": d(2024, 3, 31)}]
        plan.append({"from": d(2024, 4, 1), "to": today + days(days=400 + 30 * index)})
        return plan[1:] if index % 2 else plan
    if index < 62:  # terminated early
        return [{"from": d(2023, 1, 1), "to": d(2027, 12, 31), "terminated": d(2025, 6, 30)}]
    if index < 64:  # draft of a new partner
        return [{"from": today + days(days=60), "to": today + days(days=60 + 3 * 365), "draft": True}]
    if index == 64:  # starts in the middle of 2024S1
        return [{"from": d(2024, 3, 15), "to": today + days(days=500)}]
    return [{"from": d(2020, 11, 1), "to": d(2023, 10, 31)}]  # ended before 2024S1


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> dict:
    """Create the demo dataset (skipping rows that exist) and return what it holds."""
    today = today or timezone.localdate()
    provinces = list(Province.objects.order_by("code"))
    sectors = {s.code: s for s in Sector.objects.all()}
    departments = list(Department.objects.filter(province__isnull=True).order_by("code"))  # the technical ones
    indicators_by_sector: dict[str, list[Indicator]] = {}
    for indicator in Indicator.objects.select_related("sector"):
        indicators_by_sector.setdefault(indicator.sector.code, []).append(indicator)

    villages = {}
    for p_index, province in enumerate(provinces):
        for v in range(3):
            km, en = VILLAGE_NAMES[(p_index * 3 + v) % len(VILLAGE_NAMES)]
            village, _ = Village.objects.get_or_create(
                province=province, district="", commune="", name_km=km,
                defaults={"name_en": en, "is_model_village": v < 2},
            )
            villages.setdefault(province.pk, []).append(village)

    periods = {}
    for year, half, due in [(2023, 2, datetime.date(2024, 1, 31)), (2024, 1, datetime.date(2024, 7, 31))]:
        periods[(year, half)], _ = ReportingPeriod.objects.get_or_create(year=year, half=half, defaults={"due_date": due})

    users = _demo_users(provinces)
    _demo_coverage_rates(provinces)
    _demo_recommendations(periods[(2024, 1)])
    for index, (km, en, kind) in enumerate(_ngo_names(66)):
        focus_sectors = [sectors[c] for c in FOCUSES[(index * 7) % len(FOCUSES)][2]]
        ngo, created = NGO.objects.get_or_create(
            name_en=en,
            defaults={
                "name_km": km, "kind": kind, "acronym": _acronym(en),
                "registration_number": f"MOI-{1200 + index * 17:05d}",
                "address": f"ផ្ទះលេខ {10 + index}, ផ្លូវ {100 + 3 * index}, រាជធានីភ្នំពេញ",
                "director": f"Director {index + 1}", "contact_person": f"Contact {index + 1}",
                "phone": f"+855 12 {300000 + index * 731:06d}", "email": f"contact@ngo{index + 1:02d}.org.kh",
                "website": f"https://ngo{index + 1:02d}.org.kh",
            },
        )
        if created:
            ngo.sectors.set(focus_sectors)
        rng = random.Random(f"ngo-{index}")  # one generator per NGO: the same data whatever exists already
        home_province = provinces[index % len(provinces)]
        covered = [home_province] + rng.sample(provinces, rng.randint(0, 3))
        previous = None
        for n, item in enumerate(_plan(index, today)):
            agreement, created = Agreement.objects.get_or_create(
                reference_number=f"MRD-{item['from'].year}-{index + 1:03d}-{n + 1}",
                defaults={
                    "ngo": ngo, "valid_from": item["from"], "valid_to": item["to"],
                    "signed_on": None if item.get("draft") else item["from"] - datetime.timedelta(days=14),
                    "department": departments[index % len(departments)],
                    "mrd_focal_person": f"Focal point {index % 9 + 1}", "mrd_focal_email": f"focal{index % 9 + 1}@mrd.gov.kh",
                    "ngo_focal_person": ngo.contact_person, "ngo_focal_email": ngo.email,
                    "planned_budget_usd": Decimal(rng.randrange(50_000, 3_000_000, 1000)),
                    "renews": previous,
                    "terminated_on": item.get("terminated"),
                    "termination_reason": "The NGO closed its Cambodia programme." if item.get("terminated") else "",
                },
            )
            if created:
                agreement.sectors.set(focus_sectors)
                agreement.provinces.set(set(covered))
            previous = agreement

    # Agreements registry: checklists of the renewals in progress, and flags on agreements to chase.
    from agreements.choices import AgreementStatus
    from agreements.models import AgreementFlag, RenewalChecklistEntry, RenewalChecklistItem

    items = list(RenewalChecklistItem.objects.filter(is_active=True))
    for n, successor in enumerate(Agreement.objects.filter(renews__isnull=False, signed_on__isnull=True).order_by("pk")):
        for item in items:
            received = today - datetime.timedelta(days=12) if item.order <= 2 + n % 2 else None
            RenewalChecklistEntry.objects.get_or_create(agreement=successor, item=item, defaults={"received_on": received})
    to_chase = list(Agreement.objects.with_status(today).filter(status=AgreementStatus.EXPIRED).order_by("-valid_to")[:2])
    to_chase += list(Agreement.objects.expiring_within(30, today=today).filter(successor__isnull=True).order_by("valid_to")[:1])
    notes = ["អង្គការមិនទាន់ផ្ញើលិខិតស្នើសុំបន្តកិច្ចព្រមព្រៀងនៅឡើយទេ។ សូមទាក់ទងនាយកអង្គការ។",
             "សូមរំលឹកអង្គការឱ្យផ្ញើរបាយការណ៍សកម្មភាព និងហិរញ្ញវត្ថុ មុនពេលបន្ត។",
             "The NGO asked for a meeting about the renewal; agree on a date."]
    for agreement, note in zip(to_chase, notes):
        if not AgreementFlag.objects.filter(agreement=agreement).exists():
            AgreementFlag.objects.create(agreement=agreement, note=note, follow_up_by=users["officer"],
                                         flagged_by=users["admin"])

    reports = 0
    for (year, half), period in periods.items():
        start, end = semester_bounds(year, half)
        for agreement in Agreement.objects.in_force_during(start, end).select_related("ngo").order_by("pk"):
            if agreement_for_report(Agreement.objects.filter(ngo=agreement.ngo_id), start=start, end=end) != agreement:
                continue  # one report per NGO and semester, under the agreement the rule names
            reports += _demo_report(agreement, period, indicators_by_sector, villages, users)
    return {"ngos": NGO.objects.count(), "agreements": Agreement.objects.count(), "reports": ProgressReport.objects.count()}


def _demo_report(agreement, period, indicators_by_sector, villages, users) -> int:
    """One report of `agreement` for `period` in a workflow state; some NGOs don't report."""
    if ProgressReport.objects.filter(agreement=agreement, period=period).exists():
        return 0
    rng = random.Random(f"{agreement.reference_number}-{period.code}")
    roll = rng.random()
    if roll < 0.08:
        return 0  # not reported
    if period.year == 2023:
        status = ReportStatus.ACCEPTED if roll < 0.95 else ReportStatus.SUBMITTED
    else:
        status = (ReportStatus.ACCEPTED if roll < 0.75 else ReportStatus.SUBMITTED if roll < 0.85
                  else ReportStatus.RETURNED if roll < 0.92 else ReportStatus.DRAFT)
    english = agreement.ngo.kind == NGOKind.INTERNATIONAL
    text = {field: options[rng.randrange(len(options))][1 if english else 0] for field, options in NARRATIVE.items()}
    semesters = max(1, round((agreement.valid_to - agreement.valid_from).days / 182))
    planned = (agreement.planned_budget_usd / semesters).quantize(Decimal("1"))
    total = rng.randrange(200, 20_000)
    due = datetime.datetime.combine(period.due_date, datetime.time(10), tzinfo=timezone.get_current_timezone())
    submitted_at = None if status == ReportStatus.DRAFT else due + datetime.timedelta(days=rng.randint(-25, 12))
    report = ProgressReport.objects.create(
        ngo=agreement.ngo, agreement=agreement, period=period, status=status, **text,
        budget_planned_usd=planned, budget_spent_usd=(planned * Decimal(rng.uniform(0.6, 1.05))).quantize(Decimal("1")),
        beneficiaries_total=total, beneficiaries_female=int(total * rng.uniform(0.45, 0.6)),
        created_by=users["officer"], submitted_at=submitted_at, submitted_by=submitted_at and users["officer"],
        returned_at=due + datetime.timedelta(days=20) if status == ReportStatus.RETURNED else None,
        returned_by=users["head"] if status == ReportStatus.RETURNED else None,
        review_comment="សូមបញ្ជាក់ចំនួនអ្នកទទួលផលជាស្ត្រី។" if status == ReportStatus.RETURNED else "",
        accepted_at=due + datetime.timedelta(days=30) if status == ReportStatus.ACCEPTED else None,
        accepted_by=users["head"] if status == ReportStatus.ACCEPTED else None,
    )
    rows = []
    for province in agreement.provinces.order_by("code"):
        for sector in agreement.sectors.all():
            for indicator in indicators_by_sector.get(sector.code, []):
                model_village = villages[province.pk][0] if rng.random() < 0.4 else None
                value = Decimal(rng.randrange(1, 60) if indicator.unit_en != "people" else rng.randrange(20, 900))
                female = (value * Decimal(rng.uniform(0.4, 0.65))).quantize(Decimal("1")) if indicator.disaggregated_by_sex else None
                rows.append(IndicatorValue(report=report, indicator=indicator, province=province, village=model_village,
                                           value=value, female_value=female))
    IndicatorValue.objects.bulk_create(rows)
    return 1


def _demo_users(provinces) -> dict:
    """One user per role (created once; the password is printed by the command)."""
    User = get_user_model()
    users = {}
    for username, role, (first, last), province_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@mrd.gov.kh"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMINISTRATOR
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
        if province_code:
            StaffProfile.objects.get_or_create(
                user=user, defaults={"province": next(p for p in provinces if p.code == province_code)}
            )
        if role == Role.DEPARTMENT_HEAD:  # reviews the reports of the agreements this department follows
            StaffProfile.objects.update_or_create(user=user, defaults={"department": Department.objects.get(code=DEMO_HEAD_DEPARTMENT)})
        users[username] = user
    return users


# ---- Semester summary: coverage rates and the July 2024 meeting's recommendations -------------

DEMO_COVERAGE_SOURCE = "តួលេខសាកល្បង មិនមែនស្ថិតិផ្លូវការ / Demonstration figures (demo data), not official statistics"


def _demo_coverage_rates(provinces) -> None:
    """Water and sanitation coverage per province for 2023 and 2024: made-up, 55% to 95%, flagged as such."""
    for province in provinces:
        rng = random.Random(f"coverage-{province.code}")
        water, sanitation = rng.uniform(55, 88), rng.uniform(55, 88)
        for year in (2023, 2024):
            CoverageRate.objects.get_or_create(
                province=province, year=year,
                defaults={
                    "water_supply_pct": Decimal(f"{min(water, 95):.1f}"),
                    "sanitation_pct": Decimal(f"{min(sanitation, 95):.1f}"),
                    "is_demonstration": True,
                    "source": DEMO_COVERAGE_SOURCE,
                },
            )
            water, sanitation = water + rng.uniform(0.5, 4), sanitation + rng.uniform(0.5, 4)


# The six recommendations of the Secretary of State at the meeting of 17 July 2024 on 2024S1
# (../shared/reference/meeting-h1-2024.km.txt and .en.md), with a made-up follow-up.
JULY_2024_RECOMMENDATIONS = [
    (
        "ស្នើឱ្យ NGO នៅតែបន្តចូលរួមសហការជាមួយនាយកដ្ឋានជំនាញដើម្បីរៀបចំផែនការអភិវឌ្ឍន៍តាមវិស័យនីមួយៗឱ្យកាន់តែមានភាពគ្រប់ជ្រុងជ្រោយ",
        "NGOs keep working with the technical departments to prepare development plans for each sector, so that they are comprehensive.",
        RecommendationStatus.IN_PROGRESS,
        "នាយកដ្ឋានផ្គត់ផ្គង់ទឹកស្អាតជនបទ និងនាយកដ្ឋានអនាម័យជនបទ បានរៀបចំសិក្ខាសាលាផែនការវិស័យជាមួយអង្គការដៃគូ។ ផែនការវិស័យផ្លូវលំជនបទកំពុងរៀបចំ។",
    ),
    (
        "អំពាវនាវចំពោះអង្គការដែលមានកិច្ចសហការប្រតិបត្តិការជាមួយក្រសួងអភិវឌ្ឍន៍ជនបទ ត្រូវយកចិត្តទុកដាក់ជាមួយនឹងការងារភូមិគំរូ "
        "ដើម្បីចូលរួមជាមួយក្រសួងក្នុងការអភិវឌ្ឍភូមិគំរូឱ្យបានជោគជ័យនាថ្ងៃខាងមុខ",
        "Organisations with a cooperation agreement with MRD pay attention to model-village work and join the ministry in developing model villages.",
        RecommendationStatus.IN_PROGRESS,
        "របាយការណ៍ឆមាសមានផ្នែកលទ្ធផលតាមភូមិគំរូ។ អង្គការខ្លះនៅមិនទាន់រាយការណ៍តាមភូមិ។",
    ),
    (
        "ស្នើឱ្យនាយកដ្ឋានជំនាញ បន្តសហការជាមួយ NGO ដើម្បីរៀបចំផែនការអភិវឌ្ឍន៍តាមវិស័យនីមួយៗឱ្យកាន់តែមានភាពគ្រប់ជ្រុងជ្រោយ"
        "ពិសេសផ្តោតលើតំបន់ដែលមានអត្រាទឹកស្អាត និងអនាម័យទាប",
        "Technical departments keep working with NGOs on sector development plans, focusing especially on areas where the rates of "
        "clean water and sanitation are low.",
        RecommendationStatus.OPEN,
        "រង់ចាំតួលេខគ្របដណ្ដប់ទឹកស្អាត និងអនាម័យតាមខេត្តផ្លូវការ។",
    ),
    (
        "ករណី NGO ដែលមានបទពិសោធន៍ល្អៗ សូមអញ្ជើញក្រសួង ឬនាយកដ្ឋានជំនាញចុះទៅសិក្សា និងស្វែងយល់ ដើម្បីចងក្រងជាមេរៀនបទពិសោធន៍ "
        "ក្នុងគោលបំណងយកទៅចែករំលែក និងអនុវត្តនៅតំបន់ផ្សេងៗទៀត",
        "NGOs with good experience invite the ministry or the technical departments to visit and study it, so that lessons learned "
        "are compiled and shared for use in other areas.",
        RecommendationStatus.DONE,
        "បានចុះទស្សនកិច្ចសិក្សានៅខេត្តសៀមរាប និងខេត្តបាត់ដំបង ហើយបានចងក្រងមេរៀនបទពិសោធន៍ចែករំលែកដល់អង្គការដៃគូ។",
    ),
    (
        "ករណី NGO ដែលចប់សុពលភាពកិច្ចព្រមព្រៀង ត្រូវត្រៀមរៀបចំឯកសារដើម្បីសហការជាមួយមន្រ្តីជំនាញពិនិត្យបន្តកិច្ចព្រមព្រៀងជាថ្មីទៀត",
        "NGOs whose cooperation agreement has expired prepare their documents and work with the officials in charge to review and "
        "renew the agreement.",
        RecommendationStatus.IN_PROGRESS,
        "បានផ្ញើលិខិតជូនដំណឹងទៅអង្គការដែលកិច្ចព្រមព្រៀងផុតកំណត់ ឬជិតផុតកំណត់។ ឯកសារបន្តខ្លះកំពុងពិនិត្យ។",
    ),
    (
        "បន្តខិតខំស្វែងរកអង្គការដៃគូរផ្សេងទៀត ក្នុងការសហការជាមួយក្រសួងអភិវឌ្ឍន៍ជនបទបន្ថែមទៀត។",
        "Keep looking for more partner organisations to cooperate with MRD.",
        RecommendationStatus.DONE,
        "អង្គការដៃគូថ្មីបានចុះហត្ថលេខាលើកិច្ចព្រមព្រៀងសហប្រតិបត្តិការ ហើយមានអង្គការថ្មីផ្សេងទៀតកំពុងរៀបចំសេចក្ដីព្រាង។",
    ),
]


def _demo_recommendations(period) -> None:
    """The six recommendations of the meeting of 17 July 2024 on 2024S1, each with a follow-up status."""
    for number, (text_km, text_en, status, notes) in enumerate(JULY_2024_RECOMMENDATIONS, start=1):
        MeetingRecommendation.objects.get_or_create(
            period=period, number=number,
            defaults={
                "meeting_date": datetime.date(2024, 7, 17), "text_km": text_km, "text_en": text_en,
                "status": status, "follow_up_notes": notes,
            },
        )
