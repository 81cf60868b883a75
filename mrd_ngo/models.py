"""Rows the project package keeps for itself: the background worker's heartbeat."""
from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running background worker (`manage.py db_worker`), touched every few seconds.

    /healthz answers 200 only while some worker's `seen_at` is recent (mrd_ngo/health.py); a worker
    that stops cleanly deletes its row, one that dies leaves a row that goes stale.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
