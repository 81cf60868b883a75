"""Reporting periods (semesters), semester progress reports and their indicator values."""
import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.models import NGO, Agreement, Department, Indicator, Province, Sector, Village, search_terms
from mrd_ngo.access import RestrictedQuerySet
from mrd_ngo.khmer import normalize_khmer
from reports import rules
from reports.choices import (
    BuildState, ChallengeTheme, DocumentKind, LessonStatus, LessonTheme, MeetingMode, NarrativeLanguage,
    RecommendationStatus, RecordKind, ReportStatus,
)
from reports.semesters import parse_period_code, period_code, semester_bounds


class ReportingPeriodQuerySet(models.QuerySet):
    def get_by_code(self, code: str) -> "ReportingPeriod":
        """The period `2024S1`; DoesNotExist for an unknown or malformed code."""
        try:
            year, half = parse_period_code(code)
        except ValueError:
            raise self.model.DoesNotExist(code) from None
        return self.get(year=year, half=half)

    def to_lock(self, today: datetime.date | None = None) -> "ReportingPeriodQuerySet":
        """Semesters whose due date has passed and that are not locked yet (the administrators' to-do)."""
        today = today or timezone.localdate()
        return self.filter(is_locked=False, due_date__lt=today)

    def get_by_code_or_404(self, code: str) -> "ReportingPeriod":
        """The period `2024S1`, or a 404 page for an unknown one."""
        try:
            return self.get_by_code(code)
        except self.model.DoesNotExist:
            raise Http404(_("No reporting period %(code)s.") % {"code": code}) from None


class ReportingPeriod(models.Model):
    """A semester NGOs report on: `2024S1` is 1 January to 30 June 2024."""

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("semester"), choices=[(1, _("First semester")), (2, _("Second semester"))])
    due_date = models.DateField(_("due date"))
    is_locked = models.BooleanField(_("locked"), default=False)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-half"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        permissions = [("lock_reportingperiod", _("Can lock and unlock reporting periods"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="period_unique_semester"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="period_half_is_1_or_2"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2200), name="period_year_plausible"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """The stable code used in URLs, e.g. `2024S1`."""
        return period_code(self.year, self.half)

    @property
    def start(self) -> datetime.date:
        return semester_bounds(self.year, self.half)[0]

    @property
    def end(self) -> datetime.date:
        return semester_bounds(self.year, self.half)[1]


class PeriodLockChange(models.Model):
    """A semester locked or unlocked: by whom, when and why (kept; the semester pages list them)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="lock_changes",
                               verbose_name=_("semester"))
    locked = models.BooleanField(_("locked"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))
    changed_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("semester lock change")
        verbose_name_plural = _("semester lock changes")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="period_lock_change_has_reason")]

    def __str__(self) -> str:
        return f"{self.period} {'locked' if self.locked else 'unlocked'}"


class ProgressReportQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        """A report is seen in a province exactly when its agreement covers it.

        A result typed in the province does not make the report of another province's agreement visible.
        """
        covered = Agreement.provinces.through.objects.filter(agreement_id=OuterRef("agreement_id"), province_id=province_id)
        return Q(Exists(covered))

    def in_department(self, department_id: int) -> Q:
        """A report is reviewed by the department that follows its agreement."""
        return Q(agreement__department_id=department_id)

    def for_period(self, period: ReportingPeriod):
        return self.filter(period=period)

    def received(self):
        """Reports received (`rules.received`)."""
        return self.filter(rules.received())

    def entered_by(self, user):
        """Reports `user` started or submitted: their own work, as their home page and "mine" filter show it."""
        return self.filter(Q(created_by=user) | Q(submitted_by=user))

    def accepted(self):
        """Accepted reports (`rules.accepted`)."""
        return self.filter(rules.accepted())

    def on_time(self):
        """Reports received on time (`rules.on_time`)."""
        return self.filter(rules.on_time())

    def late(self):
        """Reports received late (`rules.late`)."""
        return self.filter(rules.late())


