"""Actions on NGOs and agreements that change rows: create, edit, renew, sign, terminate, flag, documents, notices.

Every service is keyword-only, runs in one transaction, validates with `full_clean()` before saving and
raises `ValidationError` (keyed by form field where there is one) for anything a person can fix; views
show those errors next to the fields. Each records the acting user in the pghistory context, so the
audit trail names them even outside a web request (commands, the shell).
"""
import datetime
import logging
import math
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.choices import AgreementStatus, NoticeThreshold
from agreements import signals
from agreements.models import (
    NGO,
    REFERENCE_CONSTRAINT,
    Agreement,
    AgreementFlag,
    ExpiryNotice,
    RenewalChecklistEntry,
    RenewalChecklistItem,
)
from mrd_ngo.khmer import format_date, format_number

logger = logging.getLogger("mrd_ngo.agreements")
User = get_user_model()

OVERLAP_CONSTRAINT = "agreement_no_overlap_per_ngo"
# Countdown notices go out up to this many days before the end (the thresholds are 90, 60, 30).
NOTICE_FIRST_DAYS = 90
# The "expired" notice goes out only for agreements that ended this recently: an agreement that ended
# long before the command was first run is not announced (no burst of e-mails about old agreements).
EXPIRED_NOTICE_WITHIN_DAYS = 90

# Signed documents: what a scan or a signed PDF may be, by content (the extension we store it under).
SIGNED_DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/webp": ".webp",
}


def _acting(by, action: str):
    """The pghistory context of a service: who acts, and what they do."""
    return pghistory.context(user=by.pk if by is not None else None, action=action)


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _ensure_unchanged(obj, version: str | None) -> None:
    """Refuse to save over changes someone else made since the form was opened (optimistic locking)."""
    current = type(obj).objects.select_for_update().only("updated_at").get(pk=obj.pk)
    _ensure_version(current.updated_at.isoformat(), version)


def _ensure_version(current: str, version: str | None) -> None:
    """The stale-form check itself: `version` is what the form was opened at, `current` what is saved now."""
    if version and current != version:
        raise ValidationError(
            _("Someone else saved changes here after you opened this form. Open the page again to see "
              "their changes, then make yours."),
            code="stale",
        )


# ---------------------------------------------------------------------------------------------------
# NGOs
# ---------------------------------------------------------------------------------------------------

NGO_FIELDS = [
    "name_km", "name_en", "acronym", "kind", "registration_number", "address", "director", "contact_person",
    "phone", "email", "website", "is_active",
]


NAME_CONSTRAINTS = {"ngo_name_km_unique_folded": "name_km", "ngo_name_en_unique_folded": "name_en"}


def name_taken_message(twin: NGO) -> str:
    """The error shown next to a name another NGO already has (with a link to it)."""
    return format_html(
        _("An NGO with this name is already recorded: {link}."),
        link=format_html('<a href="{}">{}</a>', twin.get_absolute_url(), twin.name),
    )


def ngo_name_twin(ngo: NGO, field: str) -> NGO | None:
    """Another NGO whose name in the language of `field` (name_km, name_en) folds to the same as `ngo`'s."""
    key = NGO(name_km=ngo.name_km, name_en=ngo.name_en)
    key.set_derived_fields()
    folded = getattr(key, f"{field}_key")
    if not folded:
        return None
    return NGO.objects.filter(**{f"{field}_key": folded}).exclude(pk=ngo.pk).first()


def _name_errors(ngo: NGO) -> dict[str, str]:
    return {field: name_taken_message(twin) for field in NAME_CONSTRAINTS.values()
            if (twin := ngo_name_twin(ngo, field)) is not None}


