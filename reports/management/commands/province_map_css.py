"""Write static/css/province-map-classes.css: where each province's name sits on the map (reports/maps.py)."""
from django.core.management.base import BaseCommand

from reports import maps


class Command(BaseCommand):
    help = "Write static/css/province-map-classes.css from the outlines of static/maps/cambodia-provinces.svg."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only say whether the file is up to date (exit 1 if not).")

    def handle(self, *args, check=False, **options):
        css = maps.labels_stylesheet()
        current = maps.LABELS_CSS.read_text(encoding="utf-8") if maps.LABELS_CSS.exists() else ""
        if check:
            if current != css:
                self.stderr.write(f"{maps.LABELS_CSS} is out of date: run manage.py province_map_css")
                raise SystemExit(1)
            self.stdout.write(f"{maps.LABELS_CSS} is up to date.")
            return
        maps.LABELS_CSS.write_text(css, encoding="utf-8")
        self.stdout.write(f"Wrote {maps.LABELS_CSS}.")
