"""The demo dataset: the ministry's NGO cooperation around the meeting of 17 July 2024, made through the app's own services.

What it tells (reports/demo_data/ holds the NGOs, the villages and the narrative phrases):

- 66 NGOs (the meeting's number), local ones writing their reports in Khmer, most international
  ones in English; directors and focal persons named in the Khmer order (family name first).
- Every agreement is dated in real history and fits the semesters it covers: 3-year MoUs signed
  from 2018 on, renewals at the end of 2023, mid-2024 and the end of 2024, four renewed inside
  2024S1, four that lapsed in 2024S1 and were renewed in October 2024 after the meeting's
  recommendation 5, five that expired in 2024 without renewal, one that ended in 2023, two
  terminated in 2025, new partners signed in 2024 (recommendation 6).
- Reports for 2023S2, 2024S1 and 2024S2, one per NGO and semester, filed under the agreement in
  force at the semester's end, created, submitted, returned, resubmitted and accepted through the
  report services with the dates they happened on (some late, some missing); 2023S2 is locked.
- The July 2024 meeting itself (at the ministry and by Zoom, the 66 NGOs and the 25 provincial
  departments), its six recommendations with owner and deadline, and their progress notes dated in
  2024S2; the 2024S2 reports say what the NGOs did about them. Lessons taken into the register.

A demo loaded today: the reporting story stops with 2024S2 under review (the semesters after it
are not in the demo), so "the current semester" (the latest one due) is 2024S2 and its drafts,
returned reports and reports awaiting review are the work waiting for the demo's users. The
agreement registry, by contrast, runs to the day the demo is loaded: agreements signed from 2024
to 2026 whose start dates are fixed but whose end dates are counted from the load day (12 end
within 90 days, two of them with a renewal under way, two ended weeks ago without a successor),
so the dashboard, the registry and the expiring board show a live picture whatever the day.

The business dates (signatures, submissions, returns, acceptances) are the historical ones; the
audit trail and a report's "entered on" say when the demo was loaded, as an audit trail must.

Every row goes through the services a person's input goes through (`ngo_create`,
`agreement_create`/`renew`/`sign`/`terminate`/`flag`, `report_create`/`submit`/`return`/`accept`,
`period_set_locked`), or `full_clean()` where people enter it in the admin (villages, coverage
rates, recommendations): a row the app would refuse fails the load. NGOs that exist already are
skipped with everything of theirs, so loading twice changes nothing.
"""
import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from agreements import services as agreement_services
from agreements.gazetteer import edition_from_package, gazetteer_load
from agreements.models import NGO, Agreement, CoverageRate, Department, Indicator, Province, Sector, StaffProfile, Village
from mrd_ngo.khmer import khmer_digits
from mrd_ngo.roles import Role
from reports import services as report_services
from reports import lessons as lesson_services
from reports import meetings as meeting_services
from reports.choices import LessonStatus, LessonTheme, MeetingMode, RecommendationStatus, ReportStatus
from reports.content import NARRATIVES
from reports.demo_data.narratives import LESSONS, compose
from reports.models import DocumentClosing, Lesson, Meeting, ProgressReport, ReportingPeriod
from reports.narratives import narrative_translate
from reports.semesters import semester_bounds

DATA = Path(__file__).resolve().parent / "demo_data"
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
DEMO_PASSWORD = "mrd-demo-2024"  # noqa: S105 (printed to the person who loads the demo)
# username, role, (family name, given name) in Khmer, province code. Django joins first_name and
# last_name: the family name goes first, as Khmer names are written.
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, ("ចាន់", "សុខា"), None),
    ("officer", Role.DATA_ENTRY_OFFICER, ("គឹម", "ដារ៉ា"), None),
    ("head", Role.DEPARTMENT_HEAD, ("សុខ", "វណ្ណា"), None),
    ("siemreap", Role.PROVINCIAL_OFFICER, ("ហេង", "ស្រីមុំ"), "17"),
]
DEMO_HEAD_DEPARTMENT = "water-supply"

# Semesters of the story: due dates before each review meeting (the July 2024 one sat on the 17th).
SEMESTERS = [((2023, 2), datetime.date(2024, 1, 15)), ((2024, 1), datetime.date(2024, 7, 5)),
             ((2024, 2), datetime.date(2025, 1, 15))]
LOCKED = (2023, 2)
MEETING = datetime.date(2024, 7, 17)

SECTORS = {"W": "rural-water-supply", "S": "rural-sanitation", "R": "rural-roads", "C": "community-development",
           "E": "rural-economy", "M": "ethnic-minorities", "K": "early-childhood"}
DEPARTMENT_OF_SECTOR = {"rural-water-supply": "water-supply", "rural-sanitation": "health-care", "rural-roads": "rural-roads",
                        "community-development": "community-development", "rural-economy": "economic-development",
                        "ethnic-minorities": "ethnic-minorities", "early-childhood": "early-childhood"}

# Khmer family and given names (Khmer script, the ministry's romanisation).
FAMILY = [("សុខ", "Sok"), ("ចាន់", "Chan"), ("គឹម", "Kim"), ("ហេង", "Heng"), ("លី", "Ly"), ("ស៊ុន", "Sun"), ("ឈឹម", "Chhim"),
          ("ម៉ៅ", "Mao"), ("ទេព", "Tep"), ("ប៊ុន", "Bun"), ("សួន", "Suon"), ("យឹម", "Yim"), ("ពេជ្រ", "Pech"), ("ខៀវ", "Khiev"),
          ("នួន", "Nuon"), ("ស៊ិន", "Sin"), ("ព្រំ", "Prum"), ("អ៊ុក", "Ouk"), ("ជា", "Chea"), ("សេង", "Seng"), ("កែវ", "Keo"),
          ("មាស", "Meas"), ("ផល", "Phal"), ("ហួត", "Huot"), ("ទូច", "Touch"), ("ប្រាក់", "Prak"), ("សំ", "Sam"), ("អ៊ាង", "Eang"),
          ("ឡុង", "Long"), ("ឈួន", "Chhuon"), ("វង្ស", "Vong"), ("យ៉ាន", "Yan")]
