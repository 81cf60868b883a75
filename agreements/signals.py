"""What happened to agreements, for the apps above this one (notifications) without agreements knowing them.

Sent by the services inside their transaction, after the change is saved: a receiver that writes
rows writes them in the same transaction (all or nothing).
"""
from django.dispatch import Signal

# agreement_flagged(sender=AgreementFlag, flag, by): an agreement is flagged for someone's follow-up.
agreement_flagged = Signal()
# agreement_renewal_started(sender=Agreement, agreement (the predecessor), successor, by).
agreement_renewal_started = Signal()
