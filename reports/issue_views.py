"""Issuing the semester summary (reports/issuing.py) and downloading the issued editions.

Department heads and administrators (`reports.print_summary`) issue; the worker renders the edition
(the page shows it being issued, then its download); it is served as it was stored, to those who may
print the summary of its scope (`scope_of`, mrd_ngo/access.py).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mrd_ngo.access import NoAccess, scope_of
from mrd_ngo.health import live_workers
from reports.choices import BuildState
from reports.issuing import IssueForm, IssueRefused, issue_summary, try_again
from reports.models import DocumentClosing, IssuedSummary, ReportingPeriod

PRINT_PERMISSION = "reports.print_summary"


def _scope(user):
    try:
        return scope_of(user)
    except NoAccess:
        raise PermissionDenied from None


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_issue(request, period):
    """The issued editions of the semester, and the form that issues one."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    province_id = _scope(request.user)
    issued = list(IssuedSummary.objects.filter(period=period, province_id=province_id)
                  .select_related("issued_by").defer("pdf").order_by("lang"))
    form = IssueForm(request.POST or None, initial={"issued_on": timezone.localdate(), "lang": "km"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = issue_summary(
                    period=period, lang=form.cleaned_data["lang"], province_id=province_id,
                    reference_number=form.cleaned_data["reference_number"],
                    issued_on=form.cleaned_data["issued_on"], user=request.user,
                )
            except IssueRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Issued: number %(number)s. The PDF is being rendered; its download appears "
                                            "below in a moment.") % {"number": issued.reference_number})
                return redirect("reports:summary_issue", period.code)
        status = 400
    context = {
        "period": period,
        "form": form,
        "closing": DocumentClosing.current(),
        "issued": issued,
        "rendering": any(doc.state == BuildState.QUEUED for doc in issued),
        "no_worker": SimpleLazyObject(lambda: not live_workers()),
    }
    return render(request, "reports/summary_issue.html", context, status=status)


def _issued(user, pk):
    """One issued edition of the user's scope, or 404."""
    issued = IssuedSummary.objects.select_related("period").defer("pdf").filter(pk=pk).first()
    scope = _scope(user)
    if issued is None or (scope is not None and issued.province_id != scope):
        raise Http404(_("No such issued document."))
    return issued


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
@require_POST
def summary_issued_retry(request, pk):
    """Ask the worker again to render an edition it failed to render."""
    issued = _issued(request.user, pk)
    try_again(issued)
    return redirect("reports:summary_issue", issued.period.code)


@login_required
@permission_required(PRINT_PERMISSION, raise_exception=True)
def summary_issued_pdf(request, pk):
    """One issued edition, byte for byte as issued."""
    issued = _issued(request.user, pk)
    if issued.state != "ready":  # still with the worker: its page shows where it stands
        return redirect("reports:summary_issue", issued.period.code)
    response = HttpResponse(bytes(issued.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="semester-summary-{issued.period.code}-{issued.lang}-issued.pdf"'
    )
    return response
