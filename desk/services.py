"""Actions of the management pages: semesters, staff accounts, model villages and coverage rates.

Keyword-only, one transaction each, `full_clean()` before saving; bad input raises `ValidationError`
keyed by field (the form shows it next to the field) and writes nothing. Locking a semester is the
reports app's own action (`reports.services.period_set_locked`, with its recorded reason).
"""
from __future__ import annotations

import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.models import CoverageRate, Department, Province, StaffProfile
from desk.notifications import send_invitation
from mrd_ngo.roles import Role, user_role
from reports.models import ReportingPeriod
from reports.semesters import semester_bounds


def _require_admin(user) -> None:
    if user_role(user) != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Only an administrator can do this."))


# ---- Semesters -------------------------------------------------------------------------------


def _check_due_date(year: int, half: int, due_date: datetime.date) -> None:
    end = semester_bounds(year, half)[1]
    if due_date <= end:
        raise ValidationError({"due_date": _("The due date must be after the semester's last day (%(end)s).")
                               % {"end": end.isoformat()}})


@transaction.atomic
def semester_create(*, user, year: int, half: int, due_date: datetime.date) -> ReportingPeriod:
    """Open a new semester for reporting."""
    _require_admin(user)
    if ReportingPeriod.objects.filter(year=year, half=half).exists():
        raise ValidationError({"half": _("This semester already exists.")})
    _check_due_date(year, half, due_date)
    period = ReportingPeriod(year=year, half=half, due_date=due_date)
    period.full_clean()
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:  # created by someone else between the check and the insert
        raise ValidationError({"half": _("This semester already exists.")}) from None
    return period


@transaction.atomic
def semester_set_due_date(*, user, period: ReportingPeriod, due_date: datetime.date) -> ReportingPeriod:
    """Move a semester's due date (which decides who reported on time)."""
    _require_admin(user)
    current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _check_due_date(current.year, current.half, due_date)
    current.due_date = due_date
    current.full_clean()
    current.save(update_fields=["due_date"])
    return current


# ---- Staff accounts --------------------------------------------------------------------------


def _check_placement(role: Role, department: Department | None, province: Province | None) -> dict[str, str]:
    """What is wrong with a role, department and province together, by field."""
    problems = {}
    if role == Role.PROVINCIAL_OFFICER and province is None:
        problems["province"] = _("A provincial officer works for one province: choose it.")
    if role == Role.DEPARTMENT_HEAD and department is None:
        problems["department"] = _("A department head reviews the reports of their department: choose it.")
    if department is not None and department.province_id is not None and province is not None \
            and department.province_id != province.pk:
        problems["department"] = _("This provincial department is in %(province)s, not in the province chosen.") % {
            "province": department.province.name}
    if role != Role.PROVINCIAL_OFFICER and province is not None:
        problems["province"] = _("Only a provincial officer is tied to a province: leave it empty for this role.")
    return problems


def _place(user, *, role: Role, department: Department | None, province: Province | None) -> None:
    """Give `user` exactly this role (group), department and province."""
    user.groups.set([Group.objects.get(name=role.value)])
    StaffProfile.objects.update_or_create(user=user, defaults={"department": department, "province": province})


@transaction.atomic
def user_invite(*, by, username: str, first_name: str, last_name: str, email: str, role: Role,
                department: Department | None, province: Province | None):
    """Create a staff account without a password; they choose one through the link e-mailed to them."""
    _require_admin(by)
    User = get_user_model()
    problems = _check_placement(role, department, province)
    if User.objects.filter(username__iexact=username).exists():
        problems["username"] = _("A user with this name already exists.")
    if email and User.objects.filter(email__iexact=email).exists():
        problems["email"] = _("Another user already has this e-mail address.")
    if problems:
        raise ValidationError(problems)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email,
                is_staff=role == Role.ADMINISTRATOR)
    user.set_unusable_password()
    user.full_clean()
    with pghistory.context(user=by.pk):
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError({"username": _("A user with this name already exists.")}) from None
        _place(user, role=role, department=department, province=province)
    send_invitation(user=user)
    return user


@transaction.atomic
def user_update(*, by, user, first_name: str, last_name: str, email: str, role: Role,
                department: Department | None, province: Province | None, is_active: bool):
    """Change a staff account's name, e-mail, role, department, province, or deactivate it."""
    _require_admin(by)
    User = get_user_model()
    problems = _check_placement(role, department, province)
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        problems["email"] = _("Another user already has this e-mail address.")
    if user.pk == by.pk and not is_active:
        problems["is_active"] = _("You cannot deactivate your own account.")
    if user.pk == by.pk and role != Role.ADMINISTRATOR:
        problems["role"] = _("You cannot take away your own administrator role: ask another administrator.")
    if problems:
        raise ValidationError(problems)
    current = User.objects.select_for_update().get(pk=user.pk)
    current.first_name, current.last_name, current.email = first_name, last_name, email
    current.is_active = is_active
    current.is_staff = role == Role.ADMINISTRATOR
    current.full_clean()
    with pghistory.context(user=by.pk):
        current.save()
        _place(current, role=role, department=department, province=province)
    return current


# ---- Villages and coverage rates -------------------------------------------------------------


@transaction.atomic
def village_set_model(*, by, village, is_model_village: bool):
    """Mark or unmark a model village; the change is recorded with `by` in the village's history (pghistory)."""
    _require_admin(by)
    if village.is_model_village == is_model_village:
        return village
    village.is_model_village = is_model_village
    with pghistory.context(user=by.pk):
        village.save(update_fields=["is_model_village"])
    return village


@transaction.atomic
def coverage_rate_save(*, by, rate, province: Province, year: int, water_supply_pct, sanitation_pct,
                       is_demonstration: bool, source: str):
    """Create or correct a province's coverage rates for a year (one row per province and year)."""
    _require_admin(by)
    if CoverageRate.objects.filter(province=province, year=year).exclude(pk=rate.pk).exists():
        raise ValidationError({"year": _("This province already has coverage rates for this year.")})
    rate.province, rate.year = province, year
    rate.water_supply_pct, rate.sanitation_pct = water_supply_pct, sanitation_pct
    rate.is_demonstration, rate.source = is_demonstration, source
    rate.full_clean(validate_unique=False)
    try:
        with transaction.atomic(), pghistory.context(user=by.pk):
            rate.save()
    except IntegrityError:  # entered by someone else between the check and the write
        raise ValidationError({"year": _("This province already has coverage rates for this year.")}) from None
    return rate
