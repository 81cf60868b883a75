"""`python manage.py load_demo`: the demo dataset and one user per role (what it holds: reports/demo.py)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = ("Load the demo dataset: 66 NGOs, their agreements around the July 2024 meeting (the registry running to "
            "today), one report per NGO and semester for 2023S2, 2024S1 and 2024S2. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day the registry runs to (YYYY-MM-DD; default: today)")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not a date such as 2026-11-28.") from None
            if today < datetime.date(2025, 7, 1):
                raise CommandError("--date must be on or after 2025-07-01: the demo's story runs to the 2024S2 review.")
        counts = load_demo(today)
        self.stdout.write(
            f"Demo data: {counts['ngos']} NGOs, {counts['agreements']} agreements, {counts['reports']} progress reports."
        )
        self.stdout.write("Log in with one of these users:")  # at the address bin/demo prints
        for username, role, _name, province in DEMO_USERS:
            where = f" (province {province})" if province else ""
            self.stdout.write(f"  {username:<10} password {DEMO_PASSWORD}   {role.value}{where}")
