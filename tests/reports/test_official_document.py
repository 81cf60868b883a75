"""The summary as the ministry issues it, and one NGO's report as a document of its own (issue 15, parts 1 and 6).

The laid-out documents are measured in WeasyPrint's own page boxes (tests/reports/pdf_inspection.py): every
section heading's Khmer is set in Moul (the font file actually used), the date line is on page one, and no
page but the last is less than a fifth full. The PDFs themselves are read back with pdftotext.
"""
import datetime
import hashlib
import subprocess
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from mrd_ngo.khmer import ZWSP
from mrd_ngo.roles import Role
from reports.issuing import IssueRefused, issue_summary, render_issued
from reports.models import DocumentClosing, IssuedSummary, ProgressReport, RecordDocument
from reports.pdf import Edition, khmer_date_lines, layout, summary_html
from reports.record_pdfs import report_html
from reports.summary import build_national_summary
from tests.factories import UserFactory
from tests.reports.pdf_inspection import fullness, khmer_runs_in, pages_holding
from tests.reports.test_summary import known_semester
from tests.worker import download_document, run_queued_tasks

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2024, 7, 17)
A_FIFTH = 0.2


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def closing():
    return DocumentClosing.objects.create(
        presenter_title_km="រដ្ឋមន្ត្រី", presenter_title_en="Minister",
        presenter_name_km="ឯកឧត្តម សុខ សុភា", presenter_name_en="H.E. Sok Sophea",
    )


@pytest.fixture(scope="module")
def laid_out(django_db_setup, django_db_blocker):
    """The known semester's summary (issued edition) and one accepted report, laid out in Khmer and English."""
    with django_db_blocker.unblock(), transaction.atomic():
        known = known_semester()
        summary = build_national_summary(known.period)
        head = UserFactory(role=Role.DEPARTMENT_HEAD)
        docs = {}
        for lang in ("km", "en"):
            edition = Edition(date=ISSUED_ON, reference_number="០៤២ អ.ជ.ប", draft=False,
                              presenter_title="Minister", presenter_name="H.E. Sok Sophea")
            docs["summary", lang] = layout(summary_html(summary, lang, edition=edition), lang)
            docs["report", lang] = layout(report_html(known.report_a, None, lang), lang)
        transaction.set_rollback(True)
    return docs


@pytest.mark.parametrize("kind", ["summary", "report"])
def test_every_section_heading_is_set_in_moul(laid_out, kind):
    runs = khmer_runs_in(laid_out[kind, "km"], "summary-h2")
    assert len({text for _, text, _ in runs}) >= 4  # the headings were found
    assert [(page, text, family) for page, text, family in runs if family != "Moul"] == []
    # The body text is not Moul (the check tells fonts apart).
    body = khmer_runs_in(laid_out[kind, "km"], "summary-note") or khmer_runs_in(laid_out[kind, "km"], "summary-h3")
    assert body and {family for _, _, family in body} == {"Battambang"}


@pytest.mark.parametrize("lang", ["km", "en"])
@pytest.mark.parametrize("kind", ["summary", "report"])
def test_date_line_is_on_page_one(laid_out, kind, lang):
    assert pages_holding(laid_out[kind, lang], "date-line") == [1]


@pytest.mark.parametrize("lang", ["km", "en"])
@pytest.mark.parametrize("kind", ["summary", "report"])
def test_no_page_but_the_last_is_under_a_fifth_full(laid_out, kind, lang):
    shares = fullness(laid_out[kind, lang])
    assert shares and all(0 < share <= 1.01 for share in shares)
    assert [(n, round(s, 2)) for n, s in enumerate(shares[:-1], start=1) if s < A_FIFTH] == []


@pytest.mark.parametrize("lang", ["km", "en"])
def test_the_closing_block_is_not_alone_on_the_last_page(laid_out, lang):
    document = laid_out["summary", lang]
    assert pages_holding(document, "closing") == pages_holding(document, "footnote") == [len(document.pages)]


