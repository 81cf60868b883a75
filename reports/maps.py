"""The map of the provinces: Cambodia's 25 provinces coloured by a figure of the semester (issue 14).

The drawing is `static/maps/cambodia-provinces.svg` (MapSVG / svg-maps, CC BY 4.0: the attribution
is shown under every map and on the about page). Its outlines are read once per process, simplified
(`shapes()`) and drawn inline, each province a link to its page; the names are HTML placed over the
drawing by CSS classes (`static/css/province-map-classes.css`, written by `manage.py province_map_css`
from the same outlines), because SVG text is drawn glyph by glyph in WeasyPrint and breaks Khmer.
Colours are CSS classes too (the Content-Security-Policy refuses inline styles).

The figures are never counted here: each comes from the data that already holds it (one home per
rule): NGOs active, budget and indicator results from the summary's by-province table
(`SemesterSummary.provinces`), coverage and its flag from its coverage table (`.coverage`), reports
received from `reports.completeness.period_completeness`. Only the provinces of the summary (the
user's scope: one for a provincial officer) get a figure, a colour, a name and a link.
"""
from __future__ import annotations

import functools
import heapq
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.reference_data import province_rows
from reports.summary.data import Name

SVG_FILE = Path(settings.BASE_DIR) / "static" / "maps" / "cambodia-provinces.svg"
LABELS_CSS = Path(settings.BASE_DIR) / "static" / "css" / "province-map-classes.css"
VIEW_WIDTH, VIEW_HEIGHT = 655, 601

#: The drawing's names that are not spelt like ours (others match once spaces and case are ignored).
SVG_NAMES = {"Rattanakkiri": "Ratanak Kiri", "Ta Keo": "Takeo"}
#: Where a name goes when the middle of its province is too small or too crowded (viewBox units).
LABEL_AT = {
    "12": (314, 393),  # Phnom Penh: a small province inside Kandal
    "08": (352, 446),  # Kandal: around Phnom Penh, named in its southern part
    "21": (296, 482),  # Takeo: a little south, to leave room to Kandal
    "23": (250, 552),  # Kep: named at sea, south of its coast
    "05": (234, 410),  # Kampong Speu: a little west, to leave room to Phnom Penh
}
#: How much an outline may be simplified (viewBox units: about half a pixel on the page).
TOLERANCE = 0.45



# ---- Geometry -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[MmLlZz]|-?\d*\.?\d+(?:e-?\d+)?")


def parse_path(d: str) -> list[list[tuple[float, float]]]:
    """The closed rings of an SVG path made of M/m, L/l and Z/z (the commands the drawing uses)."""
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = None
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in "MmLlZz":
            command = token
            i += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                ring = []
                x, y = start
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        i += 2
        relative = command in "ml"
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "Mm":
            if ring:
                rings.append(ring)
            ring = [(x, y)]
            start = (x, y)
            command = "l" if relative else "L"  # later pairs of a moveto are linetos
        else:
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points of `points` needed to stay within `tolerance` of it."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, index = 0.0, None
        for n in range(first + 1, last):
            px, py = points[n]
            if length:
                distance = abs((x2 - x1) * (y1 - py) - (x1 - px) * (y2 - y1)) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > farthest:
                farthest, index = distance, n
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep) if kept]


def area(ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def _distance_to_ring(x: float, y: float, ring) -> float:
    """Signed distance from (x, y) to the ring's edge: positive inside, negative outside."""
    inside = False
    best = math.inf
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
        if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
            inside = not inside
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) if dx or dy else 0.0
        best = min(best, math.hypot(x - (ax + t * dx), y - (ay + t * dy)))
    return best if inside else -best


