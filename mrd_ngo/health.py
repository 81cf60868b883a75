"""Liveness of the site for load balancers and monitoring: the database answers and a worker is alive.

The worker (`manage.py db_worker`, mrd_ngo/management/commands/db_worker.py) writes a heartbeat row
every WORKER_HEARTBEAT_SECONDS from a thread of its own, so a worker busy with a long PDF still
counts as alive. /healthz answers 503 when no heartbeat is younger than WORKER_STALE_SECONDS.
"""
import datetime
import os
import socket

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mrd_ngo.models import WorkerHeartbeat


def worker_heartbeat(*, worker_id: str, started_at: datetime.datetime) -> None:
    """Record that the worker `worker_id` is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={"seen_at": now, "started_at": started_at, "hostname": socket.gethostname()[:255],
                         "pid": os.getpid()},
    )


def forget_dead_workers(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> None:
    """Drop the rows of workers that died long ago (each start uses a new worker id)."""
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - older_than).delete()


def worker_stopped(*, worker_id: str) -> None:
    """Forget a worker that stops cleanly (its heartbeat must not count while it is gone)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_workers() -> int:
    """How many workers wrote a heartbeat within WORKER_STALE_SECONDS."""
    since = timezone.now() - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).count()


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} when the database answers and a worker is alive; 503 with the reason otherwise.

    No login and nothing about the data: it says only which of the two is down.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        workers = live_workers()
    except DatabaseError:
        return JsonResponse({"status": "error", "reason": "database unreachable"}, status=503)
    if not workers:
        return JsonResponse({"status": "error", "reason": "no background worker alive"}, status=503)
    return JsonResponse({"status": "ok", "workers": workers})
