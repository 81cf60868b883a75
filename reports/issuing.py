"""Issuing the semester summary: the edition the ministry signs, kept exactly as issued.

Drafts are the PDFs the worker builds and rebuilds (reports/documents.py): marked "draft" on every
page, dated the day they are built, without a number. An administrator or department head issues an
edition (`issue_summary`): its reference number, date of issue, closing block, who issued it and when
are recorded at once (the number is taken), and the worker renders it once (`render_issued`) and
stores the bytes (`IssuedSummary.pdf`). It is never rebuilt; one edition per semester, language and
scope, and a reference number is used once. If the worker fails, the issuer may ask it to try again.
"""
from __future__ import annotations

import datetime
import hashlib

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import DocumentClosing, IssuedSummary, ReportingPeriod
from reports.pdf import LANGUAGES, Edition, render_summary_pdf


class IssueRefused(ValueError):
    """Why an edition cannot be issued (shown to the person as it is; nothing is written)."""


def closing_for(lang: str) -> DocumentClosing:
    """The configured closing block, complete in `lang`; IssueRefused otherwise."""
    closing = DocumentClosing.current()
    if closing is None or not closing.title(lang).strip() or not closing.name(lang).strip():
        raise IssueRefused(_(
            "No closing block (presenter's title and name) is configured for this language: an administrator "
            "must set it before a document can be issued."
        ))
    return closing


def issue_summary(
    *, period: ReportingPeriod, lang: str, province_id: int | None, reference_number: str,
    issued_on: datetime.date, user,
) -> IssuedSummary:
    """Record the edition and queue its rendering; IssueRefused (nothing written) when it may not be issued."""
    reference_number = (reference_number or "").strip()
    if lang not in LANGUAGES:
        raise IssueRefused(_("The PDF exists in Khmer (lang=km) and English (lang=en) only."))
    if not reference_number:
        raise IssueRefused(_("Give the document's reference number."))
    if issued_on > timezone.localdate():
        raise IssueRefused(_("The date of issue cannot be in the future."))
    closing = closing_for(lang)
    already = IssuedSummary.objects.filter(period=period, lang=lang, province_id=province_id).only("reference_number").first()
    if already is not None:
        raise IssueRefused(_("This edition was already issued (number %(number)s): an issued document is not issued twice.")
                           % {"number": already.reference_number})
    if IssuedSummary.objects.filter(reference_number=reference_number).exists():
        raise IssueRefused(_("The reference number %(number)s is already used by another document.")
                           % {"number": reference_number})
    try:
        with transaction.atomic():
            issued = IssuedSummary.objects.create(
                period=period, lang=lang, province_id=province_id, reference_number=reference_number,
                issued_on=issued_on, issued_by=user, presenter_title=closing.title(lang),
                presenter_name=closing.name(lang),
            )
            _queue(issued)
    except IntegrityError:  # someone issued the same edition or number meanwhile
        raise IssueRefused(_("This edition or this reference number was issued meanwhile by someone else.")) from None
    return issued


def _queue(issued: IssuedSummary) -> None:
    from reports.tasks import render_issued_summary

    render_issued_summary.enqueue(issued_id=issued.pk)


def try_again(issued: IssuedSummary) -> None:
    """Queue the rendering of an edition the worker failed to render (nothing else changes)."""
    with transaction.atomic():
        if IssuedSummary.objects.filter(pk=issued.pk, pdf_sha256="").exclude(error="").update(error="") == 1:
            _queue(issued)


def render_issued(issued_id: int) -> str:
    """Render the issued edition as recorded and keep its bytes (in the worker); never twice."""
    from reports.summary import build_national_summary, build_provincial_summary

    issued = IssuedSummary.objects.select_related("period").defer("pdf").get(pk=issued_id)
    if issued.pdf_sha256:
        return "ready"
    try:
        if issued.province_id is None:
            summary = build_national_summary(issued.period)
        else:
            summary = build_provincial_summary(issued.period, province_id=issued.province_id)
        edition = Edition(
            date=issued.issued_on, reference_number=issued.reference_number, draft=False,
            presenter_title=issued.presenter_title, presenter_name=issued.presenter_name,
        )
        pdf = render_summary_pdf(summary, issued.lang, edition=edition)
    except Exception as error:
        IssuedSummary.objects.filter(pk=issued_id).update(error=f"{type(error).__name__}: {error}"[:2000])
        raise
    IssuedSummary.objects.filter(pk=issued_id, pdf_sha256="").update(
        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), error="",
    )
    return "ready"


class IssueForm(forms.Form):
    lang = forms.ChoiceField(label=gettext_lazy("Edition"), choices=[("km", gettext_lazy("Khmer")), ("en", gettext_lazy("English"))],
                             widget=forms.Select(attrs={"class": "form-select"}))
    reference_number = forms.CharField(label=gettext_lazy("Reference number"), max_length=60,
                                       widget=forms.TextInput(attrs={"class": "form-control"}))
    issued_on = forms.DateField(label=gettext_lazy("Date of issue"),
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