def _save_ngo(ngo: NGO, *, sectors=None) -> NGO:
    """Validate and save; a name taken meanwhile (two people recording one NGO at once) is the form's error."""
    errors = _name_errors(ngo)
    if errors:
        raise ValidationError(errors)
    ngo.set_derived_fields()  # so full_clean() checks the name keys this save will write
    ngo.full_clean()
    adding = ngo._state.adding
    try:
        with transaction.atomic():
            ngo.save()
            if sectors is not None:
                ngo.sectors.set(sectors)
    except IntegrityError as error:
        # The database's unique constraint on the folded name is the last line. Nothing of ours was saved.
        field = NAME_CONSTRAINTS.get(_constraint_name(error))
        if field is None:
            raise
        if adding:
            ngo.pk = None
            ngo._state.adding = True
        errors = _name_errors(ngo) or {field: _("An NGO with this name is already recorded.")}
        raise ValidationError(errors) from error
    return ngo


@transaction.atomic
def ngo_create(*, by, sectors=(), **fields) -> NGO:
    """Record a new NGO."""
    with _acting(by, "ngo.create"):
        ngo = NGO(**{name: fields[name] for name in NGO_FIELDS if name in fields})
        return _save_ngo(ngo, sectors=sectors)


@transaction.atomic
def ngo_update(*, ngo: NGO, by, version: str | None = None, sectors=None, **fields) -> NGO:
    """Change an NGO's details, unless someone else changed them since `version` (its `updated_at`)."""
    with _acting(by, "ngo.update"):
        _ensure_unchanged(ngo, version)
        for name in NGO_FIELDS:
            if name in fields:
                setattr(ngo, name, fields[name])
        return _save_ngo(ngo, sectors=sectors)


# ---------------------------------------------------------------------------------------------------
# Agreements: create, edit, renew, sign, terminate
# ---------------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = [
    "ngo", "reference_number", "signed_on", "valid_from", "valid_to", "department", "mrd_focal_person",
    "mrd_focal_email", "ngo_focal_person", "ngo_focal_email", "planned_budget_usd",
]


def overlap_message(other: Agreement) -> str:
    """The error shown next to the dates: which agreement of the same NGO is in force then (with a link)."""
    lang = get_language()
    return format_html(
        _("These dates overlap agreement {link} of the same NGO, in force from {start} to {end}. "
          "Two agreements of one NGO may not be in force on the same day."),
        link=format_html('<a href="{}">{}</a>', other.get_absolute_url(), other.reference_number),
        start=format_date(other.valid_from, lang),
        end=format_date(other.effective_end, lang),
    )


def first_overlapping(agreement: Agreement) -> Agreement | None:
    """Another agreement of the same NGO in force on a day of `agreement`'s period, if any."""
    if not (agreement.ngo_id and agreement.valid_from and agreement.valid_to) or agreement.valid_to < agreement.valid_from:
        return None
    return Agreement.objects.overlapping(
        ngo_id=agreement.ngo_id, valid_from=agreement.valid_from, valid_to=agreement.valid_to,
        terminated_on=agreement.terminated_on, exclude_pk=agreement.pk,
    ).first()


def reference_taken_message(other: Agreement) -> str:
    """The error shown next to a reference number another agreement has (with a link to it)."""
    return format_html(
        _("Agreement {link} already has this reference number."),
        link=format_html('<a href="{}">{}</a>', other.get_absolute_url(), other.reference_number),
    )


def reference_twin(reference_number: str, *, exclude_pk: int | None = None) -> Agreement | None:
    """Another agreement with this reference number, compared without case (as the database does)."""
    return (Agreement.objects.filter(reference_number__iexact=(reference_number or "").strip())
            .exclude(pk=exclude_pk).first())


def _reference_error(agreement: Agreement) -> ValidationError | None:
    twin = reference_twin(agreement.reference_number, exclude_pk=agreement.pk)
    return ValidationError({"reference_number": reference_taken_message(twin)}) if twin is not None else None


