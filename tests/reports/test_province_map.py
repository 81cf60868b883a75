"""The map of the provinces (issue 14 part 3): drawn from the CC BY map, coloured by a chosen figure that is the
summary's own, names in HTML on their provinces, each province a link to its page, a provincial officer's map
holding their province only; on the summary page, in its PDF and on the home page of national roles."""
import re
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from PIL import Image

from agreements.models import Province
from mrd_ngo.roles import Role
from reports import maps
from reports.completeness import period_completeness
from reports.pdf import layout, summary_html
from reports.summary import build_national_summary, build_summary
from tests.factories import UserFactory
from tests.reports.pdf_inspection import boxes, khmer_runs_in
from tests.reports.test_summary import known_semester

pytestmark = pytest.mark.django_db

PAGE = "/reports/2024S1/summary/"
CODES = [f"{n:02d}" for n in range(1, 26)]


@pytest.fixture
def known(db):
    return known_semester()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def logged_in(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def map_html(page: str) -> str:
    """The map's figure element (the first one on the page)."""
    start = page.index('data-testid="province-map"')
    return page[page.rindex("<figure", 0, start): page.index("</figure>", start)]


# ---- The drawing --------------------------------------------------------------------------------


def test_every_province_of_the_drawing_is_one_of_ours_and_all_25_are_drawn():
    assert [shape.code for shape in maps.shapes()] == CODES
    assert sorted(Province.objects.values_list("code", flat=True)) == CODES
    for shape in maps.shapes():
        assert shape.d.startswith("M") and shape.d.endswith("Z")


def test_the_label_stylesheet_is_the_one_the_outlines_give():
    """static/css/province-map-classes.css is written by `manage.py province_map_css`: run it after a change."""
    assert maps.LABELS_CSS.read_text(encoding="utf-8") == maps.labels_stylesheet()


def test_each_name_sits_inside_its_province():
    """The label point of a province lies in its outline (Kep's name sits at sea, on purpose: its coast is tiny)."""
    for shape in maps.shapes():
        if shape.code == "23":
            continue
        x = float(shape.left.rstrip("%")) * maps.VIEW_WIDTH / 100
        y = float(shape.top.rstrip("%")) * maps.VIEW_HEIGHT / 100
        rings = maps.parse_path(shape.d)
        assert any(maps._distance_to_ring(x, y, ring) > 0 for ring in rings), shape.code


# ---- The page -----------------------------------------------------------------------------------


def test_summary_page_shows_the_map_with_a_legend_names_in_html_and_links_to_each_province(client, known):
    logged_in(english(client), Role.DEPARTMENT_HEAD)
    page = client.get(PAGE).content.decode()
    html = map_html(page)
    assert 'data-figure="ngos"' in html  # NGOs active by default
    assert "<text" not in html  # names are HTML, never SVG text
    assert "style=" not in html  # the CSP refuses inline styles: colours and places are classes
    for code in CODES:
        assert f'href="/provinces/{code}/"' in html
        assert f'data-testid="map-label-{code}"' in html
        assert f"pm-at-{code}" in html
    label = re.search(r'data-testid="map-label-17">(.*?)</a>', html).group(1)
    assert "Siem Reap" in label
    legend = re.search(r'data-testid="map-legend".*?</ul>', html, re.S).group(0)
    assert "none" in legend and "pm-c5" in legend
    assert 'MapSVG / svg-maps, <span lang="en">CC BY 4.0</span>' in html


def test_the_figure_is_chosen_with_links_that_work_without_javascript(client, known):
    logged_in(english(client), Role.DATA_ENTRY_OFFICER)
    page = client.get(PAGE).content.decode()
    for key in ("ngos", "budget", "result-wells", "water", "water-gap", "sanitation", "sanitation-gap", "received"):
        assert f'href="?map={key}#province-map"' in page
    html = map_html(client.get(PAGE + "?map=water").content.decode())
    assert 'data-figure="water"' in html
    label = re.search(r'data-testid="map-label-17">(.*?)</a>', html).group(1)
    assert "65.0%" in label  # Siem Reap's latest rate (2024), as in the coverage table
    assert "0–20%" in html and "80–100%" in html
    assert "low coverage, little NGO work" not in html or "pm-flagged" in html
    # An unknown figure falls back to the default rather than failing.
    assert 'data-figure="ngos"' in map_html(client.get(PAGE + "?map=nonsense").content.decode())


def test_the_khmer_page_writes_the_names_and_figures_in_khmer(client, known):
    logged_in(client, Role.DEPARTMENT_HEAD)
    html = map_html(client.get(PAGE + "?map=water").content.decode())
    label = re.search(r'data-testid="map-label-17">(.*?)</a>', html).group(1)
    assert "សៀមរាប" in label and "៦៥.០%" in label


# ---- One home per figure: the map reads the summary's tables ------------------------------------


def test_the_maps_figures_are_the_summary_tables_figures(known):
    summary = build_national_summary(known.period)
    rows = {row.code: row for row in summary.provinces}
    coverage = {row.code: row for row in summary.coverage}
    user = UserFactory(role=Role.ADMINISTRATOR)
    completeness = period_completeness(known.period, user)
    tallies = {tally.code: tally for tally in completeness.by_province}
    for code in CODES:
        values = {
            key: maps.province_map(summary, key, completeness=completeness).provinces[int(code) - 1]
            for key in ("ngos", "budget", "result-wells", "water", "water-gap", "sanitation-gap", "received")
        }
        assert all(p.shape.code == code for p in values.values())
        assert values["ngos"].value == rows[code].ngos_active
        assert values["budget"].value == rows[code].budget_spent
        wells = [h.code for h in summary.key_indicators].index("wells")
        assert values["result-wells"].value == rows[code].key_results[wells]
        assert values["water"].value == coverage[code].water_pct
        if coverage[code].water_pct is not None:
            assert values["water-gap"].value == 100 - coverage[code].water_pct
        assert values["received"].value == (tallies[code].received_pct if code in tallies else None)
    # The known semester's figures, as its tables show them.
    assert rows["17"].ngos_active == 1 and rows["07"].ngos_active == 1
    siem_reap = maps.province_map(summary, "ngos").provinces[16]
    assert (siem_reap.value, siem_reap.css, siem_reap.url) == (1, "pm-c1", "/provinces/17/")  # every province with NGOs has one: one class
    water = maps.province_map(summary, "water").provinces[16]
    assert water.value == Decimal("65.0") and water.css == "pm-c4"


def test_legend_classes_are_round_and_hold_every_value():
    figure = maps.MapFigure("budget", "Budget", "Activity")
    legend = maps.legend_for(figure, [0, 1200, 4999, 12000, None])
    assert [(c.low, c.high) for c in legend if c.low is not None] == [(0, 2500), (2500, 5000), (5000, 7500),
                                                                      (7500, 10000), (10000, 12500)]
    assert maps.class_of(0, legend, figure) == "pm-zero"
    assert maps.class_of(None, legend, figure) == "pm-none"
    assert maps.class_of(12000, legend, figure) == "pm-c5"
    assert maps.class_of(2500, legend, figure) == "pm-c1"
    ngos = maps.MapFigure("ngos", "NGOs", "Activity", whole=True)
    legend = maps.legend_for(ngos, [1, 3])
    assert [(c.first, c.high, c.css) for c in legend if c.low is not None] == [(1, 1, "pm-c1"), (2, 2, "pm-c3"), (3, 3, "pm-c5")]


# ---- A provincial officer's map ------------------------------------------------------------------


@pytest.mark.parametrize("figure", ["ngos", "budget", "water", "sanitation-gap", "received"])
def test_a_provincial_officers_map_holds_their_province_only(client, known, figure):
    """Alpha's agreement covers Siem Reap and Battambang: a Siem Reap officer's map still says nothing of Battambang."""
    logged_in(english(client), Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    html = map_html(client.get(f"{PAGE}?map={figure}").content.decode())
    assert "is-provincial" in html and "pm-own" in html
    assert re.findall(r'href="(/provinces/[^"]*)"', html) == ["/provinces/17/", "/provinces/17/"]  # outline and name
    assert re.findall(r'data-testid="map-label-(\d+)"', html) == ["17"]
    for name in ("Battambang", "Kampot", "Phnom Penh"):
        assert name not in html
    assert html.count("pm-out") == 24
    assert "<title>" in html and html.count("<title>") == 1  # only Siem Reap's outline is named


def test_a_provincial_officers_map_data_holds_no_other_province(known):
    user = UserFactory(role=Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    summary = build_summary(known.period, user=user)
    completeness = period_completeness(known.period, user)
    assert "02" in {tally.code for tally in completeness.by_province}  # the completeness page counts Battambang...
    for figure in maps.figures_of(summary):
        province_map = maps.province_map(summary, figure.key, completeness=completeness)
        shown = [p for p in province_map.provinces if p.in_scope]
        assert [p.shape.code for p in shown] == ["17"]  # ...the map does not
        assert all(p.value is None and p.name is None and p.url == "" for p in province_map.provinces if not p.in_scope)


# ---- The PDF --------------------------------------------------------------------------------------


def test_the_pdf_holds_the_maps_with_khmer_names_shaped_and_placed_on_their_provinces(known, tmp_path):
    summary = build_national_summary(known.period)
    html = summary_html(summary, "km")
    assert html.count('data-testid="province-map"') == 3
    assert "<text" not in html.split('data-testid="pdf-maps"')[1]
    document = layout(html, "km")
    # Khmer names of the labels are set in the Khmer font (shaped by Pango through HarfBuzz).
    runs = khmer_runs_in(document, "pm-label")
    assert runs and {family for _page, _text, family in runs} == {"Battambang"}
    assert any("សៀមរាប" in text.replace("\u200b", "") for _page, text, _family in runs)
    # Each name sits where its class puts it: the centre of its label at its point on the map.
    points = {s.code: (float(s.left[:-1]) / 100, float(s.top[:-1]) / 100) for s in maps.shapes()}
    checked = 0
    for page in document.pages:
        for box, ancestors in boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None or "pm-label" not in (element.get("class") or "").split() or type(box).__name__ == "TextBox":
                continue
            if element.get("class").split()[0] != "pm-label" or box.element_tag != "a":
                continue
            canvas = next(a for a in reversed(ancestors) if "pm-canvas" in (getattr(a, "element", None).get("class") or ""))
            code = element.get("class").split()[1].removeprefix("pm-at-")
            if not hasattr(box, "border_width"):
                continue
            # translate(-50%, -50%) moves the label's centre to the corner its class places (drawn, not laid out).
            centre_x = (box.position_x - canvas.content_box_x()) / canvas.width
            centre_y = (box.position_y - canvas.content_box_y()) / canvas.height
            assert "translate" in str(box.style["transform"])
            assert abs(centre_x - points[code][0]) < 0.02 and abs(centre_y - points[code][1]) < 0.02, code
            checked += 1
    assert checked >= 25
    # The printed page shows the colours of the classes (the outlines are filled, not black).
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(document.write_pdf())
    text_by_page = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout for n in range(1, len(document.pages) + 1)]
    page = next(n for n, text in enumerate(text_by_page, start=1) if "MapSVG" in text)
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "50", "-png", str(pdf), str(tmp_path / "map")],
                   check=True)
    image = Image.open(next(tmp_path.glob("map*.png"))).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(1 << 20)}
    assert (0x25, 0x34, 0x94) in colours  # the darkest class: the two NGOs of Siem Reap and Battambang
    assert (0xe6, 0xe6, 0xe6) in colours  # provinces without NGO work


