"""The JSON API, version 1 (django-ninja): the registry, reports and the semester summary, under the one access rule.

Every query starts from `Model.objects.visible_to(request.user)` (mrd_ngo/access.py), as the pages do:
a row the caller may not see is 404, never 403, so the API does not tell that it exists. Reading needs
the same `view_*` permission as the page (403 for a user without a role); writes go through the
services the pages use (reports/services.py), which check the role, the period lock, the status and
the version, and record the acting user in the audit trail (pghistory).
"""
from typing import Annotated

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from agreements.filters import AgreementFilter, NGOFilter
from agreements.models import NGO, Agreement, Indicator, Province, Village
from api import schemas
from api.auth import actor_of
from mrd_ngo.parsing import BIGINT_MAX
from reports.filters import ProgressReportFilter
from reports.models import IndicatorValue, ProgressReport, ReportingPeriod
from reports.services import (
    CONTENT_FIELDS,
    ReportConflict,
    ReportContent,
    ResultRow,
    agreement_in_force,
    agreement_province_ids,
    province_problem,
    province_scope,
    report_create,
    report_submit,
    report_update,
)
from reports.summary_cache import summary_for

router = Router()

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # beyond, the offset would overflow PostgreSQL's bigint (a 500, not an empty page)

#: A row id as the database can hold it: a larger number is refused (422) before any query.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


class Pages(PageNumberPagination):
    """?page=1&page_size=50 (at most 200); the answer is {"items": [...], "count": total}."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


def errors(*codes: int) -> dict:
    """The refusals an operation may answer, for the schema: 401 (no or bad token) and 429 (throttled) always."""
    return {code: schemas.ErrorOut for code in (401, 429, *codes)}


def require(request, permission: str) -> None:
    """The page's permission for the same reading or action (a user without a role has none: 403)."""
    if not request.user.has_perm(permission):
        raise HttpError(403, _("You may not do this."))


def filtered(filterset_class, request, queryset, *, periods_by_code: bool = False):
    """The rows the page's filter (django-filter) keeps for these query parameters; 422 with its messages.

    `periods_by_code`: `period=2024S1` is taken as well as the page's `period=<id>`.
    """
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ("page", "page_size"):
            params.setlist(key, values)
    if periods_by_code and (code := params.get("period")) and not code.isdigit():
        try:
            params["period"] = str(ReportingPeriod.objects.get_by_code(code).pk)
        except ReportingPeriod.DoesNotExist:
            raise HttpError(422, _("No reporting period %(code)s.") % {"code": code}) from None
    filterset = filterset_class(data=params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise HttpError(422, "; ".join(f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()))
    return filterset.qs


def messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


# ---- Query parameters (documented here; applied by the pages' FilterSets) ----------------------


class AgreementFilters(Schema):
    q: str | None = None
    status: list[str] | None = None
    province: Id | None = None
    sector: Id | None = None
    department: Id | None = None
    ngo_kind: str | None = None
    in_force_on: str | None = None
    ends_after: str | None = None
    ends_before: str | None = None
    ends_within: str | None = None


class NGOFilters(Schema):
    q: str | None = None
    kind: str | None = None
    sector: Id | None = None
    province: Id | None = None
    department: Id | None = None
    agreement_status: list[str] | None = None
    in_force_on: str | None = None
    ends_within: str | None = None
    is_active: bool | None = None


class ReportFilters(Schema):
    q: str | None = None
    period: str | None = Field(None, description="Semester code (2024S1) or id.", max_length=20)
    status: str | None = None
    ngo: Id | None = None
    province: Id | None = None
    sector: Id | None = None
    late: str | None = None


class VillageFilters(Schema):
    province: str | None = None
    is_model_village: bool | None = None
    q: str | None = None


# ---- Reference data ----------------------------------------------------------------------------


@router.get("/provinces", response={200: list[schemas.ProvinceOut], **errors(403)}, tags=["places"])
@paginate(Pages)
def provinces(request):
    """Cambodia's 25 provinces (codes as used everywhere in the API)."""
    require(request, "agreements.view_province")
    return Province.objects.order_by("code")


@router.get("/villages", response={200: list[schemas.VillageOut], **errors(403)}, tags=["places"])
@paginate(Pages)
def villages(request, filters: Query[VillageFilters]):
    """Villages the caller may see (a provincial officer: their province's)."""
    require(request, "agreements.view_village")
    rows = Village.objects.visible_to(request.user).select_related("province").order_by("province__code", "name_km", "pk")
    if filters.province:
        rows = rows.filter(province__code=filters.province)
    if filters.is_model_village is not None:
        rows = rows.filter(is_model_village=filters.is_model_village)
    if filters.q:
        rows = rows.filter(Q(name_km__icontains=filters.q) | Q(name_en__icontains=filters.q))
    return rows


@router.get("/indicators", response={200: list[schemas.IndicatorOut], **errors(403)}, tags=["reports"])
@paginate(Pages)
def indicators(request):
    """The indicators reports give results for (their codes are what a report's `values` name)."""
    require(request, "agreements.view_indicator")
    return Indicator.objects.select_related("sector").order_by("sector__order", "order", "code")


# ---- NGOs and agreements -----------------------------------------------------------------------


@router.get("/ngos", response={200: list[schemas.NGOOut], **errors(403, 422)}, tags=["registry"])
@paginate(Pages)
def ngos(request, filters: Query[NGOFilters]):
    """NGOs the caller may see, with the NGO list's filters."""
    require(request, "agreements.view_ngo")
    rows = NGO.objects.visible_to(request.user).prefetch_related("sectors").order_by("name_en", "name_km", "pk")
    return filtered(NGOFilter, request, rows)


@router.get("/ngos/{int:ngo_id}", response={200: schemas.NGOOut, **errors(403, 404)}, tags=["registry"])
def ngo(request, ngo_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)]):
    require(request, "agreements.view_ngo")
    return get_object_or_404(NGO.objects.visible_to(request.user).prefetch_related("sectors"), pk=ngo_id)


