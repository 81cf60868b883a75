"""Section 6 of the summary, the narratives consolidated (what NGOs achieved and plan, by sector; their challenges by
theme with the solutions they propose; their lessons by sector), and the annex that holds every report's full text.

Readable at national scale (2,000 reports): per group the number of reports, then a bounded number of excerpts
(`EXCERPTS`), each with its NGO named; every report's full text is in the annex, a PDF of its own
(`build_annex`, rendered by reports/pdf.py `render_annex_pdf`, built by the worker like the summary).

Which excerpts: those of the reports with the most beneficiaries (the largest contributions), then by NGO name, so
the choice is the same in both editions and from one build to the next. A report counts under the first sector
of its agreement (as the budget tables would double-count otherwise), so the groups add up to the reports.
Each excerpt prints in the edition's language when the text or its translation is in it; otherwise it is marked
with its language (reports/narratives.py `Passage`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reports.choices import ChallengeTheme
from reports.content import NARRATIVES
from reports.models import ProgressReport, ReportingPeriod
from reports.narratives import LABELS, Passage, passage, value_fields
from reports.summary.data import Name

#: Excerpts shown per sector or theme, and their length in characters.
EXCERPTS = {"achievements": 3, "next_plans": 2, "challenges": 3, "lessons_learned": 2}
EXCERPT_CHARS = 300


@dataclass(frozen=True)
class Excerpt:
    """One NGO's words in a group: the passage (cut to an excerpt) and, for a challenge, the solution it proposes."""

    ngo: Name
    passage: Passage
    solution: Passage | None = None


@dataclass(frozen=True)
class NarrativeGroup:
    """A sector's (or a theme's) reports with this narrative: how many, and a few excerpts."""

    name: Name | None  # the sector (None: agreements without a sector)
    reports: int
    excerpts: tuple[Excerpt, ...]
    theme: str = ""  # challenges: a ChallengeTheme value ("" not set)

    @property
    def more(self) -> int:
        """Reports of the group not quoted here (their text is in the annex)."""
        return self.reports - len(self.excerpts)

    @property
    def theme_label(self) -> str:
        return ChallengeTheme(self.theme).label if self.theme else _("Theme not set")


@dataclass(frozen=True)
class SummaryNarratives:
    """Section 6, consolidated, and how many narratives still lack their version in each language."""

    period_id: int
    reports: int  # accepted reports with at least one narrative
    achievements: tuple[NarrativeGroup, ...]
    next_plans: tuple[NarrativeGroup, ...]
    challenges: tuple[NarrativeGroup, ...]  # by theme, solutions beside
    lessons_learned: tuple[NarrativeGroup, ...]
    without_khmer: int  # narratives written in English without a Khmer version
    without_english: int  # narratives written in Khmer without an English version

    @property
    def untranslated(self) -> int:
        """Narratives the active language's edition prints marked with another language."""
        return self.without_english if (get_language() or "km").startswith("en") else self.without_khmer

    @property
    def untranslated_from(self) -> str:
        """The language those narratives are written in ("en" in the Khmer edition), for the list's filter."""
        return "km" if (get_language() or "km").startswith("en") else "en"


def _accepted_rows(period: ReportingPeriod, scope) -> list[dict]:
    """Every narrative of the accepted reports of `period` in `scope` (one query)."""
    return list(
        scope.restrict(ProgressReport.objects.all()).for_period(period).accepted()
        .values("id", "ngo__name_km", "ngo__name_en", "agreement_id", "beneficiaries_total", "challenges_theme",
                *value_fields())
        .order_by("-beneficiaries_total", "ngo__name_en", "id")
    )


def _groups(rows, field, sector_of, sectors) -> tuple[NarrativeGroup, ...]:
    by_sector: dict[int | None, list[dict]] = defaultdict(list)
    for row in rows:
        if row[field].strip():
            by_sector[sector_of(row)].append(row)
    order = [(s["id"], Name(s["name_km"], s["name_en"])) for s in sectors] + [(None, None)]
    return tuple(
        NarrativeGroup(name, len(by_sector[key]), tuple(_excerpt(row, field) for row in by_sector[key][: EXCERPTS[field]]))
        for key, name in order if by_sector.get(key)
    )


