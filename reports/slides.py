"""The summary as slides for the meeting itself (issue 15 part 7): full-screen 1280x720 slides on a page moved
with the arrow keys (static/js/slides.js), and the same slides as a PDF for the provincial departments.

The slides only read the summary (plain data from reports/summary/, the user's scope: a provincial officer's
slides hold their province only) and its maps (reports/maps.py); no figure is computed here.
"""
from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import translation

from reports.maps import province_map
from reports.pdf import LANGUAGES, UnknownLanguage, break_khmer_words, layout
from reports.summary import SemesterSummary

#: Rows a slide shows of a list (the rest is in the summary): readable over a shared screen.
SLIDE_ROWS = 8
#: The headline figures of the first slide of figures (eight fit a slide; the change slide shows them all).
SLIDE_FIGURES = ("ngos_in_force", "reports_received", "reports_accepted", "budget_planned", "budget_spent",
                 "beneficiaries_total", "provinces_reached", "model_villages_reached")
SLIDE_STYLESHEETS = ("css/fonts.css", "css/slides.css", "css/province-map.css", "css/province-map-classes.css")


def slides_context(summary: SemesterSummary) -> dict:
    """What the slides show besides the summary: its two maps (NGOs active; sanitation not covered, flagged gaps)."""
    return {
        "summary": summary,
        "activity_map": province_map(summary, "ngos"),
        "gap_map": province_map(summary, "sanitation-gap"),
        "rows": SLIDE_ROWS,
        "slide_figures": SLIDE_FIGURES,
        "gap_provinces": [row for row in summary.coverage if row.is_gap],
    }


def slides_html(summary: SemesterSummary, lang: str, *, for_print: bool) -> str:
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    with translation.override(lang):
        html = render_to_string("reports/slides.html", {**slides_context(summary), "lang": lang, "for_print": for_print})
    return break_khmer_words(html) if for_print else html


def render_slides_pdf(summary: SemesterSummary, lang: str) -> bytes:
    """The slides as a PDF, one 1280x720 page per slide."""
    return layout(slides_html(summary, lang, for_print=True), lang, stylesheets=SLIDE_STYLESHEETS).write_pdf()
