"""Base views: the home dashboard."""
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement
from reports.choices import ReportStatus
from reports.models import ProgressReport, ReportingPeriod


@login_required
def home(request):
    """The dashboard: what needs attention today, among what the user may see."""
    today = timezone.localdate()
    by_status = dict(
        Agreement.objects.visible_to(request.user).with_status(today)
        .values_list("status").order_by().annotate(n=Count("pk"))
    )
    period = ReportingPeriod.objects.filter(due_date__lte=today).first()
    report_counts = []
    if period:
        by_report_status = dict(
            ProgressReport.objects.visible_to(request.user).for_period(period)
            .values_list("status").order_by().annotate(n=Count("pk"))
        )
        report_counts = [(status, by_report_status.get(status.value, 0)) for status in ReportStatus]
    context = {
        "ngo_count": NGO.objects.visible_to(request.user).filter(is_active=True).count(),
        "agreement_counts": [(status, by_status.get(status.value, 0)) for status in AgreementStatus],
        "period": period,
        "report_counts": report_counts,
    }
    return render(request, "home.html", context)