def test_issued_summary_says_its_number_date_with_the_place_and_closing_and_no_draft_mark(laid_out):
    km = pdftotext(laid_out["summary", "km"].write_pdf()).replace(ZWSP, "")
    assert "០៤២" in km and "Minister" in km and "H.E. Sok Sophea" in km
    assert "១៧" in km and "២០២៤" in km  # Khmer digits extract exactly
    html = pdftotext(laid_out["summary", "en"].write_pdf())
    assert "Phnom Penh, 17 July 2024" in html and "DRAFT" not in html


def test_khmer_date_lines_put_the_place_before_the_gregorian_date():
    assert khmer_date_lines(ISSUED_ON) == (
        "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨", "រាជធានីភ្នំពេញ ថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤",
    )


def test_draft_is_marked_dated_today_and_yes_no_is_a_word_not_a_spoken_yes(db):
    known = known_semester()
    summary = build_national_summary(known.period)
    html = summary_html(summary, "km").replace(ZWSP, "")
    assert 'data-testid="draft-mark"' in html
    assert khmer_date_lines(datetime.date.today())[1] in html
    assert "បាទ/ចាស" not in html and ("មាន" in html or "គ្មាន" in html)


def test_province_totals_add_up_the_rows_and_are_printed(db):
    known = known_semester()
    summary = build_national_summary(known.period)
    totals = summary.province_totals
    assert totals.budget_spent == sum(r.budget_spent for r in summary.provinces) > 0
    assert totals.model_villages == sum(r.model_villages_reached for r in summary.provinces)
    html = summary_html(summary, "en", printed_on=ISSUED_ON)
    assert 'data-testid="province-totals"' in html and 'data-testid="coverage-totals"' in html


# ---- Issuing ---------------------------------------------------------------------------------------


def issue(known, user, **kwargs):
    arguments = {"period": known.period, "lang": "km", "province_id": None, "reference_number": "០៤២ អ.ជ.ប",
                 "issued_on": ISSUED_ON, "user": user, **kwargs}
    return issue_summary(**arguments)


def test_issuing_keeps_the_pdf_as_issued_with_who_and_when(db, head_user):
    known = known_semester()
    closing()
    issued = issue(known, head_user)
    assert issued.issued_by == head_user and issued.issued_on == ISSUED_ON and issued.reference_number == "០៤២ អ.ជ.ប"
    assert issued.state == "queued" and IssuedSummary.objects.get().pdf is None  # the worker renders it
    assert run_queued_tasks() == 1
    issued.refresh_from_db()
    pdf = bytes(issued.pdf)
    text = pdftotext(pdf)
    assert pdf.startswith(b"%PDF") and "០៤២" in text and "DRAFT" not in text
    assert issued.state == "ready" and issued.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    # The data changes afterwards (drafts are rebuilt from it); the issued bytes stay as they were.
    ProgressReport.objects.filter(pk=known.report_a.pk).update(budget_spent_usd=1)
    render_issued(issued.pk)  # even asked again, an issued edition is never rendered twice
    assert bytes(IssuedSummary.objects.get().pdf) == pdf


def test_an_edition_the_worker_failed_to_render_can_be_tried_again(client, head_user):
    known = known_semester()
    closing()
    client.force_login(head_user)
    url = reverse("reports:summary_issue", args=[known.period.code])
    assert client.post(url, {"lang": "en", "reference_number": "042 MRD", "issued_on": "2024-07-17"}).status_code == 302
    issued = IssuedSummary.objects.get()
    page = client.get(url).content.decode()
    assert 'data-testid="issued-en-progress"' in page and 'hx-trigger="every 2s"' in page  # polls until rendered
    assert client.get(reverse("reports:summary_issued_pdf", args=[issued.pk])).status_code == 302  # not yet
    # The worker fails (here: the semester's summary cannot be built), and says so on the page.
    with mock.patch("reports.summary.build_national_summary", side_effect=RuntimeError("out of memory")):
        assert run_queued_tasks() == 1
    issued.refresh_from_db()
    assert issued.state == "failed" and "out of memory" in issued.error
    page = client.get(url).content.decode()
    assert 'data-testid="issued-en-failed"' in page and 'hx-trigger="every 2s"' not in page
    assert client.post(reverse("reports:summary_issued_retry", args=[issued.pk])).status_code == 302
    assert run_queued_tasks() == 1
    issued.refresh_from_db()
    assert issued.state == "ready" and client.get(url).content.decode().count('data-testid="issued-en"') == 1