GIVEN = [("ចាន់ថា", "Chantha"), ("សុភា", "Sophea"), ("ដារ៉ា", "Dara"), ("វណ្ណា", "Vanna"), ("សុខា", "Sokha"), ("ស្រីមុំ", "Sreymom"),
         ("ពិសិដ្ឋ", "Piseth"), ("រតនា", "Rathana"), ("សុផល", "Sophal"), ("បុប្ផា", "Bopha"), ("សុវណ្ណ", "Sovann"), ("វិចិត្រ", "Vichet"),
         ("សំណាង", "Samnang"), ("ធីតា", "Thida"), ("ម៉ាលី", "Maly"), ("សុធារី", "Sotheary"), ("ពិសី", "Pisey"), ("វុទ្ធី", "Vuthy"),
         ("សុភ័ក្ត្រ", "Sopheak"), ("ចិន្តា", "Chenda"), ("ណារី", "Nary"), ("រស្មី", "Raksmey"), ("វិសាល", "Visal"), ("បូរ៉ា", "Bora"),
         ("ផល្លា", "Phalla"), ("សុជាតិ", "Socheat"), ("រិទ្ធី", "Rithy"), ("កុសល", "Kosal"), ("លក្ខិណា", "Leakhena"), ("ចន្ធូ", "Chanthou"),
         ("សុខុម", "Sokhom"), ("ស៊ីថា", "Sitha"), ("ស្រីនាង", "Sreyneang"), ("សុភាព", "Sopheap"), ("ម៉េងហុង", "Menghong")]
# Country directors of some international NGOs.
FOREIGN = ["Sarah Whitfield", "Lars Eriksen", "Hiroshi Tanaka", "Anna Lindqvist", "David Okafor", "Claire Dubois",
           "Mark Henderson", "Yuki Sato", "Maria Santos", "Jonas Becker"]

# NGO groups by the story of their agreements (see `_plan`), in the order the NGOs are dealt out.
ARCHETYPES = (["renewed_end_2024"] * 10 + ["renewed_mid_2024"] * 8 + ["renewed_in_s1"] * 4 + ["lapsed_renewed"] * 4
              + ["expired_2024"] * 5 + ["ended_2023"] + ["terminated"] * 2 + ["new_2024s2"] * 3 + ["new_2024s1"]
              + ["expiring_now"] * 12 + ["expired_recently"] * 2 + ["draft_new"] * 2 + ["steady"] * 12)
EXPIRING_IN_DAYS = [5, 10, 15, 20, 28, 35, 40, 50, 58, 65, 80, 88]  # the 30/60/90-day bands of the board
RENEWING = {20, 65}  # of those, a renewal is under way

d = datetime.date


