"""The reporting rules every page, list filter, export, document and command uses: written here once.

- One report per NGO and semester (the database's `report_one_per_ngo_period`): an NGO holds one
  cooperation agreement at a time, so its semester report covers everything it did with the ministry.
  Around a renewal inside a semester the report is filed under `agreement_for_report`: the agreement in
  force at the semester's end, else the last one in force during it.
- Expected: an NGO is expected to report for a semester when one of its signed agreements is in force
  during it (`agreements.rules.in_force_during`).
- Received: a report once submitted: submitted, returned or accepted (a draft is not received).
- Accepted: a report a reviewer accepted; only accepted reports feed the figures of the summary.
- On time: received, and first submitted on or before the semester's due date as a Phnom Penh date
  (a report returned for corrections and resubmitted later stays on time). Late: received, not on time.
- Current semester: the latest recorded semester that has ended (its reports are coming in and the
  meeting discusses it); before any has ended, the earliest recorded one.
- Where: a result is recorded in one of the provinces of its report's agreement (the MoU says where the
  NGO works), never elsewhere: a provincial officer sees a report when its agreement covers their
  province, so a result elsewhere would count in the national by-province table but not on that
  province's own page. The form, the spreadsheet import and the API refuse it (`reports.services.province_problem`);
  rows stored before the rule are named by `manage.py check --database default` (`reports.checks`).
- Reached: a province (a village) is reached in a semester when an accepted report of that semester
  records a result above zero there. Provinces, villages and NGOs reached are counted as distinct
  places and organisations; a village is identified only when a result names it.
"""
from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from reports.choices import ReportStatus

#: Received by the ministry; a draft is still being written and does not count.
RECEIVED_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED})


def is_received(status: str) -> bool:
    """Has a report in this status been received (submitted, returned or accepted)?"""
    return status in RECEIVED_STATUSES


def is_accepted(status: str) -> bool:
    """Is a report in this status accepted (its figures count in the summary)?"""
    return status == ReportStatus.ACCEPTED


def received(prefix: str = "") -> Q:
    """Reports received (`prefix`: the path to the report, e.g. `report__`)."""
    return Q(**{f"{prefix}status__in": sorted(RECEIVED_STATUSES)})


def accepted(prefix: str = "") -> Q:
    """Accepted reports (`prefix`: the path to the report, e.g. `report__`)."""
    return Q(**{f"{prefix}status": ReportStatus.ACCEPTED})


def submission_deadline(due_date: datetime.date) -> datetime.datetime:
    """The first moment a submission is late: midnight (Phnom Penh) at the end of the due date."""
    return timezone.make_aware(datetime.datetime.combine(due_date + datetime.timedelta(days=1), datetime.time()))


def is_on_time(status: str, submitted_at: datetime.datetime | None, due_date: datetime.date) -> bool:
    """Received, and first submitted on or before `due_date` (Phnom Penh date)."""
    return is_received(status) and submitted_at is not None and submitted_at < submission_deadline(due_date)


def is_late(status: str, submitted_at: datetime.datetime | None, due_date: datetime.date) -> bool:
    """Received, and first submitted after `due_date` (Phnom Penh date)."""
    return is_received(status) and not is_on_time(status, submitted_at, due_date)


def on_time() -> Q:
    """Reports received on time: `is_on_time` in SQL (`__date` is the Phnom Penh date, the active time zone)."""
    return received() & Q(submitted_at__date__lte=F("period__due_date"))


def late() -> Q:
    """Reports received late: `is_late` in SQL."""
    return received() & Q(submitted_at__date__gt=F("period__due_date"))


def agreement_for_report(agreements, *, start: datetime.date, end: datetime.date):
    """The agreement a semester's report is filed under, among `agreements` (one NGO's).

    The agreement in force at the semester's end, else the last one in force during it: one NGO's
    agreements never overlap, so that is the one in force during the semester that started last.
    None when none is in force during the semester.
    """
    return agreements.in_force_during(start, end).order_by("-valid_from").first()


def current_period(today: datetime.date | None = None):
    """The current semester: the latest recorded one that has ended by `today`, else the earliest recorded.

    Used by the dashboard, the reports list, the completeness and summary shortcuts.
    """
    from reports.models import ReportingPeriod  # the models use these rules

    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.order_by("-year", "-half"))
    return next((p for p in periods if p.end < today), None) or (periods[-1] if periods else None)


def reached() -> Q:
    """Results that reach their place: above zero, in an accepted report (on IndicatorValue)."""
    return accepted("report__") & Q(value__gt=0)


def reaches(value) -> bool:
    """Does an accepted report's result of `value` reach its place (above zero)?"""
    return value > 0


#: Indicators that count villages ("Model villages supported"): their totals count each model village
#: once, however many NGOs supported it and whatever number they typed; a result that names no village
#: cannot be told apart from another and is not counted. So they never exceed the model villages recorded.
VILLAGE_COUNT_INDICATORS = frozenset({"model-villages"})


def in_agreement_provinces(province_id: int, agreement_province_ids) -> bool:
    """May a result in `province_id` be recorded under an agreement covering `agreement_province_ids`?"""
    return province_id in agreement_province_ids


def outside_agreement_provinces() -> Q:
    """Results in a province their report's agreement does not cover (on IndicatorValue): `in_agreement_provinces` in SQL."""
    from agreements.models import Agreement  # imported when used, as `current_period` does

    covered = Agreement.provinces.through.objects.filter(
        agreement_id=OuterRef("report__agreement_id"), province_id=OuterRef("province_id"),
    )
    return ~Exists(covered)