# The database's last word on "one report per NGO and semester".
ONE_REPORT_CONSTRAINT = "report_one_per_ngo_period"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ProgressReport(models.Model):
    """One NGO's progress report for one semester, filed under the agreement in force (`rules.agreement_for_report`)."""

    ngo = models.ForeignKey(NGO, on_delete=models.PROTECT, related_name="reports", verbose_name=_("NGO"))
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reports", verbose_name=_("agreement"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    achievements = models.TextField(_("achievements"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    next_plans = models.TextField(_("plans for next semester"), blank=True)
    solutions_proposed = models.TextField(_("solutions proposed"), blank=True)
    challenges_theme = models.CharField(_("theme of the challenges"), max_length=20, choices=ChallengeTheme.choices,
                                        blank=True)
    # Each narrative's language (detected on entry: Khmer script or not; staff may correct it) and its version in
    # the other language, entered by staff for the other edition of the summary (reports/narratives.py).
    achievements_lang = models.CharField(_("language of the achievements"), max_length=2, choices=NarrativeLanguage.choices, blank=True)
    achievements_translation = models.TextField(_("achievements, translated"), blank=True)
    challenges_lang = models.CharField(_("language of the challenges"), max_length=2, choices=NarrativeLanguage.choices, blank=True)
    challenges_translation = models.TextField(_("challenges, translated"), blank=True)
    solutions_proposed_lang = models.CharField(_("language of the solutions proposed"), max_length=2, choices=NarrativeLanguage.choices, blank=True)
    solutions_proposed_translation = models.TextField(_("solutions proposed, translated"), blank=True)
    lessons_learned_lang = models.CharField(_("language of the lessons learned"), max_length=2, choices=NarrativeLanguage.choices, blank=True)
    lessons_learned_translation = models.TextField(_("lessons learned, translated"), blank=True)
    next_plans_lang = models.CharField(_("language of the plans"), max_length=2, choices=NarrativeLanguage.choices, blank=True)
    next_plans_translation = models.TextField(_("plans, translated"), blank=True)
    budget_planned_usd = models.DecimalField(_("budget planned (USD)"), max_digits=14, decimal_places=2, default=0)
    budget_spent_usd = models.DecimalField(_("budget spent (USD)"), max_digits=14, decimal_places=2, default=0)
    beneficiaries_total = models.PositiveIntegerField(_("beneficiaries (total)"), default=0)
    beneficiaries_female = models.PositiveIntegerField(_("beneficiaries (female)"), default=0)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("submitted by")
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("returned by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__year", "-period__half", "ngo__name_en"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        permissions = [
            ("submit_progressreport", _("Can submit progress reports")),
            ("review_progressreport", _("Can return or accept progress reports")),
            ("print_summary", _("Can print the semester summary")),
        ]
        constraints = [
            # One report per NGO and semester (design notes: one agreement per NGO at a time); the
            # agreement it is filed under is `rules.agreement_for_report`.
            models.UniqueConstraint(
                fields=["ngo", "period"], name=ONE_REPORT_CONSTRAINT,
                violation_error_message=_("This NGO already has a report for this semester: an NGO files one report "
                                          "per semester, under its agreement in force at the semester's end."),
            ),
            models.CheckConstraint(condition=Q(budget_planned_usd__gte=0), name="report_budget_planned_not_negative"),
            models.CheckConstraint(condition=Q(budget_spent_usd__gte=0), name="report_budget_spent_not_negative"),
            models.CheckConstraint(
                condition=Q(beneficiaries_female__lte=F("beneficiaries_total")), name="report_female_not_above_total"
            ),
        ]
        indexes = [
            # The report list sorted by submission date, newest first (a backward scan serves both directions).
            models.Index(fields=["submitted_at"], name="report_submitted_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ngo} – {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_late(self) -> bool:
        """Received after the period's due date (`rules.is_late`)."""
        return rules.is_late(self.status, self.submitted_at, self.period.due_date)


class IndicatorValueQuerySet(RestrictedQuerySet):
    def reaching(self):
        """Results that reach their place: above zero, in an accepted report (`rules.reached`)."""
        return self.filter(rules.reached())

    def in_province(self, province_id: int) -> Q:
        """A result is seen in a province when it is there and its report is seen there (its agreement covers it)."""
        covered = Agreement.provinces.through.objects.filter(
            agreement_id=OuterRef("report__agreement_id"), province_id=province_id
        )
        return Q(province_id=province_id) & Q(Exists(covered))


# Each result's insert, change and removal with the acting user (the services set the context), so an
# accepted figure can be traced to who entered it.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), obj_field=None)
class IndicatorValue(models.Model):
    """One result of a report: an indicator's value in a province (and maybe a village)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="indicator_values", verbose_name=_("province"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="indicator_values", verbose_name=_("village")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    female_value = models.DecimalField(_("of which female"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__sector__order", "indicator__order", "province__code"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator", "province", "village"], nulls_distinct=False, name="value_unique_per_place"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
            models.CheckConstraint(
                condition=Q(female_value__isnull=True) | (Q(female_value__gte=0) & Q(female_value__lte=F("value"))),
                name="value_female_between_zero_and_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.province}: {self.value}"


class MeetingQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        """Meetings are the ministry's, held with every province: every reader sees them (the NGOs that
        attended are shown through `NGO.objects.visible_to`, reports/meetings.py)."""
        return Q()

    def in_department(self, department_id: int) -> Q:
        """Any head records meetings (the permission decides); no department owns one."""
        return Q()


# The meeting's own fields; who attended (the many-to-many rows) is told by the attendance events below.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Meeting(models.Model):
    """A semester review meeting of the ministry with the NGOs: when, where, how, who attended, and the
    recommendations it made (followed up until the next meeting)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="meetings",
                               verbose_name=_("semester reviewed"))
    held_on = models.DateField(_("date of the meeting"))
    place_km = models.CharField(_("place (Khmer)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    mode = models.CharField(_("held"), max_length=12, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    chair_km = models.CharField(_("chaired by (Khmer)"), max_length=200, blank=True)
    chair_en = models.CharField(_("chaired by (English)"), max_length=200, blank=True)
    notes = models.TextField(_("notes of the discussion"), blank=True)
    ngos = models.ManyToManyField(NGO, blank=True, related_name="meetings_attended", verbose_name=_("NGOs that attended"))
    departments = models.ManyToManyField(
        Department, blank=True, related_name="meetings_attended", verbose_name=_("provincial departments that attended"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Optimistic locking: a save must name the version it started from (two people editing the minutes).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=~Q(place_km="") | ~Q(place_en=""), name="meeting_has_a_place"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} ({self.period})"

    def get_absolute_url(self) -> str:
        return reverse("reports:meeting_detail", args=[self.pk])

    @property
    def place(self) -> str:
        first, second = (self.place_en, self.place_km) if get_language() == "en" else (self.place_km, self.place_en)
        return first or second

    @property
    def chair(self) -> str:
        first, second = (self.chair_en, self.chair_km) if get_language() == "en" else (self.chair_km, self.chair_en)
        return first or second


@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class MeetingNGO(Meeting.ngos.through):
    """An NGO recorded as attending a meeting (the many-to-many row), tracked for the audit trail."""

    class Meta:
        proxy = True


@pghistory.track(pghistory.InsertEvent("add"), pghistory.DeleteEvent("remove"), obj_field=None)
class MeetingDepartment(Meeting.departments.through):
    """A provincial department recorded as attending a meeting, tracked for the audit trail."""

    class Meta:
        proxy = True


class MeetingRecommendationQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        """Recommendations are the ministry's: every reader sees them."""
        return Q()

    def in_department(self, department_id: int) -> Q:
        """A recommendation is followed up by the department that owns it (`followed_up_by`)."""
        return Q(owner_id=department_id)

    def followed_up_by(self, user) -> "MeetingRecommendationQuerySet":
        """Recommendations `user` may record progress on: all for administrators, their department's for a
        department head (the review rule of mrd_ngo/access.py), none otherwise."""
        return self.reviewable_by(user)

    def still_open(self) -> "MeetingRecommendationQuerySet":
        """Not started or in progress (neither done nor dropped)."""
        return self.filter(status__in=RecommendationStatus.still_open())


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MeetingRecommendation(models.Model):
    """A recommendation of a semester review meeting: what, who owns it (a department), by when, and how it stands."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("number"))
    text_km = models.TextField(_("recommendation (Khmer)"), blank=True)
    text_en = models.TextField(_("recommendation (English)"), blank=True)
    # Null only for recommendations recorded before owners existed (the form requires one).
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations",
                              verbose_name=_("owner"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingRecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__held_on", "meeting_id", "number"]
        verbose_name = _("meeting recommendation")
        verbose_name_plural = _("meeting recommendations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="recommendation_number_unique_per_meeting",
                                    violation_error_message=_("This meeting already has a recommendation with this number.")),
            models.CheckConstraint(condition=Q(number__gte=1), name="recommendation_number_positive"),
            models.CheckConstraint(condition=~Q(text_km="") | ~Q(text_en=""), name="recommendation_has_a_text"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.number}"

    @property
    def text(self) -> str:
        """The text in the active language, falling back to the other one."""
        first, second = (self.text_en, self.text_km) if get_language() == "en" else (self.text_km, self.text_en)
        return first or second

    @property
    def is_open(self) -> bool:
        return self.status in RecommendationStatus.still_open()

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Still open after its deadline."""
        return self.is_open and self.deadline is not None and self.deadline < (today or timezone.localdate())


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RecommendationNote(models.Model):
    """A dated note of progress on a recommendation: who wrote it, what happened and when (and the status it set)."""

    recommendation = models.ForeignKey(MeetingRecommendation, on_delete=models.CASCADE, related_name="notes",
                                       verbose_name=_("recommendation"))
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    status = models.CharField(_("status set"), max_length=20, choices=RecommendationStatus.choices, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["noted_on", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="recommendation_note_has_text")]

    def __str__(self) -> str:
        return f"{self.recommendation} {self.noted_on}"


class LessonQuerySet(RestrictedQuerySet):
    def in_province(self, province_id: int) -> Q:
        """A lesson is seen in a province exactly when its source report is (its agreement covers the province)."""
        covered = Agreement.provinces.through.objects.filter(agreement_id=OuterRef("report__agreement_id"),
                                                             province_id=province_id)
        return Q(Exists(covered))

    def search(self, query: str) -> "LessonQuerySet":
        """Lessons whose title, text, NGO or sector holds every word of `query` (Khmer or Latin, spellings folded)."""
        condition = Q()
        for term in search_terms(query):
            condition &= Q(search_text__contains=term)
        return self.filter(condition)

    def from_period(self, period: ReportingPeriod) -> "LessonQuerySet":
        """Lessons taken from the reports of `period`."""
        return self.filter(report__period=period)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["search_text"])
class Lesson(models.Model):
    """A lesson learned, taken by staff from an NGO's report (the source kept), tagged and followed to adoption."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="lessons",
                               verbose_name=_("source report"))
    title = models.CharField(_("lesson"), max_length=200)
    text = models.TextField(_("what was learned"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="lessons",
                               verbose_name=_("sector"), help_text=_("Leave empty for a lesson about every sector."))
    theme = models.CharField(_("theme"), max_length=20, choices=LessonTheme.choices)
    status = models.CharField(_("status"), max_length=10, choices=LessonStatus.choices, default=LessonStatus.NOTED)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("taken by"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("taken on"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="lesson_has_a_title"),
            models.CheckConstraint(condition=~Q(text=""), name="lesson_has_a_text"),
        ]

    def __str__(self) -> str:
        return self.title

    def make_search_text(self) -> str:
        """What the search box looks through, folded (reports/models.py `LessonQuerySet.search`)."""
        ngo = self.report.ngo
        parts = [self.title, self.text, ngo.name_km, ngo.name_en, ngo.acronym]
        if self.sector_id:
            parts += [self.sector.name_km, self.sector.name_en]
        return normalize_khmer("\n".join(part for part in parts if part))

    def save(self, *args, **kwargs):
        self.search_text = self.make_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class SummaryDocumentQuerySet(models.QuerySet):
    def for_key(self, *, period: ReportingPeriod, kind: str, lang: str, province_id: int | None) -> "SummaryDocumentQuerySet":
        """The (at most one) document of this semester, kind, language and scope (province None: national)."""
        return self.filter(period=period, kind=kind, lang=lang, province_id=province_id)


class BuiltDocument(models.Model):
    """A file the worker builds and keeps until the data under it changes (reports/documents.py).

    `file` was built from data whose fingerprint is `fingerprint`; it is served while the data still
    has that fingerprint. `state` is the latest requested build: queued and building rows are not
    queued again, so many people asking at once start one build. Files live in the private media
    storage (no URL serves them directly).
    """

    lang = models.CharField(max_length=2, choices=[("km", _("Khmer")), ("en", _("English"))])
    province = models.ForeignKey(Province, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=BuildState.choices, default=BuildState.IDLE)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    def is_ready_for(self, fingerprint: str) -> bool:
        """True when the kept file was built from data with this fingerprint."""
        return bool(self.file) and self.fingerprint == fingerprint


class SummaryDocument(BuiltDocument):
    """A semester summary PDF or workbook, one per semester, kind, language and scope (national: no
    province; a provincial edition: its province)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="summary_documents")
    kind = models.CharField(max_length=6, choices=DocumentKind.choices)
    file = models.FileField(upload_to="summaries/", blank=True)

    objects = SummaryDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary document")
        verbose_name_plural = _("summary documents")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "lang", "province"], name="summary_document_one_per_key", nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(lang__in=["km", "en"]), name="summary_document_lang_known"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.kind} {self.lang} {self.province_id or 'national'}"


