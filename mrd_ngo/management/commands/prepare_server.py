"""`python manage.py prepare_server`: what must be done before the web server starts, done only when needed.

Applies pending migrations and collects the static files into STATIC_ROOT when they changed since
the last collection (collectstatic compresses every file again each time: about 20 s for nothing).
`bin/serve` and deploy/systemd/mrd-ngo-web.service run it before gunicorn.
"""
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

FINGERPRINT_FILE = ".collected-fingerprint"


def static_sources_fingerprint() -> str:
    """A hash of every static source file's path, size and modification time (fast: no reading)."""
    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Apply pending migrations and collect static files if they changed (run before gunicorn)."

    def handle(self, *args, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        else:
            self.stdout.write("Migrations: nothing to apply.")

        fingerprint_path = Path(settings.STATIC_ROOT) / FINGERPRINT_FILE
        fingerprint = static_sources_fingerprint()
        if fingerprint_path.is_file() and fingerprint_path.read_text() == fingerprint:
            self.stdout.write("Static files: unchanged since the last collection.")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        fingerprint_path.write_text(fingerprint)
        self.stdout.write(f"Static files: collected into {settings.STATIC_ROOT}.")
