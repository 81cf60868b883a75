"""Narratives in their language: which language each narrative of a report is written in, its version in the other
language, and what each edition of the summary prints.

Each narrative (`content.NARRATIVES`: achievements, challenges, solutions proposed, plans, lessons learned) has a
language, detected when it is entered (`detect_language`: Khmer script or not) and correctable by staff, and a
translation staff may enter. An edition prints a narrative in its own language when it has it (the original or the
translation); otherwise it prints the original marked with the original's language (`Passage.mark`), so nobody
reads English in a Khmer document unawares. A narrative "needs a translation" when it has text and no translation
(`needs_translation`): the same rule counts them in the summary and lists them for staff.
"""
from __future__ import annotations

from dataclasses import dataclass

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.choices import ChallengeTheme, NarrativeLanguage
from reports.content import NARRATIVES

LABELS = {
    "achievements": gettext_lazy("Achievements"),
    "challenges": gettext_lazy("Challenges"),
    "solutions_proposed": gettext_lazy("Solutions proposed"),
    "next_plans": gettext_lazy("Plans for next semester"),
    "lessons_learned": gettext_lazy("Lessons learned"),
}
MARKS = {"km": gettext_lazy("[Khmer]"), "en": gettext_lazy("[English]")}
OTHER = {"km": "en", "en": "km"}


def _is_khmer(char: str) -> bool:
    return "\u1780" <= char <= "\u17ff" or "\u19e0" <= char <= "\u19ff"


def detect_language(text: str) -> str:
    """"km" when most letters of `text` are Khmer script, "en" when it has letters and they are not; "" for none."""
    khmer = latin = 0
    for char in text:
        if _is_khmer(char):
            khmer += 1
        elif char.isalpha():
            latin += 1
    if not (khmer or latin):
        return ""
    # Khmer words are long runs of letters; an English acronym (NGO, MRD) in a Khmer text does not turn it English.
    return NarrativeLanguage.KHMER if khmer >= latin else NarrativeLanguage.ENGLISH


def language_of(text: str, stored: str) -> str:
    """The narrative's language: what is stored (detected on entry or corrected by staff), else detected now."""
    return stored or detect_language(text)


def needs_translation(field: str) -> Q:
    """Reports whose narrative `field` has text and no translation (for the list staff translate from)."""
    return ~Q(**{field: ""}) & Q(**{f"{field}_translation": ""})


def set_languages(report, fields: dict) -> None:
    """On entry (before `fields` are set on `report`): detect the language of each narrative whose text changes, or
    that has none yet; staff's correction of a text that did not change stays."""
    for name in NARRATIVES:
        if name in fields and (fields[name] != getattr(report, name) or not getattr(report, f"{name}_lang")):
            setattr(report, f"{name}_lang", detect_language(fields[name] or ""))


