"""Actions on semester progress reports: enter, save, submit, return, accept, import; lock periods.

Every action is a keyword-only function that checks who may do it, runs in one transaction, calls
`full_clean()` before saving, and raises `ValidationError` (bad input, wrong state: a message for
the user) or `PermissionDenied` (the user may not do this at all). Saves are optimistic: the caller
names the `version` it started from, and a stale version raises `ReportConflict`.
"""
from __future__ import annotations

import datetime

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.models import NGO, Agreement, Province
from mrd_ngo.access import may_review
from mrd_ngo.khmer import semester_label
from mrd_ngo.roles import Role, user_province_id, user_role
from reports import rules, signals
from reports.choices import ReportStatus
from reports.content import CONTENT_FIELDS, ReportContent, ResultRow
from reports.narratives import set_languages
from reports.history import conflict_changes
from reports.models import IndicatorValue, PeriodLockChange, ProgressReport, ReportingPeriod

EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ReportConflict(ValidationError):
    """Someone else saved the report after the caller opened it; `changes` says what they changed."""

    def __init__(self, *, report: ProgressReport, changes):
        super().__init__(
            _("Someone else saved this report after you opened it. Your changes were not saved: check theirs below, "
              "then save again to keep yours."),
            code="conflict",
        )
        self.report = report
        self.changes = changes


# ---- Rules shared by the pages (to show or hide buttons) and the actions (to refuse) ----------


def province_scope(user) -> int | None:
    """The one province a provincial officer may enter results for; None for national roles."""
    return user_province_id(user) if user_role(user) == Role.PROVINCIAL_OFFICER else None


def agreement_in_force(*, ngo: NGO, period: ReportingPeriod, user) -> Agreement | None:
    """The agreement the NGO's report for the period is filed under (`rules.agreement_for_report`), if `user`
    may see it: the one a report is created under, and the one its template and import name.

    A provincial officer whose province that agreement does not cover gets None (they may not file the
    NGO's report, nor read the agreement's name), the same answer as when the NGO has no agreement.
    """
    agreement = rules.agreement_for_report(Agreement.objects.filter(ngo=ngo), start=period.start, end=period.end)
    if agreement is None or not Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists():
        return None
    return Agreement.objects.prefetch_related("provinces", "sectors").get(pk=agreement.pk)


def no_agreement_message(*, ngo: NGO, period: ReportingPeriod, user) -> str:
    """Why no report can be entered: no agreement in force that `user` may see (the same words whatever exists elsewhere),
    or, for a provincial officer, the NGO's report belongs to an agreement that does not cover their province."""
    scope = province_scope(user)
    if scope is not None:
        words = {"ngo": ngo.name, "province": Province.objects.get(pk=scope).name, "period": _period_label(period)}
        if report_filed_elsewhere(ngo=ngo, period=period, user=user):
            return _("%(ngo)s files its one report for %(period)s under its agreement in force at the end of the semester, "
                     "which does not cover %(province)s: you cannot enter it.") % words
        return _("%(ngo)s has no signed cooperation agreement covering %(province)s in force during %(period)s: "
                 "you cannot enter a report for it.") % words
    return _("%(ngo)s has no signed cooperation agreement in force during %(period)s: no report can be entered for it.") % {
        "ngo": ngo.name, "period": _period_label(period),
    }


def report_filed_elsewhere(*, ngo: NGO, period: ReportingPeriod, user) -> bool:
    """An agreement `user` may see was in force during the period, yet the NGO's report belongs to another
    (`rules.agreement_for_report`) that they may not see: a renewal in another province."""
    return (
        agreement_in_force(ngo=ngo, period=period, user=user) is None
        and Agreement.objects.visible_to(user).in_force_during(period.start, period.end).filter(ngo=ngo).exists()
    )


def visible_report_of(*, ngo: NGO, period: ReportingPeriod, user) -> ProgressReport | None:
    """The NGO's report for the period (there is one at most), if `user` may see it."""
    return ProgressReport.objects.visible_to(user).filter(ngo=ngo, period=period).select_related("period").first()


def one_report_message(*, ngo: NGO, period: ReportingPeriod) -> str:
    """Why a second report of an NGO for a semester is refused by the service (the form and the import go through it;
    the admin and `full_clean` give the constraint's message, `ProgressReport.Meta`, which says the same)."""
    return _("%(ngo)s already has a report for %(period)s: an NGO files one report per semester.") % {
        "ngo": ngo.name, "period": _period_label(period),
    }


def can_edit(user, report: ProgressReport) -> bool:
    """May `user` change the content of `report` now (role, status and period lock)?"""
    return (
        user.has_perm("reports.change_progressreport")
        and report.status in EDITABLE_STATUSES
        and not report.period.is_locked
    )


