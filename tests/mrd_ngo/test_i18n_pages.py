"""Every main page, rendered in Khmer with the demo data, speaks Khmer: labels, numbers, dates, semesters.

Also: English pages carry no Khmer label, Khmer digits typed into forms are saved, and a Khmer
search finds a name however its look-alike characters were typed.

The labels looked for are the app's own: the English msgids of locale/en (their words of three
letters or more). Data values (NGO names, reference numbers, e-mails, people...) may be in any
language and are taken out of the page text first; so are the Latin words the Khmer catalogue
itself uses (PDF, Excel...) and text marked `lang="en"` (the "English" button of the language
switch, the English half of the bilingual error pages).
"""
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement, AgreementFlag, CoverageRate
from mrd_ngo.khmer import format_date, format_number
from reports.choices import ReportStatus
from reports.content import NARRATIVES
from reports.models import Lesson, Meeting, MeetingRecommendation, ProgressReport, ReportingPeriod
from reports.services import agreement_in_force
from tests.factories import NGOFactory

ROOT = Path(__file__).resolve().parents[2]
WORD_RE = re.compile(r"[A-Za-z][A-Za-z’']*[A-Za-z]")
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%%")
KHMER_RE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
WESTERN_DIGIT_RE = re.compile("[0-9]")
SKIPPED_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
UPLOADED_FILE_NAME = "report.xlsx"
# Nonsense typed into forms by the tests below: shown back as typed, next to the Khmer error message.
TYPED = {"email": "nope", "website": "no such site", "valid_from": "2024-13-45", "valid_to": "not a date",
         "planned_budget_usd": "lots", "mrd_focal_email": "focal-at-nowhere", "budget_planned_usd": "many",
         "beneficiaries_total": "1.5", "beneficiaries_female": "-3", "rows-0-value": "seven"}


def _catalogue(lang: str) -> list:
    with (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as f:
        return [m for m in read_po(f) if m.id]


def _texts(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD_RE.findall(PLACEHOLDER_RE.sub(" ", text)) if len(w) >= 3}


# word -> the msgids that use it (the app's English labels)
LABEL_WORDS: dict[str, list[str]] = {}
for _message in _catalogue("en"):
    for _msgid in _texts(_message.id):
        for _word in _words(_msgid):
            LABEL_WORDS.setdefault(_word, []).append(_msgid)
# Latin words the Khmer translations keep (PDF, Excel, LibreOffice, USD...): fine on a Khmer page.
KHMER_CATALOGUE_LATIN = set().union(*(_words(s) for m in _catalogue("km") for s in _texts(m.string)))
# Khmer-digit examples the English translations give on purpose ("១២៥០ or 1250").
ENGLISH_CATALOGUE_KHMER = {
    token for m in _catalogue("en") for s in _texts(m.string) for token in re.findall("[\u1780-\u17ff]+", s)
}
# Western-digit examples the Khmer translations give on purpose ("១២៥០ ឬ 1250").
KHMER_CATALOGUE_DIGITS = {
    token for m in _catalogue("km") for s in _texts(m.string)
    for token in re.findall(r"[0-9A-Za-z][0-9A-Za-z.-]*", PLACEHOLDER_RE.sub(" ", s)) if WESTERN_DIGIT_RE.search(token)
}


class VisibleText(HTMLParser):
    """The text a person sees (and hears: placeholders, titles, aria-labels), outside `lang=<skip>` elements."""

    def __init__(self, skip_lang: str):
        super().__init__(convert_charrefs=True)
        self.skip_lang = skip_lang
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.chunks: list[str] = []

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = self.hidden or tag in SKIPPED_TAGS or (attrs.get("lang") or "").startswith(self.skip_lang)
        if not hidden:
            self.chunks.extend(attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name))
            # Buttons, and what a text box holds (a saved figure must read like the rest of the page).
            if tag == "input" and attrs.get("type", "text") in ("submit", "button", "text", "number") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str, skip_lang: str) -> list[str]:
    parser = VisibleText(skip_lang)
    parser.feed(html)
    return parser.chunks


