"""Views of the daily-work app: each role's home page, and the management pages (semesters, staff,
model villages, coverage rates).

The home page replaces the old dashboard (mrd_ngo/views.py). Management pages are for
administrators (Django permissions, refused with 403 like every other action a role may not take);
their rules are in desk/services.py and reports/services.py.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agreements.models import CoverageRate, Department, Province, Village
from desk import reminders, services
from desk.calendar import calendar_text
from desk.figures import home_for
from desk.forms import (
    CoverageRateFilter, CoverageRateForm, DueDateForm, EmailChoicesForm, LockForm, ModelVillageForm, SemesterCreateForm,
    SemesterFilter, StaffForm, UserFilter, VillageFilter,
)
from desk.models import CalendarFeed, EmailChoice, Notification, NotificationKind, new_feed_key
from desk.tables import CoverageRateTable, SemesterTable, UserTable, VillageTable, account_role, code_digits
from mrd_ngo.history import event_user_id, users_by_id
from mrd_ngo.khmer import format_number
from mrd_ngo.paging import page_of
from mrd_ngo.roles import user_department_id, user_province_id, user_role
from mrd_ngo.spreadsheets import FilteredExportMixin
from reports import services as report_services
from reports.models import ReportingPeriod


def _show_errors(form, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def home(request):
    """What needs the user today, by role; every number links to the list behind it."""
    home = home_for(request.user)
    department_id, province_id = user_department_id(request.user), user_province_id(request.user)
    return render(request, "desk/home.html", {
        "home": home,
        "department": Department.objects.filter(pk=department_id).first() if department_id else None,
        "province": Province.objects.filter(pk=province_id).first() if province_id else None,
        "can_remind": request.user.has_perm("desk.add_ngoreminder"),
    })


# ---- Semesters -------------------------------------------------------------------------------


class SemesterListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """Every semester, with its due date and lock; `?to_lock=true` those to lock now."""
    permission_required = "reports.change_reportingperiod"
    export_basename = "semesters"
    table_class = SemesterTable
    filterset_class = SemesterFilter
    template_name = "desk/semester_list.html"
    table_pagination = {"per_page": 50}
    queryset = ReportingPeriod.objects.all()


@login_required
@permission_required("reports.add_reportingperiod", raise_exception=True)
def semester_create(request):
    form = SemesterCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.semester_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The semester is open for reporting."))
            return redirect("desk:semester_edit", period=period.code)
    return render(request, "desk/semester_create.html", {"form": form}, status=400 if form.errors else 200)


def _semester_page(request, period, *, due_form=None, lock_form=None, status=200):
    return render(request, "desk/semester_edit.html", {
        "period": period,
        "due_form": due_form or DueDateForm(initial={"due_date": period.due_date}, prefix="due"),
        "lock_form": lock_form or LockForm(prefix="lock"),
        "changes": period.lock_changes.select_related("changed_by"),
    }, status=status)


@login_required
@permission_required("reports.change_reportingperiod", raise_exception=True)
def semester_edit(request, period):
    """A semester: its due date, its lock and the record of who locked or unlocked it, and why."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    if request.method != "POST":
        return _semester_page(request, period)
    form = DueDateForm(request.POST, prefix="due")
    if form.is_valid():
        try:
            services.semester_set_due_date(user=request.user, period=period, due_date=form.cleaned_data["due_date"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The due date is changed."))
            return redirect("desk:semester_edit", period=period.code)
    return _semester_page(request, period, due_form=form, status=400)


@login_required
@permission_required("reports.lock_reportingperiod", raise_exception=True)
def semester_lock(request, period):
    """Lock or unlock (the opposite of what it is), with the reason recorded."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    if request.method != "POST":
        return redirect("desk:semester_edit", period=period.code)
    form = LockForm(request.POST, prefix="lock")
    if form.is_valid():
        try:
            period = report_services.period_set_locked(user=request.user, period=period, locked=not period.is_locked,
                                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The semester is locked: its reports are now read-only.") if period.is_locked
                             else _("The semester is unlocked: reports can be entered and reviewed again."))
            return redirect("desk:semester_edit", period=period.code)
    return _semester_page(request, period, lock_form=form, status=400)


# ---- Staff accounts --------------------------------------------------------------------------


class UserListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """Every staff account with its role, department and province (administrators only)."""
    permission_required = "auth.change_user"
    export_basename = "users"
    table_class = UserTable
    filterset_class = UserFilter
    template_name = "desk/user_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return (get_user_model().objects.select_related("staff_profile__department", "staff_profile__province")
                .prefetch_related("groups"))


@login_required
@permission_required("auth.add_user", raise_exception=True)
def user_create(request):
    """Invite a colleague: the account is created without a password, and they get a link to choose one."""
    form = StaffForm(request.POST or None, inviting=True)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The account is created; the invitation is sent to %(email)s.")
                             % {"email": user.email})
            return redirect("desk:users")
    return render(request, "desk/user_form.html", {"form": form, "inviting": True}, status=400 if form.errors else 200)


@login_required
@permission_required("auth.change_user", raise_exception=True)
def user_edit(request, pk):
    account = get_object_or_404(get_user_model().objects.select_related("staff_profile"), pk=pk)
    profile = getattr(account, "staff_profile", None)
    role = account_role(account)
    initial = {
        "first_name": account.first_name, "last_name": account.last_name, "email": account.email,
        "role": role.value if role else "", "is_active": account.is_active,
        "department": profile.department_id if profile else None, "province": profile.province_id if profile else None,
    }
    form = StaffForm(request.POST or None, initial=initial, inviting=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(by=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The account is saved."))
            return redirect("desk:users")
    return render(request, "desk/user_form.html", {"form": form, "account": account, "inviting": False},
                  status=400 if form.errors else 200)


# ---- Villages (model-village status) ---------------------------------------------------------


class VillageListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """The gazetteer's 14,576 villages, 50 a page, searched by name or code and filtered by province and status."""
    permission_required = "agreements.mark_model_village"
    export_basename = "villages"
    table_class = VillageTable
    filterset_class = VillageFilter
    template_name = "desk/village_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        # By province, then by name in the page's language (the names are what the reader scans).
        name = "name_en" if get_language() == "en" else "name_km"
        return Village.objects.select_related("commune__district", "province").order_by("province__code", name, "pk")


def _status_changes(village) -> list[dict]:
    """The recorded changes of the village's model-village status, newest first, with who made them."""
    events = list(village.events.filter(pgh_label="model_village").select_related("pgh_context")
                  .order_by("-pgh_created_at", "-pgh_id"))
    users = users_by_id(event_user_id(e) for e in events)
    rows = []
    for event in events:
        user = users.get(event_user_id(event))
        command = (event.pgh_context.metadata or {}).get("command") if event.pgh_context_id else None
        rows.append({"at": event.pgh_created_at, "is_model_village": event.is_model_village,
                     "who": (user.get_full_name() or user.username) if user else (command or "–")})
    return rows


@login_required
@permission_required("agreements.mark_model_village", raise_exception=True)
def village_edit(request, pk):
    """A village: where it is, its model-village status (marked or unmarked here), and who changed it when."""
    village = get_object_or_404(Village.objects.select_related("commune__district", "province"), pk=pk)
    form = ModelVillageForm(request.POST if request.method == "POST" else None, initial={"is_model_village": village.is_model_village})
    if request.method == "POST" and form.is_valid():
        services.village_set_model(by=request.user, village=village,
                                   is_model_village=form.cleaned_data["is_model_village"])
        messages.success(request, _("%(village)s is now a model village.") % {"village": village.name}
                         if village.is_model_village else
                         _("%(village)s is no longer a model village.") % {"village": village.name})
        return redirect("desk:village_edit", pk=village.pk)
    return render(request, "desk/village_edit.html", {
        "village": village, "code": code_digits(village.code), "form": form, "changes": _status_changes(village),
    }, status=400 if form.errors else 200)


# ---- Coverage rates --------------------------------------------------------------------------


class CoverageRateListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """Each province's rural water-supply and sanitation coverage by year (what the summary compares)."""
    permission_required = "agreements.change_coveragerate"
    export_basename = "coverage-rates"
    table_class = CoverageRateTable
    filterset_class = CoverageRateFilter
    template_name = "desk/coverage_list.html"
    table_pagination = {"per_page": 50}
    queryset = CoverageRate.objects.select_related("province")


def _coverage_form(request, rate: CoverageRate):
    initial = {} if rate.pk is None else {
        "province": rate.province_id, "year": rate.year, "water_supply_pct": rate.water_supply_pct,
        "sanitation_pct": rate.sanitation_pct, "source": rate.source, "is_demonstration": rate.is_demonstration,
    }
    form = CoverageRateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_rate_save(by=request.user, rate=rate, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The coverage rates are saved."))
            return redirect("desk:coverage_rates")
    title = f"{rate.province} {code_digits(str(rate.year))}" if rate.pk else _("New coverage rates")
    return render(request, "desk/coverage_form.html", {"form": form, "rate": rate, "title": title},
                  status=400 if form.errors else 200)


@login_required
@permission_required("agreements.add_coveragerate", raise_exception=True)
def coverage_create(request):
    return _coverage_form(request, CoverageRate())


@login_required
@permission_required("agreements.change_coveragerate", raise_exception=True)
def coverage_edit(request, pk):
    return _coverage_form(request, get_object_or_404(CoverageRate.objects.select_related("province"), pk=pk))


# ---- Notifications ---------------------------------------------------------------------------


@login_required
def notification_list(request):
    """The user's notifications, newest first; unread ones stand out until opened."""
    notifications = Notification.objects.filter(recipient=request.user)
    return render(request, "desk/notification_list.html", {
        "notifications": page_of(request, notifications, param="page", per_page=30, anchor="notifications"),
        "unread": notifications.unread().count(),
    })


@login_required
def notification_open(request, pk):
    """Open a notification: it is marked read, and the page it is about opens."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "desk:notifications")


@login_required
@require_POST
def notifications_read(request):
    """Mark every notification read."""
    Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    return redirect("desk:notifications")


@login_required
def email_choices(request):
    """Per kind of notification: also by e-mail, or only in the app."""
    current = {c.kind: c.by_email for c in EmailChoice.objects.filter(user=request.user)}
    initial = {kind.value: current.get(kind.value, True) for kind in NotificationKind}
    form = EmailChoicesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for kind in NotificationKind:
            EmailChoice.objects.update_or_create(user=request.user, kind=kind.value,
                                                 defaults={"by_email": form.cleaned_data[kind.value]})
        messages.success(request, _("Your choices are saved."))
        return redirect("desk:notifications")
    return render(request, "desk/email_choices.html", {"form": form, "has_email": bool(request.user.email)})


# ---- Reminders to NGOs -----------------------------------------------------------------------


@login_required
@require_POST
@permission_required("desk.add_ngoreminder", raise_exception=True)
def remind_missing(request, period):
    """One click: a reminder to every NGO that has not reported for the semester (once per NGO and day)."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    run = reminders.remind_missing(by=request.user, period=period)
    lang = get_language()
    messages.success(request, _("Reminders queued for %(sent)s NGOs; %(today)s were already reminded today.") % {
        "sent": format_number(len(run.sent), lang), "today": format_number(run.already_today, lang)})
    if run.without_address:
        messages.warning(request, _("No e-mail address for: %(ngos)s.") % {
            "ngos": ", ".join(ngo.name for ngo in run.without_address[:20])})
    return redirect("desk:home")


# ---- Calendar feed ---------------------------------------------------------------------------


@login_required
def calendar_page(request):
    """The user's private calendar address: make one, replace it (the old one stops working), or stop it."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(request, _("Your calendar address no longer works."))
        else:
            CalendarFeed.objects.update_or_create(user=request.user, defaults={"key": new_feed_key()})
            messages.success(request, _("Your calendar address is ready. Any address given before no longer works."))
        return redirect("desk:calendar")
    address = None
    if feed is not None:
        address = settings.SITE_URL + reverse("desk:calendar_feed", args=[feed.key])
    return render(request, "desk/calendar.html", {"feed": feed, "address": address})


def calendar_feed(request, key):
    """The iCalendar file behind a private address (no login: the key is the secret). `?lang=en` for English."""
    feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
    if feed is None or user_role(feed.user) is None:
        raise Http404
    lang = "en" if request.GET.get("lang") == "en" else "km"
    response = HttpResponse(calendar_text(feed.user, lang), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mrd-ngo.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
