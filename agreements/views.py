"""Views of the NGO and agreement registry: lists, detail pages, forms, the expiring board, lifecycle actions.

Every view starts from `visible_to(request.user)` (rows outside it are 404) and checks the Django
permission of the action (403 without it). Views stay thin: the services change the rows.
"""
import functools

import filetype
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agreements import rules, services
from agreements.filters import AgreementFilter, NGOFilter
from agreements.forms import (
    NGO_CHOICES_SHOWN,
    VILLAGE_CHOICES_SHOWN,
    AgreementForm,
    ChecklistForm,
    ClearFlagForm,
    DocumentForm,
    FlagForm,
    NGOChoiceField,
    NGOForm,
    RenewForm,
    SignForm,
    TerminateForm,
    village_label,
)
from agreements.history import agreement_history, ngo_history
from agreements.models import (
    NGO, Agreement, AgreementFlag, Province, RenewalChecklistItem, Sector, Village, open_flags_prefetch, search_terms,
)
from agreements.tables import AgreementTable, ExpiringBoardTable, NGOTable, names_of
from mrd_ngo import versions
from mrd_ngo.access import scope_of
from mrd_ngo.khmer import format_number
from mrd_ngo.paging import page_of
from mrd_ngo.parsing import parse_id, parse_id_or_404
from mrd_ngo.spreadsheets import FilteredExportMixin, table_export_response

PAGE_SIZE = 25
BOARD_PAGE_SIZE = 25
DETAIL_PAGE_SIZE = 10  # agreements and reports on an NGO's page  # rows of each group of the expiring board


def visible_agreement(request, pk: int, queryset=None) -> Agreement:
    """The agreement `pk` if the user may see it, else 404."""
    queryset = queryset if queryset is not None else Agreement.objects.all()
    return get_object_or_404(queryset.visible_to(request.user).select_related("ngo"), pk=pk)


# ---------------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------------

