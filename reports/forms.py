"""Forms of progress reports: choosing NGO and period, the report, its indicator rows, review and import."""
from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements.forms import NGOChoiceField, VillageSearchSelect
from agreements.models import NGO, Agreement, Indicator, Province, Village
from mrd_ngo.forms import BootstrapFormMixin, FigureInput, IdChoiceMixin, KhmerDigitsMixin
from mrd_ngo.khmer import format_date, format_number, semester_label
from mrd_ngo.parsing import parse_id
from reports.models import ProgressReport, ReportingPeriod
from reports.content import CONTENT_FIELDS, NARRATIVES, ReportContent, ResultRow
from reports.services import agreement_in_force, no_agreement_message, province_scope, row_problems


class NumberTextInput(FigureInput):
    """A figure's text box, its number aligned right."""

    def __init__(self, attrs=None):
        super().__init__({"class": "form-control text-end", **(attrs or {})})


class GroupedDigitsMixin:
    """Accept thousands separators ("1,250", "1 250") in a number field.

    Khmer digits are read by the forms' `KhmerDigitsMixin` (mrd_ngo.forms), which wraps `to_python`.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
        return super().to_python(value)


class NumberField(GroupedDigitsMixin, forms.DecimalField):
    widget = NumberTextInput
    default_error_messages = {"invalid": _("Enter a number, such as 1250 or ១២៥០."), "min_value": _("Cannot be negative.")}


class WholeNumberField(GroupedDigitsMixin, forms.IntegerField):
    widget = NumberTextInput
    default_error_messages = {"invalid": _("Enter a whole number, such as 1250 or ១២៥០."), "min_value": _("Cannot be negative.")}


class PeriodChoiceField(IdChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, period):
        label = semester_label(period.year, period.half, get_language())
        return f"{label} ({gettext('locked')})" if period.is_locked else label


def _agreement_line(agreement: Agreement) -> str:
    lang = get_language()
    return gettext("%(reference)s, valid %(start)s – %(end)s") % {
        "reference": agreement.reference_number,
        "start": format_date(agreement.valid_from, lang), "end": format_date(agreement.effective_end, lang),
    }


class ReportStartForm(BootstrapFormMixin, forms.Form):
    """Step one of a new report: which NGO and which semester; the agreement is then found, not typed."""

    ngo = NGOChoiceField(queryset=NGO.objects.none(), label=_("NGO"))
    period = PeriodChoiceField(queryset=ReportingPeriod.objects.all(), label=_("Semester"))

    def __init__(self, *args, user, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ngo"].queryset = NGO.objects.visible_to(user).in_name_order()
        # The NGO search text typed without JavaScript, before the form is sent (NGOSearchSelect).
        self.fields["ngo"].widget.search_text = search.strip()[:100]
        self.agreement = None

    def clean(self):
        data = super().clean()
        ngo, period = data.get("ngo"), data.get("period")
        if not ngo or not period:
            return data
        if period.is_locked:
            raise forms.ValidationError(
                gettext("%(period)s is locked: its reports are read-only. An administrator can unlock it.")
                % {"period": semester_label(period.year, period.half, get_language())}
            )
        # Only agreements the user may see are offered or named (a provincial officer: those of their province).
        self.agreement = agreement_in_force(ngo=ngo, period=period, user=self.user)
        if self.agreement is None:
            others = [
                _agreement_line(a) for a in Agreement.objects.visible_to(self.user)
                .filter(ngo=ngo, signed_on__isnull=False).order_by("valid_from")
            ]
            message = no_agreement_message(ngo=ngo, period=period, user=self.user)
            if others:
                message += " " + gettext("Its agreements: %(list)s.") % {"list": "; ".join(others)}
            raise forms.ValidationError(message, code="no_agreement")
        return data


class ReportForm(KhmerDigitsMixin, BootstrapFormMixin, forms.ModelForm):
    """The narrative and figures of a report, with the version it was opened at (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgressReport
        fields = list(CONTENT_FIELDS)
        field_classes = {
            "budget_planned_usd": NumberField, "budget_spent_usd": NumberField,
            "beneficiaries_total": WholeNumberField, "beneficiaries_female": WholeNumberField,
        }
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in NARRATIVES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in ("budget_planned_usd", "budget_spent_usd", "beneficiaries_total", "beneficiaries_female"):
            # Model defaults of 0 would hide that nothing was typed; blank means 0 here.
            self.fields[name].required = False

    def _clean_figure(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return 0
        if value < 0:
            raise forms.ValidationError(gettext("Cannot be negative."))
        return value

    def clean_budget_planned_usd(self):
        return self._clean_figure("budget_planned_usd")

    def clean_budget_spent_usd(self):
        return self._clean_figure("budget_spent_usd")

    def clean_beneficiaries_total(self):
        return self._clean_figure("beneficiaries_total")

    def clean_beneficiaries_female(self):
        return self._clean_figure("beneficiaries_female")

    def clean(self):
        data = super().clean()
        total, female = data.get("beneficiaries_total"), data.get("beneficiaries_female")
        if total is not None and female is not None and female > total:
            self.add_error("beneficiaries_female", gettext("Women cannot be more than the total number of beneficiaries."))
        return data

    def _post_clean(self):
        # The model is validated (full_clean) by the services; the form only checks what was typed.
        pass

    def content_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS}


class RowChoices:
    """The indicators, provinces and villages a user may pick in result rows (two queries, and one for the villages named).

    Villages are searched (VillageSearchSelect), not listed: those the user may see in the provinces of
    the report's `agreement`; the ones a form names are loaded at once by `load_villages`.
    """

    def __init__(self, user, agreement: Agreement | None = None):
        scope = province_scope(user)
        self.indicators = {i.pk: i for i in Indicator.objects.select_related("sector")}
        provinces = Province.objects.all() if scope is None else Province.objects.filter(pk=scope)
        self.provinces = {p.pk: p for p in provinces}
        self.searched = Village.objects.visible_to(user)
        if agreement is not None:
            self.searched = self.searched.for_agreement(agreement)
        self.village_url = reverse("agreements:village_options") + (f"?agreement={agreement.pk}" if agreement else "")
        self.villages: dict[int, Village] = {}
        self.by_sex = frozenset(pk for pk, i in self.indicators.items() if i.disaggregated_by_sex)

    def load_villages(self, ids) -> None:
        """Fetch the villages named by the rows (and allowed) in one query."""
        wanted = {number for number in ids if number is not None} - set(self.villages)
        if wanted:
            self.villages.update(self.searched.select_related("commune__district", "province").in_bulk(wanted))

    @property
    def only_province(self) -> Province | None:
        return next(iter(self.provinces.values())) if len(self.provinces) == 1 else None

    def indicator_choices(self):
        groups: dict[str, list] = {}
        for indicator in self.indicators.values():
            label = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            groups.setdefault(indicator.sector.name, []).append((str(indicator.pk), label))
        return [("", "---------")] + list(groups.items())

    def province_choices(self):
        return [("", "---------")] + [(str(p.pk), p.name) for p in self.provinces.values()]


class IndicatorSelect(forms.Select):
    """Marks the indicators counted by sex, so the page can enable the “of which female” box."""

    by_sex: frozenset = frozenset()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value and int(value) in self.by_sex:
            option["attrs"]["data-by-sex"] = "1"
        return option


class IndicatorRowForm(KhmerDigitsMixin, BootstrapFormMixin, forms.Form):
    """One indicator result: indicator, province, optional village, value, of which female."""

    indicator = forms.ChoiceField(label=_("indicator"), widget=IndicatorSelect)
    province = forms.ChoiceField(label=_("province"))
    village = forms.CharField(label=_("village"), required=False, widget=VillageSearchSelect)
    value = NumberField(label=_("value"), max_digits=14, decimal_places=2)
    female_value = NumberField(label=_("of which female"), max_digits=14, decimal_places=2, required=False)

    def __init__(self, *args, choices: RowChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.row = None
        self.fields["indicator"].choices = choices.indicator_choices()
        self.fields["indicator"].widget.by_sex = choices.by_sex
        self.fields["province"].choices = choices.province_choices()
        if choices.only_province:
            self.fields["province"].initial = str(choices.only_province.pk)
        village = self.fields["village"].widget
        village.url, village.villages, village.chosen = choices.village_url, choices.searched, choices.villages
        village.empty_label = gettext("(whole province)")
        self.fields["province"].widget.attrs["data-role"] = "province"
        self.fields["village"].widget.attrs["data-role"] = "village"
        self.fields["indicator"].widget.attrs["data-role"] = "indicator"
        self.fields["female_value"].widget.attrs["data-role"] = "female"

    def _province_id(self) -> int | None:
        if self.is_bound:
            raw = self.data.get(self.add_prefix("province"))
        else:
            raw = self.initial.get("province") or self.fields["province"].initial
        return parse_id(raw)

    def clean_indicator(self):
        return self.choices.indicators[int(self.cleaned_data["indicator"])]

    def clean_province(self):
        return self.choices.provinces[int(self.cleaned_data["province"])]

    def clean_village(self):
        value = self.cleaned_data.get("village")
        search = self.fields["village"].widget.search_text
        if not value:
            if search:
                raise forms.ValidationError(gettext("Choose the village among those matching “%(text)s”, or empty the search box.")
                                            % {"text": search})
            return None
        village = self.choices.villages.get(parse_id(value))
        if village is None:
            raise forms.ValidationError(gettext("Choose a village of the agreement's provinces with the search box."))
        return village

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ("indicator", "province", "value")):
            row = ResultRow(indicator=data["indicator"], province=data["province"], village=data.get("village"),
                            value=data["value"], female_value=data.get("female_value"))
            problems = row_problems(row)
            for name, message in problems.items():
                self.add_error(name or None, message)
            if not problems:
                self.row = row
        return data


class BaseResultRowFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            row = getattr(form, "row", None)
            if row is None:
                continue
            if row.key in seen:
                form.add_error(None, gettext("%(indicator)s in %(province)s is entered twice.") % {
                    "indicator": row.indicator.name, "province": row.province.name,
                })
            seen.add(row.key)

    def result_rows(self) -> list[ResultRow]:
        return [
            form.row for form in self.forms
            if form.row is not None and not (self.can_delete and self._should_delete_form(form))
        ]


def result_row_formset(*, user, data=None, initial=None, choices: RowChoices | None = None) -> BaseResultRowFormSet:
    """The result rows of a report form; one empty row to start with when there is nothing yet."""
    choices = choices or RowChoices(user)
    named = [value for key, value in (data or {}).items() if re.fullmatch(r"rows-\d+-village", key)]
    choices.load_villages(map(parse_id, named + [row.get("village") for row in initial or []]))
    formset_class = forms.formset_factory(
        IndicatorRowForm, formset=BaseResultRowFormSet, extra=0 if initial else 1, can_delete=True
    )
    return formset_class(data=data, initial=initial, prefix="rows", form_kwargs={"choices": choices})


def report_content(form: ReportForm, formset: BaseResultRowFormSet) -> ReportContent:
    return ReportContent(fields=form.content_fields(), rows=formset.result_rows())


class ReturnForm(BootstrapFormMixin, forms.Form):
    """A reviewer returns a report, saying what must be corrected."""

    comment = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what must be corrected: a comment is required to return a report.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    """A filled-in spreadsheet template, for one NGO and semester."""

    ngo = NGOChoiceField(queryset=NGO.objects.none(), label=_("NGO"))
    period = PeriodChoiceField(queryset=ReportingPeriod.objects.all(), label=_("Semester"))
    file = forms.FileField(label=_("Filled-in template (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ngo"].queryset = NGO.objects.visible_to(user).in_name_order()
        self.fields["file"].widget.attrs["accept"] = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(gettext("The file is too large (at most %(mb)s MB).")
                                        % {"mb": format_number(settings.UPLOAD_MAX_BYTES // (1024 * 1024), get_language())})
        return upload


class NarrativeFilterForm(forms.Form):
    """The filters of the list of narratives to translate (every field optional; a bad value is answered, not ignored)."""

    period = forms.ModelChoiceField(ReportingPeriod.objects.all(), required=False, label=_("Semester"),
                                    empty_label=_("All semesters"))
    narrative = forms.ChoiceField(required=False, label=_("Narrative"))
    lang = forms.ChoiceField(required=False, label=_("Written in"))
    show = forms.ChoiceField(required=False, label=_("Show"), choices=[
        ("missing", _("Without translation")), ("all", _("All narratives"))])

    def __init__(self, *args, **kwargs):
        from reports.choices import NarrativeLanguage
        from reports.narratives import LABELS

        super().__init__(*args, **kwargs)
        self.fields["period"].label_from_instance = lambda period: semester_label(period.year, period.half, get_language())
        self.fields["narrative"].choices = [("", _("All narratives"))] + [(k, v) for k, v in LABELS.items()]
        self.fields["lang"].choices = [("", _("Either language"))] + list(NarrativeLanguage.choices)


class NarrativeTranslationForm(BootstrapFormMixin, forms.Form):
    """Staff's correction of a narrative's language and its version in the other language."""

    lang = forms.ChoiceField(label=_("The original is written in"), widget=forms.RadioSelect)
    translation = forms.CharField(label=_("Translation"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                                  max_length=20000)
    theme = forms.ChoiceField(label=_("Theme of the challenges"), required=False)
    translation_was = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, field: str, **kwargs):
        from reports.choices import ChallengeTheme, NarrativeLanguage

        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = NarrativeLanguage.choices
        self.fields["theme"].choices = [("", "–")] + list(ChallengeTheme.choices)
        if field != "challenges":
            del self.fields["theme"]