def can_submit(user, report: ProgressReport) -> bool:
    return (
        user.has_perm("reports.submit_progressreport")
        and report.status in EDITABLE_STATUSES
        and not report.period.is_locked
    )


def can_review(user, report: ProgressReport) -> bool:
    """May `user` return or accept `report` now (role, department, status and period lock)?"""
    return (
        user.has_perm("reports.review_progressreport")
        and may_review(user, report.agreement.department_id)
        and report.status == ReportStatus.SUBMITTED
        and not report.period.is_locked
    )


def row_problems(row: ResultRow) -> dict[str, str]:
    """What is wrong with one result, by field name ('' for the whole row); empty when it is fine."""
    problems = {}
    if row.value < 0:
        problems["value"] = _("A result cannot be negative.")
    if row.female_value is not None:
        if not row.indicator.disaggregated_by_sex:
            problems["female_value"] = _("This indicator is not counted by sex: leave “of which female” empty.")
        elif row.female_value < 0:
            problems["female_value"] = _("A result cannot be negative.")
        elif row.female_value > row.value:
            problems["female_value"] = _("“Of which female” (%(female)s) cannot be more than the total (%(total)s).") % {
                "female": row.female_value, "total": row.value,
            }
    if row.village and row.village.province_id != row.province.pk:
        problems["village"] = _("This village is in %(village_province)s, not in %(province)s.") % {
            "village_province": row.village.province.name, "province": row.province.name,
        }
    return problems


def scope_warnings(agreement: Agreement, rows) -> list[str]:
    """Results outside the agreement's provinces or sectors: accepted, but the reviewer should know."""
    provinces = {p.pk for p in agreement.provinces.all()}
    sectors = {s.pk for s in agreement.sectors.all()}
    warnings, seen = [], set()
    for row in rows:
        if row.province.pk not in provinces and ("p", row.province.pk) not in seen:
            seen.add(("p", row.province.pk))
            warnings.append(_("%(province)s is not one of the provinces of agreement %(agreement)s.") % {
                "province": row.province.name, "agreement": agreement.reference_number,
            })
        sector = row.indicator.sector
        if sector.pk not in sectors and ("s", sector.pk) not in seen:
            seen.add(("s", sector.pk))
            warnings.append(_("The sector “%(sector)s” is not one of the sectors of agreement %(agreement)s.") % {
                "sector": sector.name, "agreement": agreement.reference_number,
            })
    return warnings


# ---- Internal checks -------------------------------------------------------------------------