@dataclass(frozen=True)
class Passage:
    """A narrative as both editions print it: the original, its language, and the translation if staff entered one."""

    original: str
    lang: str
    translation: str = ""

    def in_language(self, lang: str) -> tuple[str, str]:
        """(text, mark) for an edition in `lang`: the text in that language, or the original with its language's mark."""
        if self.lang == lang or not self.lang:
            return self.original, ""
        if self.translation:
            return self.translation, ""
        return self.original, str(MARKS[self.lang])

    def _active(self) -> tuple[str, str]:
        return self.in_language("en" if (get_language() or "km").startswith("en") else "km")

    @property
    def text(self) -> str:
        """The text the active language's edition prints."""
        return self._active()[0]

    @property
    def mark(self) -> str:
        """"[English]" (or "[Khmer]") when the active edition prints an untranslated original; "" otherwise."""
        return self._active()[1]

    @property
    def shown_lang(self) -> str:
        """The language of the text the active edition prints (for the page's lang attribute)."""
        active = "en" if (get_language() or "km").startswith("en") else "km"
        return self.lang if (self.mark or not self.translation or self.lang == active) else active

    def excerpt(self, limit: int = 320) -> "Passage":
        """The same passage cut to about `limit` characters at a space (an excerpt in the summary)."""
        return Passage(_cut(self.original, limit), self.lang, _cut(self.translation, limit))

    @property
    def is_cut(self) -> bool:
        return self.original.endswith("…")


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\u200b"), cut.rfind("។"))
    return (cut[: space + 1] if space > limit // 2 else cut).rstrip() + "…"


def passage(row: dict, field: str) -> Passage:
    """The passage of narrative `field` in a report row read with `values()` (the field, its _lang, its _translation)."""
    text = (row[field] or "").strip()
    return Passage(text, language_of(text, row[f"{field}_lang"]), (row[f"{field}_translation"] or "").strip())


def passage_of(report, field: str) -> Passage:
    """The passage of narrative `field` of a ProgressReport."""
    text = (getattr(report, field) or "").strip()
    return Passage(text, language_of(text, getattr(report, f"{field}_lang")),
                   (getattr(report, f"{field}_translation") or "").strip())


def value_fields() -> list[str]:
    """The columns a summary or the annex reads to print every narrative."""
    return [name for field in NARRATIVES for name in (field, f"{field}_lang", f"{field}_translation")]


# ---- The list of narratives needing a translation ------------------------------------------------


def narratives_to_translate(reports, *, field: str = "", lang: str = "", missing_only: bool = True):
    """One row per narrative of `reports` (a ProgressReport queryset already restricted to what the user sees):
    report id, NGO, semester, which narrative, its language and length; by default those without translation.
    A UNION of one query per narrative, so the list is sorted and paginated by the database."""
    parts = []
    for name in NARRATIVES:
        if field and name != field:
            continue
        rows = reports.filter(needs_translation(name)) if missing_only else reports.exclude(**{name: ""})
        if lang:
            rows = rows.filter(**{f"{name}_lang": lang})
        parts.append(
            rows.order_by().annotate(
                narrative=Value(name), narrative_lang=F(f"{name}_lang"), beginning=Substr(name, 1, 240),
                translation=F(f"{name}_translation"),
            ).values(
                "id", "ngo__name_km", "ngo__name_en", "period__year", "period__half", "status", "narrative",
                "narrative_lang", "beginning", "translation",
            )
        )
    if not parts:
        return reports.none().values("id")
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


# ---- Staff's translation (a service) ---------------------------------------------------------------


class TranslationConflict(Exception):
    """Someone saved a translation of the same narrative since the form was opened."""


@transaction.atomic
def narrative_translate(*, user, report, field: str, lang: str, translation: str, theme: str | None = None,
                        translation_was: str) -> None:
    """Staff set the language of narrative `field` and its version in the other language (and, for challenges, the
    theme). `translation_was` is the translation the form showed: if someone changed it since, nothing is saved."""
    from reports.models import ProgressReport

    if field not in NARRATIVES:
        raise ValidationError(_("Unknown narrative."))
    if not user.has_perm("reports.change_progressreport"):
        raise PermissionDenied(_("You may not translate narratives."))
    current = ProgressReport.objects.visible_to(user).select_for_update().filter(pk=report.pk).first()
    if current is None:
        raise PermissionDenied(_("You may not translate this report."))
    if lang not in NarrativeLanguage.values:
        raise ValidationError({"lang": _("Choose Khmer or English.")})
    if theme not in (None, "") and theme not in ChallengeTheme.values:
        raise ValidationError({"theme": _("Choose a theme from the list.")})
    if getattr(current, f"{field}_translation") != translation_was:
        raise TranslationConflict()
    translation = translation.strip()
    if translation and detect_language(translation) == lang:
        other = NarrativeLanguage(OTHER[lang]).label
        raise ValidationError({"translation": _("The translation must be in %(language)s.") % {"language": other}})
    setattr(current, f"{field}_lang", lang)
    setattr(current, f"{field}_translation", translation)
    fields = [f"{field}_lang", f"{field}_translation"]
    if theme is not None and field == "challenges":
        current.challenges_theme = theme
        fields.append("challenges_theme")
    with pghistory.context(user=user.pk, source="translation"):
        current.save(update_fields=[*fields, "updated_at"])
