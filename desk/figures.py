"""What each role's home page counts, and the filtered list behind each number.

Every figure is a `Figure`: its count comes from the same queryset method (or completeness rule) the
list behind it uses, and its `url` opens that list with the filters that show exactly those rows
(tests/desk/test_home.py follows every link and compares). No rule is written here: reports waiting
for review are `reviewable_by` (mrd_ngo/access.py), agreements expiring are `with_status`, expired
without a successor the expiring board's group, missing reports `period_completeness`.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementStatus
from agreements.models import Agreement
from mrd_ngo import versions
from mrd_ngo.roles import NATIONAL_ROLES, Role, user_department_id, user_province_id, user_role
from reports import rules
from reports.choices import ReportStatus
from reports.completeness import Completeness, period_completeness
from reports.maps import ProvinceMap, province_map
from reports.meetings import owned_open_recommendations
from reports.models import ProgressReport, ReportingPeriod
from reports.summary_cache import summary_for

# How many rows of each list a home page shows before "see all" (the figure links to the whole list).
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Figure:
    """One number on a home page and the list behind it."""

    key: str
    label: str
    count: int
    url: str
    tone: str = "plain"  # plain, attention (something to do), late


@dataclass
class Home:
    """Everything one person's home page shows."""

    role: Role | None
    today: datetime.date
    period: ReportingPeriod | None = None
    days_left: int | None = None  # to the current semester's due date (negative: overdue)
    missing_count: int = 0  # NGOs that have not reported for the current semester
    figures: list[Figure] = field(default_factory=list)
    returned: list[ProgressReport] = field(default_factory=list)  # with the reviewer's comment
    waiting: list[ProgressReport] = field(default_factory=list)  # for the user's review
    expiring: list[Agreement] = field(default_factory=list)  # the user's department's
    completeness: Completeness | None = None  # of the current semester, when counted
    province_map: ProvinceMap | None = None  # national roles: reports received by province (reports/maps.py)
    recommendations: list = field(default_factory=list)  # open meeting recommendations the head's department owns


def _url(name: str, *args, query: dict | None = None, anchor: str = "") -> str:
    url = reverse(name, args=args)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _reports(user):
    return ProgressReport.objects.visible_to(user).select_related("ngo", "period", "agreement")


def home_for(user, today: datetime.date | None = None) -> Home:
    """The home page of `user`, according to their role.

    Kept per person, role, province, department, day and language until the data version moves
    (mrd_ngo/versions.py): people come back to it between every task; the data changes far less often.
    """
    today = today or timezone.localdate()
    role = user_role(user)
    if role is None:
        return Home(role=role, today=today)
    key = ("home", user.pk, role, user_province_id(user), user_department_id(user), today, get_language())
    return versions.remember(key, lambda: _home(user, role, today))


def _home(user, role: Role, today: datetime.date) -> Home:
    home = Home(role=role, today=today)
    home.period = rules.current_period(today)
    if home.period is not None:
        home.days_left = (home.period.due_date - today).days
    if role in (Role.DATA_ENTRY_OFFICER, Role.PROVINCIAL_OFFICER):
        _own_work(home, user)
    if role == Role.PROVINCIAL_OFFICER:
        _province(home, user)
    if role in (Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR):
        _review(home, user)
    if role == Role.DEPARTMENT_HEAD:
        _department_expiring(home, user)
        home.recommendations = list(owned_open_recommendations(user))
    if role == Role.ADMINISTRATOR:
        _administration(home, user)
    if role in (Role.DATA_ENTRY_OFFICER, Role.ADMINISTRATOR):
        _missing(home, user)
    if role in NATIONAL_ROLES:
        _province_map(home, user)
    return home


def _own_work(home: Home, user) -> None:
    """A data-entry (or provincial) officer's drafts and returned reports, and the due date."""
    mine = _reports(user).entered_by(user)
    drafts = mine.filter(status=ReportStatus.DRAFT)
    returned = mine.filter(status=ReportStatus.RETURNED).order_by("-returned_at")
    home.figures.append(Figure(
        "drafts", _("Your drafts"), drafts.count(),
        _url("reports:list", query={"status": ReportStatus.DRAFT, "mine": "true"}),
    ))
    count = returned.count()
    home.figures.append(Figure(
        "returned", _("Returned to you for correction"), count,
        _url("reports:list", query={"status": ReportStatus.RETURNED, "mine": "true"}), "attention" if count else "plain",
    ))
    home.returned = list(returned.select_related("returned_by")[:SHOWN_ROWS])


