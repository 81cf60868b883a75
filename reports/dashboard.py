"""The home dashboard: what needs attention today, among what the user may see.

It lives in `reports` (it reads agreements and reports; the base package `mrd_ngo` imports no app).
Each figure says what it counts: NGOs, agreements, or reports of the current semester (one per NGO,
`reports.rules`), so it agrees with the semester summary.
"""
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from agreements.choices import AgreementStatus
from agreements.models import NGO, Agreement
from reports import rules
from reports.choices import ReportStatus
from reports.models import ProgressReport


@login_required
def home(request):
    """The dashboard: active NGOs, agreements by status today, the current semester's reports by status."""
    today = timezone.localdate()
    by_status = dict(
        Agreement.objects.visible_to(request.user).with_status(today)
        .values_list("status").order_by().annotate(n=Count("pk"))
    )
    period = rules.current_period(today)
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