def label_point(ring, precision: float = 0.5) -> tuple[float, float]:
    """The point of `ring` farthest from its edge (the "pole of inaccessibility", Mapbox's polylabel):
    where a name fits best, unlike the centroid of a crescent-shaped province, which can lie outside it."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    size = min(x1 - x0, y1 - y0)
    h = size / 2
    cells = []
    x = x0
    while x < x1:
        y = y0
        while y < y1:
            d = _distance_to_ring(x + h, y + h, ring)
            heapq.heappush(cells, (-(d + h * math.sqrt(2)), d, x + h, y + h, h))
            y += size
        x += size
    best_d = _distance_to_ring(sum(xs) / len(xs), sum(ys) / len(ys), ring)
    best = (sum(xs) / len(xs), sum(ys) / len(ys))
    while cells:
        _, d, cx, cy, h = heapq.heappop(cells)
        if d > best_d:
            best_d, best = d, (cx, cy)
        if d + h * math.sqrt(2) - best_d <= precision:
            continue
        h /= 2
        for nx, ny in ((cx - h, cy - h), (cx + h, cy - h), (cx - h, cy + h), (cx + h, cy + h)):
            nd = _distance_to_ring(nx, ny, ring)
            heapq.heappush(cells, (-(nd + h * math.sqrt(2)), nd, nx, ny, h))
    return best


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", name).casefold())


@dataclass(frozen=True)
class Shape:
    """One province of the drawing: its code, its simplified outline and where its name goes (in % of the map)."""

    code: str
    d: str
    left: str
    top: str


@functools.cache
def shapes() -> tuple[Shape, ...]:
    """The 25 provinces of the drawing, matched to our codes by English name, in code order."""
    source = SVG_FILE.read_text(encoding="utf-8")
    codes = {_key(row["name_en"]): row["code"] for row in province_rows()}
    found = {}
    for svg_id, svg_name, d in re.findall(r'<path\s+id="([^"]*)"\s+name="([^"]*)"\s+d="([^"]*)"', source):
        code = codes.get(_key(SVG_NAMES.get(svg_name, svg_name)))
        if code is None:
            raise ValueError(f"{SVG_FILE.name}: the province {svg_name!r} ({svg_id}) is not one of ours")
        rings = [simplify(ring, TOLERANCE) for ring in parse_path(d)]
        rings = [ring for ring in rings if len(ring) >= 3 and area(ring) >= 0.5]  # specks of islands go
        path = "".join("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in ring) + "Z" for ring in rings)
        x, y = LABEL_AT.get(code) or label_point(max(rings, key=area))
        found[code] = Shape(code, path, f"{x * 100 / VIEW_WIDTH:.2f}%", f"{y * 100 / VIEW_HEIGHT:.2f}%")
    return tuple(found[code] for code in sorted(found))


def labels_stylesheet() -> str:
    """static/css/province-map-classes.css: one class per province placing its name on the map, and the colours."""
    lines = [
        "/* Written by `manage.py province_map_css` (reports/maps.py) from static/maps/cambodia-provinces.svg:",
        "   where each province's name sits on the map (the CSP refuses inline styles). Do not edit by hand. */",
    ]
    lines += [f".pm-at-{s.code} {{ left: {s.left}; top: {s.top}; }}" for s in shapes()]
    lines += [f".pm-shape.{css} {{ fill: {colour}; }}" for css, colour in FILLS.items()]
    lines += [f".pm-swatch.{css} {{ background: {colour}; }}" for css, colour in FILLS.items()]
    return "\n".join(lines) + "\n"


# ---- Figures ------------------------------------------------------------------------------------

#: Sequential, colour-blind-safe classes (ColorBrewer YlGnBu, 5 classes): light = little, dark = much.
CLASSES = 5
#: The colour of each class: written into static/css/province-map-classes.css for the pages, and as the
#: outlines' fill in the PDF (WeasyPrint draws an inline SVG with its own attributes only, not the page's CSS).
FILLS = {
    "pm-c1": "#ffffcc", "pm-c2": "#a1dab4", "pm-c3": "#41b6c4", "pm-c4": "#2c7fb8", "pm-c5": "#253494",
    "pm-zero": "#e6e6e6", "pm-none": "#ffffff", "pm-out": "#f1f3f5",
}


@dataclass(frozen=True)
class MapFigure:
    """A figure the map can be coloured by."""

    key: str
    label: str  # lazy
    group: str  # lazy: what kind of figure (shown as the choice's group)
    percent: bool = False  # a rate: classes of 20 points from 0 to 100
    decimals: int = 0
    coverage: bool = False  # a coverage figure: provinces the summary flags (low coverage, little NGO work) are marked
    completeness: bool = False  # needs `period_completeness` (not in the summary)
    whole: bool = False  # counts whole things: a class (2, 4] reads "3–4"


ACTIVITY, RESULTS, COVERAGE, REPORTING = _("Activity"), _("Results"), _("Coverage"), _("Reporting")


def figures_of(summary) -> tuple[MapFigure, ...]:
    """The figures a map of `summary` can show: those of its by-province and coverage tables, and completeness."""
    rows = [
        MapFigure("ngos", _("NGOs active"), ACTIVITY, whole=True),
        MapFigure("budget", _("Budget spent (USD)"), ACTIVITY),
    ]
    rows += [
        MapFigure(f"result-{heading.code}", f"{heading.name} ({heading.unit})", RESULTS)
        for heading in summary.key_indicators
    ]
    rows += [
        MapFigure("water", _("Water supply coverage"), COVERAGE, percent=True, decimals=1, coverage=True),
        MapFigure("water-gap", _("Water supply: not covered"), COVERAGE, percent=True, decimals=1, coverage=True),
        MapFigure("sanitation", _("Sanitation coverage"), COVERAGE, percent=True, decimals=1, coverage=True),
        MapFigure("sanitation-gap", _("Sanitation: not covered"), COVERAGE, percent=True, decimals=1, coverage=True),
        MapFigure("received", _("Reports received, in % of those expected"), REPORTING, percent=True, completeness=True),
    ]
    return tuple(rows)


def figure_values(summary, key: str, completeness=None) -> dict[str, Decimal | int | None]:
    """The figure `key` of each province of `summary` (its scope only), read where the summary's tables read it.

    None: not known (no coverage rate recorded; no report expected there).
    """
    in_scope = [row.code for row in summary.provinces]
    if key == "ngos":
        return {row.code: row.ngos_active for row in summary.provinces}
    if key == "budget":
        return {row.code: row.budget_spent for row in summary.provinces}
    if key.startswith("result-"):
        codes = [heading.code for heading in summary.key_indicators]
        column = codes.index(key.removeprefix("result-"))
        return {row.code: row.key_results[column] for row in summary.provinces}
    if key in ("water", "water-gap", "sanitation", "sanitation-gap"):
        attribute = "water_pct" if key.startswith("water") else "sanitation_pct"
        rates = {row.code: getattr(row, attribute) for row in summary.coverage}
        if key.endswith("-gap"):
            rates = {code: None if rate is None else 100 - rate for code, rate in rates.items()}
        return {code: rates.get(code) for code in in_scope}
    if key == "received":
        # period_completeness counts every province of the agreements a user sees (an agreement in two
        # provinces shows a provincial officer the other one too): only the summary's provinces are kept.
        shares = {tally.code: tally.received_pct for tally in completeness.by_province} if completeness else {}
        return {code: shares.get(code) for code in in_scope}
    raise KeyError(key)


def _nice_step(top) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 x 10^k at least `top` / CLASSES (at least 1: figures count whole things)."""
    target = Decimal(top) / CLASSES
    if target <= 1:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(target))) - 1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if factor * power >= target:
            return factor * power
    return 10 * power