def data_values() -> list[str]:
    """Texts that are data, in whatever language they were typed: taken out before looking for labels."""
    values = set()
    for ngo in NGO.objects.all():
        values.update([ngo.name_en, ngo.name_km, ngo.acronym, ngo.registration_number, ngo.address, ngo.director,
                       ngo.contact_person, ngo.phone, ngo.email, ngo.website])
    for agreement in Agreement.objects.all():
        values.update([agreement.reference_number, agreement.mrd_focal_person, agreement.mrd_focal_email,
                       agreement.ngo_focal_person, agreement.ngo_focal_email, agreement.termination_reason])
    for report in ProgressReport.objects.all():
        values.update([report.achievements, report.challenges, report.lessons_learned, report.next_plans,
                       report.review_comment, report.solutions_proposed,
                       *(getattr(report, f"{name}_translation") for name in NARRATIVES)])
    for flag in AgreementFlag.objects.all():
        values.update([flag.note, flag.clearing_note])
    for rate in CoverageRate.objects.all():
        values.add(rate.source)
    for recommendation in MeetingRecommendation.objects.all():
        values.update([recommendation.text_km, *recommendation.notes.values_list("text", flat=True)])
    for meeting in Meeting.objects.all():
        values.update([meeting.place_km, meeting.place_en, meeting.chair_km, meeting.chair_en, meeting.notes])
    for lesson in Lesson.objects.all():
        values.update([lesson.title, lesson.text])
    for user in get_user_model().objects.all():
        values.update([user.username, user.get_full_name(), user.email, user.first_name, user.last_name])
    for period in ReportingPeriod.objects.all():
        values.add(period.code)
    values.add(UPLOADED_FILE_NAME)
    values.update(TYPED.values())
    return sorted((v.strip() for v in values if v and v.strip()), key=len, reverse=True)


def without_data(chunks: list[str], data: list[str]) -> list[str]:
    cleaned = []
    for chunk in chunks:
        for value in data:
            if value in chunk:
                chunk = chunk.replace(value, " ")
        cleaned.append(chunk)
    return cleaned


def english_labels_in(html: str, data: list[str]) -> list[str]:
    """Each English word of the app's labels left on a Khmer page, with where it is and its msgids."""
    found = []
    for chunk in without_data(visible_text(html, skip_lang="en"), data):
        for word in sorted(_words(chunk) - KHMER_CATALOGUE_LATIN):
            if word in LABEL_WORDS:
                found.append(f"{word!r} in {chunk[:90]!r} (msgids: {'; '.join(LABEL_WORDS[word][:3])})")
    return found


def western_digits_in(html: str, data: list[str]) -> list[str]:
    """Text showing Western digits on a Khmer page, once data values (reference numbers...) are out."""
    examples = re.compile("|".join(rf"(?<![0-9A-Za-z]){re.escape(t)}(?![0-9A-Za-z])" for t in KHMER_CATALOGUE_DIGITS))
    return [chunk[:90] for chunk in without_data(visible_text(html, skip_lang="en"), data)
            if WESTERN_DIGIT_RE.search(examples.sub(" ", chunk))]


# ---- The demo data, loaded once for this module and rolled back at its end --------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield data_values()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def data(demo, db):
    return demo


def client_for(username: str | None, lang: str = "km") -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    if lang != "km":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def agreement_in(status: str) -> Agreement:
    return Agreement.objects.with_status().filter(status=status).order_by("pk").first()


def report_in(status: str, **filters) -> ProgressReport:
    return ProgressReport.objects.filter(status=status, **filters).order_by("pk").first()


