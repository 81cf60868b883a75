"""Forms of the meeting pages and the lessons register: what a person types, checked next to each field.

The services (reports/meetings.py, reports/lessons.py) check again; nothing is saved by a form itself.
"""
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.models import NGO, Department, Sector
from mrd_ngo.forms import BootstrapFormMixin, KhmerDigitsMixin, SensibleDatesMixin
from mrd_ngo.khmer import semester_label
from reports.choices import LessonStatus, LessonTheme, RecommendationStatus
from reports.models import Lesson, Meeting, MeetingRecommendation, ReportingPeriod

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Versioned(forms.Form):
    """The row's version when the form was opened (the services refuse a stale one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.initial["version"] = instance.version


class MeetingForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, _Versioned, forms.ModelForm):
    ngos = forms.ModelMultipleChoiceField(
        queryset=NGO.objects.order_by("name_en"), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("NGOs that attended"),
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.filter(province__isnull=False).order_by("province__code"), required=False,
        widget=forms.CheckboxSelectMultiple, label=_("provincial departments that attended"),
    )

    class Meta:
        model = Meeting
        fields = ["period", "held_on", "mode", "place_km", "place_en", "chair_km", "chair_en", "ngos", "departments", "notes"]
        widgets = {"held_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.order_by("-year", "-half")
        self.fields["period"].label_from_instance = lambda p: semester_label(p.year, p.half, get_language())
        self.fields["period"].empty_label = None if self.instance.pk else "—"

    def clean(self):
        data = super().clean()
        if not (data.get("place_km") or "").strip() and not (data.get("place_en") or "").strip():
            self.add_error("place_km", _("Give the place of the meeting, in Khmer or in English."))
        return data

    def _post_clean(self):
        # The service validates the instance (with the semester's dates); the form only reads the fields.
        pass


class RecommendationForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, _Versioned, forms.ModelForm):
    class Meta:
        model = MeetingRecommendation
        fields = ["number", "text_km", "text_en", "owner", "deadline", "status"]
        widgets = {"deadline": DATE_WIDGET, "text_km": forms.Textarea(attrs={"rows": 3}),
                   "text_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = True
        self.fields["deadline"].required = True
        self.fields["number"].min_value = 1
        self.fields["number"].widget.attrs["min"] = 1
        self.fields["owner"].queryset = Department.objects.select_related("province")

    def _post_clean(self):
        pass


class NoteForm(SensibleDatesMixin, KhmerDigitsMixin, BootstrapFormMixin, _Versioned, forms.Form):
    noted_on = forms.DateField(label=_("date"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("unchanged"))] + list(RecommendationStatus.choices))


class LessonForm(BootstrapFormMixin, _Versioned, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["report", "title", "text", "sector", "theme", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "report": forms.HiddenInput}

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports
        self.fields["report"].error_messages["invalid_choice"] = _(
            "Choose a report that has been submitted: drafts have no lessons yet.")
        self.fields["sector"].empty_label = _("Every sector")

    def _post_clean(self):
        pass


class LessonSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), required=False, label=_("sector"), empty_label="—")
    theme = forms.ChoiceField(choices=[("", "—")] + list(LessonTheme.choices), required=False, label=_("theme"))
    status = forms.ChoiceField(choices=[("", "—")] + list(LessonStatus.choices), required=False, label=_("status"))