def _save_agreement(agreement: Agreement, *, sectors=None, provinces=None) -> Agreement:
    """Validate and save; an overlap or a reference number taken becomes the same error as in the form,
    even when only the database sees it (someone else saved between our check and our save)."""
    if (error := _reference_error(agreement)) is not None:
        raise error
    other = first_overlapping(agreement)
    if other is not None:
        raise ValidationError({"valid_from": overlap_message(other)})
    agreement.full_clean()
    adding = agreement._state.adding
    try:
        with transaction.atomic():
            agreement.save()
            if sectors is not None:
                agreement.sectors.set(sectors)
            if provinces is not None:
                agreement.provinces.set(provinces)
    except IntegrityError as error:
        # Another person saved an overlapping agreement, or one with this reference number, between our
        # check and our save: the database's constraints are the last line. Nothing of ours was saved.
        constraint = _constraint_name(error) or ""
        if adding:
            agreement.pk = None
            agreement._state.adding = True
        if constraint == REFERENCE_CONSTRAINT or "reference_number" in constraint:
            raise (_reference_error(agreement) or ValidationError(
                {"reference_number": _("Another agreement already has this reference number.")})) from error
        if constraint != OVERLAP_CONSTRAINT:
            raise
        other = first_overlapping(agreement)
        message = overlap_message(other) if other else _("These dates overlap another agreement of the same NGO.")
        raise ValidationError({"valid_from": message}) from error
    return agreement


@transaction.atomic
def agreement_create(*, by, sectors=(), provinces=(), **fields) -> Agreement:
    """Record a new agreement (a draft until it has a signing date)."""
    with _acting(by, "agreement.create"):
        agreement = Agreement(**{name: fields[name] for name in AGREEMENT_FIELDS if name in fields})
        return _save_agreement(agreement, sectors=sectors, provinces=provinces)


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, version: str | None = None, sectors=None, provinces=None,
                     **fields) -> Agreement:
    """Change an agreement, unless someone else changed it since `version` (its `updated_at`)."""
    with _acting(by, "agreement.update"):
        _ensure_unchanged(agreement, version)
        for name in AGREEMENT_FIELDS:
            if name in fields and name != "ngo":  # an agreement stays with its NGO (reports point at both)
                setattr(agreement, name, fields[name])
        return _save_agreement(agreement, sectors=sectors, provinces=provinces)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def renewal_dates(agreement: Agreement) -> tuple[datetime.date | None, datetime.date | None]:
    """Suggested dates of a successor: from the day after the end, for as many whole years as the original.

    No suggestion (None) where it would leave the calendar: an agreement recorded as ending on
    9999-12-31 has no "day after"; the person then types the dates.
    """
    try:
        start = agreement.valid_to + datetime.timedelta(days=1)
    except OverflowError:
        return None, None
    years = max(1, round(((agreement.valid_to - agreement.valid_from).days + 1) / 365.25))
    try:
        return start, add_years(start, years) - datetime.timedelta(days=1)
    except (OverflowError, ValueError):
        return start, None


@transaction.atomic
def agreement_renew(*, agreement: Agreement, by, reference_number: str, valid_from: datetime.date,
                    valid_to: datetime.date) -> Agreement:
    """Start the renewal: a draft successor with the same scope and new dates, and its document checklist."""
    with _acting(by, "agreement.renew"):
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.signed_on is None:
            raise ValidationError(_("A draft cannot be renewed: record its signature first."))
        if agreement.terminated_on is not None:
            raise ValidationError(_("A terminated agreement cannot be renewed."))
        if Agreement.objects.filter(renews=agreement).exists():
            raise ValidationError(_("A renewal of this agreement has already been started."))
        successor = Agreement(
            ngo_id=agreement.ngo_id,
            reference_number=reference_number,
            valid_from=valid_from,
            valid_to=valid_to,
            signed_on=None,
            department_id=agreement.department_id,
            mrd_focal_person=agreement.mrd_focal_person,
            mrd_focal_email=agreement.mrd_focal_email,
            ngo_focal_person=agreement.ngo_focal_person,
            ngo_focal_email=agreement.ngo_focal_email,
            planned_budget_usd=agreement.planned_budget_usd,
            renews=agreement,
        )
        _save_agreement(successor, sectors=list(agreement.sectors.all()), provinces=list(agreement.provinces.all()))
        RenewalChecklistEntry.objects.bulk_create(
            RenewalChecklistEntry(agreement=successor, item=item)
            for item in RenewalChecklistItem.objects.filter(is_active=True)
        )
        signals.agreement_renewal_started.send(sender=Agreement, agreement=agreement, successor=successor, by=by)
    return successor