class RegistryListView(PermissionRequiredMixin, FilteredExportMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table with columns a person chooses, exported whole as CSV or XLSX."""

    # django-tables2 pages the table (and counts the rows once); no `paginate_by`: ListView would count them again.
    table_pagination = {"per_page": PAGE_SIZE}
    export_basename = "export"

    def chosen_columns(self) -> list[str]:
        """Optional columns shown: the `columns` checkboxes when sent, else the last choice (session), else the defaults."""
        key = f"columns:{self.table_class.__name__}"
        optional = {name for name, _label in self.table_class.optional_columns()}
        if "columns" in self.request.GET:
            chosen = [name for name in self.request.GET.getlist("columns") if name in optional]
            self.request.session[key] = chosen
            return chosen
        saved = self.request.session.get(key)
        return [name for name in saved if name in optional] if saved is not None else list(self.table_class.default_columns)

    def get_table_kwargs(self):
        chosen = set(self.chosen_columns())
        return {"exclude": [name for name, _label in self.table_class.optional_columns() if name not in chosen]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = set(self.chosen_columns())
        context["column_choices"] = [
            (name, label, name in chosen) for name, label in self.table_class.optional_columns()
        ]
        context["row_count"] = context["table"].paginator.count if context["table"].page else len(self.object_list)
        return context


class AgreementListView(RegistryListView):
    permission_required = "agreements.view_agreement"
    template_name = "agreements/agreement_list.html"
    table_class = AgreementTable
    filterset_class = AgreementFilter
    export_basename = "agreements"

    def get_queryset(self):
        return (
            Agreement.objects.visible_to(self.request.user).with_status()
            .select_related("ngo", "department").with_open_flag_note()
            .annotate(province_names=names_of(Province, "agreements"), sector_names=names_of(Sector, "agreements"))
        )


class NGOListView(RegistryListView):
    permission_required = "agreements.view_ngo"
    template_name = "agreements/ngo_list.html"
    table_class = NGOTable
    filterset_class = NGOFilter
    export_basename = "ngos"

    def get_queryset(self):
        # Counted among the agreements the user may see (a provincial officer: those of their province).
        visible = Agreement.objects.visible_to(self.request.user).filter(ngo=OuterRef("pk")).order_by()
        count = visible.values("ngo").annotate(n=Count("pk")).values("n")
        return (
            NGO.objects.visible_to(self.request.user)
            .annotate(
                agreement_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
                last_valid_to=Subquery(visible.order_by("-valid_to").values("valid_to")[:1]),
                sector_names=names_of(Sector, "ngos"),
            )
        )


@login_required
@permission_required("agreements.view_ngo", raise_exception=True)
def ngo_options(request):
    """The NGOs matching a search box, as `<option>`s for NGOSearchSelect (at most NGO_CHOICES_SHOWN).

    The text is `q`, or the `<field>_search` box that htmx sends under its own name.
    """
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("_search")), "")
    query = query.strip()[:100]
    ngos, count = [], 0
    if search_terms(query):
        matches = NGO.objects.visible_to(request.user).search(query).order_by(
            "name_km" if get_language() == "km" else "name_en", "pk")
        ngos = list(matches[:NGO_CHOICES_SHOWN + 1])
        count = len(ngos) if len(ngos) <= NGO_CHOICES_SHOWN else matches.count()
    lang = get_language()
    if not search_terms(query):
        prompt = _("Type a name or acronym to search")
    elif not ngos:
        prompt = _("No NGO matches “%(query)s”") % {"query": query}
    elif count > NGO_CHOICES_SHOWN:
        prompt = _("The first %(shown)s of %(count)s NGOs that match: type more to narrow") % {
            "shown": format_number(NGO_CHOICES_SHOWN, lang), "count": format_number(count, lang)}
    else:
        prompt = ngettext("%(count)s NGO matches: choose it", "%(count)s NGOs match: choose one", count) % {
            "count": format_number(count, lang)}
    field = NGOChoiceField(queryset=NGO.objects.none())
    options = [(ngo.pk, field.label_from_instance(ngo)) for ngo in ngos[:NGO_CHOICES_SHOWN]]
    return render(request, "agreements/_ngo_options.html", {
        "prompt": prompt, "options": options, "select_first": len(options) == 1,
    })


@login_required
@permission_required("agreements.view_village", raise_exception=True)
def village_options(request):
    """The villages matching a search box, as `<option>`s for VillageSearchSelect (at most VILLAGE_CHOICES_SHOWN).

    Only villages the user may see and in use; `agreement` limits them to its provinces (the report
    form), `province` to one province (the row's). The text is `q`, or the `<field>_search` box.
    """
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("_search")), "")
    query = query.strip()[:100]
    villages = Village.objects.visible_to(request.user).in_use()
    if "agreement" in request.GET:
        agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=parse_id_or_404(request.GET["agreement"]))
        villages = villages.for_agreement(agreement)
    if province := parse_id(request.GET.get("province")):
        villages = villages.filter(province_id=province)
    # One more than shown tells whether there are more; the villages are not counted (a scan of them all).
    found = villages.first_matches(query, VILLAGE_CHOICES_SHOWN + 1)
    lang = get_language()
    if not search_terms(query):
        prompt = _("Type a village name or code to search")
    elif not found:
        prompt = _("No village matches “%(query)s”") % {"query": query}
    elif len(found) > VILLAGE_CHOICES_SHOWN:
        prompt = _("The first %(shown)s villages that match: type more to narrow") % {
            "shown": format_number(VILLAGE_CHOICES_SHOWN, lang)}
    else:
        prompt = ngettext("%(count)s village matches: choose it", "%(count)s villages match: choose one", len(found)) % {
            "count": format_number(len(found), lang)}
    options = [(v, village_label(v)) for v in found[:VILLAGE_CHOICES_SHOWN]]
    return render(request, "agreements/_village_options.html", {
        "prompt": prompt, "options": options, "select_first": len(options) == 1,
    })


# ---------------------------------------------------------------------------------------------------
# Detail pages
# ---------------------------------------------------------------------------------------------------

class NGODetailView(PermissionRequiredMixin, DetailView):
    permission_required = "agreements.view_ngo"
    template_name = "agreements/ngo_detail.html"
    context_object_name = "ngo"

    def get_queryset(self):
        return NGO.objects.visible_to(self.request.user).prefetch_related("sectors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ngo = self.object
        agreements = (
            Agreement.objects.visible_to(self.request.user).filter(ngo=ngo).with_status()
            .select_related("department").prefetch_related("provinces").with_open_flags()
            .with_renewal_chain(self.request.user).order_by("valid_from", "pk")
        )
        # ProgressReport is reached through the reverse relation: agreements does not import reports.
        reports = (
            ngo.reports.visible_to(self.request.user).select_related("period", "agreement")
            .order_by("-period__year", "-period__half", "pk")
        )
        # Both lists grow every semester: one page of each.
        context.update(
            agreements=page_of(self.request, agreements, param="agreements_page", per_page=DETAIL_PAGE_SIZE,
                               anchor="ngo-agreements"),
            reports=page_of(self.request, reports, param="reports_page", per_page=DETAIL_PAGE_SIZE, anchor="ngo-reports"),
            history=ngo_history(ngo),
        )
        return context


class AgreementDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "agreements.view_agreement"
    template_name = "agreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return (
            Agreement.objects.visible_to(self.request.user).with_status()
            .select_related("ngo", "department", "successor").prefetch_related("provinces", "sectors")
            .with_renewal_chain(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        user = self.request.user
        entries = list(agreement.checklist_entries.select_related("item"))
        flags = list(agreement.flags.select_related("follow_up_by", "flagged_by", "cleared_by"))
        context.update(
            predecessor=agreement.visible_predecessor,
            successor=agreement.visible_successor,
            open_flag=next((f for f in flags if f.is_open), None),
            flags=flags,
            notices=agreement.expiry_notices.all(),
            checklist=entries,
            checklist_received=sum(1 for e in entries if e.received_on),
            checklist_form=ChecklistForm(entries=entries) if entries and user.has_perm("agreements.change_agreement") else None,
            history=agreement_history(agreement, user=user),
            today=timezone.localdate(),
        )
        return context


# ---------------------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------------------

class ObjectPermissionMixin(PermissionRequiredMixin):
    """Check the permission first (403, or the login page), then find the object among the visible ones (404)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.load_object(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_object(self, request, **kwargs):
        raise NotImplementedError


class ServiceFormMixin:
    """Run the service on a valid form; its ValidationErrors go next to the fields, nothing saved."""

    def form_valid(self, form):
        try:
            self.result = self.perform(form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    # A rule about a field this form does not show goes on top of the form.
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())

    success_message = ""

    def get_success_message(self):
        return self.success_message

    def get_success_url(self):
        return self.result.get_absolute_url()


class NGOCreateView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "agreements.add_ngo"
    template_name = "agreements/ngo_form.html"
    form_class = NGOForm
    success_message = gettext_lazy("The NGO has been recorded.")

    def perform(self, data):
        data = {k: v for k, v in data.items() if k != "version"}
        return services.ngo_create(by=self.request.user, **data)


class NGOUpdateView(ObjectPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "agreements.change_ngo"
    template_name = "agreements/ngo_form.html"
    form_class = NGOForm
    success_message = gettext_lazy("Your changes have been saved.")

    def load_object(self, request, **kwargs):
        self.object = get_object_or_404(NGO.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(ngo=self.object, **kwargs)

    def perform(self, data):
        return services.ngo_update(ngo=self.object, by=self.request.user, **data)


class AgreementCreateView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "agreements.add_agreement"
    template_name = "agreements/agreement_form.html"
    form_class = AgreementForm
    success_message = gettext_lazy("The agreement has been recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        ngo = parse_id(self.request.GET.get("ngo"))
        return {"ngo": ngo} if ngo is not None else {}

    def perform(self, data):
        data = {k: v for k, v in data.items() if k != "version"}
        return services.agreement_create(by=self.request.user, **data)


class AgreementUpdateView(ObjectPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "agreements.change_agreement"
    template_name = "agreements/agreement_form.html"
    form_class = AgreementForm
    success_message = gettext_lazy("Your changes have been saved.")

    def load_object(self, request, **kwargs):
        self.object = visible_agreement(request, kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.object, **kwargs)

    def perform(self, data):
        return services.agreement_update(agreement=self.object, by=self.request.user, **data)


# ---------------------------------------------------------------------------------------------------
# Lifecycle actions: renew, sign, terminate, flag, checklist, document
# ---------------------------------------------------------------------------------------------------

class AgreementActionView(ObjectPermissionMixin, ServiceFormMixin, FormView):
    """A form about one agreement (its own page, so errors show next to the fields)."""

    template_name = "agreements/action_form.html"
    title = ""
    intro = ""
    submit_label = gettext_lazy("Save")
    danger = False

    def load_object(self, request, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement, title=self.title, intro=self.intro, submit_label=self.submit_label,
            danger=self.danger, **kwargs,
        )

    def get_success_url(self):
        return self.agreement.get_absolute_url()


class AgreementRenewView(AgreementActionView):
    permission_required = ("agreements.add_agreement", "agreements.change_agreement")
    template_name = "agreements/renew_form.html"
    form_class = RenewForm
    title = gettext_lazy("Renew the agreement")
    submit_label = gettext_lazy("Start the renewal")

    def get(self, request, *args, **kwargs):
        successor = Agreement.objects.filter(renews=self.agreement).first()
        if successor is not None:
            messages.info(request, _("A renewal of this agreement has already been started."))
            return redirect(visible_agreement(request, successor.pk))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(checklist_items=RenewalChecklistItem.objects.filter(is_active=True), **kwargs)

    def get_initial(self):
        start, end = services.renewal_dates(self.agreement)
        return {"valid_from": start, "valid_to": end}

    def perform(self, data):
        return services.agreement_renew(agreement=self.agreement, by=self.request.user, **data)

    def get_success_message(self):
        return _("Renewal started: %(reference)s is a draft until it is signed. Record the documents received "
                 "below, then the signature.") % {"reference": self.result.reference_number}

    def get_success_url(self):
        return self.result.get_absolute_url()


class AgreementSignView(AgreementActionView):
    permission_required = "agreements.change_agreement"
    form_class = SignForm
    title = gettext_lazy("Record the signature")
    submit_label = gettext_lazy("Record the signature")

    def get_initial(self):
        return {"signed_on": timezone.localdate()}

    def perform(self, data):
        return services.agreement_sign(agreement=self.agreement, by=self.request.user, **data)

    def get_success_message(self):
        if self.result.renews_id:
            return _("Signed. %(previous)s is now renewed by %(reference)s.") % {
                "previous": self.result.renews.reference_number, "reference": self.result.reference_number}
        return _("Signed.")


class AgreementTerminateView(AgreementActionView):
    permission_required = "agreements.change_agreement"
    form_class = TerminateForm
    title = gettext_lazy("Terminate the agreement")
    intro = gettext_lazy("The agreement stops being in force on the termination date. This is kept in its history.")
    submit_label = gettext_lazy("Terminate")
    danger = True
    success_message = gettext_lazy("The agreement has been terminated.")

    def get_initial(self):
        return {"terminated_on": timezone.localdate()}

    def perform(self, data):
        return services.agreement_terminate(
            agreement=self.agreement, by=self.request.user,
            terminated_on=data["terminated_on"], reason=data["termination_reason"],
        )


class AgreementFlagView(AgreementActionView):
    permission_required = "agreements.flag_agreement"
    form_class = FlagForm
    title = gettext_lazy("Flag for follow-up")
    intro = gettext_lazy("The flag shows on the expiring board and on this agreement until it is cleared.")
    submit_label = gettext_lazy("Flag")
    success_message = gettext_lazy("The agreement has been flagged.")

    def get_initial(self):
        return {"follow_up_by": self.request.user.pk}

    def perform(self, data):
        services.agreement_flag(agreement=self.agreement, by=self.request.user, **data)
        return self.agreement


class FlagClearView(AgreementActionView):
    permission_required = "agreements.flag_agreement"
    form_class = ClearFlagForm
    title = gettext_lazy("Clear the flag")
    submit_label = gettext_lazy("Clear the flag")
    success_message = gettext_lazy("The flag has been cleared.")

    def load_object(self, request, **kwargs):
        super().load_object(request, **kwargs)
        self.flag = get_object_or_404(AgreementFlag, pk=kwargs["flag_pk"], agreement=self.agreement)

    def get_context_data(self, **kwargs):
        return super().get_context_data(flag=self.flag, **kwargs)

    def perform(self, data):
        services.agreement_clear_flag(flag=self.flag, by=self.request.user, note=data["clearing_note"])
        return self.agreement


class ChecklistUpdateView(AgreementActionView):
    permission_required = "agreements.change_agreement"
    form_class = ChecklistForm
    title = gettext_lazy("Renewal documents received")
    success_message = gettext_lazy("The renewal checklist has been saved.")

    def get_form_kwargs(self):
        entries = list(self.agreement.checklist_entries.select_related("item"))
        if not entries:
            raise Http404
        return {**super().get_form_kwargs(), "entries": entries}

    def form_valid(self, form):
        self.checklist_form = form
        return super().form_valid(form)

    def perform(self, data):
        services.renewal_checklist_update(
            agreement=self.agreement, by=self.request.user, received_on=self.checklist_form.received_on(),
            version=data["version"],
        )
        return self.agreement


class DocumentUploadView(AgreementActionView):
    permission_required = "agreements.change_agreement"
    form_class = DocumentForm
    title = gettext_lazy("Upload the signed document")
    submit_label = gettext_lazy("Upload")
    success_message = gettext_lazy("The signed document has been saved.")

    def get_initial(self):
        return {"version": self.agreement.updated_at.isoformat()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(multipart=True, **kwargs)

    def perform(self, data):
        return services.agreement_attach_document(agreement=self.agreement, by=self.request.user,
                                                  upload=data["document"], version=data["version"])


@login_required
@permission_required("agreements.view_agreement", raise_exception=True)
def document_download(request, pk: int):
    """The signed document, to users who may see the agreement (404 for anyone else or when there is none)."""
    agreement = visible_agreement(request, pk)
    if not agreement.document:
        raise Http404
    handle = agreement.document.open("rb")
    head = handle.read(8192)
    handle.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind and kind.mime in services.SIGNED_DOCUMENT_TYPES else "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=agreement.document_name or "document",
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


# ---------------------------------------------------------------------------------------------------
# The expiring board
# ---------------------------------------------------------------------------------------------------

class ExpiringBoardView(PermissionRequiredMixin, TemplateView):
    """Agreements that need the administrators: expired without a successor, ending within 30/60/90 days,
    and renewals in progress (a draft successor exists). Each agreement is in exactly one group."""

    permission_required = "agreements.view_agreement"
    template_name = "agreements/expiring_board.html"
    GROUPS = ("expired", "30", "60", "90", "renewing")

    def group_titles(self) -> dict:
        return {
            "expired": _("Expired without a successor"), "30": _("Expiring within 30 days"),
            "60": _("Expiring in 31 to 60 days"), "90": _("Expiring in 61 to 90 days"),
            "renewing": _("Renewals in progress"),
        }

    def get(self, request, *args, **kwargs):
        """`?_export=csv|xlsx` downloads the board (`&group=expired` one group): every row, not one page."""
        export_format = request.GET.get("_export")
        if export_format not in ("csv", "xlsx"):
            return super().get(request, *args, **kwargs)
        today = timezone.localdate()
        visible = Agreement.objects.visible_to(request.user)
        wanted = request.GET.get("group")
        titles = self.group_titles()
        rows = []
        for key in self.GROUPS:
            if wanted in self.GROUPS and key != wanted:
                continue
            group = (visible.on_expiring_board(key, today, successors=visible).select_related("ngo", "department")
                     .with_open_flags().order_by("valid_to", "reference_number"))
            for agreement in group:
                agreement.board_group_label = titles[key]
                agreement.days_to_end = (agreement.valid_to - today).days
                agreement.open_flag_note = "; ".join(flag.note for flag in agreement.open_flags)
                rows.append(agreement)
        table = ExpiringBoardTable(rows)
        name = f"expiring-agreements{'-' + wanted if wanted in self.GROUPS else ''}-{today.isoformat()}"
        return table_export_response(table, export_format, name, sheet_title="expiring-agreements")

    def get_context_data(self, **kwargs):
        # Read first: the board's HTML is kept under it (the template's `cache` tag), so it must not
        # be newer than the data the rows below are read from.
        data_version = versions.current()
        today = timezone.localdate()
        visible = Agreement.objects.visible_to(self.request.user)

        scope = scope_of(self.request.user)  # the permission above: a role that sees rows

        def section(key: str):
            """One page of one group (each group pages on its own: `?expired_page=2`).

            Which agreements are in the group, in order, is kept per scope and day until the data
            version moves (mrd_ngo/versions.py): the anti-joins of the groups are the board's cost at
            national scale; the page then reads its own rows by id.
            """
            # A renewal the user may not see (another province's agreement) is not theirs to follow.
            group = visible.on_expiring_board(key, today, successors=visible)
            if key == "expired":
                order = ("-valid_to", "-reference_number")  # most recently expired first
            else:
                order = ("valid_to", "reference_number")
            ids = versions.remember(("expiring board", key, scope, today),
                                    lambda: list(group.order_by(*order).values_list("pk", flat=True)))
            page = page_of(self.request, ids, param=f"{key}_page", per_page=BOARD_PAGE_SIZE, anchor=f"board-{key}")
            rows = group.filter(pk__in=list(page.object_list)).select_related("ngo")
            if key == "renewing":
                rows = rows.with_renewal_chain(self.request.user)
            by_id = {agreement.pk: agreement for agreement in rows}
            page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
            return page

        bands = rules.expiry_bands()  # the expiring window (settings) in three bands

        @functools.cache
        def board() -> dict:
            """The pages of every group: read only when the template's kept HTML is missing."""
            pages = {key: section(key) for key in ("expired", *(band.key for band in bands), "renewing")}
            # The flags and checklists of every group shown, each in one query (not one per group).
            shown = [agreement for page in pages.values() for agreement in page.object_list]
            prefetch_related_objects(shown, open_flags_prefetch())
            renewing = list(pages["renewing"].object_list)
            prefetch_related_objects([a.visible_successor for a in renewing], "checklist_entries")
            for agreement in shown:
                agreement.days_to_end = (agreement.valid_to - today).days
                agreement.days_since_end = -agreement.days_to_end
            for agreement in renewing:
                entries = list(agreement.visible_successor.checklist_entries.all())
                agreement.checklist_total = len(entries)
                agreement.checklist_received = sum(1 for e in entries if e.received_on)
            return pages

        titles = [("expired", _("Expired without a successor"))] + [(band.key, band.title) for band in bands]
        # Lazy: read inside the template's `cache` block only, so kept HTML costs no query.
        return super().get_context_data(
            sections=SimpleLazyObject(lambda: [(key, title, board()[key]) for key, title in titles]),
            renewing=SimpleLazyObject(lambda: board()["renewing"]), today=today, data_version=data_version,
            scope=scope, **kwargs,
        )