def _excerpt(row: dict, field: str, *, with_solution: bool = False) -> Excerpt:
    ngo = Name(row["ngo__name_km"] or "", row["ngo__name_en"] or "")
    solution = passage(row, "solutions_proposed").excerpt(EXCERPT_CHARS // 2) if with_solution else None
    return Excerpt(ngo, passage(row, field).excerpt(EXCERPT_CHARS), solution if solution and solution.original else None)


def narratives(period: ReportingPeriod, scope, facts, sectors: list[dict]) -> SummaryNarratives:
    """Section 6 of `period` in `scope`: one more query (the narratives of the accepted reports)."""
    rows = _accepted_rows(period, scope)

    def sector_of(row):
        ids = facts.agreement_sectors.get(row["agreement_id"]) or [None]
        return ids[0]

    by_theme: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["challenges"].strip():
            by_theme[row["challenges_theme"] or ""].append(row)
    themes = [*ChallengeTheme.values, ""]
    challenges = tuple(
        NarrativeGroup(None, len(by_theme[theme]), tuple(
            _excerpt(row, "challenges", with_solution=True) for row in by_theme[theme][: EXCERPTS["challenges"]]
        ), theme=theme)
        for theme in themes if by_theme.get(theme)
    )
    without = {"km": 0, "en": 0}
    for row in rows:
        for field in NARRATIVES:
            text = passage(row, field)
            if text.original and not text.translation and text.lang:
                without["en" if text.lang == "km" else "km"] += 1
    return SummaryNarratives(
        period_id=period.pk,
        reports=sum(1 for row in rows if any(row[f].strip() for f in NARRATIVES)),
        achievements=_groups(rows, "achievements", sector_of, sectors),
        next_plans=_groups(rows, "next_plans", sector_of, sectors),
        challenges=challenges,
        lessons_learned=_groups(rows, "lessons_learned", sector_of, sectors),
        without_khmer=without["km"],
        without_english=without["en"],
    )


# ---- The annex: every report's full text ------------------------------------------------------------


@dataclass(frozen=True)
class AnnexReport:
    """One accepted report's narratives in full, in the order documents print them."""

    ngo: Name
    theme: str
    passages: tuple[tuple[str, str, Passage], ...]  # (field, label, passage), only the narratives with text

    @property
    def theme_label(self) -> str:
        return ChallengeTheme(self.theme).label if self.theme else ""


@dataclass(frozen=True)
class AnnexSector:
    name: Name | None
    reports: tuple[AnnexReport, ...]


@dataclass(frozen=True)
class Annex:
    """The annex of the summary of one semester and scope: the full text of every accepted report, by sector."""

    period: object  # a Semester
    scope: Name | None
    sectors: tuple[AnnexSector, ...]

    @property
    def report_count(self) -> int:
        return sum(len(s.reports) for s in self.sectors)


def build_annex(period: ReportingPeriod, scope) -> Annex:
    """The annex of `period` in `scope` (a reports.summary.queries.Scope): three queries."""
    from agreements.models import Agreement, Province, Sector
    from reports.summary.sections import semester_of

    rows = _accepted_rows(period, scope)
    first_sector: dict[int, int] = {}
    for agreement_id, sector_id in (
        Agreement.sectors.through.objects.filter(agreement__reports__period=period)
        .values_list("agreement_id", "sector_id").order_by("sector__order", "sector__code")
    ):
        first_sector.setdefault(agreement_id, sector_id)
    by_sector: dict[int | None, list[AnnexReport]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: ((r["ngo__name_en"] or r["ngo__name_km"] or "").casefold(), r["id"])):
        passages = tuple((f, LABELS[f], passage(row, f)) for f in NARRATIVES if row[f].strip())
        if passages:
            by_sector[first_sector.get(row["agreement_id"])].append(
                AnnexReport(Name(row["ngo__name_km"] or "", row["ngo__name_en"] or ""), row["challenges_theme"], passages))
    sectors = [(s["id"], Name(s["name_km"], s["name_en"])) for s in Sector.objects.values("id", "name_km", "name_en")]
    groups = [AnnexSector(name, tuple(by_sector[key])) for key, name in [*sectors, (None, None)] if by_sector.get(key)]
    scope_name = None
    if scope.province_id is not None or scope.is_provincial:
        ids = scope.province_ids(list(Province.objects.values_list("id", flat=True)))
        province = Province.objects.filter(pk__in=ids[:1]).values("name_km", "name_en").first()
        scope_name = Name(province["name_km"], province["name_en"]) if province else Name("", "")
    return Annex(period=semester_of(period), scope=scope_name, sectors=tuple(groups))
