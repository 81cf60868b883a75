"""Write the semester summary as a slide PDF (1280x720 pages) for the meeting and the provincial departments."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.models import Province
from reports.models import ReportingPeriod
from reports.slides import render_slides_pdf
from reports.summary import build_national_summary, build_provincial_summary


class Command(BaseCommand):
    help = "Write the summary of a semester as slides (PDF, 1280x720 pages): national, or one province's."

    def add_arguments(self, parser):
        parser.add_argument("period", help="the semester, e.g. 2024S2")
        parser.add_argument("--lang", default="km", choices=["km", "en"])
        parser.add_argument("--province", help="a province code (e.g. 17): that province's edition")
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, period, lang, province, output, **options):
        try:
            found = ReportingPeriod.objects.get_by_code(period)
        except ReportingPeriod.DoesNotExist:
            known = ", ".join(p.code for p in ReportingPeriod.objects.all()) or "none"
            raise CommandError(f"No semester {period!r} (known: {known}).") from None
        if province:
            place = Province.objects.filter(code=province).first()
            if place is None:
                raise CommandError(f"No province with code {province!r}.")
            summary = build_provincial_summary(found, province_id=place.pk)
        else:
            summary = build_national_summary(found)
        path = Path(output)
        path.write_bytes(render_slides_pdf(summary, lang))
        self.stdout.write(f"Wrote {path} ({path.stat().st_size} bytes).")
