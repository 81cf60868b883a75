"""What happened to progress reports, for the apps above this one (notifications) without reports knowing them.

Sent by the workflow services inside their transaction, after the change is saved.
"""
from django.dispatch import Signal

# Each: sender=ProgressReport, report, by (the acting user).
report_submitted = Signal()
report_returned = Signal()
report_accepted = Signal()
