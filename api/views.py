"""Pages of the api app: the API guide, personal API tokens, IATI activity file upload and confirmation."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services as registry
from agreements.forms import AgreementForm
from agreements.models import NGO, Agreement, Sector
from api.forms import IatiUploadForm, TokenForm
from api.iati import codes
from api.iati.importer import IatiFileError, Proposal, read_activities
from api.models import ApiToken
from api.services import MAX_USABLE_TOKENS, api_token_create, api_token_revoke
from mrd_ngo.parsing import parse_id
from mrd_ngo.roles import user_role

IATI_SESSION_KEY = "iati_import"
ADD_AGREEMENT = "agreements.add_agreement"


def _with_role(request) -> None:
    """Tokens and the guide are for staff with a role (a token of a user without one could read nothing)."""
    if user_role(request.user) is None:
        raise PermissionDenied


@login_required
def guide(request):
    """How to use the API (with a curl session) and the IATI mapping, field by field."""
    _with_role(request)
    base = request.build_absolute_uri("/api/v1/")
    return render(request, "api/guide.html", {
        "base": base,
        "dac": [(sector, codes.DAC_OF_SECTOR.get(sector.code, codes.DAC_FALLBACK)) for sector in Sector.objects.all()], "statuses": codes.ACTIVITY_STATUS.items(),
        "can_import": request.user.has_perm(ADD_AGREEMENT), "tokens_url": reverse("api:tokens"),
        "docs_url": reverse("api-1:openapi-view"), "iati_url": reverse("api-1:iati_activities"), "schema_url": reverse("api-1:openapi-json"),
        "rate": settings.API_THROTTLE_RATE, "org_ref": settings.IATI_REPORTING_ORG_REF,
    })


@login_required
def tokens(request):
    """The person's API tokens: make one (shown once), see when each was used, revoke."""
    _with_role(request)
    created = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"],
                                              days=form.cleaned_data["days"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                # Shown in this answer only (never stored, never in a redirect or the session).
                created = {"token": token, "raw": raw}
                form = TokenForm()
    else:
        form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    status = 400 if form.errors else 200
    return render(request, "api/tokens.html", {
        "form": form, "tokens": rows, "created": created, "limit": MAX_USABLE_TOKENS,
    }, status=status)


@login_required
@require_POST
def token_revoke(request, pk):
    _with_role(request)
    try:
        token = api_token_revoke(user=request.user, token_id=pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api:tokens")


# ---- IATI in -----------------------------------------------------------------------------------


@login_required
@permission_required(ADD_AGREEMENT, raise_exception=True)
def iati_upload(request):
    """Read an NGO's IATI activity file and propose an agreement; nothing is written here."""
    if request.method != "POST":
        return render(request, "api/iati_upload.html", {"form": IatiUploadForm(user=request.user)})
    form = IatiUploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            proposals = read_activities(form.cleaned_data["file"].read())
        except IatiFileError as error:
            form.add_error("file", str(error))
        else:
            renews = form.cleaned_data["renews"]
            request.session[IATI_SESSION_KEY] = {
                "file_name": form.cleaned_data["file"].name[:200],
                "renews": renews.pk if renews else None,
                "proposals": [proposal.to_plain() for proposal in proposals],
            }
            return redirect("api:iati_confirm")
    return render(request, "api/iati_upload.html", {"form": form}, status=400)


def _matching_ngo(request, names: list[str]) -> NGO | None:
    """The visible NGO whose name or acronym is one of the file's organisation names (exactly one), else None."""
    names = [name.strip() for name in names if name.strip()]
    if not names:
        return None
    condition = Q()
    for name in names:
        condition |= Q(name_en__iexact=name) | Q(name_km=name) | Q(acronym__iexact=name)
    found = list(NGO.objects.visible_to(request.user).filter(condition)[:2])
    return found[0] if len(found) == 1 else None


@login_required
@permission_required(ADD_AGREEMENT, raise_exception=True)
def iati_confirm(request):
    """The proposal in the agreement form, prefilled: staff correct it, then save (or leave: nothing was written)."""
    kept = request.session.get(IATI_SESSION_KEY)
    if not kept:
        messages.info(request, _("Upload an IATI file first."))
        return redirect("api:iati_upload")
    proposals = kept["proposals"]
    chosen = parse_id(request.POST.get("activity") if request.method == "POST" else request.GET.get("activity")) or 0
    chosen = min(chosen, len(proposals) - 1)
    proposal = Proposal.from_plain(proposals[chosen])
    renews = None
    if kept["renews"]:
        renews = Agreement.objects.visible_to(request.user).select_related("ngo").filter(pk=kept["renews"]).first()
        if renews is None or not request.user.has_perm("agreements.change_agreement"):
            request.session.pop(IATI_SESSION_KEY, None)
            raise PermissionDenied
    if request.method == "POST":
        form = AgreementForm(request.POST, user=request.user)
        if renews is not None:
            form.fields["ngo"].disabled = True
            form.initial["ngo"] = renews.ngo_id
        if form.is_valid():
            try:
                agreement = _save(request, form.cleaned_data, renews)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                request.session.pop(IATI_SESSION_KEY, None)
                messages.success(request, _("The agreement has been recorded from the IATI file."))
                return redirect(agreement.get_absolute_url())
        status = 400
    else:
        initial = proposal.initial()
        ngo = renews.ngo if renews else _matching_ngo(request, proposal.organisation_names)
        if ngo is not None:
            initial["ngo"] = ngo.pk
        form = AgreementForm(initial=initial, user=request.user)
        if renews is not None:
            form.fields["ngo"].disabled = True
        status = 200
    return render(request, "api/iati_confirm.html", {
        "form": form, "proposal": proposal, "proposals": proposals, "chosen": chosen, "renews": renews,
        "file_name": kept["file_name"], "action": reverse("api:iati_confirm"),
    }, status=status)


@transaction.atomic
def _save(request, data: dict, renews: Agreement | None) -> Agreement:
    """Record the confirmed agreement with the registry's own services (a renewal: renew, then the proposed scope)."""
    data = {name: value for name, value in data.items() if name != "version"}
    if renews is None:
        return registry.agreement_create(by=request.user, **data)
    successor = registry.agreement_renew(agreement=renews, by=request.user, reference_number=data["reference_number"],
                                         valid_from=data["valid_from"], valid_to=data["valid_to"])
    data.pop("signed_on", None)  # a renewal is a draft until its signature is recorded on its page
    data.pop("ngo", None)
    return registry.agreement_update(agreement=successor, by=request.user, **data)