def visible_agreements(request):
    """The agreements the caller may see, with status and the links of the renewal chain they may see."""
    visible = Agreement.objects.visible_to(request.user)
    return (
        visible.with_status()
        .select_related("ngo", "department")
        .prefetch_related("sectors", "provinces")
        .annotate(
            visible_renews_id=Subquery(visible.filter(pk=OuterRef("renews_id")).values("pk")[:1]),
            visible_successor_id=Subquery(visible.filter(renews_id=OuterRef("pk")).values("pk")[:1]),
        )
    )


@router.get("/agreements", response={200: list[schemas.AgreementOut], **errors(403, 422)}, tags=["registry"])
@paginate(Pages)
def agreements(request, filters: Query[AgreementFilters]):
    """Agreements the caller may see, with the agreement list's filters (status is derived as of today)."""
    require(request, "agreements.view_agreement")
    rows = visible_agreements(request).order_by("ngo__name_en", "-valid_from", "pk")
    return filtered(AgreementFilter, request, rows)


@router.get("/agreements/{int:agreement_id}", response={200: schemas.AgreementDetailOut, **errors(403, 404)},
            tags=["registry"])
def agreement(request, agreement_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)]):
    """One agreement and its renewal chain (the agreements of the chain the caller may see)."""
    require(request, "agreements.view_agreement")
    found = get_object_or_404(visible_agreements(request), pk=agreement_id)
    statuses = Agreement.objects.visible_to(request.user).with_status().filter(ngo_id=found.ngo_id)
    by_id = {row.pk: row for row in statuses}
    chain, link = [], found
    while link is not None:  # back to the first agreement of the chain
        chain.insert(0, link)
        link = by_id.get(link.renews_id)
    successors = {row.renews_id: row for row in by_id.values() if row.renews_id}
    link = successors.get(found.pk)
    while link is not None:
        chain.append(link)
        link = successors.get(link.pk)
    found.chain = [schemas.ChainLink(id=row.pk, reference_number=row.reference_number, valid_from=row.valid_from,
                                     valid_to=row.valid_to, status=row.status) for row in chain]
    return found


# ---- Semesters, reports, summary ---------------------------------------------------------------


@router.get("/semesters", response={200: list[schemas.SemesterOut], **errors(403)}, tags=["reports"])
@paginate(Pages)
def semesters(request):
    require(request, "reports.view_reportingperiod")
    return ReportingPeriod.objects.order_by("-year", "-half")


def period_or_404(code: str) -> ReportingPeriod:
    try:
        return ReportingPeriod.objects.get_by_code(code)
    except ReportingPeriod.DoesNotExist:
        raise Http404(_("No reporting period %(code)s.") % {"code": code}) from None


@router.get("/semesters/{code}", response={200: schemas.SemesterOut, **errors(403, 404)}, tags=["reports"])
def semester(request, code: str):
    require(request, "reports.view_reportingperiod")
    return period_or_404(code)


