"""The semester review meeting: recording it, its recommendations and their progress, and what pages show of it.

Actions are keyword-only services (`meeting_save`, `recommendation_save`, `recommendation_note_add`): each
checks who may act, runs in one transaction with the acting user in the pghistory context, calls
`full_clean()` and raises `ValidationError` (a message for the field) or `PermissionDenied`. Saves are
optimistic: a stale `version` raises `ValidationError` with code "conflict" and writes nothing.

Who may do what (the role design, ../shared/DESIGN.md): every reader sees meetings and recommendations
(a provincial officer sees only the attending NGOs of their province); administrators and department heads
record meetings and their recommendations (heads prepare and sign the ministry's documents for the meeting,
as they print and issue the summary); progress on a recommendation is noted by the head of the department
that owns it, or an administrator (`MeetingRecommendation.objects.followed_up_by`, the review rule of
mrd_ngo/access.py).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import NGO, Department
from mrd_ngo.roles import Role, user_department_id, user_role
from reports.choices import RecommendationStatus
from reports.models import Meeting, MeetingRecommendation, RecommendationNote

MEETING_FIELDS = ("period", "held_on", "mode", "place_km", "place_en", "chair_km", "chair_en", "notes")
RECOMMENDATION_FIELDS = ("number", "text_km", "text_en", "owner", "deadline", "status")


def _conflict() -> ValidationError:
    return ValidationError(
        _("Someone else saved this after you opened it. Your changes were not saved: reload the page, check theirs, "
          "then make yours again."), code="conflict",
    )


def _check_version(row, version: int | None) -> None:
    if row.pk is not None and version is not None and version != row.version:
        raise _conflict()


def may_record_meetings(user) -> bool:
    return user.has_perm("reports.change_meeting")


def may_follow_up(user, recommendation: MeetingRecommendation) -> bool:
    """May `user` note progress on `recommendation` (its owner department's head, or an administrator)?"""
    return (user.has_perm("reports.add_recommendationnote")
            and MeetingRecommendation.objects.followed_up_by(user).filter(pk=recommendation.pk).exists())


# ---- Meetings -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_save(*, user, meeting: Meeting | None = None, fields: dict, ngos, departments,
                 version: int | None = None) -> Meeting:
    """Record a new meeting (`meeting` None) or change one: its date, place, mode, semester and who attended."""
    if not user.has_perm("reports.add_meeting" if meeting is None else "reports.change_meeting"):
        raise PermissionDenied
    if meeting is None:
        meeting = Meeting(created_by=user)
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _check_version(meeting, version)
        meeting.version += 1
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    errors = {}
    if meeting.period_id and meeting.held_on and meeting.held_on < meeting.period.start:
        errors["held_on"] = _("A meeting cannot review a semester that had not begun: it starts on %(start)s.") % {
            "start": meeting.period.start.isoformat()}
    if meeting.held_on and meeting.held_on > timezone.localdate() + datetime.timedelta(days=366):
        errors["held_on"] = _("This date is more than a year away: check the year.")
    departments = list(departments)
    if any(not d.is_provincial for d in departments):
        errors["departments"] = _("Choose provincial departments only.")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean()
    with pghistory.context(user=user.pk, source="meeting"):
        meeting.save()
        meeting.ngos.set(list(ngos))
        meeting.departments.set(departments)
    return meeting


@dataclass
class Attendance:
    """Who attended, as `user` may see it: the NGOs they may see (all for national roles) and how many there were."""

    ngos: list
    ngo_count: int
    departments: list

    @property
    def hidden_ngos(self) -> int:
        return self.ngo_count - len(self.ngos)


def attendance(meeting: Meeting, visible_ngos) -> Attendance:
    """The NGOs and provincial departments at `meeting`, naming only the NGOs among `visible_ngos`
    (`NGO.objects.visible_to(user)`, or `.in_scope(...)` in the worker): a provincial officer sees their
    province's NGOs only, and the count of all."""
    everyone = NGO.objects.filter(meetings_attended=meeting)
    return Attendance(
        ngos=list(visible_ngos.filter(meetings_attended=meeting).order_by("name_en")),
        ngo_count=everyone.count(),
        departments=list(meeting.departments.select_related("province").order_by("province__code")),
    )


