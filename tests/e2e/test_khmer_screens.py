"""The Khmer screens in Chromium, with the demo data: the dashboard, the agreement list, a report form.

Screenshots land in test-artifacts/khmer-*.png, to look at: subscripts stacked, Khmer digits,
nothing cut off, the menu on one line at 1280 pixels.
"""
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mrd_ngo.roles import Role
from reports.choices import ReportStatus
from reports.models import ProgressReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KHMER_MONTH = "(មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ)"
KHMER_DATE = re.compile(f"[០-៩]{{1,2}} {KHMER_MONTH} [០-៩]{{4}}")

# Where the header's parts sit: every menu label on one line, nothing wider than the window.
LAYOUT = """() => {
  const box = (el) => el.getBoundingClientRect();
  const links = [...document.querySelectorAll('header .navbar-nav .nav-link')].filter((el) => el.offsetParent);
  return {
    header: box(document.querySelector('header')).height,
    tops: links.map((el) => Math.round(box(el).top)),
    heights: links.map((el) => Math.round(box(el).height)),
    cut: [...document.querySelectorAll('header nav .nav-link, header .navbar-brand, header .btn')]
      .filter((el) => el.offsetParent && el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent.trim()),
    // The header's parts side by side, none over its neighbour (a menu too long for the window would
    // slide under the bell and the language switch rather than make the page wider).
    overlaps: (() => {
      const parts = [...document.querySelectorAll('header .navbar-brand, header .navbar-nav > .nav-item, header .lang-switch')]
        .filter((el) => el.offsetParent).map(box).sort((a, b) => a.left - b.left);
      return parts.slice(1).filter((b, i) => b.left < parts[i].right - 1).length;
    })(),
    pageWidth: document.documentElement.scrollWidth,
    khmerFont: document.fonts.check('16px "MRD Khmer"', 'ក'),
  };
}"""


def assert_header_on_one_line(page, width=1280):
    layout = page.evaluate(LAYOUT)
    # an administrator's ten menu entries (the management pages in one drop-down), the notification bell and the user menu
    assert len(layout["tops"]) == 12, layout
    assert layout["overlaps"] == 0, layout
    assert max(layout["tops"]) - min(layout["tops"]) <= 2, layout
    assert max(layout["heights"]) < 50, layout  # one line of Khmer each, not two
    assert layout["header"] < 80, layout
    assert layout["cut"] == [], layout
    assert layout["pageWidth"] <= width, layout
    assert layout["khmerFont"], "the shipped Khmer font is loaded"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Twice the pixels, so the screenshots show how the subscripts and vowels stack."""
    return {**browser_context_args, "device_scale_factor": 2}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def test_khmer_dashboard_agreement_list_and_report_form(page, live_server, log_in, screenshot, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    user = log_in(Role.ADMINISTRATOR)
    # A long name is cut short in the header; the menu stays on one line.
    user.first_name, user.last_name = "Sokhavattey Chanthavong", "Sreyleakhena Rattanakiri"
    user.save()
    page.reload()

    # The home page: Khmer labels, counts in Khmer digits (reference numbers are codes), the menu on one line.
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("h1")).to_have_text("ទំព័រដើម")
    expect(page.get_by_test_id("figure-missing").get_by_test_id("count")).to_have_text(re.compile("^[០-៩]+$"))
    expect(page.locator("main")).to_contain_text("ឆមាសទី២ ឆ្នាំ២០២៤")  # the demo's current semester
    # (and the text set apart as English: the map's licence, "CC BY 4.0")
    shown = page.evaluate("""() => { const main = document.querySelector('main').cloneNode(true);
      main.querySelectorAll('[lang=en]').forEach((el) => el.remove()); return main.textContent; }""")
    assert not re.search("[0-9]", re.sub(r"MRD-[A-Z0-9-]+", "", shown))
    expect(page.locator("header nav a[aria-current=page]")).to_have_text("ទំព័រដើម")
    assert_header_on_one_line(page)
    screenshot("khmer-dashboard")

    # The agreement list: dates with Khmer month names, numbers in Khmer digits.
    page.locator("header nav").get_by_role("link", name="កិច្ចព្រមព្រៀង", exact=True).click()
    expect(page.locator("h1")).to_have_text("កិច្ចព្រមព្រៀងសហប្រតិបត្តិការ")
    expect(page.get_by_test_id("row-count")).to_have_text(re.compile("^កិច្ចព្រមព្រៀងចំនួន [០-៩]+$"))
    first_row = page.locator("table tbody tr").first
    expect(first_row).to_contain_text(KHMER_DATE)
    expect(page.locator("table tbody")).not_to_contain_text(re.compile(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"))
    expect(page.locator(".pagination")).to_contain_text("២")
    assert_header_on_one_line(page)
    screenshot("khmer-agreement-list")

    # A report form: Khmer digits typed into the figures are saved and shown back in Khmer digits.
    report = ProgressReport.objects.filter(status=ReportStatus.DRAFT).order_by("pk").first()
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/")
    expect(page.locator("h1")).to_have_text("កែប្រែរបាយការណ៍")
    expect(page.locator("main")).to_contain_text(KHMER_DATE)
    page.fill("#id_budget_spent_usd", "១២,៣៤៥")
    page.fill("#id_beneficiaries_total", "៨០០")
    page.fill("#id_beneficiaries_female", "៤២០")
    assert_header_on_one_line(page)
    screenshot("khmer-report-form")
    page.locator("form.report-form button[type=submit]").first.click()
    expect(page.locator(".alert-success").first).to_have_text("របាយការណ៍ត្រូវបានរក្សាទុក។")
    expect(page.locator("main")).to_contain_text("១២,៣៤៥")
    report.refresh_from_db()
    assert (report.budget_spent_usd, report.beneficiaries_total, report.beneficiaries_female) == (12345, 800, 420)

    # The same menu in English fits too.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("12,345")
    assert_header_on_one_line(page)
    screenshot("english-report-detail")


def test_menu_folds_behind_a_button_on_a_narrow_screen_and_the_user_menu_opens(page, live_server, log_in, screenshot):
    page.set_viewport_size({"width": 800, "height": 900})
    log_in(Role.DATA_ENTRY_OFFICER)
    toggler = page.get_by_role("button", name="ម៉ឺនុយមេ")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(page.locator("header nav").get_by_role("link", name="ភាពគ្រប់គ្រាន់")).to_be_hidden()
    expect(page.get_by_role("button", name="English")).to_be_visible()  # the language switch stays in view
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-menu")).to_have_class(re.compile(r"^(?!.*collapsing).*\bshow\b"))  # unfolded
    expect(page.locator("header nav").get_by_role("link", name="ភាពគ្រប់គ្រាន់")).to_be_visible()

    page.get_by_role("button", name="Dara Kim").click()
    expect(page.get_by_test_id("user-role")).to_have_text("មន្ត្រីបញ្ចូលទិន្នន័យ")
    screenshot("khmer-menu-narrow")
    page.get_by_test_id("log-out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