def _national_user():
    """The demo administrator: these pages are looked at by national roles, who see every agreement."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def new_report_choice() -> dict:
    """An NGO expected to report for 2024S1 that has no report yet, and that semester."""
    period = ReportingPeriod.objects.get_by_code("2024S1")
    for ngo in NGO.objects.exclude(reports__period=period).order_by("pk"):
        if agreement_in_force(ngo=ngo, period=period, user=_national_user()) is not None:
            return {"ngo": ngo.pk, "period": period.pk}
    raise AssertionError("the demo has no NGO left to report for 2024S1")


def no_agreement_choice() -> dict:
    """An NGO with no signed agreement in force during 2024S1, and that semester."""
    period = ReportingPeriod.objects.get_by_code("2024S1")
    for ngo in NGO.objects.order_by("pk"):
        if agreement_in_force(ngo=ngo, period=period, user=_national_user()) is None and ngo.agreements.filter(signed_on__isnull=False).exists():
            return {"ngo": ngo.pk, "period": period.pk}
    raise AssertionError("every demo NGO has an agreement in force during 2024S1")


def _import_preview(client: Client):
    report = report_in(ReportStatus.DRAFT)
    template = client.get(reverse("reports:template", kwargs={"period": report.period.code}), {"ngo": report.ngo_id})
    upload = io.BytesIO(template.content)
    upload.name = UPLOADED_FILE_NAME
    return client.post(reverse("reports:import"), {"ngo": report.ngo_id, "period": report.period_id, "file": upload})


def _import_confirmed(client: Client):
    preview = _import_preview(client).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    return client.post(reverse("reports:import_confirm"), {"token": token})  # to the report, with a message


# (who, what) -> how to fetch the page with that user's client; 200 unless EXPECTED_STATUS says otherwise.
PAGES = {
    ("admin", "dashboard"): lambda c: c.get("/"),
    ("admin", "ngo list"): lambda c: c.get(reverse("agreements:ngo_list")),
    ("admin", "ngo list filtered to nothing"): lambda c: c.get(reverse("agreements:ngo_list"), {"q": "zzzz"}),
    ("admin", "ngo detail"): lambda c: c.get(NGO.objects.order_by("pk").first().get_absolute_url()),
    ("admin", "ngo form"): lambda c: c.get(reverse("agreements:ngo_create")),
    ("admin", "ngo form with errors"): lambda c: c.post(reverse("agreements:ngo_create"), {k: TYPED[k] for k in ("email", "website")}),
    ("admin", "ngo edit form"): lambda c: c.get(reverse("agreements:ngo_update", args=[NGO.objects.order_by("pk").first().pk])),
    ("admin", "agreement list"): lambda c: c.get(reverse("agreements:agreement_list")),
    ("admin", "agreement list, second page"): lambda c: c.get(reverse("agreements:agreement_list"), {"page": 2}),
    ("admin", "active agreement"): lambda c: c.get(agreement_in(AgreementStatus.ACTIVE).get_absolute_url()),
    ("admin", "expiring agreement"): lambda c: c.get(agreement_in(AgreementStatus.EXPIRING).get_absolute_url()),
    ("admin", "expired agreement"): lambda c: c.get(agreement_in(AgreementStatus.EXPIRED).get_absolute_url()),
    ("admin", "renewed agreement"): lambda c: c.get(agreement_in(AgreementStatus.RENEWED).get_absolute_url()),
    ("admin", "terminated agreement"): lambda c: c.get(agreement_in(AgreementStatus.TERMINATED).get_absolute_url()),
    ("admin", "draft agreement"): lambda c: c.get(agreement_in(AgreementStatus.DRAFT).get_absolute_url()),
    ("admin", "agreement form"): lambda c: c.get(reverse("agreements:agreement_create")),
    ("admin", "agreement form with errors"): lambda c: c.post(reverse("agreements:agreement_create"), {
        k: TYPED[k] for k in ("valid_from", "valid_to", "planned_budget_usd", "mrd_focal_email")}),
    ("admin", "agreement edit form"): lambda c: c.get(
        reverse("agreements:agreement_update", args=[agreement_in(AgreementStatus.ACTIVE).pk])),
    ("admin", "renew form"): lambda c: c.get(
        reverse("agreements:agreement_renew", args=[agreement_in(AgreementStatus.EXPIRING).pk])),
    ("admin", "terminate form"): lambda c: c.get(
        reverse("agreements:agreement_terminate", args=[agreement_in(AgreementStatus.ACTIVE).pk])),
    ("admin", "flag form"): lambda c: c.get(reverse("agreements:agreement_flag", args=[agreement_in(AgreementStatus.ACTIVE).pk])),
    ("admin", "renew form with errors"): lambda c: c.post(
        reverse("agreements:agreement_renew", args=[agreement_in(AgreementStatus.EXPIRING).pk]), {}),
    ("admin", "sign form"): lambda c: c.get(reverse("agreements:agreement_sign", args=[agreement_in(AgreementStatus.DRAFT).pk])),
    ("admin", "terminate form with errors"): lambda c: c.post(
        reverse("agreements:agreement_terminate", args=[agreement_in(AgreementStatus.ACTIVE).pk]), {}),
    ("admin", "flag form with errors"): lambda c: c.post(
        reverse("agreements:agreement_flag", args=[agreement_in(AgreementStatus.ACTIVE).pk]), {}),
    ("admin", "document upload form with errors"): lambda c: c.post(
        reverse("agreements:document_upload", args=[agreement_in(AgreementStatus.ACTIVE).pk]), {}),
    ("admin", "expiring board"): lambda c: c.get(reverse("agreements:expiring_board")),
    ("admin", "report list"): lambda c: c.get(reverse("reports:list")),
    ("admin", "accepted report"): lambda c: c.get(reverse("reports:detail", args=[report_in(ReportStatus.ACCEPTED).pk])),
    ("admin", "returned report"): lambda c: c.get(reverse("reports:detail", args=[report_in(ReportStatus.RETURNED).pk])),
    ("admin", "new report: choose"): lambda c: c.get(reverse("reports:new")),
    ("admin", "completeness"): lambda c: c.get(reverse("reports:completeness", kwargs={"period": "2024S1"})),
    ("admin", "import"): lambda c: c.get(reverse("reports:import")),
    ("admin", "import preview"): _import_preview,
    ("admin", "import confirmed"): _import_confirmed,
    ("admin", "import with errors"): lambda c: c.post(reverse("reports:import"), {}),
    ("admin", "new report: no agreement in force"): lambda c: c.get(reverse("reports:new"), no_agreement_choice()),
    ("admin", "summary"): lambda c: c.get(reverse("reports:summary", kwargs={"period": "2024S1"})),
    ("admin", "not found"): lambda c: c.get("/agreements/999999/"),
    ("head", "dashboard"): lambda c: c.get("/"),
    ("head", "submitted report, to review"): lambda c: c.get(
        reverse("reports:detail", args=[report_in(ReportStatus.SUBMITTED).pk])),
    ("head", "summary"): lambda c: c.get(reverse("reports:summary", kwargs={"period": "2024S1"})),
    ("head", "forbidden"): lambda c: c.get(reverse("agreements:ngo_create")),
    ("head", "meeting"): lambda c: c.get(reverse("reports:meeting_detail", args=[Meeting.objects.get().pk])),
    ("head", "meetings"): lambda c: c.get(reverse("reports:meeting_list")),
    ("head", "progress note form"): lambda c: c.get(reverse("reports:recommendation_note", args=[
        MeetingRecommendation.objects.filter(owner__code="water-supply").first().pk])),
    ("head", "lessons register"): lambda c: c.get(reverse("reports:lesson_list")),
    ("head", "report returned without a comment"): lambda c: c.post(
        reverse("reports:return", args=[report_in(ReportStatus.SUBMITTED).pk]), {"comment": ""}),
    ("officer", "report form"): lambda c: c.get(reverse("reports:edit", args=[report_in(ReportStatus.DRAFT).pk])),
    ("officer", "report form with errors"): lambda c: c.post(
        reverse("reports:edit", args=[report_in(ReportStatus.DRAFT).pk]),
        {**{k: TYPED[k] for k in ("budget_planned_usd", "beneficiaries_total", "beneficiaries_female", "rows-0-value")},
         "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0"}),
    ("officer", "new report form"): lambda c: c.get(reverse("reports:new"), new_report_choice()),
    ("officer", "completeness"): lambda c: c.get(reverse("reports:completeness", kwargs={"period": "2024S1"})),
    ("siemreap", "dashboard"): lambda c: c.get("/"),
    ("siemreap", "ngo list"): lambda c: c.get(reverse("agreements:ngo_list")),
    ("siemreap", "report list"): lambda c: c.get(reverse("reports:list")),
    ("siemreap", "summary"): lambda c: c.get(reverse("reports:summary", kwargs={"period": "2024S1"})),
    (None, "login"): lambda c: c.get(reverse("login")),
    (None, "login with errors"): lambda c: c.post(reverse("login"), {"username": "admin", "password": "wrong"}),
}
EXPECTED_STATUS = {"not found": 404, "forbidden": 403, "import with errors": 400, "report returned without a comment": 400}


@pytest.mark.parametrize(("who", "what"), list(PAGES), ids=[f"{who or 'anonymous'}: {what}" for who, what in PAGES])
def test_khmer_page_shows_no_english_label_and_no_western_digit(who, what, data):
    client = client_for(who)
    response = PAGES[who, what](client)
    if response.status_code == 302:
        response = client.get(response.url)
    assert response.status_code == EXPECTED_STATUS.get(what, 200)
    html = response.content.decode()
    assert KHMER_RE.search(html)
    problems = [f"English: {e}" for e in english_labels_in(html, data)]
    problems += [f"Western digits: {t!r}" for t in western_digits_in(html, data)]
    assert not problems, "\n".join(problems)


# ---- English pages: no Khmer label left ---------------------------------------------------------


@pytest.mark.parametrize(("who", "what"), [
    ("admin", "dashboard"), ("admin", "agreement list"), ("admin", "expiring board"), ("officer", "report form"),
    ("admin", "completeness"),
], ids=lambda v: v)
def test_english_page_shows_no_khmer_label(who, what, data):
    response = PAGES[who, what](client_for(who, lang="en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    # Khmer data (the narrative of a report, a name with no English) may show; a Khmer label may not.
    data = data + sorted(ENGLISH_CATALOGUE_KHMER, key=len, reverse=True)
    khmer_left = [chunk for chunk in without_data(visible_text(html, skip_lang="km"), data) if KHMER_RE.search(chunk)]
    assert khmer_left == []
    assert "ខ្មែរ" in html  # the button back to Khmer, marked lang="km"


# ---- Numbers, dates and semesters the Khmer way ---------------------------------------------------


def test_home_page_counts_are_in_khmer_digits(data):
    html = client_for("admin").get("/").content.decode()
    # every figure of the administrator's home page (desk/figures.py), one Khmer number each
    counts = re.findall(r'data-testid="count">([^<]*)<', html)
    assert len(counts) == 5 and all(re.fullmatch("[០-៩,]+", count) for count in counts)
    assert any(count != "០" for count in counts)


def test_agreement_page_writes_dates_with_khmer_month_names(data):
    agreement = agreement_in(AgreementStatus.ACTIVE)
    html = client_for("admin").get(agreement.get_absolute_url()).content.decode()
    for day in (agreement.valid_from, agreement.valid_to, agreement.signed_on):
        assert format_date(day, "km") in html  # e.g. ១៧ កក្កដា ២០២៤
    assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b",
                         " ".join(visible_text(html, skip_lang="en")))


def test_a_date_is_written_as_the_ministry_writes_it():
    assert format_date(datetime.date(2024, 7, 17), "km") == "១៧ កក្កដា ២០២៤"


def test_report_pages_name_semesters_in_khmer(data):
    html = client_for("admin").get(reverse("reports:list")).content.decode()
    assert "ឆមាសទី១ ឆ្នាំ២០២៤" in html and "ឆមាសទី២ ឆ្នាំ២០២៣" in html
    assert "2024S1" not in " ".join(visible_text(html, skip_lang="en"))
    report = report_in(ReportStatus.ACCEPTED, period__year=2024, period__half=1)
    html = client_for("admin").get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "ឆមាសទី១ ឆ្នាំ២០២៤" in html


# ---- Khmer digits typed into forms ---------------------------------------------------------------


def test_report_form_saves_figures_typed_in_khmer_digits(data):
    report = report_in(ReportStatus.DRAFT)
    value = report.values.select_related("indicator").order_by("pk").first()
    response = client_for("officer").post(reverse("reports:edit", args=[report.pk]), {
        "version": report.version, "achievements": report.achievements,
        "budget_planned_usd": "១២,៥០០", "budget_spent_usd": "៩៨៧៦.៥០",
        "beneficiaries_total": "៣៤៥", "beneficiaries_female": "១៦០",
        "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0",
        "rows-0-indicator": value.indicator_id, "rows-0-province": value.province_id, "rows-0-village": "",
        "rows-0-value": "២៤", "rows-0-female_value": "១២" if value.indicator.disaggregated_by_sex else "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert (report.budget_planned_usd, report.budget_spent_usd) == (Decimal("12500"), Decimal("9876.50"))
    assert (report.beneficiaries_total, report.beneficiaries_female) == (345, 160)
    assert [v.value for v in report.values.all()] == [Decimal("24")]
    # and the report page shows them back in Khmer digits
    html = client_for("officer").get(response.url).content.decode()
    assert "១២,៥០០" in html and "៣៤៥" in html


def test_agreement_form_saves_dates_and_budget_typed_in_khmer_digits(data):
    ngo = NGO.objects.filter(agreements__isnull=True).first() or NGO.objects.order_by("-pk").first()
    response = client_for("admin").post(reverse("agreements:agreement_create"), {
        "ngo": ngo.pk, "reference_number": "MRD-KM-DIGITS-1", "signed_on": "២០២០-០១-០២",
        "valid_from": "២០៣០-០១-០១", "valid_to": "២០៣២-១២-៣១", "planned_budget_usd": "២៥០០០០",
        "sectors": [], "provinces": [],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get(reference_number="MRD-KM-DIGITS-1")
    assert (agreement.signed_on, agreement.valid_from, agreement.valid_to) == (
        datetime.date(2020, 1, 2), datetime.date(2030, 1, 1), datetime.date(2032, 12, 31))
    assert agreement.planned_budget_usd == Decimal("250000")


def test_agreement_form_refuses_a_negative_budget_in_khmer(data):
    response = client_for("admin").post(reverse("agreements:agreement_create"), {
        "ngo": NGO.objects.first().pk, "reference_number": "MRD-KM-NEG", "valid_from": "2030-01-01",
        "valid_to": "2031-01-01", "planned_budget_usd": "-៥",
    })
    assert response.status_code == 200
    assert "មិនអាចជាចំនួនអវិជ្ជមានបានទេ។" in response.content.decode()
    assert not Agreement.objects.filter(reference_number="MRD-KM-NEG").exists()


# ---- Khmer search, whatever the composition of the query -----------------------------------------


def _variants(name_km: str) -> list[str]:
    """The same name as a person may type it: subscript TA for DA, a zero-width space inside."""
    middle = len(name_km) // 2
    while "\u17b6" <= name_km[middle] <= "\u17d3":  # not before a vowel sign or a subscript
        middle += 1
    return [name_km.replace("\u17d2\u178a", "\u17d2\u178f"), name_km[:middle] + "\u200b" + name_km[middle:]]


def test_ngo_search_finds_a_khmer_name_typed_differently(data):
    ngo = NGO.objects.filter(name_km__contains="\u17d2\u178a").order_by("pk").first()  # ្ដ, e.g. បណ្ដាញ
    for query in _variants(ngo.name_km):
        assert query != ngo.name_km
        html = client_for("admin").get(reverse("agreements:ngo_list"), {"q": query}).content.decode()
        assert ngo.get_absolute_url() in html, query


def test_report_search_finds_a_khmer_name_typed_differently(data):
    report = ProgressReport.objects.filter(ngo__name_km__contains="\u17d2\u178a").select_related("ngo").first()
    for query in _variants(report.ngo.name_km):
        html = client_for("admin").get(reverse("reports:list"), {"q": query}).content.decode()
        assert reverse("reports:detail", args=[report.pk]) in html, query


def test_server_error_page_is_khmer_with_its_english_half_marked():
    html = render_to_string("500.html")
    assert "មានបញ្ហាកើតឡើង" in html and '<p lang="en">' in html
    assert english_labels_in(html, []) == []
    assert western_digits_in(html, []) == []


# ---- Bilingual data in the page's language, else the other -------------------------------------


def test_names_show_in_the_page_language_and_fall_back_to_the_other(data):
    both = NGO.objects.order_by("pk").first()
    english_only = NGOFactory(name_km="", name_en="Lakeside Wells Trust", acronym="")
    khmer_list = client_for("admin").get(reverse("agreements:ngo_list"), {"per_page": 100}).content.decode()
    english_list = client_for("admin", lang="en").get(reverse("agreements:ngo_list"), {"per_page": 100}).content.decode()
    # the page's language first, the other below it, muted
    assert khmer_list.index(both.name_km) < khmer_list.index(both.name_en)
    assert english_list.index(both.name_en) < english_list.index(both.name_km)
    assert "Lakeside Wells Trust" in khmer_list and "Lakeside Wells Trust" in english_list
    assert english_only.get_absolute_url() in khmer_list
