"""gunicorn's configuration for the tracker: `bin/serve` and deploy/systemd/mrd-ngo-web.service use it.

Each value can be changed without editing this file through the environment variable named beside
it (e.g. WEB_WORKERS=6 bin/serve). The figures behind the choices are in bench/README.md (load test).
"""
import multiprocessing
import os

# Loopback only: nginx (deploy/nginx/mrd-ngo.conf) is the one that faces the network.
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")

# gthread: each worker process serves a few requests at once with threads, and its main thread
# keeps sending the heartbeat while a long download streams (a sync worker would be killed at
# `timeout`). Two processes per core plus one, two threads each: as many requests per second as
# sync workers in the load test (bench/README.md), where four threads per process cost more CPU per
# request (our pages are mostly Python rendering, which holds the GIL).
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", 2))

# A worker whose main loop has not answered for this long is killed and replaced. With gthread a
# request may run longer than this (streamed exports); documents that take long are the
# background worker's job, never a web request's.
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
# On restart/stop (SIGTERM), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", 30))
# nginx keeps connections to us open between requests.
keepalive = 5

# Replace each worker after about 1,000 requests (the jitter keeps them from restarting together),
# so whatever memory a large request left behind is given back.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("WEB_MAX_REQUESTS_JITTER", 100))

# Load Django once in the master and fork the workers from it: workers start in a fraction of a
# second (max_requests restarts them often) and share the code's memory. Database connections are
# opened only by requests, after the fork, so no connection is shared between processes.
preload_app = True


def when_ready(server):
    """Compile every template once in the master, before the workers are forked: each worker then
    starts with them compiled (Django's cached loader), instead of its first request of each page
    paying for it (the slow tail of the load test, bench/README.md)."""
    from pathlib import Path

    from django.template import TemplateSyntaxError, engines

    for engine in engines.all():
        for loader in getattr(engine.engine, "template_loaders", []):
            for folder in {d for inner in getattr(loader, "loaders", [loader]) for d in inner.get_dirs()}:
                for path in Path(folder).rglob("*.html"):
                    try:
                        engine.engine.get_template(str(path.relative_to(folder)))
                    except TemplateSyntaxError:
                        pass  # a library's template that needs what is not installed: compiled on use, if ever


def pre_fork(server, worker):
    """Close any connection the master opened while loading the app: a forked copy would be shared."""
    from django.db import connections

    connections.close_all()


# The heartbeat files live in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # nosec B108 (gunicorn makes private files there)

# Several servers (the tests, the load test, a second site) may run on one machine: no shared
# control socket in the home directory.
control_socket_disable = True

# Access log to stdout, error log to stderr (the journal under systemd). Each access line ends with
# the request id that nginx sent (or Django made): the same id as the error log's lines.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'

# Only nginx on this host may say which scheme and client address a request came with.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "mrd-ngo-web"