# ---- Recommendations ----------------------------------------------------------------------------


def next_number(meeting: Meeting) -> int:
    return (meeting.recommendations.order_by("-number").values_list("number", flat=True).first() or 0) + 1


@transaction.atomic
def recommendation_save(*, user, meeting: Meeting, recommendation: MeetingRecommendation | None = None, fields: dict,
                        version: int | None = None) -> MeetingRecommendation:
    """Add a recommendation to `meeting` or change one: its number, text, owner, deadline and status."""
    if not user.has_perm("reports.add_meetingrecommendation" if recommendation is None
                         else "reports.change_meetingrecommendation"):
        raise PermissionDenied
    if recommendation is None:
        recommendation = MeetingRecommendation(meeting=meeting)
    else:
        recommendation = MeetingRecommendation.objects.select_for_update().get(pk=recommendation.pk, meeting=meeting)
        _check_version(recommendation, version)
        recommendation.version += 1
    for name in RECOMMENDATION_FIELDS:
        if name in fields:
            setattr(recommendation, name, fields[name])
    errors = {}
    if not (recommendation.text_km or "").strip() and not (recommendation.text_en or "").strip():
        errors["text_km"] = _("Write the recommendation in Khmer, in English, or both.")
    if recommendation.owner_id is None:
        errors["owner"] = _("Choose the department that owns this recommendation.")
    if recommendation.deadline is None:
        errors["deadline"] = _("Give the date by which it should be done.")
    elif recommendation.deadline < meeting.held_on:
        errors["deadline"] = _("The deadline cannot be before the meeting (%(day)s).") % {"day": meeting.held_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    recommendation.full_clean()
    with pghistory.context(user=user.pk, source="meeting"):
        recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_note_add(*, user, recommendation: MeetingRecommendation, noted_on: datetime.date, text: str,
                            status: str = "", version: int | None = None) -> RecommendationNote:
    """A dated note of progress on `recommendation`, by its owner department's head or an administrator; a
    `status` given (and different) moves the recommendation to it."""
    if not may_follow_up(user, recommendation):
        raise PermissionDenied
    recommendation = MeetingRecommendation.objects.select_for_update().select_related("meeting").get(pk=recommendation.pk)
    _check_version(recommendation, version)
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write what was done.")
    if noted_on is None:
        errors["noted_on"] = _("Give the date of this progress.")
    elif noted_on < recommendation.meeting.held_on:
        errors["noted_on"] = _("Progress cannot be dated before the meeting (%(day)s).") % {
            "day": recommendation.meeting.held_on.isoformat()}
    elif noted_on > timezone.localdate():
        errors["noted_on"] = _("Progress cannot be dated in the future.")
    if status and status not in RecommendationStatus.values:
        errors["status"] = _("Choose a status from the list.")
    if errors:
        raise ValidationError(errors)
    note = RecommendationNote(recommendation=recommendation, noted_on=noted_on, text=text.strip(),
                              status=status if status != recommendation.status else "", written_by=user)
    note.full_clean()
    with pghistory.context(user=user.pk, source="meeting"):
        note.save()
        if note.status:
            recommendation.status = note.status
        recommendation.version += 1
        recommendation.save()
    return note


# ---- What the pages show ------------------------------------------------------------------------


def owned_open_recommendations(user):
    """The open recommendations (not started or in progress) a department head's department owns, soonest
    deadline first: their home page. None for anyone else (administrators see the meeting pages)."""
    if user_role(user) != Role.DEPARTMENT_HEAD or user_department_id(user) is None:
        return MeetingRecommendation.objects.none()
    return (
        MeetingRecommendation.objects.followed_up_by(user).still_open()
        .select_related("meeting__period", "owner").order_by("deadline", "meeting__held_on", "number")
    )


def provincial_departments():
    """The departments that can be recorded as attending: the 25 provincial departments of rural development."""
    return Department.objects.filter(province__isnull=False).select_related("province").order_by("province__code")
