"""`python manage.py notify_deadlines`: tell the officers that the current semester's reports are due soon (daily)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from desk.notifications import notify_deadlines


class Command(BaseCommand):
    help = "Notify data-entry and provincial officers 14 and 3 days before the current semester's due date (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as if today were this day (YYYY-MM-DD)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date such as 2024-07-17.") from None
        made = notify_deadlines(today=today)
        self.stdout.write(f"{made} notifications written.")