@transaction.atomic
def agreement_sign(*, agreement: Agreement, by, signed_on: datetime.date) -> Agreement:
    """Record the signature of a draft; a signed successor makes its predecessor "renewed"."""
    with _acting(by, "agreement.sign"):
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.signed_on is not None:
            raise ValidationError(_("This agreement is already signed."))
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
        agreement.signed_on = signed_on
        return _save_agreement(agreement)


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, by, terminated_on: datetime.date, reason: str) -> Agreement:
    """End an agreement early, on `terminated_on`, for `reason`."""
    with _acting(by, "agreement.terminate"):
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.terminated_on is not None:
            raise ValidationError(_("This agreement is already terminated."))
        if agreement.signed_on is None:
            raise ValidationError(_("A draft is not in force, so it cannot be terminated: edit its dates instead."))
        errors = {}
        if not reason.strip():
            errors["termination_reason"] = _("Give the reason for the termination.")
        lang = get_language()
        if terminated_on < agreement.valid_from:
            errors["terminated_on"] = _("The agreement starts on %(start)s; it cannot end before.") % {
                "start": format_date(agreement.valid_from, lang)}
        elif terminated_on > agreement.valid_to:
            errors["terminated_on"] = _("The agreement already ends on %(end)s.") % {
                "end": format_date(agreement.valid_to, lang)}
        if errors:
            raise ValidationError(errors)
        agreement.terminated_on = terminated_on
        agreement.termination_reason = reason.strip()
        return _save_agreement(agreement)


def checklist_version(entries) -> str:
    """The version of a renewal checklist: when any of its entries last changed ('' for none)."""
    return max(entry.updated_at for entry in entries).isoformat() if entries else ""


@transaction.atomic
def renewal_checklist_update(*, agreement: Agreement, by, received_on: dict[int, datetime.date | None],
                             version: str | None = None) -> None:
    """Record which renewal documents were received and when (entry id -> date, None when not received),
    unless someone else saved the checklist since `version` (see `checklist_version`)."""
    today = timezone.localdate()
    with _acting(by, "agreement.checklist"):
        entries = {e.pk: e for e in agreement.checklist_entries.select_for_update()}
        _ensure_version(checklist_version(list(entries.values())), version)
        changed = []
        for pk, day in received_on.items():
            if pk not in entries:
                continue
            if day is not None and day > today:
                raise ValidationError({f"entry_{pk}": _("This date is in the future.")})
            if entries[pk].received_on != day:
                entries[pk].received_on = day
                changed.append(entries[pk])
        now = timezone.now()
        for entry in changed:
            entry.updated_at = now  # bulk_update does not apply auto_now
        RenewalChecklistEntry.objects.bulk_update(changed, ["received_on", "updated_at"])


# ---------------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------------

@transaction.atomic
def agreement_flag(*, agreement: Agreement, by, note: str, follow_up_by) -> AgreementFlag:
    """Flag an agreement for follow-up by `follow_up_by`; one open flag at a time."""
    with _acting(by, "agreement.flag"):
        if not note.strip():
            raise ValidationError({"note": _("Write what needs to be followed up.")})
        if agreement.flags.filter(cleared_at__isnull=True).exists():
            raise ValidationError(_("This agreement is already flagged. Clear that flag first."))
        flag = AgreementFlag(agreement=agreement, note=note.strip(), follow_up_by=follow_up_by, flagged_by=by)
        flag.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                flag.save()
        except IntegrityError as error:  # flagged by someone else at the same moment
            raise ValidationError(_("This agreement is already flagged. Clear that flag first.")) from error
        signals.agreement_flagged.send(sender=AgreementFlag, flag=flag, by=by)
    return flag