# ---- Home page and about page --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.DATA_ENTRY_OFFICER])
def test_national_roles_home_shows_reports_received_by_province(client, known, role, time_machine):
    time_machine.move_to("2024-08-10 10:00 +07:00")
    logged_in(english(client), role)
    page = client.get("/").content.decode()
    html = map_html(page)
    assert 'data-figure="received"' in html
    # Siem Reap: Alpha (accepted), Gamma (submitted) received; Foxtrot ended in 2023; Hotel returned: 3 of 3.
    user = UserFactory(role=Role.ADMINISTRATOR)
    expected = {t.code: t.received_pct for t in period_completeness(known.period, user).by_province}["17"]
    label = re.search(r'data-testid="map-label-17">(.*?)</a>', html).group(1)
    assert f"{expected}%" in label
    assert 'href="/reports/2024S1/summary/?map=ngos#province-map"' in html


def test_provincial_officers_home_has_no_national_map(client, known, time_machine):
    time_machine.move_to("2024-08-10 10:00 +07:00")
    logged_in(english(client), Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    assert 'data-testid="province-map"' not in client.get("/").content.decode()


def test_about_page_credits_the_map(client, known):
    logged_in(english(client), Role.DATA_ENTRY_OFFICER)
    page = client.get("/about/").content.decode()
    assert 'Province map: MapSVG / svg-maps, <span lang="en">CC BY 4.0</span>' in page
    assert "Creative Commons Attribution 4.0" in page


def test_the_latest_summary_link_keeps_the_chosen_figure(client, known, time_machine):
    time_machine.move_to("2024-08-10 10:00 +07:00")
    logged_in(client, Role.DEPARTMENT_HEAD)
    response = client.get("/reports/summary/?map=water")
    assert response.status_code == 302 and response.url == "/reports/2024S1/summary/?map=water"
