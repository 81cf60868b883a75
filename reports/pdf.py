"""The semester summary as the PDF printed for the meeting (WeasyPrint, A4, fonts shipped in static/fonts).

The HTML comes from the same template family as the page (`reports/summary_pdf.html` includes the
sections the page includes). Before WeasyPrint lays it out, every run of Khmer text gets zero-width
spaces at its word boundaries (`insert_word_breaks`): Pango does not break Khmer by itself, so long
headings and narrow cells would overflow. Only local files are ever fetched (no network).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mrd_ngo.khmer import insert_word_breaks
from mrd_ngo.lunar import official_date_line
from reports.summary import SemesterSummary

LANGUAGES = ("km", "en")
STYLESHEETS = ("css/fonts.css", "css/summary-print.css", "css/province-map.css", "css/province-map-classes.css")

# Text between tags; <svg> blocks are left alone (WeasyPrint draws SVG text glyph by glyph anyway).
_TAG_OR_SVG = re.compile(r"(<svg\b.*?</svg>|<[^>]*>)", re.DOTALL | re.IGNORECASE)


class UnknownLanguage(ValueError):
    """The PDF exists in Khmer (km) and English (en) only."""


def break_khmer_words(html: str) -> str:
    """`html` with U+200B at Khmer word boundaries in its text (tags, attributes and SVG untouched)."""
    parts = _TAG_OR_SVG.split(html)
    # split() with one group: text at even indexes, tags/SVG at odd ones.
    return "".join(part if i % 2 else insert_word_breaks(part) for i, part in enumerate(parts))


def page_counter_css(lang: str) -> str:
    """The "page X of Y" footer, translated, with Khmer page numbers in the Khmer edition."""
    style = ", khmer" if lang == "km" else ""
    # Split the translated sentence around its placeholders and put CSS counters in their place.
    text = _("page %(page)s of %(pages)s")
    tokens = re.split(r"(%\(page\)s|%\(pages\)s)", text)
    content = []
    for token in tokens:
        if token == "%(page)s":
            content.append(f"counter(page{style})")
        elif token == "%(pages)s":
            content.append(f"counter(pages{style})")
        elif token:
            content.append('"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "@page { @bottom-center { content: %s; } }" % " ".join(content)


def _static_path(name: str) -> Path:
    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    return Path(path)


def _static_files_fetcher():
    """A WeasyPrint URL fetcher that serves files under the static folders and refuses anything else.

    Fetch errors stop the rendering (fail_on_errors): a PDF silently printed without its fonts
    would come out with Khmer in whatever face the server happens to have.
    """
    from weasyprint.urls import URLFetcher

    allowed = [Path(folder).resolve() for folder in settings.STATICFILES_DIRS]

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve()
            if parsed.scheme != "file" or not any(path.is_relative_to(folder) for folder in allowed):
                raise ValueError(f"refusing to fetch {url!r}: the summary PDF only uses the app's static files")
            return super().fetch(url, headers)

    return StaticFilesOnly(allowed_protocols=["file"], fail_on_errors=True)


PLACE_KM = "រាជធានីភ្នំពេញ"


def khmer_date_lines(d: datetime.date) -> tuple[str, str]:
    """The official Khmer date as printed under a ministry's title: the lunar date, then the place and
    the Gregorian date, e.g. ("ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨",
    "រាជធានីភ្នំពេញ ថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤"). Both come from `official_date_line` (one home)."""
    lunar, gregorian = official_date_line(d).split(" ត្រូវនឹង", 1)
    return lunar, f"{PLACE_KM} {gregorian}"


@dataclass(frozen=True)
class Edition:
    """What the document says about itself: a draft (dated the day it is printed, marked DRAFT) or an issued
    edition (its reference number and date of issue), and the closing block (presenter's title and name)."""

    date: datetime.date
    reference_number: str = ""
    draft: bool = True
    presenter_title: str = ""
    presenter_name: str = ""


def draft_edition(lang: str, printed_on: datetime.date | None = None) -> Edition:
    """A draft dated `printed_on` (today by default), with the configured closing block if there is one."""
    from reports.models import DocumentClosing

    closing = DocumentClosing.current()
    return Edition(
        date=printed_on or timezone.localdate(),
        presenter_title=closing.title(lang) if closing else "",
        presenter_name=closing.name(lang) if closing else "",
    )


def official_context(lang: str, edition: Edition) -> dict:
    """The template context of the official form (letterhead, number, date line, closing), shared by every PDF."""
    lines = khmer_date_lines(edition.date) if lang == "km" else ("", "")
    return {
        "lang": lang,
        "edition": edition,
        "printed_on": edition.date,
        "date_line": " ".join(lines).strip(),
        "lunar_line": lines[0],
        "place_line": lines[1],
        "for_print": True,
    }


def summary_html(
    summary: SemesterSummary, lang: str, *, printed_on: datetime.date | None = None, edition: Edition | None = None,
) -> str:
    """The HTML WeasyPrint lays out (Khmer word breaks already inserted)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    # No query here (rendering never reads the database): callers pass `draft_edition(...)` for the closing block.
    edition = edition or Edition(date=printed_on or timezone.localdate())
    with translation.override(lang):
        html = render_to_string("reports/summary_pdf.html", {"summary": summary, **official_context(lang, edition)})
    return break_khmer_words(html)


def render_summary_pdf(
    summary: SemesterSummary, lang: str, *, printed_on: datetime.date | None = None, edition: Edition | None = None,
) -> bytes:
    """The summary as an A4 PDF in `lang` ("km" or "en"): a draft dated `printed_on` (default today), or
    `edition` (an issued one)."""
    return render_pdf(summary_html(summary, lang, printed_on=printed_on, edition=edition), lang)


def render_pdf(html: str, lang: str) -> bytes:
    """Any of the ministry's documents (HTML from a template extending the official form) as an A4 PDF."""
    return layout(html, lang).write_pdf()


def layout(html: str, lang: str, *, stylesheets: tuple[str, ...] = STYLESHEETS):
    """The laid-out WeasyPrint document (its `pages` are what the tests measure; `write_pdf()` gives the PDF).

    `stylesheets`: static files laid over the HTML (the A4 documents' by default; the slides have their own)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = _static_files_fetcher()
    with translation.override(lang):
        counter = page_counter_css(lang)
    stylesheets = [
        weasyprint.CSS(filename=str(_static_path(name)), font_config=fonts, url_fetcher=fetcher)
        for name in stylesheets
    ]
    stylesheets.append(weasyprint.CSS(string=counter, font_config=fonts))
    document = weasyprint.HTML(
        string=html, base_url=str(_static_path("css/fonts.css").parent), url_fetcher=fetcher
    )
    return document.render(stylesheets=stylesheets, font_config=fonts)


def annex_html(annex, lang: str, *, edition: Edition | None = None) -> str:
    """The HTML of the summary's annex (every accepted report's narratives in full), Khmer word breaks inserted."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    edition = edition or Edition(date=timezone.localdate())
    with translation.override(lang):
        html = render_to_string("reports/summary_annex_pdf.html", {"annex": annex, **official_context(lang, edition)})
    return break_khmer_words(html)


def render_annex_pdf(annex, lang: str, *, edition: Edition | None = None) -> bytes:
    """The annex of the summary (reports/summary/narratives.py `Annex`) as an A4 PDF in `lang`."""
    return render_pdf(annex_html(annex, lang, edition=edition), lang)