def _review(home: Home, user) -> None:
    """Reports waiting for this reviewer: their department's (a head), every one (an administrator)."""
    waiting = (
        ProgressReport.objects.reviewable_by(user).filter(status=ReportStatus.SUBMITTED)
        .select_related("ngo", "period", "agreement").order_by("submitted_at", "pk")
    )
    query = {"status": ReportStatus.SUBMITTED}
    if (department_id := user_department_id(user)) is not None and user_role(user) == Role.DEPARTMENT_HEAD:
        query["department"] = department_id
    count = waiting.count()
    home.figures.append(Figure("waiting", _("Reports waiting for your review"), count,
                               _url("reports:list", query=query), "attention" if count else "plain"))
    home.waiting = list(waiting[:SHOWN_ROWS])


def _department_expiring(home: Home, user) -> None:
    """The agreements the head's department follows that are expiring (the configured window)."""
    department_id = user_department_id(user)
    if department_id is None:
        return
    expiring = (
        Agreement.objects.visible_to(user).with_status(home.today)
        .filter(status=AgreementStatus.EXPIRING, department_id=department_id).select_related("ngo").order_by("valid_to")
    )
    count = expiring.count()
    home.figures.append(Figure(
        "expiring", _("Agreements of your department expiring soon"), count,
        _url("agreements:agreement_list", query={"status": AgreementStatus.EXPIRING, "department": department_id}),
        "attention" if count else "plain",
    ))
    home.expiring = list(expiring[:SHOWN_ROWS])


def _administration(home: Home, user) -> None:
    """Open flags, agreements expired without successor, semesters to lock."""
    visible = Agreement.objects.visible_to(user)
    flags = visible.flagged().count()
    home.figures.append(Figure("flags", _("Open flags"), flags,
                               _url("agreements:agreement_list", query={"flagged": "true"}), "attention" if flags else "plain"))
    expired = visible.on_expiring_board("expired", home.today, successors=visible).count()
    home.figures.append(Figure("expired", _("Agreements expired without a successor"), expired,
                               _url("agreements:expiring_board", anchor="board-expired"), "late" if expired else "plain"))
    to_lock = ReportingPeriod.objects.to_lock(home.today).count()
    home.figures.append(Figure("to_lock", _("Semesters to lock"), to_lock,
                               _url("desk:semesters", query={"to_lock": "true"}), "attention" if to_lock else "plain"))


def _missing(home: Home, user) -> None:
    """NGOs that have not reported for the current semester (the completeness rule)."""
    if home.period is None:
        return
    completeness = home.completeness = period_completeness(home.period, user)
    home.missing_count = completeness.total.missing
    home.figures.append(Figure(
        "missing", _("NGOs that have not reported"), completeness.total.missing,
        _url("reports:completeness", home.period.code, anchor="missing-title"),
        "late" if completeness.total.missing and home.days_left is not None and home.days_left < 0 else "plain",
    ))


def _province(home: Home, user) -> None:
    """A provincial officer's province: completeness of the current semester, agreements by status."""
    if home.period is not None:
        total = period_completeness(home.period, user).total
        home.missing_count = total.missing
        completeness_url = _url("reports:completeness", home.period.code)
        home.figures += [
            Figure("expected", _("Reports expected from your province"), total.expected, completeness_url),
            Figure("received", _("Reports received"), total.received, completeness_url + "#received-title"),
            Figure("missing", _("NGOs that have not reported"), total.missing, completeness_url + "#missing-title",
                   "late" if total.missing and home.days_left is not None and home.days_left < 0 else "plain"),
        ]
    by_status = Agreement.objects.visible_to(user).with_status(home.today)
    for status, label in ((AgreementStatus.ACTIVE, _("Agreements in force")),
                          (AgreementStatus.EXPIRING, _("Agreements expiring soon")),
                          (AgreementStatus.EXPIRED, _("Agreements expired"))):
        home.figures.append(Figure(
            f"agreements_{status.value}", label, by_status.filter(status=status).count(),
            _url("agreements:agreement_list", query={"status": status}),
        ))


def _province_map(home: Home, user) -> None:
    """The map of the provinces coloured by reports received this semester; its other figures on the summary page."""
    if home.period is None:
        return
    completeness = home.completeness or period_completeness(home.period, user)
    summary = summary_for(home.period, user=user)  # the summary page's (kept until its data changes)
    home.province_map = province_map(
        summary, "received", completeness=completeness, choice_url=reverse("reports:summary", args=[home.period.code]),
    )
