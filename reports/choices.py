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
    DROPPED = "dropped", _("Dropped")

    @classmethod
    def still_open(cls) -> list[str]:
        """The statuses of a recommendation still to be carried out (an owner's home page lists them)."""
        return [cls.OPEN, cls.IN_PROGRESS]


class MeetingMode(models.TextChoices):
    """How a review meeting was held."""

    IN_PERSON = "in_person", _("In person")
    ZOOM = "zoom", _("By Zoom")
    BOTH = "both", _("In person and by Zoom")


class LessonTheme(models.TextChoices):
    """What a lesson learned is about (the register's tags besides the sector)."""

    PLANNING = "planning", _("Planning and coordination")
    COMMUNITY = "community", _("Community participation")
    MODEL_VILLAGES = "model_villages", _("Model villages")
    MAINTENANCE = "maintenance", _("Operation and maintenance")
    INCLUSION = "inclusion", _("Gender and inclusion")
    FUNDING = "funding", _("Funding and sustainability")
    MONITORING = "monitoring", _("Monitoring and reporting")
    CLIMATE = "climate", _("Climate and disasters")
    OTHER = "other", _("Other")


class LessonStatus(models.TextChoices):
    """Where a lesson learned stands: noted from a report, shared with partners, adopted as practice."""

    NOTED = "noted", _("Noted")
    SHARED = "shared", _("Shared")
    ADOPTED = "adopted", _("Adopted")


class DocumentKind(models.TextChoices):
    """The files of the semester summary built by the worker."""

    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Workbook (XLSX)")
    ANNEX = "annex", _("Annex: the reports' full text (PDF)")
    SLIDES = "slides", _("Slides (PDF, one 1280×720 page per slide)")

    @property
    def is_pdf(self) -> bool:
        return self != DocumentKind.XLSX


class RecordKind(models.TextChoices):
    """The PDFs of one record built by the worker (reports/documents.py)."""

    REPORT = "report", _("Progress report (PDF)")
    MINUTES = "minutes", _("Meeting minutes (PDF)")


class BuildState(models.TextChoices):
    """Where the latest requested build of a summary document stands."""

    IDLE = "idle", _("Not requested")
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Being built")
    FAILED = "failed", _("Failed")


class NarrativeLanguage(models.TextChoices):
    """The language a narrative is written in (detected on entry, correctable by staff: reports/narratives.py)."""

    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")


class ChallengeTheme(models.TextChoices):
    """What a report's challenges are about: the summary groups challenges (and the solutions proposed) by it."""

    WEATHER = "weather", _("Weather and access to villages")
    FUNDING = "funding", _("Funding and costs")
    PEOPLE = "people", _("Staff, labour and participation")
    DATA = "data", _("Data and monitoring")
    COORDINATION = "coordination", _("Coordination and agreements")
    OTHER = "other", _("Other")
