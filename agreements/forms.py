"""Forms of the NGO and agreement registry: what a person types, checked field by field.

Forms check what can be said next to a field; the services (agreements/services.py) check again
and the database is the last line. Nothing is saved by a form itself.
"""
import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import services
from agreements.models import NGO, Agreement, RenewalChecklistEntry, Village
from mrd_ngo.forms import BootstrapFormMixin, FigureInput, IdChoiceMixin, KhmerDigitsMixin, SensibleDatesMixin
from mrd_ngo.khmer import khmer_digits
from mrd_ngo.parsing import parse_id
from mrd_ngo.roles import Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedFormMixin(forms.Form):
    """A hidden `version` (the row's `updated_at` when the form was opened), for the services' stale-edit check."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.initial["version"] = instance.updated_at.isoformat()


class NGOForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    """Create or edit an NGO."""

    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https")

    class Meta:
        model = NGO
        fields = [
            "name_km", "name_en", "acronym", "kind", "registration_number", "director", "contact_person", "phone",
            "email", "website", "address", "sectors", "is_active",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple, "address": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        name_km, name_en = cleaned.get("name_km", ""), cleaned.get("name_en", "")
        if not name_km and not name_en and "name_km" not in self.errors:
            self.add_error("name_km", _("Give the NGO's name in Khmer, in English, or both."))
        probe = NGO(pk=self.instance.pk, name_km=name_km, name_en=name_en)
        for field in ("name_km", "name_en"):
            if field not in self.errors and (twin := services.ngo_name_twin(probe, field)) is not None:
                self.add_error(field, services.name_taken_message(twin))
        return cleaned


NGO_CHOICES_SHOWN = 20  # the most NGOs a search offers at once


class NGOSearchSelect(forms.Select):
    """One NGO among thousands: a search box above a short list, never a list of every NGO.

    The list holds the NGO chosen and, after a search, at most NGO_CHOICES_SHOWN NGOs that match.
    With JavaScript the search box asks `agreements:ngo_options` while one types (htmx) and the
    matches replace the list; without it, the search text (`<name>_search`) is sent with the form
    and the page comes back with the matches in the list.
    """

    search_suffix = "_search"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search_text = ""

    def value_from_datadict(self, data, files, name):
        self.search_text = str(data.get(name + self.search_suffix) or "").strip()[:100]
        return super().value_from_datadict(data, files, name)

    def optgroups(self, name, value, attrs=None):
        # `self.choices` iterates the field's whole queryset: offer the chosen NGO and the matches only.
        every_choice = self.choices
        field, queryset = every_choice.field, every_choice.queryset
        chosen_ids = [number for number in map(parse_id, value) if number is not None]
        ngos = list(queryset.filter(pk__in=chosen_ids)) if chosen_ids else []
        if self.search_text:
            ngos += [ngo for ngo in queryset.search(self.search_text)[:NGO_CHOICES_SHOWN] if ngo.pk not in chosen_ids]
        short = [("", field.empty_label)] if field.empty_label is not None else []
        self.choices = short + [(ngo.pk, field.label_from_instance(ngo)) for ngo in ngos]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every_choice

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        if attrs and attrs.get("disabled"):
            return select
        target = (attrs or {}).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" name="{name}" value="{value}" class="form-control form-control-sm ngo-search" '
            'placeholder="{placeholder}" aria-label="{label}" aria-controls="{target}" autocomplete="off" '
            'hx-get="{url}" hx-trigger="input changed delay:300ms, search" hx-target="#{target}" hx-swap="innerHTML" '
            'hx-sync="this:replace" data-testid="ngo-search">',
            name=name + self.search_suffix, value=self.search_text, target=target,
            placeholder=_("Search: name or acronym"), label=_("Search for an NGO by name or acronym"),
            url=reverse("agreements:ngo_options"),
        )
        return format_html('<div class="ngo-picker">{}{}</div>', search, select)


class NGOChoiceField(IdChoiceMixin, forms.ModelChoiceField):
    """An NGO chosen with a search box (NGOSearchSelect); the queryset decides which NGOs may be chosen."""

    widget = NGOSearchSelect

    def label_from_instance(self, ngo):
        return f"{ngo.name} ({ngo.acronym})" if ngo.acronym else ngo.name


VILLAGE_CHOICES_SHOWN = 20  # the most villages a search offers at once


def village_label(village: Village) -> str:
    """A village as a list offers it: name, code, and where it is (commune, district, province)."""
    name = _("%(village)s (model village)") % {"village": village.name} if village.is_model_village else village.name
    code = f" {khmer_digits(village.code) if get_language() == 'km' else village.code}" if village.code else ""
    return f"{name}{code} · {village.place}"


class VillageSearchSelect(forms.Select):
    """One village among the gazetteer's 14,576: a search box above a short list (the NGOSearchSelect way).

    The list holds the village chosen and, after a search, the matches. With JavaScript the box asks
    `agreements:village_options` while one types (htmx; `url` carries the agreement whose provinces
    limit the search, and the page adds the row's province); without it, the search text
    (`<name>_search`) is sent with the form and the page comes back with the matches in the list.
    `villages` is the queryset searched and `chosen` the villages already loaded, by id.
    """

    search_suffix = "_search"

    def __init__(self, attrs=None, *, url: str = "", villages=None, chosen=None, empty_label: str = ""):
        super().__init__(attrs)
        self.url, self.villages, self.chosen, self.empty_label = url, villages, chosen or {}, empty_label
        self.search_text = ""

    def value_from_datadict(self, data, files, name):
        self.search_text = str(data.get(name + self.search_suffix) or "").strip()[:100]
        return super().value_from_datadict(data, files, name)

    def options_for(self, value) -> list[tuple[str, str]]:
        chosen = self.chosen.get(parse_id(value)) if value else None
        options = [(str(chosen.pk), village_label(chosen))] if chosen else []
        if self.search_text and self.villages is not None:
            found = self.villages.in_use().first_matches(self.search_text, VILLAGE_CHOICES_SHOWN)
            options += [(str(v.pk), village_label(v)) for v in found if not chosen or v.pk != chosen.pk]
        return [("", self.empty_label)] + options

    def render(self, name, value, attrs=None, renderer=None):
        self.choices = self.options_for(value)
        select = super().render(name, value, attrs, renderer)
        target = (attrs or {}).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" name="{name}" value="{value}" class="form-control form-control-sm village-search" '
            'placeholder="{placeholder}" aria-label="{label}" aria-controls="{target}" autocomplete="off" '
            'hx-get="{url}" hx-trigger="input changed delay:300ms, search" hx-target="#{target}" hx-swap="innerHTML" '
            'hx-sync="this:replace" data-role="village-search" data-testid="village-search">',
            name=name + self.search_suffix, value=self.search_text, target=target, url=self.url,
            placeholder=_("Search: village name or code"), label=_("Search for a village by name or code"),
        )
        return format_html('<div class="village-picker">{}{}</div>', search, select)


class AgreementForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    """Create or edit an agreement (the lifecycle actions have their own forms)."""

    ngo = NGOChoiceField(queryset=NGO.objects.none(), label=gettext_lazy("NGO"))

    class Meta:
        model = Agreement
        fields = [
            "ngo", "reference_number", "signed_on", "valid_from", "valid_to", "department", "sectors", "provinces",
            "mrd_focal_person", "mrd_focal_email", "ngo_focal_person", "ngo_focal_email", "planned_budget_usd",
        ]
        widgets = {
            "signed_on": DATE_WIDGET, "valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET,
            "sectors": forms.CheckboxSelectMultiple, "provinces": forms.CheckboxSelectMultiple,
            "planned_budget_usd": FigureInput(attrs={"class": "text-end"}),  # Khmer digits can be typed
        }
        error_messages = {
            "reference_number": {"required": gettext_lazy("Enter the reference number written on the signed agreement.")},
            "valid_from": {"required": gettext_lazy("Enter the first day the agreement is valid.")},
            "valid_to": {"required": gettext_lazy("Enter the last day the agreement is valid.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ngos = NGO.objects.visible_to(user)
        self.fields["ngo"].queryset = ngos.in_name_order()
        budget = self.fields["planned_budget_usd"]
        budget.validators.append(MinValueValidator(0, message=_("Cannot be negative.")))
        if self.instance.pk:
            # Reports point at the agreement and its NGO together: an agreement stays with its NGO.
            self.fields["ngo"].disabled = True

    def clean_reference_number(self):
        reference = self.cleaned_data["reference_number"].strip()
        other = services.reference_twin(reference, exclude_pk=self.instance.pk)
        if other is not None:
            raise forms.ValidationError(services.reference_taken_message(other))
        return reference

    def clean(self):
        cleaned = super().clean()
        check_dates(self, cleaned.get("valid_from"), cleaned.get("valid_to"))
        signed_on = cleaned.get("signed_on")
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", _("The signing date cannot be in the future."))
        ngo, start, end = cleaned.get("ngo"), cleaned.get("valid_from"), cleaned.get("valid_to")
        if ngo and start and end and start <= end:
            probe = Agreement(pk=self.instance.pk, ngo=ngo, valid_from=start, valid_to=end,
                              terminated_on=self.instance.terminated_on)
            other = services.first_overlapping(probe)
            if other is not None:
                self.add_error("valid_from", services.overlap_message(other))
        return cleaned


def check_dates(form, start: datetime.date | None, end: datetime.date | None) -> None:
    """End on or after start, the message next to the end date."""
    if start and end and end < start:
        form.add_error("valid_to", _("The end date must be on or after the start date."))


class RenewForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    """The successor's reference number and dates; the rest is copied from the agreement it renews."""

    reference_number = forms.CharField(
        label=gettext_lazy("reference number"), max_length=60,
        error_messages={"required": gettext_lazy("Enter the reference number of the new agreement.")},
    )
    valid_from = forms.DateField(label=gettext_lazy("valid from"), widget=DATE_WIDGET)
    valid_to = forms.DateField(label=gettext_lazy("valid to"), widget=DATE_WIDGET)

    def clean_reference_number(self):
        reference = self.cleaned_data["reference_number"].strip()
        other = services.reference_twin(reference)
        if other is not None:
            raise forms.ValidationError(services.reference_taken_message(other))
        return reference

    def clean(self):
        cleaned = super().clean()
        check_dates(self, cleaned.get("valid_from"), cleaned.get("valid_to"))
        return cleaned


class SignForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("signing date"), widget=DATE_WIDGET)


class TerminateForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    terminated_on = forms.DateField(label=gettext_lazy("termination date"), widget=DATE_WIDGET)
    termination_reason = forms.CharField(
        label=gettext_lazy("termination reason"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for the termination.")},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class FlagForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What needs to be followed up"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write what needs to be followed up.")},
    )
    follow_up_by = PersonChoiceField(queryset=get_user_model().objects.none(), label=gettext_lazy("follow-up person"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ministry staff: active users in one of the national roles.
        national = [Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.DATA_ENTRY_OFFICER]
        self.fields["follow_up_by"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name__in=[r.value for r in national])
            .distinct().order_by("first_name", "last_name", "username")
        )


class ClearFlagForm(BootstrapFormMixin, forms.Form):
    clearing_note = forms.CharField(label=gettext_lazy("how it was resolved"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(BootstrapFormMixin, VersionedFormMixin, forms.Form):
    document = forms.FileField(
        label=gettext_lazy("signed document"),
        help_text=gettext_lazy("The signed agreement as a PDF or a scanned image."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        services.signed_document_extension(upload)
        return upload


class ChecklistForm(SensibleDatesMixin, BootstrapFormMixin, forms.Form):
    """One date per renewal document: the day it was received, empty while it is missing.

    Carries the checklist's version, so a form opened before someone else saved it cannot erase
    what they recorded (the service refuses it).
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, entries: list[RenewalChecklistEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        self.initial.setdefault("version", services.checklist_version(entries))
        for entry in entries:
            self.fields[f"entry_{entry.pk}"] = forms.DateField(
                label=entry.item.name, required=False, widget=DATE_WIDGET, initial=entry.received_on,
            )
            self.fields[f"entry_{entry.pk}"].widget.attrs["class"] = "form-control"
        self.bound_dates()

    def received_on(self) -> dict[int, datetime.date | None]:
        return {entry.pk: self.cleaned_data.get(f"entry_{entry.pk}") for entry in self.entries}