@dataclass(frozen=True)
class LegendClass:
    """One colour of the legend: values above `low` up to `high` (a rate's first class includes 0)."""

    css: str
    low: Decimal | int | None = None
    high: Decimal | int | None = None
    text: str = ""  # lazy: for the classes without a range (nothing, no figure)
    first: Decimal | int | None = None  # the lowest value the legend names (low + 1 for whole things above 0)


def legend_for(figure: MapFigure, values) -> tuple[LegendClass, ...]:
    """The classes of the legend: rates by 20 points; counts and amounts by a round step up to the largest value."""
    known = [v for v in values if v is not None]
    classes = []
    if figure.percent:
        bounds = [Decimal(20) * n for n in range(CLASSES + 1)]
        classes = [LegendClass(f"pm-c{n + 1}", bounds[n], bounds[n + 1], first=bounds[n]) for n in range(CLASSES)]
    else:
        classes.append(LegendClass("pm-zero", text=_("none")))
        top = max(known, default=0)
        if top > 0:
            step = _nice_step(top)
            count = min(CLASSES, math.ceil(Decimal(top) / step))
            # Fewer classes than five use the darker end too, so the largest value always looks large.
            shades = [CLASSES] if count == 1 else [round(1 + n * (CLASSES - 1) / (count - 1)) for n in range(count)]
            classes += [
                LegendClass(f"pm-c{shade}", step * n, step * (n + 1), first=step * n + (1 if figure.whole else 0))
                for n, shade in enumerate(shades)
            ]
    if len(known) < len(list(values)) or figure.percent:
        classes.append(LegendClass("pm-none", text=_("no figure")))
    return tuple(classes)