@router.get("/semesters/{code}/summary", response={200: schemas.SummaryOut, **errors(403, 404)}, tags=["reports"])
def summary(request, code: str):
    """The semester summary's figures, the same as the summary page (built by the same code, in the caller's scope)."""
    require(request, "reports.view_progressreport")
    period = period_or_404(code)
    built = summary_for(period, user=request.user)
    key_codes = [heading.code for heading in built.key_indicators]
    return {
        "period": built.period.code,
        "previous_period": built.previous_period.code if built.previous_period else None,
        "scope": built.provinces[0].code if built.scope is not None and built.provinces else None,
        "headline": {name: value for name, value in vars(built.headline).items()},
        "figures": [{"key": row.key, "label": str(row.label), "value": row.change.current,
                     "previous": row.change.previous} for row in built.figures],
        "indicators": [
            {"indicator": result.heading.code, "sector": sector.code, "total": result.total, "female": result.female,
             "ngos": result.ngos, "provinces": result.provinces, "previous_total": result.previous_total}
            for sector in built.sectors for result in sector.indicators
        ],
        "provinces": [
            {"province": row.code, "ngos_active": row.ngos_active, "budget_planned_usd": row.budget_planned,
             "budget_spent_usd": row.budget_spent, "model_villages_reached": row.model_villages_reached,
             "key_results": dict(zip(key_codes, row.key_results, strict=True))}
            for row in built.provinces
        ],
    }


def visible_reports(request):
    """Reports the caller may see, each with the results they may see (`visible_values`)."""
    values = IndicatorValue.objects.visible_to(request.user).select_related("indicator", "province").order_by(
        "indicator__sector__order", "indicator__order", "province__code", "village_id", "pk")
    return (
        ProgressReport.objects.visible_to(request.user)
        .select_related("ngo", "period", "agreement")
        .prefetch_related(Prefetch("values", queryset=values, to_attr="visible_values"))
    )


@router.get("/reports", response={200: list[schemas.ReportOut], **errors(403, 422)}, tags=["reports"])
@paginate(Pages)
def reports(request, filters: Query[ReportFilters]):
    """Progress reports the caller may see, with the report list's filters (`period`: a code such as 2024S1)."""
    require(request, "reports.view_progressreport")
    rows = visible_reports(request).order_by("-period__year", "-period__half", "ngo__name_en", "pk")
    return filtered(ProgressReportFilter, request, rows, periods_by_code=True)


@router.get("/reports/{int:report_id}", response={200: schemas.ReportOut, **errors(403, 404)}, tags=["reports"])
def report(request, report_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)]):
    require(request, "reports.view_progressreport")
    return get_object_or_404(visible_reports(request), pk=report_id)


def result_rows(request, values: list[schemas.ValueIn], agreement: Agreement | None) -> list[ResultRow]:
    """The results as the services take them; an unknown indicator, province or village is refused (422), and so is
    a province where `agreement`'s report may not record a result (`province_problem`; the services check it too)."""
    scope = province_scope(request.user)
    covered = agreement_province_ids(agreement) if agreement is not None else frozenset()
    indicators_by_code = {row.code: row for row in Indicator.objects.select_related("sector")}
    provinces_by_code = {row.code: row for row in Province.objects.all()}
    village_ids = {value.village_id for value in values if value.village_id is not None}
    villages_by_id = Village.objects.visible_to(request.user).select_related("province").in_bulk(village_ids)
    rows, problems = [], []
    for number, value in enumerate(values, start=1):
        indicator = indicators_by_code.get(value.indicator)
        province = provinces_by_code.get(value.province)
        village = villages_by_id.get(value.village_id) if value.village_id is not None else None
        if indicator is None:
            problems.append(_("Result %(n)d: no indicator %(code)s.") % {"n": number, "code": value.indicator})
        if province is None:
            problems.append(_("Result %(n)d: no province %(code)s.") % {"n": number, "code": value.province})
        elif agreement is not None and (refused := province_problem(province, agreement=agreement, scope=scope,
                                                                     covered=covered)):
            problems.append(_("Result %(n)d: %(problem)s") % {"n": number, "problem": refused})
            province = None
        if value.village_id is not None and village is None:
            problems.append(_("Result %(n)d: no village %(id)s.") % {"n": number, "id": value.village_id})
        if indicator is not None and province is not None and not (value.village_id is not None and village is None):
            rows.append(ResultRow(indicator=indicator, province=province, village=village, value=value.value,
                                  female_value=value.female_value))
    if problems:
        raise ValidationError(problems)
    return rows