@pytest.mark.parametrize(
    ("setup", "kwargs", "message"),
    [
        ("twice", {}, "already issued"),
        ("no closing", {}, "closing block"),
        ("number used", {"lang": "en"}, "already used"),
        ("closing", {"issued_on": datetime.date.today() + datetime.timedelta(days=1)}, "future"),
        ("closing", {"reference_number": "  "}, "reference number"),
    ],
)
def test_issuing_refuses_bad_requests_and_writes_nothing(db, head_user, setup, kwargs, message):
    known = known_semester()
    if setup != "no closing":
        closing()
    if setup in ("twice", "number used"):  # an edition issued before (its bytes do not matter here)
        IssuedSummary.objects.create(period=known.period, lang="km", reference_number="០៤២ អ.ជ.ប", issued_on=ISSUED_ON,
                                     issued_by=head_user, presenter_title="t", presenter_name="n", pdf=b"%PDF", pdf_sha256="0")
    before = IssuedSummary.objects.count()
    with translation.override("en"), pytest.raises(IssueRefused, match=message):
        issue(known, head_user, **kwargs)
    assert IssuedSummary.objects.count() == before


def test_issue_page_issues_once_and_answers_bad_input_with_a_message(client, head_user):
    known = known_semester()
    client.force_login(head_user)
    url = reverse("reports:summary_issue", args=[known.period.code])
    data = {"lang": "en", "reference_number": "042 MRD", "issued_on": "2024-07-17"}
    response = client.post(url, data)
    assert response.status_code == 400 and "មិនទាន់កំណត់ផ្នែកបញ្ចប់" in response.content.decode()
    assert not IssuedSummary.objects.exists()
    closing()
    assert client.post(url, data).status_code == 302
    run_queued_tasks()
    issued = IssuedSummary.objects.get()
    response = client.post(url, data)
    assert response.status_code == 400 and "បានចេញរួចហើយ" in response.content.decode()
    assert IssuedSummary.objects.count() == 1
    download = client.get(reverse("reports:summary_issued_pdf", args=[issued.pk]))
    assert download.status_code == 200 and download.content == bytes(issued.pdf)
    assert client.get(reverse("reports:summary_issued_pdf", args=[issued.pk + 1])).status_code == 404


def test_only_those_who_print_the_summary_may_issue(client, officer_user, provincial_user):
    known = known_semester()
    closing()
    for user in (officer_user, provincial_user):
        client.force_login(user)
        response = client.post(reverse("reports:summary_issue", args=[known.period.code]),
                               {"lang": "km", "reference_number": "1", "issued_on": "2024-07-17"})
        assert response.status_code == 403
    assert not IssuedSummary.objects.exists()


# ---- One NGO's report ------------------------------------------------------------------------------


