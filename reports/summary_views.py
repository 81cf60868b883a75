"""Views of the consolidated semester summary."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from reports.models import ReportingPeriod


@login_required
def summary_page(request, period):
    try:
        period = ReportingPeriod.objects.get_by_code(period)
    except ReportingPeriod.DoesNotExist:
        raise Http404 from None
    return render(request, "reports/summary.html", {"period": period})
