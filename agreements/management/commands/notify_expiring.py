"""E-mail the expiry notices due today (run daily from cron; safe to run more often or after missed days)."""
import datetime

import pghistory
from django.core.management.base import BaseCommand, CommandError

from agreements.services import notices_send_due


class Command(BaseCommand):
    help = (
        "E-mail the NGO contact and the ministry focal person when an agreement is 90, 60 or 30 days from its end, "
        "and once when it has expired without a successor. Each notice is sent once per agreement and threshold."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD); for catching up or testing.")
        parser.add_argument("--dry-run", action="store_true", help="List the notices that are due without sending them.")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        with pghistory.context(command="notify_expiring"):
            outcomes = notices_send_due(today=today, dry_run=dry_run)
        sent = 0
        for outcome in outcomes:
            reference = outcome.agreement.reference_number
            if outcome.sent:
                sent += 1
                self.stdout.write(f"sent {outcome.threshold.value:>7} {reference} -> {', '.join(outcome.recipients)}")
            else:
                self.stdout.write(f"NOT sent {outcome.threshold.value:>7} {reference}: {outcome.reason}")
        self.stdout.write(self.style.SUCCESS(f"{sent} notice(s) sent."))
