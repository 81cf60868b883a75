"""`python manage.py backup_database FILE`: the whole database to one pg_dump archive."""
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mrd_ngo.backup import dump_database


class Command(BaseCommand):
    help = "Write the whole database to FILE (pg_dump custom format; restore with pg_restore, see SECURITY.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} exists already; choose a new file name.")
        if not file.parent.is_dir():
            raise CommandError(f"The folder {file.parent} does not exist.")
        try:
            dump_database(file)
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            file.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {getattr(error, 'stderr', '') or error}") from None
        self.stdout.write(f"Database written to {file} ({file.stat().st_size:,} bytes).")
