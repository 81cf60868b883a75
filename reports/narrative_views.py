"""Where staff give narratives their version in the other language: the list of narratives to translate and the
translation page of one narrative (reports/narratives.py holds the rules).

Who: staff who may change reports (officers, provincial officers for their province, administrators), on the
reports they may see (`visible_to`); accepted reports too, since the summary prints those.
"""
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from reports.content import NARRATIVES
from reports.forms import NarrativeFilterForm, NarrativeTranslationForm
from reports.models import ProgressReport
from reports.narratives import LABELS, TranslationConflict, narrative_translate, narratives_to_translate, passage_of
from reports.summary.data import Name

TRANSLATE_PERMISSION = "reports.change_progressreport"
PER_PAGE = 25


@login_required
@permission_required(TRANSLATE_PERMISSION, raise_exception=True)
def narrative_list(request):
    """The narratives of the reports the user sees, by default those still without a translation; filterable, paginated."""
    form = NarrativeFilterForm(request.GET or None)
    reports = ProgressReport.objects.visible_to(request.user)
    rows = reports.none()
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        if data.get("period"):
            reports = reports.filter(period=data["period"])
        rows = narratives_to_translate(
            reports, field=data.get("narrative") or "", lang=data.get("lang") or "",
            missing_only=(data.get("show") or "missing") == "missing",
        ).order_by("-period__year", "-period__half", "ngo__name_en", "narrative", "id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["ngo"] = Name(row["ngo__name_km"] or "", row["ngo__name_en"] or "")
        row["label"] = LABELS[row["narrative"]]
        row["period"] = SimpleNamespace(year=row["period__year"], half=row["period__half"])
        row["url"] = reverse("reports:narrative_translate", args=[row["id"], row["narrative"]])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/narrative_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "here": request.get_full_path(),
    })


@login_required
@permission_required(TRANSLATE_PERMISSION, raise_exception=True)
def narrative_translate_page(request, pk, field):
    """One narrative: its original, its language (correctable) and its translation."""
    if field not in NARRATIVES:
        raise Http404
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user).select_related("ngo", "period"), pk=pk)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    original = passage_of(report, field)
    status = 200
    if request.method == "POST":
        form = NarrativeTranslationForm(request.POST, field=field)
        if form.is_valid():
            try:
                narrative_translate(
                    user=request.user, report=report, field=field, lang=form.cleaned_data["lang"],
                    translation=form.cleaned_data["translation"], theme=form.cleaned_data.get("theme"),
                    translation_was=form.cleaned_data["translation_was"],
                )
            except TranslationConflict:
                report.refresh_from_db()
                data = request.POST.copy()
                data["translation_was"] = getattr(report, f"{field}_translation")
                form = NarrativeTranslationForm(data, field=field)
                form.is_valid()
                form.add_error(None, _("Someone saved a translation of this text while you were writing. Theirs is "
                                       "shown below; your text is kept in the box: compare them and save again."))
                status = 409
            except ValidationError as error:
                for name, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
                    form.add_error(name if name in form.fields else None, errors)
                status = 400
            else:
                messages.success(request, _("The translation is saved."))
                return redirect(back or reverse("reports:narratives"))
        else:
            status = 400
    else:
        form = NarrativeTranslationForm(field=field, initial={
            "lang": original.lang or "km", "translation": original.translation,
            "translation_was": getattr(report, f"{field}_translation"), "theme": report.challenges_theme,
        })
    return render(request, "reports/narrative_translate.html", {
        "report": report, "field": field, "label": LABELS[field], "original": original, "form": form,
        "saved_translation": getattr(report, f"{field}_translation"), "next": back,
    }, status=status)