@transaction.atomic
def agreement_clear_flag(*, flag: AgreementFlag, by, note: str = "") -> AgreementFlag:
    """Clear an open flag, saying how it was resolved; the flag stays in the agreement's history."""
    with _acting(by, "agreement.clear_flag"):
        flag = AgreementFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.cleared_at is not None:
            raise ValidationError(_("This flag has already been cleared."))
        flag.cleared_at = timezone.now()
        flag.cleared_by = by
        flag.clearing_note = note.strip()
        flag.full_clean()
        flag.save()
    return flag


# ---------------------------------------------------------------------------------------------------
# Signed documents
# ---------------------------------------------------------------------------------------------------

def signed_document_extension(upload) -> str:
    """Check an upload is a PDF or an image by its content and size; return the extension to store it under."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s MB; the largest file accepted is %(limit)s MB.") % {
                # Rounded up, so a file just over the limit never reads as the limit itself.
                "size": format_number(math.ceil(upload.size * 10 / 1_048_576) / 10, get_language(), 1),
                "limit": format_number(limit / 1_048_576, get_language(), 1),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in SIGNED_DOCUMENT_TYPES:
        raise ValidationError(
            _("This file is not a PDF or an image, whatever its name says. Upload the signed agreement as a "
              "PDF, or as a JPEG, PNG, TIFF or WebP scan."),
            code="wrong_type",
        )
    return SIGNED_DOCUMENT_TYPES[kind.mime]


@transaction.atomic
def agreement_attach_document(*, agreement: Agreement, by, upload, version: str | None = None) -> Agreement:
    """Store the signed document under a random name (its original name kept for display), replacing any previous one,
    unless someone changed the agreement since `version` (its `updated_at`)."""
    extension = signed_document_extension(upload)
    with _acting(by, "agreement.document"):
        _ensure_unchanged(agreement, version)
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        previous = agreement.document.name
        original_name = PurePath(upload.name.replace("\\", "/")).name[:255] or f"document{extension}"
        storage = agreement.document.storage
        agreement.document.save(f"document{extension}", upload, save=False)
        new_name = agreement.document.name
        # Remove the file we just wrote if the transaction does not commit, the old one once it does.
        transaction.on_commit(lambda: previous and storage.exists(previous) and storage.delete(previous))
        try:
            agreement.document_name = original_name
            agreement.save(update_fields=["document", "document_name", "updated_at"])
        except Exception:
            storage.delete(new_name)
            raise
    return agreement


# ---------------------------------------------------------------------------------------------------
# Expiry notices
# ---------------------------------------------------------------------------------------------------

@dataclass
class NoticeOutcome:
    """What `notices_send_due` did about one agreement."""

    agreement: Agreement
    threshold: NoticeThreshold
    recipients: list[str]
    sent: bool
    reason: str = ""


def notice_recipients(agreement: Agreement) -> list[str]:
    """The NGO contact (the agreement's NGO focal person, else the NGO's address) and the ministry focal person."""
    addresses = [agreement.ngo_focal_email or agreement.ngo.email, agreement.mrd_focal_email]
    unique = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in unique}:
            unique.append(address)
    return unique


def _notice_text(agreement: Agreement, threshold: NoticeThreshold, items, lang: str, today) -> tuple[str, str]:
    with translation.override(lang):
        context = {
            "agreement": agreement,
            "ngo_name": agreement.ngo.name,
            "threshold": threshold,
            "expired": threshold == NoticeThreshold.EXPIRED,
            "days_left": format_number((agreement.valid_to - today).days, lang),
            "end": format_date(agreement.valid_to, lang),
            "items": [item.name for item in items],
        }
        subject = render_to_string("agreements/email/expiry_notice_subject.txt", context).strip()
        body = render_to_string("agreements/email/expiry_notice.txt", context).strip()
    return subject, body


def expiry_notice_message(agreement: Agreement, threshold: NoticeThreshold, recipients: list[str],
                          today: datetime.date | None = None) -> EmailMessage:
    """The notice e-mail, in Khmer then English."""
    today = today or timezone.localdate()
    items = list(RenewalChecklistItem.objects.filter(is_active=True))
    subject_km, body_km = _notice_text(agreement, threshold, items, "km", today)
    subject_en, body_en = _notice_text(agreement, threshold, items, "en", today)
    return EmailMessage(
        subject=f"{subject_km} / {subject_en}",
        body=f"{body_km}\n\n-- English --\n\n{body_en}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


def notices_due(today: datetime.date | None = None):
    """Agreements that may need a notice today: signed, not terminated or renewed, ending soon or just ended."""
    today = today or timezone.localdate()
    return (
        Agreement.objects.with_status(today, window_days=NOTICE_FIRST_DAYS)
        .filter(status__in=[AgreementStatus.EXPIRING, AgreementStatus.EXPIRED], terminated_on__isnull=True,
                valid_to__gte=today - datetime.timedelta(days=EXPIRED_NOTICE_WITHIN_DAYS))
        .select_related("ngo", "successor")
        .prefetch_related(Prefetch("expiry_notices", to_attr="notices_sent"))
        .order_by("valid_to", "pk")
    )


def notices_send_due(*, today: datetime.date | None = None, dry_run: bool = False) -> list[NoticeOutcome]:
    """Send the expiry notices due today, each at most once per agreement and threshold.

    The notice sent is the most urgent threshold the agreement has crossed (90, 60 or 30 days before
    `valid_to`, or expired). When the command has not run for a while and an agreement crossed two
    thresholds meanwhile, only the most urgent one is sent: the earlier one is out of date, and sending
    both at once would only confuse. The "expired" notice is for agreements with no successor at all (a
    renewal in progress is already known) that ended at most EXPIRED_NOTICE_WITHIN_DAYS days ago.
    Each notice is recorded (unique per agreement and threshold) in the same transaction as it is sent:
    a failed e-mail leaves no record and is retried on the next run.
    """
    today = today or timezone.localdate()
    outcomes = []
    for agreement in notices_due(today):
        threshold = NoticeThreshold.due_on(agreement.valid_to, today)
        if threshold is None:
            continue
        if threshold == NoticeThreshold.EXPIRED and getattr(agreement, "successor", None) is not None:
            continue
        if any(notice.threshold == threshold for notice in agreement.notices_sent):
            continue
        recipients = notice_recipients(agreement)
        if not recipients:
            outcomes.append(NoticeOutcome(agreement, threshold, [], sent=False, reason="no e-mail address"))
            continue
        if dry_run:
            outcomes.append(NoticeOutcome(agreement, threshold, recipients, sent=False, reason="dry run"))
            continue
        try:
            with transaction.atomic():
                _notice, created = ExpiryNotice.objects.get_or_create(
                    agreement=agreement, threshold=threshold,
                    defaults={"valid_to": agreement.valid_to, "recipients": ", ".join(recipients)},
                )
                if not created:  # another run got there first
                    continue
                expiry_notice_message(agreement, threshold, recipients, today).send()
        except Exception as error:  # noqa: BLE001 (a mail server error must not stop the other notices)
            logger.exception("Expiry notice %s for %s not sent", threshold, agreement.reference_number)
            outcomes.append(NoticeOutcome(agreement, threshold, recipients, sent=False, reason=str(error)))
            continue
        logger.info("Expiry notice %s sent for %s to %s", threshold, agreement.reference_number, recipients)
        outcomes.append(NoticeOutcome(agreement, threshold, recipients, sent=True))
    return outcomes
