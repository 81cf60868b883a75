"""Admin pages for reference data, NGOs and agreements."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from agreements import models, services


@admin.register(models.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_km", "name_en", "is_capital"]
    search_fields = ["code", "name_km", "name_en"]


@admin.register(models.Sector, models.Department)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_km", "name_en"]
    search_fields = ["code", "name_km", "name_en"]


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_km", "name_en", "sector", "unit_en", "disaggregated_by_sex", "is_key"]
    list_filter = ["sector", "disaggregated_by_sex", "is_key"]
    search_fields = ["code", "name_km", "name_en"]


@admin.register(models.District, models.Commune)
class GazetteerUnitAdmin(admin.ModelAdmin):
    """Districts and communes come from the gazetteer (`load_gazetteer`): read here, not typed."""

    list_display = ["code", "name_km", "name_en", "retired_on"]
    search_fields = ["code", "name_km", "name_en"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_km", "name_en", "commune", "province", "is_model_village", "retired_on"]
    # "Gazetteer key: empty" lists the villages recorded before the gazetteer and not linked to it.
    list_filter = ["province", "is_model_village", ("gazetteer_key", admin.EmptyFieldListFilter), "retired_on"]
    search_fields = ["code", "name_km", "name_en"]
    raw_id_fields = ["commune"]
    list_select_related = ["province", "commune"]


class NGOAdminForm(forms.ModelForm):
    """The NGO form of the admin, with the registry's rule on names (else the database refuses with a 500)."""

    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https")

    class Meta:
        model = models.NGO
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        probe = models.NGO(pk=self.instance.pk, name_km=cleaned.get("name_km", ""), name_en=cleaned.get("name_en", ""))
        for field in ("name_km", "name_en"):
            if field not in self.errors and (twin := services.ngo_name_twin(probe, field)) is not None:
                self.add_error(field, services.name_taken_message(twin))
        return cleaned


@admin.register(models.NGO)
class NGOAdmin(admin.ModelAdmin):
    form = NGOAdminForm
    list_display = ["name_en", "name_km", "acronym", "kind", "is_active"]
    list_filter = ["kind", "is_active", "sectors"]
    search_fields = ["name_km", "name_en", "acronym", "registration_number"]
    filter_horizontal = ["sectors"]


class RenewalChecklistEntryInline(admin.TabularInline):
    model = models.RenewalChecklistEntry
    extra = 0
    fields = ["item", "received_on"]


class AgreementFlagInline(admin.TabularInline):
    model = models.AgreementFlag
    fk_name = "agreement"
    extra = 0
    fields = ["note", "follow_up_by", "flagged_by", "flagged_at", "cleared_by", "cleared_at", "clearing_note"]
    raw_id_fields = ["follow_up_by", "flagged_by", "cleared_by"]


@admin.register(models.Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["reference_number", "ngo", "signed_on", "valid_from", "valid_to", "terminated_on"]
    list_filter = ["department", "sectors"]
    search_fields = ["reference_number", "ngo__name_en", "ngo__name_km", "ngo__acronym"]
    filter_horizontal = ["sectors", "provinces"]
    raw_id_fields = ["ngo", "renews"]
    list_select_related = ["ngo"]
    inlines = [RenewalChecklistEntryInline, AgreementFlagInline]


@admin.register(models.RenewalChecklistItem)
class RenewalChecklistItemAdmin(admin.ModelAdmin):
    """The documents asked for in new renewals; editing here changes the checklist of renewals started later."""

    list_display = ["name_km", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_km", "name_en"]


@admin.register(models.AgreementFlag)
class AgreementFlagAdmin(admin.ModelAdmin):
    list_display = ["agreement", "note", "follow_up_by", "flagged_at", "cleared_at"]
    list_filter = ["cleared_at"]
    list_select_related = ["agreement", "follow_up_by"]
    raw_id_fields = ["agreement", "follow_up_by", "flagged_by", "cleared_by"]
    search_fields = ["agreement__reference_number", "note"]


@admin.register(models.ExpiryNotice)
class ExpiryNoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are recorded by `manage.py notify_expiring` when they are sent."""

    list_display = ["agreement", "threshold", "valid_to", "sent_at", "recipients"]
    list_filter = ["threshold"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__reference_number", "recipients"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "province"]
    list_select_related = ["user", "department", "province"]
    list_filter = ["department"]


@admin.register(models.CoverageRate)
class CoverageRateAdmin(admin.ModelAdmin):
    list_display = ["province", "year", "water_supply_pct", "sanitation_pct", "is_demonstration"]
    list_filter = ["year", "is_demonstration"]
    list_select_related = ["province"]
