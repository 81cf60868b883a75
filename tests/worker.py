"""Running the background worker from tests: in this process (inside the test's transaction) or as the real command."""
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

ROOT = Path(__file__).resolve().parents[1]


def run_queued_tasks() -> int:
    """Run every queued task the way `db_worker` does (its own Worker.run_task), here; how many ran.

    For tests that keep their data in an uncommitted transaction, which a worker process cannot see.
    """
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def download_document(client, url: str):
    """GET a summary document the way a person does: ask, let the worker build it (here), then download it."""
    response = client.get(url)
    if response.status_code == 302:
        run_queued_tasks()
        response = client.get(url)
    return response


def worker_environment() -> dict:
    """The environment of a worker process that works on the test database and the test media folder."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # the embedded server listens on a socket folder
        url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "SECRET_KEY": "test",
            "DEBUG": "0", "WORKER_HEARTBEAT_SECONDS": "1"}


def worker_command(*options: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay", *options]


def run_worker_batch(timeout: float = 180) -> subprocess.CompletedProcess:
    """`manage.py db_worker --batch`: the real worker, in its own process, until the queue is empty."""
    return subprocess.run(  # noqa: S603 (our own command)
        worker_command("--batch", "--interval", "0"), env=worker_environment(), cwd=ROOT,
        capture_output=True, text=True, timeout=timeout, check=True,
    )


def start_worker() -> subprocess.Popen:
    """`manage.py db_worker` running in the background (stop it with .terminate())."""
    return subprocess.Popen(  # noqa: S603 (our own command)
        worker_command("--interval", "0.2"), env=worker_environment(), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
