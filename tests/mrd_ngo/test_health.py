"""/healthz: 200 only while the database answers and a background worker is alive; no login, no data."""
import datetime
import time

import pytest
from django.utils import timezone

from mrd_ngo.health import worker_heartbeat
from mrd_ngo.models import WorkerHeartbeat
from tests.worker import start_worker

pytestmark = pytest.mark.django_db


def test_healthz_is_200_with_a_fresh_worker_heartbeat_and_needs_no_login(client):
    worker_heartbeat(worker_id="w1", started_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "workers": 1}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_without_a_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "reason": "no background worker alive"}


def test_healthz_is_503_when_the_last_heartbeat_is_stale(client, settings):
    worker_heartbeat(worker_id="w1", started_at=timezone.now())
    stale = timezone.now() - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.update(seen_at=stale)
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("mrd_ngo.health.live_workers", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["reason"] == "database unreachable"


def test_healthz_is_not_redirected_to_https_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    worker_heartbeat(worker_id="w1", started_at=timezone.now())
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_running_worker_command_keeps_healthz_up_and_a_stopped_one_takes_it_down(client):
    worker = start_worker()
    try:
        deadline = time.monotonic() + 60
        while client.get("/healthz").status_code != 200:
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker wrote no heartbeat"
            time.sleep(0.3)
        first = WorkerHeartbeat.objects.get().seen_at
        time.sleep(2.5)
        assert WorkerHeartbeat.objects.get().seen_at > first  # beating every second (WORKER_HEARTBEAT_SECONDS=1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert WorkerHeartbeat.objects.count() == 0  # a clean stop forgets the worker
    assert client.get("/healthz").status_code == 503