def _require_perm(user, perm: str, message: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(message)


def _check_period_open(period: ReportingPeriod) -> None:
    if period.is_locked:
        raise ValidationError(
            _("%(period)s is locked: its reports are read-only. An administrator can unlock it.")
            % {"period": _period_label(period)},
            code="locked",
        )


def _period_label(period: ReportingPeriod) -> str:
    return semester_label(period.year, period.half, get_language())


def _lock_report(user, report: ProgressReport) -> ProgressReport:
    """The report row, locked until the transaction ends, if `user` may see it at all."""
    current = (
        ProgressReport.objects.visible_to(user).select_for_update(of=("self",))
        .select_related("period", "agreement").filter(pk=report.pk).first()
    )
    if current is None:
        raise PermissionDenied(_("You may not change this report."))
    return current


def _lock_report_to_review(user, report: ProgressReport) -> ProgressReport:
    """The report row, locked, if `user` may review it: a department head only their department's reports."""
    current = _lock_report(user, report)
    if not ProgressReport.objects.reviewable_by(user).filter(pk=current.pk).exists():
        raise PermissionDenied(_("Only the department that follows this report's agreement, or an administrator, "
                                 "may return or accept it."))
    return current


def _check_version(current: ProgressReport, version: int | None) -> None:
    """Workflow actions name the version the reviewer read; refuse if it changed since."""
    if version is not None and version != current.version:
        raise ValidationError(
            _("This report was changed after you opened it. Reload the page, check it again, then repeat your action."),
            code="stale",
        )


def _check_editable(current: ProgressReport) -> None:
    _check_period_open(current.period)
    if current.status not in EDITABLE_STATUSES:
        if current.status == ReportStatus.ACCEPTED:
            message = _("This report is accepted: it is read-only.")
        else:
            message = _("This report is submitted and waits for review: it can be changed only once a reviewer returns it.")
        raise ValidationError(message, code="read_only")


def _check_rows(rows: list[ResultRow], scope: int | None) -> None:
    errors, seen = [], set()
    for row in rows:
        if scope is not None and row.province.pk != scope:
            errors.append(_("You may only enter results for your own province, not for %(province)s.")
                          % {"province": row.province.name})
        errors.extend(row_problems(row).values())
        if row.key in seen:
            errors.append(_("%(indicator)s in %(province)s is entered twice.")
                          % {"indicator": row.indicator.name, "province": row.province.name})
        seen.add(row.key)
    if errors:
        raise ValidationError(errors)


def _current_rows(report: ProgressReport, scope: int | None):
    """The saved results a save may replace (only `scope`'s province for a provincial officer)."""
    existing = IndicatorValue.objects.filter(report=report)
    return existing.filter(province_id=scope) if scope is not None else existing


def _rows_differ(report: ProgressReport, rows: list[ResultRow], scope: int | None) -> bool:
    before = {(v.indicator_id, v.province_id, v.village_id): (v.value, v.female_value) for v in _current_rows(report, scope)}
    return before != {row.key: (row.value, row.female_value) for row in rows}


def _replace_rows(report: ProgressReport, rows: list[ResultRow], scope: int | None) -> None:
    """Replace the report's results in the user's scope by `rows`."""
    _current_rows(report, scope).delete()
    values = [
        IndicatorValue(
            report=report, indicator=row.indicator, province=row.province, village=row.village,
            value=row.value, female_value=row.female_value,
        )
        for row in rows
    ]
    # `_check_rows` has checked these rows' rules with the user's messages (non-negative, female within
    # the total, the village's province, no row twice) and their foreign keys are rows just read: only
    # the fields' own checks are left to run here, not one query per key and constraint per row (a
    # spreadsheet of hundreds of results). The database's constraints stay the last line.
    for value in values:
        value.full_clean(exclude=["report", "indicator", "province", "village"], validate_constraints=False)
    IndicatorValue.objects.bulk_create(values)


def _apply_content(report: ProgressReport, content: ReportContent) -> None:
    unknown = set(content.fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not report content: {sorted(unknown)}")
    set_languages(report, content.fields)  # each narrative's language, detected on entry (reports/narratives.py)
    for name, value in content.fields.items():
        setattr(report, name, value)


# ---- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, user, ngo: NGO, period: ReportingPeriod, content: ReportContent,
                  source: str = "") -> ProgressReport:
    """Create the draft report of `ngo` for `period` under its agreement in force."""
    _require_perm(user, "reports.add_progressreport", _("You may not enter reports."))
    if not NGO.objects.visible_to(user).filter(pk=ngo.pk).exists():
        raise PermissionDenied(_("You may not enter reports for this NGO."))
    _check_period_open(period)
    # Filed under an agreement the user may see, never under one of another province.
    agreement = agreement_in_force(ngo=ngo, period=period, user=user)
    if agreement is None:
        raise ValidationError(no_agreement_message(ngo=ngo, period=period, user=user), code="no_agreement")
    if ProgressReport.objects.filter(ngo=ngo, period=period).exists():
        raise ValidationError(one_report_message(ngo=ngo, period=period), code="exists")
    scope = province_scope(user)
    _check_rows(content.rows, scope)
    report = ProgressReport(ngo=ngo, agreement=agreement, period=period, created_by=user)
    _apply_content(report, content)
    report.full_clean()
    with pghistory.context(user=user.pk, source=source or "form", results_changed=bool(content.rows)):
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # Someone created it between our check and our insert.
            raise ValidationError(one_report_message(ngo=ngo, period=period), code="exists") from None
        _replace_rows(report, content.rows, scope)
    return report


@transaction.atomic
def report_update(*, user, report: ProgressReport, version: int, content: ReportContent,
                  source: str = "") -> ProgressReport:
    """Save new content over a draft or returned report, if nobody saved it since `version`."""
    _require_perm(user, "reports.change_progressreport", _("You may not change reports."))
    current = _lock_report(user, report)
    _check_editable(current)
    scope = province_scope(user)
    if current.version != version:
        raise ReportConflict(report=current, changes=conflict_changes(current, version, content, scope))
    _check_rows(content.rows, scope)
    _apply_content(current, content)
    current.version += 1
    current.full_clean()
    # Results are not tracked row by row; the report's history event says whether they changed.
    results_changed = _rows_differ(current, content.rows, scope)
    with pghistory.context(user=user.pk, source=source or "form", results_changed=results_changed):
        current.save()
        if results_changed:
            _replace_rows(current, content.rows, scope)
    return current


def report_save(*, user, ngo: NGO, period: ReportingPeriod, content: ReportContent, version: int | None,
                source: str = "") -> ProgressReport:
    """Create the NGO's report for the period, or update it when it exists (`version` required then)."""
    existing = visible_report_of(ngo=ngo, period=period, user=user)
    if existing is None:
        if version is not None:
            raise ValidationError(_("The report you started from no longer exists."), code="gone")
        return report_create(user=user, ngo=ngo, period=period, content=content, source=source)
    if version is None:
        raise ValidationError(
            _("A report of %(ngo)s for %(period)s was entered meanwhile. Check it, then import again.")
            % {"ngo": ngo.name, "period": _period_label(period)},
            code="exists",
        )
    return report_update(user=user, report=existing, version=version, content=content, source=source)


@transaction.atomic
def report_submit(*, user, report: ProgressReport, version: int | None = None,
                  at: datetime.datetime | None = None) -> ProgressReport:
    """Send a draft (or a returned report, once fixed) to the reviewers.

    `at` is when it happened, now unless given: only the demo loader passes it, to record the past
    through the same checks (no page or import does).
    """
    _require_perm(user, "reports.submit_progressreport", _("You may not submit reports."))
    current = _lock_report(user, report)
    _check_version(current, version)
    _check_period_open(current.period)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Only a draft or a returned report can be submitted; this one is “%(status)s”.")
            % {"status": current.get_status_display()},
            code="wrong_status",
        )
    if not current.values.exists():
        raise ValidationError(_("Enter at least one indicator result before submitting the report."), code="empty")
    # Punctuality is judged on the first submission: a report the ministry returned for
    # corrections does not become late because it is resubmitted after the due date.
    if current.submitted_at is None:
        current.submitted_at = at or timezone.now()
        current.submitted_by = user
    current.status = ReportStatus.SUBMITTED
    current.version += 1
    current.full_clean()
    with pghistory.context(user=user.pk):
        current.save()
    signals.report_submitted.send(sender=ProgressReport, report=current, by=user)
    return current


