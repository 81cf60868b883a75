"""What a person enters in a progress report: its content fields and indicator results, as plain data.

Used by the actions (services.py), the forms, the spreadsheet import and the report's history
(history.py), which therefore need not import each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agreements.models import Indicator, Province, Village

# The narratives of the report spreadsheet (reports/spreadsheets.py reads and writes exactly these lines).
NARRATIVE_FIELDS = ("achievements", "challenges", "lessons_learned", "next_plans")
# Every narrative of a report, in the order documents print them; each knows its language (reports/narratives.py).
NARRATIVES = ("achievements", "challenges", "solutions_proposed", "next_plans", "lessons_learned")
FIGURE_FIELDS = ("budget_planned_usd", "budget_spent_usd", "beneficiaries_total", "beneficiaries_female")
CONTENT_FIELDS = NARRATIVE_FIELDS + ("solutions_proposed", "challenges_theme") + FIGURE_FIELDS


@dataclass(frozen=True)
class ResultRow:
    """One indicator result as typed or imported, before it becomes an `IndicatorValue`."""

    indicator: Indicator
    province: Province
    village: Village | None
    value: Decimal
    female_value: Decimal | None = None

    @property
    def key(self) -> tuple[int, int, int | None]:
        """What makes a result unique within a report: indicator, province, village."""
        return self.indicator.pk, self.province.pk, self.village.pk if self.village else None


@dataclass
class ReportContent:
    """What a person enters in a report: narrative, figures (CONTENT_FIELDS) and indicator results."""

    fields: dict[str, Any]
    rows: list[ResultRow] = field(default_factory=list)