def _month_end(day: datetime.date) -> datetime.date:
    following = d(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _plan(archetype: str, n: int, today: datetime.date, rng: random.Random) -> list[dict]:
    """The agreements of one NGO, oldest first: dates, signature, renewal and termination.

    `n` is the NGO's rank within its group (for the dates that differ inside a group).
    """
    def day(year, month, low=3, high=27):
        return d(year, month, rng.randint(low, high))

    if archetype == "renewed_end_2024":
        start = d(2022, 1, 1) if n % 3 else d(2021, 1, 1)
        return [{"from": start, "to": d(2024, 12, 31), "signed": day(start.year - 1, 12)},
                {"from": d(2025, 1, 1), "to": _month_end(today + datetime.timedelta(days=240 + 75 * n)),
                 "signed": day(2024, 12, 2, 20)}]
    if archetype == "renewed_mid_2024":
        return [{"from": d(2021, 7, 1), "to": d(2024, 6, 30), "signed": day(2021, 6)},
                {"from": d(2024, 7, 1), "to": _month_end(today + datetime.timedelta(days=200 + 90 * n)),
                 "signed": day(2024, 6, 3, 25)}]
    if archetype == "renewed_in_s1":  # a renewal inside a semester: the report follows the new agreement
        month = 2 + n  # February to May
        plan = [{"from": d(2021, month, 1), "to": d(2024, month, 1) - datetime.timedelta(days=1), "signed": day(2021, month - 1)},
                {"from": d(2024, month, 1), "to": d(2027, month, 1) - datetime.timedelta(days=1), "signed": day(2024, month - 1, 5, 25)}]
        if n < 2:  # a chain of three
            plan.insert(0, {"from": d(2018, month, 1), "to": d(2021, month, 1) - datetime.timedelta(days=1),
                            "signed": day(2018, month - 1)})
        return plan
    if archetype == "lapsed_renewed":  # expired in 2024S1, renewed after the meeting (recommendation 5)
        end = [d(2024, 4, 30), d(2024, 5, 31), d(2024, 5, 31), d(2024, 6, 15)][n]
        return [{"from": end.replace(year=2021) + datetime.timedelta(days=1), "to": end, "signed": day(2021, end.month)},
                {"from": d(2024, 11, 1), "to": d(2027, 10, 31), "signed": day(2024, 10, 1, 25), "renewal_started": d(2024, 8, 12)}]
    if archetype == "expired_2024":  # expired without renewal, as recommendation 5 describes
        end = [d(2024, 3, 31), d(2024, 3, 31), d(2024, 6, 30), d(2024, 9, 30), d(2024, 11, 30)][n]
        return [{"from": end.replace(year=2021) + datetime.timedelta(days=1), "to": end, "signed": day(2021, end.month)}]
    if archetype == "ended_2023":
        return [{"from": d(2020, 11, 1), "to": d(2023, 10, 31), "signed": d(2020, 10, 19)}]
    if archetype == "terminated":
        reason = ["The NGO closed its Cambodia programme when its main donor ended the grant.",
                  "អង្គការបានរួមបញ្ចូលគ្នាជាមួយអង្គការដៃគូ ហើយកិច្ចព្រមព្រៀងថ្មីនឹងធ្វើក្រោមឈ្មោះអង្គការថ្មី។"][n]
        return [{"from": d(2023, 1, 1), "to": d(2027, 12, 31), "signed": d(2022, 12, 14 + n),
                 "terminated": [d(2025, 6, 30), d(2025, 9, 30)][n], "reason": reason}]
    if archetype == "new_2024s2":  # new partners after the meeting (recommendation 6)
        start = d(2024, 8 + n, 1)
        return [{"from": start, "to": d(2027, 8 + n, 1) - datetime.timedelta(days=1), "signed": day(2024, 7 + n, 5, 28)}]
    if archetype == "new_2024s1":  # starts in the middle of 2024S1
        return [{"from": d(2024, 3, 15), "to": d(2027, 3, 14), "signed": d(2024, 3, 1)}]
    if archetype == "expiring_now":
        plan = [{"from": d(2020 + n % 2, 1, 1), "to": d(2023, 12, 31), "signed": day(2019 + n % 2, 12)},
                {"from": d(2024, 1, 1), "to": today + datetime.timedelta(days=EXPIRING_IN_DAYS[n]), "signed": day(2023, 12, 4, 28)}]
        if EXPIRING_IN_DAYS[n] in RENEWING:
            start = plan[-1]["to"] + datetime.timedelta(days=1)
            plan.append({"from": start, "to": agreement_services.add_years(start, 3) - datetime.timedelta(days=1), "draft": True})
        return plan
    if archetype == "expired_recently":
        return [{"from": d(2022, 1, 1), "to": today - datetime.timedelta(days=[25, 70][n]), "signed": d(2021, 12, 9 + n)}]
    if archetype == "draft_new":
        start = _month_end(today + datetime.timedelta(days=30 * (n + 1))) + datetime.timedelta(days=1)
        return [{"from": start, "to": agreement_services.add_years(start, 3) - datetime.timedelta(days=1), "draft": True}]
    # steady: one renewal, well before or after the story
    first = d(2023, 1, 1) if n % 2 else d(2023, 7, 1)
    second = agreement_services.add_years(first, 3)
    return [{"from": first, "to": second - datetime.timedelta(days=1), "signed": day(first.year - (first.month == 1), 12 if first.month == 1 else 6)},
            {"from": second, "to": agreement_services.add_years(second, 3) - datetime.timedelta(days=1),
             "signed": day(second.year - (second.month == 1), 12 if second.month == 1 else 6, 2, 20)}]


# Value ranges of one result (per province and semester) by indicator.
RANGES = {"wells": (3, 40), "ponds": (1, 6), "rainwater-tanks": (10, 220), "households-water": (60, 900), "latrines": (20, 420),
          "handwashing": (2, 30), "hygiene-trained": (100, 2500), "road-km": (1, 24), "model-villages": (1, 2),
          "people-trained": (20, 320), "savings-groups": (2, 20), "farmers-supported": (50, 650), "ethnic-households": (20, 300),
          "children-eccd": (30, 400)}
PEOPLE_INDICATORS = {"hygiene-trained", "people-trained", "farmers-supported", "children-eccd"}


class _Loader:
    """One load: the reference rows it reads, the users it acts as, and the counters of reference numbers."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.provinces = {p.code: p for p in Province.objects.all()}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.departments = {dep.code: dep for dep in Department.objects.all()}
        self.indicators: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.select_related("sector").order_by("sector__order", "order"):
            self.indicators.setdefault(indicator.sector.code, []).append(indicator)
        self.references: dict[int, int] = {}
        self.users = _demo_users(self.provinces)
        self.villages = _demo_villages(self.provinces)
        self.periods = {}
        for (year, half), due in SEMESTERS:
            self.periods[(year, half)], _ = ReportingPeriod.objects.get_or_create(year=year, half=half, defaults={"due_date": due})

    def reference(self, year: int) -> str:
        self.references[year] = self.references.get(year, Agreement.objects.filter(reference_number__startswith=f"MRD-MOU-{year}-").count()) + 1
        return f"MRD-MOU-{year}-{self.references[year]:03d}"

    def when(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """A working hour of `day` in Phnom Penh."""
        return datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=PHNOM_PENH)


def _person(rng: random.Random, script: str) -> str:
    family, given = rng.choice(FAMILY), rng.choice(GIVEN)
    return f"{family[0]} {given[0]}" if script == "km" else f"{family[1]} {given[1]}"


def _ngos() -> list[dict]:
    with open(DATA / "ngos.csv", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    deal = list(range(len(rows)))
    random.Random("mrd-demo").shuffle(deal)  # which NGO lives which story: mixed, the same every time
    for row, slot in zip(rows, deal, strict=True):
        row["archetype"] = ARCHETYPES[slot]
        row["rank"] = ARCHETYPES[:slot].count(ARCHETYPES[slot])
    return rows


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> dict:
    """Create the demo dataset (skipping NGOs that exist, with everything of theirs) and return what it holds."""
    loader = _Loader(today or timezone.localdate())
    admin = loader.users["admin"]
    _demo_coverage_rates(loader.provinces.values())
    rows = [row for row in _ngos() if not NGO.objects.filter(name_en=row["name_en"]).exists()]
    locked = loader.periods[LOCKED]
    if rows and locked.is_locked:  # reopened for the missing reports, as an administrator would
        report_services.period_set_locked(user=admin, period=locked, locked=False,
                                          reason="Reopened to record the reports of the demo's NGOs.")
    made = [_ngo_with_agreements(loader, row) for row in rows]
    for (year, half), period in loader.periods.items():
        for ngo, row in made:
            _demo_report(loader, ngo, row, period)
    _demo_flags(loader, made)
    _demo_recommendations(loader, loader.periods[(2024, 1)], made)
    _demo_lessons(loader)
    _demo_closing()
    locked.refresh_from_db()
    if not locked.is_locked:
        report_services.period_set_locked(user=admin, period=locked, locked=True,
                                          reason="The semester was reviewed at its meeting: its reports are final.")
    return {"ngos": NGO.objects.count(), "agreements": Agreement.objects.count(), "reports": ProgressReport.objects.count()}


def _ngo_with_agreements(loader: _Loader, row: dict):
    """One NGO and its agreements, through the registry's services."""
    rng = random.Random(f"ngo-{row['acronym']}")
    officer, admin = loader.users["officer"], loader.users["admin"]
    writes_km = row["writes_in"] == "km"
    if row["kind"] == "international" and not writes_km and rng.random() < 0.5:
        director = rng.choice(FOREIGN)
    else:
        director = _person(rng, "km" if writes_km else "en")
    contact = _person(rng, "km" if writes_km else "en")
    domain = row["acronym"].lower() + (".org" if row["kind"] == "international" else ".org.kh")
    sectors = [loader.sectors[SECTORS[code]] for code in row["sectors"].split(";")]
    provinces = [loader.provinces[code] for code in row["provinces"].split(";")]
    home = provinces[0]
    ngo = agreement_services.ngo_create(
        by=officer, sectors=sectors, name_km=row["name_km"], name_en=row["name_en"], acronym=row["acronym"], kind=row["kind"],
        registration_number=f"MOI-{rng.randint(100, 2400):04d}",
        address=f"ផ្ទះលេខ {khmer_digits(rng.randint(3, 180))} ផ្លូវ {khmer_digits(rng.randint(2, 600))} "
                + ("រាជធានីភ្នំពេញ" if home.code == "12" else f"ខេត្ត{home.name_km}"),
        director=director, contact_person=contact, phone=f"+855 {rng.choice(['12', '17', '77', '89', '97'])} {rng.randint(100000, 999999)}",
        email=f"info@{domain}", website=f"https://www.{domain}",
    )
    department = loader.departments[DEPARTMENT_OF_SECTOR[sectors[0].code]]
    focal_family, focal_given = rng.choice(FAMILY), rng.choice(GIVEN)
    common = {
        "department": department, "mrd_focal_person": f"{focal_family[0]} {focal_given[0]}",
        "mrd_focal_email": f"{focal_given[1].lower()}.{focal_family[1].lower()}@mrd.gov.kh",
        "ngo_focal_person": contact, "ngo_focal_email": f"{contact.split()[-1].lower()}@{domain}" if not writes_km else f"info@{domain}",
    }
    budget = Decimal(rng.randrange(60_000, 2_400_000, 5_000))
    previous = None
    agreements = []
    for item in _plan(row["archetype"], row["rank"], loader.today, rng):
        if previous is None:
            agreement = agreement_services.agreement_create(
                by=admin, sectors=sectors, provinces=provinces, ngo=ngo,
                reference_number=loader.reference((item.get("signed") or item["from"]).year),
                signed_on=item.get("signed"), valid_from=item["from"], valid_to=item["to"], planned_budget_usd=budget, **common,
            )
        else:
            agreement = agreement_services.agreement_renew(
                agreement=previous, by=admin, reference_number=loader.reference((item.get("signed") or item["from"]).year),
                valid_from=item["from"], valid_to=item["to"],
            )
            if item.get("signed"):
                agreement = agreement_services.agreement_sign(agreement=agreement, by=admin, signed_on=item["signed"])
        if item.get("terminated"):
            agreement = agreement_services.agreement_terminate(agreement=agreement, by=admin, terminated_on=item["terminated"],
                                                               reason=item["reason"])
        agreements.append(agreement)
        previous = agreement
    if agreements[-1].renews_id and agreements[-1].signed_on is None:
        # A renewal under way: the documents the NGO has sent so far.
        entries = list(agreements[-1].checklist_entries.order_by("item__order"))
        received = {entry.pk: loader.today - datetime.timedelta(days=rng.randint(6, 40)) for entry in entries[: 2 + len(agreements) % 2]}
        agreement_services.renewal_checklist_update(agreement=agreements[-1], by=officer, received_on=received)
    return ngo, {**row, "agreements": agreements, "rng_seed": row["acronym"]}


# What happens to an NGO's report in a semester, by chance but the same every time.
OUTCOMES = {
    (2023, 2): [("missing", 4), ("accepted", 82), ("accepted_late", 10), ("accepted_after_return", 4)],
    (2024, 1): [("missing", 5), ("accepted", 77), ("accepted_late", 12), ("accepted_after_return", 6)],
    (2024, 2): [("missing", 6), ("draft", 7), ("submitted", 12), ("submitted_late", 5), ("returned", 6),
                ("resubmitted", 6), ("accepted", 45), ("accepted_late", 8), ("accepted_after_return", 5)],
}
RETURN_COMMENTS = [
    "សូមបញ្ជាក់ចំនួនអ្នកទទួលផលជាស្ត្រី តាមខេត្តនីមួយៗ។",
    "ចំនួនអណ្ដូងក្នុងខេត្តនេះ ខុសពីរបាយការណ៍ហិរញ្ញវត្ថុ។ សូមពិនិត្យឡើងវិញ។",
    "សូមបញ្ចូលឈ្មោះភូមិគំរូដែលអង្គការបានគាំទ្រ។",
    "ថវិកាចំណាយលើសថវិកាគ្រោង៖ សូមពន្យល់មូលហេតុក្នុងផ្នែកបញ្ហាប្រឈម។",
]


def _demo_report(loader: _Loader, ngo: NGO, row: dict, period: ReportingPeriod) -> None:
    """The NGO's report for `period`, made by the officers and reviewed by the head, on the days it happened."""
    key = (period.year, period.half)
    rng = random.Random(f"report-{row['rng_seed']}-{period.code}")
    officer = loader.users["officer"]
    # NGOs working only in Siem Reap are entered by the provincial department there.
    clerk = loader.users["siemreap"] if row["provinces"] == "17" else officer
    agreement = report_services.agreement_in_force(ngo=ngo, period=period, user=clerk)
    if agreement is None:
        return
    outcomes, weights = zip(*OUTCOMES[key], strict=True)
    outcome = rng.choices(outcomes, weights)[0]
    if outcome == "missing":
        return
    lang = row["writes_in"]
    scope = report_services.province_scope(clerk)
    provinces = sorted((p for p in agreement.provinces.all() if scope is None or p.pk == scope), key=lambda p: p.code)
    sectors = list(agreement.sectors.all())  # both prefetched by agreement_in_force
    rows, totals, villages_named = [], {}, []
    for province in provinces:
        models = [v for v in loader.villages[province.code] if v.is_model_village]
        supported = rng.sample(models, rng.randint(0, len(models))) if any(s.code in {"community-development", "rural-water-supply", "rural-sanitation"} for s in sectors) else []
        for sector in sectors:
            # Each semester's work shows in one to three of the sector's indicators, not in all of them.
            choices = [i for i in loader.indicators.get(sector.code, []) if i.code != "model-villages"]
            picked = rng.sample(choices, min(len(choices), rng.randint(1, 3 if len(provinces) == 1 else 2)))
            if supported:
                picked += [i for i in loader.indicators.get(sector.code, []) if i.code == "model-villages"]
            for indicator in picked:
                if indicator.code == "model-villages":
                    if not supported:
                        continue
                    value = len(supported)
                else:
                    low, high = RANGES[indicator.code]
                    value = rng.randint(low, high)
                # Some results are reported for a model village by name.
                village = supported[0] if supported and indicator.code not in {"model-villages"} and rng.random() < 0.3 else None
                female = (Decimal(value) * Decimal(rng.uniform(0.45, 0.64))).quantize(Decimal("1")) if indicator.disaggregated_by_sex else None
                rows.append(report_services.ResultRow(indicator=indicator, province=province, village=village,
                                                      value=Decimal(value), female_value=female))
                totals[indicator.code] = totals.get(indicator.code, 0) + value
        villages_named += [(v.name_km, v.name_en) for v in supported]
    if not rows:
        indicator = loader.indicators[sectors[0].code][0]
        low, high = RANGES[indicator.code]
        rows.append(report_services.ResultRow(indicator=indicator, province=provinces[0], village=None, value=Decimal(rng.randint(low, high))))
    people = sum(totals.get(code, 0) for code in PEOPLE_INDICATORS) + 4 * totals.get("households-water", 0)
    beneficiaries = people or rng.randint(300, 6000)
    semesters = max(1, round(((agreement.valid_to - agreement.valid_from).days + 1) / 182.6))
    planned = (agreement.planned_budget_usd / semesters).quantize(Decimal("1"))
    end = semester_bounds(period.year, period.half)[1]
    ends_soon = agreement.valid_to <= end + datetime.timedelta(days=120) and agreement.pk == row["agreements"][-1].pk  # no renewal started
    story = {"totals": totals, "provinces": [(p.name_km, p.name_en) for p in provinces], "model_villages": villages_named[:3],
             "half": period.half, "year": period.year, "ends_soon": ends_soon}
    twin = random.Random()
    twin.setstate(rng.getstate())  # the same choices again: the same report in the other language
    fields = compose(lang=lang, rng=rng, **story)
    fields.update(budget_planned_usd=planned, budget_spent_usd=(planned * Decimal(rng.uniform(0.55, 1.04))).quantize(Decimal("1")),
                  beneficiaries_total=beneficiaries, beneficiaries_female=int(beneficiaries * rng.uniform(0.46, 0.6)))
    report = report_services.report_create(user=clerk, ngo=ngo, period=period, content=report_services.ReportContent(fields, rows),
                                           source="demo")
    _demo_translations(loader, report, compose(lang="en" if lang == "km" else "km", rng=twin, **story))
    if outcome == "draft":
        return
    late = outcome.endswith("_late")
    submitted = period.due_date + datetime.timedelta(days=rng.randint(4, 45) if late else -rng.randint(0, 25))
    at = loader.when(submitted, rng)
    report = report_services.report_submit(user=clerk, report=report, at=at)
    if outcome in {"returned", "resubmitted", "accepted_after_return"}:
        at += datetime.timedelta(days=rng.randint(4, 12))
        report = report_services.report_return(user=_reviewer(loader, report), report=report, comment=rng.choice(RETURN_COMMENTS), at=at)
        if outcome == "returned":
            return
        at += datetime.timedelta(days=rng.randint(3, 10))
        report = report_services.report_submit(user=clerk, report=report, at=at)
    if outcome.startswith("accepted"):
        at += datetime.timedelta(days=rng.randint(3, 15))
        report_services.report_accept(user=_reviewer(loader, report), report=report, at=at)


def _demo_translations(loader: _Loader, report, other: dict) -> None:
    """Staff's translations of some reports (all of their narratives, or the achievements only), so the demo summary
    shows both translated narratives and narratives printed marked with their language."""
    rng = random.Random(f"translation-{report.ngo_id}-{report.period_id}")
    draw = rng.random()
    fields = NARRATIVES if draw < 0.3 else ("achievements",) if draw < 0.5 else ()
    for field in fields:
        if getattr(report, field):
            narrative_translate(user=loader.users["officer"], report=report, field=field, lang=getattr(report, f"{field}_lang"),
                                translation=other[field], translation_was="")
    report.refresh_from_db()


def _reviewer(loader: _Loader, report):
    """Who reviews a report: the demo's head for their department's agreements, an administrator otherwise."""
    department = report.agreement.department
    return loader.users["head"] if department and department.code == DEMO_HEAD_DEPARTMENT else loader.users["admin"]


def _demo_flags(loader: _Loader, made) -> None:
    """Flags on agreements to chase today: the ones that ended weeks ago, and one ending within 30 days."""
    admin, officer = loader.users["admin"], loader.users["officer"]
    notes = {
        "expired_recently": ["អង្គការមិនទាន់ផ្ញើលិខិតស្នើសុំបន្តកិច្ចព្រមព្រៀងនៅឡើយទេ។ សូមទាក់ទងនាយកអង្គការ។",
                             "The NGO asked for a meeting about a new agreement; agree on a date."],
        "expiring_now": ["សូមរំលឹកអង្គការឱ្យផ្ញើរបាយការណ៍សកម្មភាព និងហិរញ្ញវត្ថុ មុនពេលបន្ត។"],
    }
    for _ngo, row in made:
        texts = notes.get(row["archetype"])
        if not texts or row["rank"] >= len(texts):
            continue
        agreement = row["agreements"][-1]
        if agreement.signed_on is None:
            continue
        agreement_services.agreement_flag(agreement=agreement, by=admin, note=texts[row["rank"]], follow_up_by=officer)


def _demo_users(provinces: dict) -> dict:
    """One user per role (created once; the password is printed by the command)."""
    User = get_user_model()
    users = {}
    hashed = None  # one hash for the four (the password is printed anyway): hashing takes a second each
    for username, role, (family, given), province_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": family, "last_name": given, "email": f"{username}@mrd.gov.kh"}
        )
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.is_staff = role == Role.ADMINISTRATOR
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
        if province_code:
            StaffProfile.objects.get_or_create(user=user, defaults={"province": provinces[province_code]})
        if role == Role.DEPARTMENT_HEAD:  # reviews the reports of the agreements this department follows
            StaffProfile.objects.update_or_create(user=user, defaults={"department": Department.objects.get(code=DEMO_HEAD_DEPARTMENT)})
        users[username] = user
    return users


