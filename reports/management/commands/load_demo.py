"""`python manage.py load_demo`: the demo dataset and one user per role."""
from django.core.management.base import BaseCommand

from reports.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo dataset (66 NGOs, agreements in every state, semesters 2023S2 and 2024S1). Safe to run again."

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(
            f"Demo data: {counts['ngos']} NGOs, {counts['agreements']} agreements, {counts['reports']} progress reports."
        )
        self.stdout.write("Log in with one of these users:")  # at the address bin/demo prints
        for username, role, _name, province in DEMO_USERS:
            where = f" (province {province})" if province else ""
            self.stdout.write(f"  {username:<10} password {DEMO_PASSWORD}   {role.value}{where}")
