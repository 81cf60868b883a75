"""The summary as slides for the meeting (reports/slides.py): the same access as the summary page."""
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import get_language

from reports.models import ReportingPeriod
from reports.slides import slides_context
from reports.summary_cache import summary_for

VIEW_PERMISSION = "reports.view_progressreport"


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def summary_slides(request, period):
    """Full-screen slides of the summary `request.user` may see, moved with the arrow keys."""
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    summary = summary_for(period, user=request.user)  # the summary page's, kept until its data changes
    context = {**slides_context(summary), "lang": (get_language() or "km")[:2], "for_print": False}
    return render(request, "reports/slides.html", context)
