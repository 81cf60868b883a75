"""``manage.py db_worker``: django-tasks-db's worker, plus a heartbeat that /healthz reads.

Same command, same options as django-tasks-db's (this app comes before it in INSTALLED_APPS, so
this one runs). While the worker runs, a thread writes its heartbeat row every
WORKER_HEARTBEAT_SECONDS (mrd_ngo/health.py); a thread, because one task (a 150-page PDF) can keep
the worker's loop busy longer than the heartbeat may go stale. A clean stop deletes the row.
"""
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from mrd_ngo.health import forget_dead_workers, worker_heartbeat, worker_stopped

logger = logging.getLogger("mrd_ngo.worker")


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat until stopped (a daemon: it never keeps a dying worker up)."""

    def __init__(self, worker_id: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat(self) -> None:
        try:
            worker_heartbeat(worker_id=self.worker_id, started_at=self.started_at)
        except DatabaseError:
            # The database is away: /healthz reports that by itself; try again at the next beat.
            logger.warning("worker %s could not write its heartbeat", self.worker_id, exc_info=True)
            connection.close()

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()


class Command(db_worker.Command):
    help = "Run the background worker (django-tasks-db) and keep its heartbeat for /healthz."

    def handle(self, *args, worker_id: str, **options):
        heartbeat = Heartbeat(worker_id)
        forget_dead_workers()
        heartbeat.beat()  # alive from the first second, not after the first interval
        heartbeat.start()
        try:
            return super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stopping.set()
            heartbeat.join(timeout=5)
            try:
                worker_stopped(worker_id=worker_id)
            except DatabaseError:
                pass