def test_report_pdf_in_both_languages_for_who_may_see_it(client, head_user):
    known = known_semester()
    client.force_login(head_user)
    url = reverse("reports:report_pdf", args=[known.report_a.pk])
    for lang, name in (("km", known.a.ngo.name_km), ("en", known.a.ngo.name_en)):
        # Nothing kept yet: the build is queued and the reader goes back to the report's page to watch it.
        first = client.get(url, {"lang": lang})
        assert first.status_code == 302 and first["Location"].endswith(f"/reports/{known.report_a.pk}/#documents")
        response = download_document(client, f"{url}?lang={lang}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = pdftotext(b"".join(response.streaming_content)).replace(ZWSP, "")
        assert known.a.reference_number in text
        if lang == "en":
            assert name in text and "Review history" in text and "Indicator results by province" in text
    assert client.get(url, {"lang": "fr"}).status_code == 400
    missing = (ProgressReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client.get(reverse("reports:report_pdf", args=[missing])).status_code == 404


def test_the_report_pdf_is_kept_until_the_report_changes(client, head_user):
    known = known_semester()
    client.force_login(head_user)
    url = reverse("reports:report_pdf", args=[known.report_a.pk]) + "?lang=en"
    assert download_document(client, url).status_code == 200
    kept = RecordDocument.objects.get(kind="report", record_id=known.report_a.pk, lang="en", province=None)
    assert client.get(url).status_code == 200 and run_queued_tasks() == 0  # the second reader: at once, no build
    ProgressReport.objects.filter(pk=known.report_a.pk).update(achievements="Twelve wells repaired.")
    assert client.get(url).status_code == 302  # changed: built again before it is served
    response = download_document(client, url)
    assert "Twelve wells repaired." in pdftotext(b"".join(response.streaming_content))
    kept.refresh_from_db()
    assert kept.build_seconds > 0 and kept.state == "idle"


def test_a_deleted_report_takes_its_kept_pdfs_with_it(client, head_user, django_capture_on_commit_callbacks):
    known = known_semester()
    client.force_login(head_user)
    assert download_document(client, reverse("reports:report_pdf", args=[known.report_a.pk]) + "?lang=km").status_code == 200
    kept = RecordDocument.objects.get()
    storage, name = kept.file.storage, kept.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        ProgressReport.objects.get(pk=known.report_a.pk).delete()  # only the Django admin deletes reports
    assert not RecordDocument.objects.exists() and not storage.exists(name)


def test_report_pdf_is_not_found_for_a_provincial_officer_of_another_province(client, db):
    known = known_semester()  # report B: Kampot only
    officer = UserFactory(role=Role.PROVINCIAL_OFFICER, province=known.siem_reap)
    client.force_login(officer)
    assert client.get(reverse("reports:report_pdf", args=[known.report_b.pk])).status_code == 404
    assert client.get(reverse("reports:detail", args=[known.report_b.pk])).status_code == 404  # same rule as the page
    prepare = reverse("reports:record_document_prepare", args=["report", known.report_b.pk, "km"])
    assert client.post(prepare).status_code == 404 and not RecordDocument.objects.exists()
    url = reverse("reports:report_pdf", args=[known.report_a.pk]) + "?lang=en"
    response = download_document(client, url)  # A: Siem Reap too
    assert response.status_code == 200
    # Their copy is their province's edition: built apart from the national one, with their results only.
    assert RecordDocument.objects.get().province_id == known.siem_reap.pk
    assert "You see the results of your province only" in pdftotext(b"".join(response.streaming_content))


def test_report_page_has_the_pdf_buttons(client, head_user):
    known = known_semester()
    client.force_login(head_user)
    page = client.get(reverse("reports:detail", args=[known.report_a.pk])).content.decode()
    for lang in ("km", "en"):  # nothing kept yet: a button asks the worker for it
        assert reverse("reports:record_document_prepare", args=["report", known.report_a.pk, lang]) in page
    response = client.post(reverse("reports:record_document_prepare", args=["report", known.report_a.pk, "km"]),
                           headers={"HX-Request": "true"})
    assert response.status_code == 202 and 'data-testid="report-pdf-km-progress"' in response.content.decode()
    run_queued_tasks()
    page = client.get(reverse("reports:detail", args=[known.report_a.pk])).content.decode()
    assert reverse("reports:report_pdf", args=[known.report_a.pk]) + "?lang=km" in page  # built: the download link


def test_administrators_see_the_kept_pdfs_in_the_admin_and_cannot_add_one(client, admin_user, head_user):
    known = known_semester()
    client.force_login(head_user)
    download_document(client, reverse("reports:report_pdf", args=[known.report_a.pk]) + "?lang=en")
    kept = RecordDocument.objects.get()
    admin_user.is_staff = True  # administrators reach the Django admin as staff
    admin_user.save()
    client.force_login(admin_user)
    assert client.get(reverse("admin:reports_recorddocument_changelist")).status_code == 200
    assert client.get(reverse("admin:reports_recorddocument_change", args=[kept.pk])).status_code == 200
    assert client.get(reverse("admin:reports_recorddocument_add")).status_code == 403
