"""Admin pages for periods and reports."""
from django.contrib import admin

from reports import models


@admin.register(models.ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "due_date", "is_locked"]
    list_editable = ["is_locked"]


class IndicatorValueInline(admin.TabularInline):
    model = models.IndicatorValue
    extra = 0
    raw_id_fields = ["village"]


@admin.register(models.ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["ngo", "period", "status", "submitted_at", "accepted_at"]
    list_filter = ["period", "status"]
    search_fields = ["ngo__name_en", "ngo__name_km", "ngo__acronym"]
    raw_id_fields = ["ngo", "agreement"]
    list_select_related = ["ngo", "period"]
    inlines = [IndicatorValueInline]


@admin.register(models.MeetingRecommendation)
class MeetingRecommendationAdmin(admin.ModelAdmin):
    """The last resort: meetings and their recommendations have their own pages (/meetings/)."""

    list_display = ["meeting", "number", "owner", "deadline", "status"]
    list_filter = ["meeting__period", "status", "owner"]
    list_select_related = ["meeting__period", "owner"]


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "period", "mode"]
    list_select_related = ["period"]
    filter_horizontal = ["ngos", "departments"]


@admin.register(models.Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "sector", "status", "created_at"]
    list_filter = ["status", "theme", "sector"]
    raw_id_fields = ["report"]


class BuiltDocumentAdmin(admin.ModelAdmin):
    """Kept documents the worker built: where each build stands, and why a failed one failed (read only)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # only asked for from the pages, built by the worker


@admin.register(models.SummaryDocument)
class SummaryDocumentAdmin(BuiltDocumentAdmin):
    list_display = ["period", "kind", "lang", "province", "state", "built_at", "build_seconds", "requested_at"]
    list_filter = ["period", "kind", "lang", "state"]
    list_select_related = ["period", "province"]


@admin.register(models.RecordDocument)
class RecordDocumentAdmin(BuiltDocumentAdmin):
    list_display = ["kind", "record_id", "lang", "province", "state", "built_at", "build_seconds", "requested_at"]
    list_filter = ["kind", "lang", "state"]
    list_select_related = ["province"]


@admin.register(models.DocumentClosing)
class DocumentClosingAdmin(admin.ModelAdmin):
    """The closing block of issued documents (presenter's title and name), Khmer first."""

    list_display = ["presenter_title_km", "presenter_name_km", "presenter_title_en", "presenter_name_en", "updated_at"]
    fields = ["presenter_title_km", "presenter_name_km", "presenter_title_en", "presenter_name_en"]


@admin.register(models.IssuedSummary)
class IssuedSummaryAdmin(admin.ModelAdmin):
    """Issued editions are kept exactly as issued: shown, never changed here."""

    list_display = ["reference_number", "period", "lang", "province", "issued_on", "issued_by", "issued_at"]
    exclude = ["pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