def class_of(value, legend: tuple[LegendClass, ...], figure: MapFigure) -> str:
    """The CSS class of `value` in `legend`."""
    if value is None:
        return "pm-none"
    if not figure.percent and value <= 0:
        return "pm-zero"
    for entry in legend:
        if entry.low is not None and (value <= entry.high) and (value > entry.low or (figure.percent and value >= entry.low)):
            return entry.css
    return legend[-1].css if legend else "pm-none"


@dataclass(frozen=True)
class MapProvince:
    """One province on the map: its shape, and for a province of the summary its name, figure, class and page."""

    shape: Shape
    in_scope: bool
    name: Name | None = None
    value: Decimal | int | None = None
    css: str = "pm-out"
    flagged: bool = False  # the summary's coverage table flags it: low coverage, little NGO work
    url: str = ""

    @property
    def fill(self) -> str:
        """The colour of its class (the PDF's SVG needs it as an attribute)."""
        return FILLS[self.css]


@dataclass(frozen=True)
class ProvinceMap:
    """Everything the map partial shows (templates/reports/_province_map.html)."""

    figure: MapFigure
    choices: tuple[MapFigure, ...]
    provinces: tuple[MapProvince, ...]
    legend: tuple[LegendClass, ...]
    provincial: bool  # a provincial edition: one province highlighted, the others drawn empty
    choice_url: str = ""  # where the figure choice links go ("" = this page)
    show_flags: bool = False

    @property
    def labelled(self) -> tuple[MapProvince, ...]:
        return tuple(p for p in self.provinces if p.in_scope)

    @property
    def drawing_order(self) -> tuple[MapProvince, ...]:
        """Flagged and highlighted provinces last, so that their outline is not hidden by a neighbour's."""
        return tuple(sorted(self.provinces, key=lambda p: (p.in_scope and (p.flagged or self.provincial))))


DEFAULT_FIGURE = "ngos"


def province_map(summary, key: str | None = None, *, completeness=None, choice_url: str = "",
                 choices: tuple[str, ...] | None = None) -> ProvinceMap:
    """The map of `summary` coloured by the figure `key` (the default when unknown).

    `completeness`: `period_completeness(period, user)`, needed by the "received" figure only (else it has no
    figures). `choices`: the keys offered (all by default).
    """
    available = figures_of(summary)
    offered = tuple(f for f in available if choices is None or f.key in choices)
    figure = next((f for f in available if f.key == key), None) or next(f for f in available if f.key == DEFAULT_FIGURE)
    values = figure_values(summary, figure.key, completeness)
    legend = legend_for(figure, values.values())
    flagged = {row.code for row in summary.coverage if row.is_gap} if figure.coverage else set()
    names = {row.code: row.name for row in summary.provinces}
    provinces = []
    for shape in shapes():
        if shape.code not in values:
            provinces.append(MapProvince(shape, in_scope=False))
            continue
        value = values[shape.code]
        provinces.append(MapProvince(
            shape, in_scope=True, name=names[shape.code], value=value, css=class_of(value, legend, figure),
            flagged=shape.code in flagged, url=reverse("reports:province", args=[shape.code]),
        ))
    return ProvinceMap(
        figure=figure, choices=offered, provinces=tuple(provinces), legend=legend,
        provincial=not summary.is_national, choice_url=choice_url, show_flags=bool(flagged),
    )


def map_for_page(request, period, summary) -> ProvinceMap:
    """The map of the summary page, coloured by the figure asked for with ?map= (reports counted only if asked)."""
    from reports.completeness import period_completeness

    key = request.GET.get("map") or DEFAULT_FIGURE
    completeness = period_completeness(period, request.user) if key == "received" else None
    return province_map(summary, key, completeness=completeness)
