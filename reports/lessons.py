"""The lessons-learned register: lessons taken by staff from NGOs' reports, tagged by sector and theme,
searched in Khmer and Latin, followed from noted to shared to adopted (the meeting's fourth recommendation).

Who: data-entry officers, department heads and administrators take and update lessons; every reader sees
them, a provincial officer those of their province's reports (`Lesson.objects.visible_to`, the rule of the
source report). Province pages call `lessons_for_province`.
"""
from __future__ import annotations

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports import rules
from reports.models import Lesson, ProgressReport

LESSON_FIELDS = ("title", "text", "sector", "theme", "status")


def lessons_for_province(province, *, user):
    """The lessons a province page lists: taken from reports whose agreement covers `province`, as `user` may
    see them (a provincial officer of another province: none), newest first."""
    return (
        Lesson.objects.visible_to(user).filter(Lesson.objects.in_province(province.pk))
        .select_related("report__ngo", "report__period", "sector").order_by("-created_at", "-pk")
    )


def source_reports(user):
    """The reports a lesson may be taken from: received (submitted, returned or accepted) and visible to `user`."""
    return ProgressReport.objects.visible_to(user).filter(rules.received())


@transaction.atomic
def lesson_save(*, user, report: ProgressReport, lesson: Lesson | None = None, fields: dict,
                version: int | None = None) -> Lesson:
    """Take a lesson from `report` (`lesson` None) or change one: title, text, sector, theme, status."""
    if not user.has_perm("reports.add_lesson" if lesson is None else "reports.change_lesson"):
        raise PermissionDenied
    if not source_reports(user).filter(pk=report.pk).exists():
        raise ValidationError({"report": _("Choose a report that has been submitted: drafts have no lessons yet.")})
    if lesson is None:
        lesson = Lesson(created_by=user)
    else:
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if version is not None and version != lesson.version:
            raise ValidationError(
                _("Someone else saved this lesson after you opened it. Your changes were not saved: reload the page, "
                  "check theirs, then make yours again."), code="conflict")
        lesson.version += 1
    lesson.report = report
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    lesson.title = (lesson.title or "").strip()
    lesson.text = (lesson.text or "").strip()
    lesson.full_clean()
    with pghistory.context(user=user.pk, source="lessons"):
        lesson.save()
    return lesson