@transaction.atomic
def report_return(*, user, report: ProgressReport, comment: str, version: int | None = None,
                  at: datetime.datetime | None = None) -> ProgressReport:
    """Send a submitted report back to the officers, saying what to fix (`at`: as in `report_submit`)."""
    _require_perm(user, "reports.review_progressreport", _("You may not review reports."))
    current = _lock_report_to_review(user, report)
    _check_version(current, version)
    _check_period_open(current.period)
    if current.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be returned; this one is “%(status)s”.") % {"status": current.get_status_display()},
            code="wrong_status",
        )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must be corrected: a comment is required to return a report.")})
    current.status = ReportStatus.RETURNED
    current.review_comment = comment
    current.returned_at = at or timezone.now()
    current.returned_by = user
    current.version += 1
    current.full_clean()
    with pghistory.context(user=user.pk):
        current.save()
    signals.report_returned.send(sender=ProgressReport, report=current, by=user)
    return current


@transaction.atomic
def report_accept(*, user, report: ProgressReport, version: int | None = None,
                  at: datetime.datetime | None = None) -> ProgressReport:
    """Accept a submitted report: it becomes read-only and feeds the semester summary (`at`: as in `report_submit`)."""
    _require_perm(user, "reports.review_progressreport", _("You may not review reports."))
    current = _lock_report_to_review(user, report)
    _check_version(current, version)
    _check_period_open(current.period)
    if current.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be accepted; this one is “%(status)s”.") % {"status": current.get_status_display()},
            code="wrong_status",
        )
    current.status = ReportStatus.ACCEPTED
    current.accepted_at = at or timezone.now()
    current.accepted_by = user
    current.version += 1
    current.full_clean()
    with pghistory.context(user=user.pk):
        current.save()
    signals.report_accepted.send(sender=ProgressReport, report=current, by=user)
    return current


@transaction.atomic
def period_set_locked(*, user, period: ReportingPeriod, locked: bool, reason: str) -> ReportingPeriod:
    """Lock a period (its reports become read-only) or unlock it again, saying why; administrators only.

    Each change is recorded (`PeriodLockChange`: who, when, why) in the same transaction.
    """
    _require_perm(user, "reports.lock_reportingperiod", _("Only an administrator can lock or unlock a period."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: a reason is required to lock or unlock a semester.")})
    current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if current.is_locked == locked:
        raise ValidationError(
            _("This semester is already locked.") if locked else _("This semester is already unlocked."), code="unchanged",
        )
    current.is_locked = locked
    current.full_clean()
    current.save(update_fields=["is_locked"])
    change = PeriodLockChange(period=current, locked=locked, reason=reason, changed_by=user)
    change.full_clean()
    change.save()
    return current


def submitted_on(report: ProgressReport) -> datetime.date | None:
    """The Phnom Penh date of the (first) submission."""
    return timezone.localdate(report.submitted_at) if report.submitted_at else None