def content_of(request, payload: schemas.ReportContentIn, report: ProgressReport | None,
               agreement: Agreement | None) -> ReportContent:
    """The report content to save: what the payload gives, the saved value for what it leaves out (under `agreement`,
    the report's, or for a new report the one it will be filed under: None when there is none)."""
    fields = {}
    for name in CONTENT_FIELDS:
        given = getattr(payload, name)
        if given is not None:
            fields[name] = given
        elif report is not None:
            fields[name] = getattr(report, name)
    if payload.values is not None:
        rows = result_rows(request, payload.values, agreement)
    elif report is not None:
        saved = IndicatorValue.objects.filter(report=report).select_related("indicator__sector", "province", "village")
        scope = province_scope(request.user)
        if scope is not None:
            saved = saved.filter(province_id=scope)
        rows = [ResultRow(indicator=v.indicator, province=v.province, village=v.village, value=v.value,
                          female_value=v.female_value) for v in saved]
    else:
        rows = []
    return ReportContent(fields=fields, rows=rows)


def refused(error: ValidationError):
    """A service's refusal as the answer: 422 with its messages (the api's ValidationError handler)."""
    raise error


@router.post("/reports", response={201: schemas.ReportOut, **errors(403, 404, 422)}, tags=["reports"])
def create_report(request, payload: schemas.ReportCreateIn):
    """A new draft report of an NGO for a semester, under its agreement in force (as the report form)."""
    require(request, "reports.add_progressreport")
    ngo_row = get_object_or_404(NGO.objects.visible_to(request.user), pk=payload.ngo_id)
    period = period_or_404(payload.period)
    content = content_of(request, payload, None, agreement_in_force(ngo=ngo_row, period=period, user=request.user))
    try:
        with pghistory.context(**actor_of(request)):
            created = report_create(user=request.user, ngo=ngo_row, period=period, content=content, source="api")
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not enter reports.")) from None
    except ValidationError as error:
        refused(error)
    return Status(201, get_object_or_404(visible_reports(request), pk=created.pk))


@router.patch("/reports/{int:report_id}",
              response={200: schemas.ReportOut, 409: schemas.ConflictOut, **errors(403, 404, 422)}, tags=["reports"])
def update_report(request, report_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], payload: schemas.ReportUpdateIn):
    """Change a draft or returned report; `version` must be the one you read, else 409 with what changed."""
    require(request, "reports.change_progressreport")
    current = get_object_or_404(ProgressReport.objects.visible_to(request.user).select_related("period", "agreement"),
                                pk=report_id)
    content = content_of(request, payload, current, current.agreement)
    try:
        with pghistory.context(**actor_of(request)):
            report_update(user=request.user, report=current, version=payload.version, content=content, source="api")
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not change reports.")) from None
    except ReportConflict as conflict:
        changes = conflict.changes
        return Status(409, {
            "detail": conflict.messages[0],
            "current_version": conflict.report.version,
            "changed_by": changes.changed_by.get_username() if changes.changed_by else None,
            "changed_at": changes.changed_at,
            "fields": [vars(change) for change in changes.fields],
            "results": [vars(change) for change in changes.rows],
        })
    except ValidationError as error:
        refused(error)
    return get_object_or_404(visible_reports(request), pk=report_id)


@router.post("/reports/{int:report_id}/submit", response={200: schemas.ReportOut, **errors(403, 404, 409, 422)},
             tags=["reports"])
def submit_report(request, report_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], payload: schemas.ReportSubmitIn):
    """Send a draft (or a returned report) to the reviewers, as the Submit button does."""
    require(request, "reports.submit_progressreport")
    current = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=report_id)
    try:
        with pghistory.context(**actor_of(request)):
            report_submit(user=request.user, report=current, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not submit reports.")) from None
    except ValidationError as error:
        if getattr(error, "code", None) == "stale":
            return Status(409, {"detail": messages_of(error)})
        refused(error)
    return get_object_or_404(visible_reports(request), pk=report_id)


# ---- IATI --------------------------------------------------------------------------------------


@router.get(
    "/iati/activities.xml", tags=["IATI"], response={**errors(403, 422)},
    openapi_extra={"responses": {200: {"description": "IATI 2.03 activities file",
                                       "content": {"application/xml": {"schema": {"type": "string"}}}}}},
)
def iati_activities(request, filters: Query[AgreementFilters]):
    """The agreements the caller may see (the agreement list's filters apply) as an IATI 2.03 activities file."""
    from api.iati.export import activities_xml

    require(request, "agreements.view_agreement")
    rows = filtered(AgreementFilter, request, visible_agreements(request).order_by("reference_number", "pk"))
    response = HttpResponse(activities_xml(rows), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mrd-iati-activities.xml"'
    return response

