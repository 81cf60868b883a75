"""Choices of the reports app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Workflow: draft -> submitted -> returned -> submitted -> accepted."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class RecommendationStatus(models.TextChoices):
    """Follow-up of a meeting recommendation."""

    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class DocumentKind(models.TextChoices):
    """The files of the semester summary built by the worker."""

    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Workbook (XLSX)")


class BuildState(models.TextChoices):
    """Where the latest requested build of a summary document stands."""

    IDLE = "idle", _("Not requested")
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Being built")
    FAILED = "failed", _("Failed")