class RecordDocument(BuiltDocument):
    """The PDF of one record (an NGO's report, a meeting's minutes), one per record, language and scope:
    a provincial officer's copy of a report holds only their province's results."""

    kind = models.CharField(max_length=8, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="records/", blank=True)

    class Meta:
        verbose_name = _("record document")
        verbose_name_plural = _("record documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id", "lang", "province"], name="record_document_one_per_key", nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(lang__in=["km", "en"]), name="record_document_lang_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} {self.lang} {self.province_id or 'national'}"


class DocumentClosing(models.Model):
    """The closing block of the ministry's documents: who presents them (title and name), configured by
    administrators. One row (the latest saved is used); without one, no document can be issued."""

    presenter_title_km = models.CharField(_("presenter's title (Khmer)"), max_length=200)
    presenter_title_en = models.CharField(_("presenter's title (English)"), max_length=200)
    presenter_name_km = models.CharField(_("presenter's name (Khmer)"), max_length=200)
    presenter_name_en = models.CharField(_("presenter's name (English)"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("closing block of documents")
        verbose_name_plural = _("closing block of documents")

    def __str__(self) -> str:
        return f"{self.presenter_title_km} {self.presenter_name_km}"

    @classmethod
    def current(cls) -> "DocumentClosing | None":
        return cls.objects.order_by("-updated_at", "-pk").first()

    def title(self, lang: str) -> str:
        return self.presenter_title_km if lang == "km" else self.presenter_title_en

    def name(self, lang: str) -> str:
        return self.presenter_name_km if lang == "km" else self.presenter_name_en


class IssuedSummary(models.Model):
    """An edition of the semester summary PDF as the ministry issued it: its reference number and date,
    who issued it and when, and the PDF bytes exactly as issued (never rebuilt). Drafts (SummaryDocument)
    can still be regenerated; an issued edition cannot be issued again."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="issued_summaries")
    lang = models.CharField(max_length=2, choices=[("km", _("Khmer")), ("en", _("English"))])
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference_number = models.CharField(_("reference number"), max_length=60, unique=True)
    issued_on = models.DateField(_("date of issue"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    presenter_title = models.CharField(max_length=200)
    presenter_name = models.CharField(max_length=200)
    # Rendered by the worker once the edition is recorded (reports/issuing.py); empty until then.
    pdf = models.BinaryField(null=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)  # why the worker could not render it (the issuer may try again)

    class Meta:
        verbose_name = _("issued summary")
        verbose_name_plural = _("issued summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "lang", "province"], name="issued_summary_one_per_edition", nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(lang__in=["km", "en"]), name="issued_summary_lang_known"),
        ]

    def __str__(self) -> str:
        return f"{self.reference_number} {self.period} {self.lang}"

    @property
    def state(self) -> str:
        """"ready" once rendered, "failed" when the worker could not render it, else "queued"."""
        if self.pdf_sha256:
            return "ready"
        return BuildState.FAILED if self.error else BuildState.QUEUED