def _demo_villages(provinces: dict) -> dict[str, list[Village]]:
    """The official gazetteer (loaded the first time: `load_gazetteer`), and three of its villages per
    province named by code in villages.csv, two of them flagged model villages (50 in all), as the admin does."""
    if not Village.objects.exclude(gazetteer_key="").exists():
        gazetteer_load(edition=edition_from_package(), today=timezone.localdate())
    with open(DATA / "villages.csv", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    found = {v.gazetteer_key: v for v in Village.objects.filter(gazetteer_key__in=[row["code"] for row in rows])}
    villages: dict[str, list[Village]] = {}
    for row in rows:
        village = found[row["code"]]
        if village.province_id != provinces[row["province"]].pk:
            raise ValueError(f"demo village {row['code']} is not in province {row['province']}")
        if row["model_village"] == "1" and not village.is_model_village:
            village.is_model_village = True
            village.full_clean()
            village.save(update_fields=["is_model_village"])
        villages.setdefault(row["province"], []).append(village)
    return villages


# ---- Semester summary: coverage rates and the July 2024 meeting's recommendations -------------

DEMO_COVERAGE_SOURCE = "តួលេខសាកល្បង មិនមែនស្ថិតិផ្លូវការ / Demonstration figures (demo data), not official statistics"


def _demo_coverage_rates(provinces) -> None:
    """Water and sanitation coverage per province for 2023 and 2024: made-up, 55% to 95%, flagged as such."""
    for province in provinces:
        rng = random.Random(f"coverage-{province.code}")
        water, sanitation = rng.uniform(55, 88), rng.uniform(55, 88)
        for year in (2023, 2024):
            if not CoverageRate.objects.filter(province=province, year=year).exists():
                rate = CoverageRate(province=province, year=year, water_supply_pct=Decimal(f"{min(water, 95):.1f}"),
                                    sanitation_pct=Decimal(f"{min(sanitation, 95):.1f}"), is_demonstration=True,
                                    source=DEMO_COVERAGE_SOURCE)
                rate.full_clean()
                rate.save()
            water, sanitation = water + rng.uniform(0.5, 4), sanitation + rng.uniform(0.5, 4)


# The six recommendations of the Secretary of State at the meeting of 17 July 2024 on 2024S1
# (../shared/reference/meeting-h1-2024.km.txt and .en.md); the follow-up happened in 2024S2 and is
# dated so. Notes 5 and 6 are counted from the agreements the demo holds.
JULY_2024_RECOMMENDATIONS = [
    (
        "ស្នើឱ្យ NGO នៅតែបន្តចូលរួមសហការជាមួយនាយកដ្ឋានជំនាញដើម្បីរៀបចំផែនការអភិវឌ្ឍន៍តាមវិស័យនីមួយៗឱ្យកាន់តែមានភាពគ្រប់ជ្រុងជ្រោយ",
        "NGOs keep working with the technical departments to prepare development plans for each sector, so that they are comprehensive.",
        RecommendationStatus.IN_PROGRESS,
        "ខែកញ្ញា ២០២៤៖ នាយកដ្ឋានផ្គត់ផ្គង់ទឹកស្អាតជនបទ និងនាយកដ្ឋានអនាម័យជនបទ បានរៀបចំសិក្ខាសាលាផែនការវិស័យជាមួយអង្គការដៃគូ។ "
        "ផែនការវិស័យផ្លូវលំជនបទ នៅកំពុងរៀបចំនៅខែធ្នូ ២០២៤។",
    ),
    (
        "អំពាវនាវចំពោះអង្គការដែលមានកិច្ចសហការប្រតិបត្តិការជាមួយក្រសួងអភិវឌ្ឍន៍ជនបទ ត្រូវយកចិត្តទុកដាក់ជាមួយនឹងការងារភូមិគំរូ "
        "ដើម្បីចូលរួមជាមួយក្រសួងក្នុងការអភិវឌ្ឍភូមិគំរូឱ្យបានជោគជ័យនាថ្ងៃខាងមុខ",
        "Organisations with a cooperation agreement with MRD pay attention to model-village work and join the ministry in developing model villages.",
        RecommendationStatus.IN_PROGRESS,
        "ចាប់ពីឆមាសទី២ ឆ្នាំ២០២៤ ទម្រង់របាយការណ៍ឆមាសមានផ្នែកលទ្ធផលតាមភូមិគំរូ។ អង្គការខ្លះនៅមិនទាន់រាយការណ៍តាមភូមិ។",
    ),
    (
        "ស្នើឱ្យនាយកដ្ឋានជំនាញ បន្តសហការជាមួយ NGO ដើម្បីរៀបចំផែនការអភិវឌ្ឍន៍តាមវិស័យនីមួយៗឱ្យកាន់តែមានភាពគ្រប់ជ្រុងជ្រោយ"
        "ពិសេសផ្តោតលើតំបន់ដែលមានអត្រាទឹកស្អាត និងអនាម័យទាប",
        "Technical departments keep working with NGOs on sector development plans, focusing especially on areas where the rates of "
        "clean water and sanitation are low.",
        RecommendationStatus.OPEN,
        "ខែធ្នូ ២០២៤៖ រង់ចាំតួលេខគ្របដណ្ដប់ទឹកស្អាត និងអនាម័យតាមខេត្តផ្លូវការ ដើម្បីកំណត់តំបន់អាទិភាព។",
    ),
    (
        "ករណី NGO ដែលមានបទពិសោធន៍ល្អៗ សូមអញ្ជើញក្រសួង ឬនាយកដ្ឋានជំនាញចុះទៅសិក្សា និងស្វែងយល់ ដើម្បីចងក្រងជាមេរៀនបទពិសោធន៍ "
        "ក្នុងគោលបំណងយកទៅចែករំលែក និងអនុវត្តនៅតំបន់ផ្សេងៗទៀត",
        "NGOs with good experience invite the ministry or the technical departments to visit and study it, so that lessons learned "
        "are compiled and shared for use in other areas.",
        RecommendationStatus.DONE,
        "ខែតុលា និងវិច្ឆិកា ២០២៤៖ បានចុះទស្សនកិច្ចសិក្សានៅខេត្តសៀមរាប និងខេត្តបាត់ដំបង ហើយបានចងក្រងមេរៀនបទពិសោធន៍ចែករំលែកដល់អង្គការដៃគូ។",
    ),
    (
        "ករណី NGO ដែលចប់សុពលភាពកិច្ចព្រមព្រៀង ត្រូវត្រៀមរៀបចំឯកសារដើម្បីសហការជាមួយមន្រ្តីជំនាញពិនិត្យបន្តកិច្ចព្រមព្រៀងជាថ្មីទៀត",
        "NGOs whose cooperation agreement has expired prepare their documents and work with the officials in charge to review and "
        "renew the agreement.",
        RecommendationStatus.IN_PROGRESS,
        "ខែសីហា ២០២៤៖ បានផ្ញើលិខិតជូនដំណឹងទៅអង្គការ {lapsed} ដែលកិច្ចព្រមព្រៀងផុតកំណត់ក្នុងឆមាសទី១។ "
        "ត្រឹមខែធ្នូ ២០២៤ អង្គការ {renewed} បានចុះហត្ថលេខាបន្តកិច្ចព្រមព្រៀង។ អង្គការ {not_renewed} ទៀតមិនទាន់ឆ្លើយតប។",
    ),
    (
        "បន្តខិតខំស្វែងរកអង្គការដៃគូរផ្សេងទៀត ក្នុងការសហការជាមួយក្រសួងអភិវឌ្ឍន៍ជនបទបន្ថែមទៀត។",
        "Keep looking for more partner organisations to cooperate with MRD.",
        RecommendationStatus.DONE,
        "ក្នុងឆមាសទី២ ឆ្នាំ២០២៤ អង្គការដៃគូថ្មីចំនួន {new} បានចុះហត្ថលេខាលើកិច្ចព្រមព្រៀងសហប្រតិបត្តិការ។",
    ),
]


# Who owns each recommendation and by when; the progress notes are dated in 2024S2, each with the status it set.
# The demo's department head (Rural Water Supply) owns recommendations 1 and 3: their home page shows them.
JULY_2024_FOLLOW_UP = [
    ("water-supply", datetime.date(2024, 12, 31), [(datetime.date(2024, 9, 20), RecommendationStatus.IN_PROGRESS)]),
    ("community-development", datetime.date(2024, 12, 31), [(datetime.date(2024, 11, 15), RecommendationStatus.IN_PROGRESS)]),
    ("water-supply", datetime.date(2025, 6, 30), [(datetime.date(2024, 12, 10), "")]),
    ("planning", datetime.date(2024, 12, 31), [(datetime.date(2024, 11, 29), RecommendationStatus.DONE)]),
    ("planning", datetime.date(2024, 12, 31), [(datetime.date(2024, 8, 15), RecommendationStatus.IN_PROGRESS)]),
    ("planning", datetime.date(2025, 6, 30), [(datetime.date(2024, 12, 20), RecommendationStatus.DONE)]),
]
MEETING_PLACE = ("សាលប្រជុំក្រសួងអភិវឌ្ឍន៍ជនបទ រាជធានីភ្នំពេញ", "Meeting hall of the Ministry of Rural Development, Phnom Penh")
MEETING_CHAIR = ("ឯកឧត្តម ផូ ភារិទ្ធ រដ្ឋលេខាធិការ", "H.E. Pho Phearith, Secretary of State")
MEETING_NOTES = (
    "កិច្ចប្រជុំបូកសរុបរបាយការណ៍វឌ្ឍនភាពការងាររបស់អង្គការមិនមែនរដ្ឋាភិបាល ឆមាសទី១ ឆ្នាំ២០២៤ "
    "និងដាក់ទិសដៅបន្តការងារ។ បទបង្ហាញចំនួន៤ និងការពិភាក្សាអំពីបញ្ហាប្រឈម និងដំណោះស្រាយ។ "
    "មន្ទីរអភិវឌ្ឍន៍ជនបទរាជធានី-ខេត្តទាំង២៥ ចូលរួមតាមប្រព័ន្ធ Zoom។"
)


def _demo_recommendations(loader: "_Loader", period: ReportingPeriod, made) -> None:
    """The meeting of 17 July 2024 on 2024S1 (at the ministry, the provincial departments by Zoom, the 66 NGOs'
    directors), its six recommendations with owner and deadline, and their progress notes dated in 2024S2."""
    if Meeting.objects.filter(period=period, held_on=MEETING).exists():
        return
    admin, head = loader.users["admin"], loader.users["head"]
    # Agreements that ended during 2024S1: the ones the meeting's recommendation 5 spoke of.
    lapsed = [row for _n, row in made if row["archetype"] in {"lapsed_renewed", "expired_2024"}
              and row["agreements"][0].valid_to <= semester_bounds(2024, 1)[1]]
    renewed = [row for row in lapsed if len(row["agreements"]) > 1]
    new = [row for _n, row in made if row["archetype"] == "new_2024s2"]
    counts = {"lapsed": len(lapsed), "renewed": len(renewed), "not_renewed": len(lapsed) - len(renewed), "new": len(new)}
    meeting = meeting_services.meeting_save(
        user=admin, ngos=NGO.objects.all(), departments=meeting_services.provincial_departments(),
        fields={"period": period, "held_on": MEETING, "mode": MeetingMode.BOTH, "place_km": MEETING_PLACE[0],
                "place_en": MEETING_PLACE[1], "chair_km": MEETING_CHAIR[0], "chair_en": MEETING_CHAIR[1],
                "notes": MEETING_NOTES},
    )
    for number, ((text_km, text_en, _status, notes), (owner, deadline, progress)) in enumerate(
        zip(JULY_2024_RECOMMENDATIONS, JULY_2024_FOLLOW_UP, strict=True), start=1,
    ):
        recommendation = meeting_services.recommendation_save(
            user=admin, meeting=meeting, fields={"number": number, "text_km": text_km, "text_en": text_en,
                                                 "owner": loader.departments[owner], "deadline": deadline},
        )
        author = head if owner == DEMO_HEAD_DEPARTMENT else admin
        for noted_on, status in progress:
            meeting_services.recommendation_note_add(
                user=author, recommendation=recommendation, noted_on=noted_on, status=status,
                text=notes.format(**{key: khmer_digits(value) for key, value in counts.items()}),
            )


def _demo_closing() -> None:
    """The closing block of issued documents: the Secretary of State who chaired the July 2024 meeting for
    the Minister (a ministry sets its own under Administration), so the demo's minutes and issuing work."""
    if not DocumentClosing.objects.exists():
        DocumentClosing.objects.create(
            presenter_title_km="រដ្ឋលេខាធិការ", presenter_title_en="Secretary of State",
            presenter_name_km="ឯកឧត្តម ផូ ភារិទ្ធ", presenter_name_en="H.E. Pho Phearith",
        )


# Lessons taken into the register from the reports (after the visits of recommendation 4): the phrase of the
# report's lessons learned (reports/demo_data/narratives.py LESSONS, by position), its theme and where it stands.
DEMO_LESSONS = [(0, LessonTheme.PLANNING, LessonStatus.SHARED), (1, LessonTheme.INCLUSION, LessonStatus.NOTED),
                (2, LessonTheme.MODEL_VILLAGES, LessonStatus.ADOPTED), (3, LessonTheme.MAINTENANCE, LessonStatus.ADOPTED),
                (4, LessonTheme.PLANNING, LessonStatus.NOTED)]


def _demo_lessons(loader: "_Loader") -> None:
    """A lesson per phrase, from one accepted 2024S1 report and one accepted 2024S2 report (Khmer and English)."""
    if Lesson.objects.exists():
        return
    officer = loader.users["officer"]
    accepted = (ProgressReport.objects.filter(status=ReportStatus.ACCEPTED, period__year=2024)
                .select_related("agreement").prefetch_related("agreement__sectors").order_by("period__half", "ngo__name_en"))
    for position, theme, status in DEMO_LESSONS:
        for half, lang in ((1, "km"), (2, "en")):
            phrase = LESSONS[lang][position]
            report = next((r for r in accepted if r.period.half == half and phrase in r.lessons_learned), None)
            if report is None:
                continue
            sectors = list(report.agreement.sectors.all())
            lesson_services.lesson_save(user=officer, report=report, fields={
                "title": phrase.rstrip("។."), "text": report.lessons_learned, "theme": theme, "status": status,
                "sector": sectors[0] if sectors else None,
            })
