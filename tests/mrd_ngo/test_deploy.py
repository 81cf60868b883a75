"""Serving the app the production way: gunicorn through bin/serve, deploy/ files, logs, HTTPS defaults, bin/demo."""
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import path

from mrd_ngo.roles import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PRODUCTION_SECRET = "x" * 20 + "-production-like-secret-key-with-enough-entropy-1234567890"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on port {port} within {seconds} s")


def url_of_the_test_database() -> str:
    """The test database as a DATABASE_URL, for a server started in another process."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    if db["HOST"].startswith("/"):  # a socket folder (the embedded server)
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={db['HOST']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}{port}/{db['NAME']}"


def production_environment(**extra) -> dict:
    """A clean environment: nothing but what an operator must set, plus how to reach the database."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    env.update({"SECRET_KEY": PRODUCTION_SECRET, "ALLOWED_HOSTS": "127.0.0.1"}, **extra)
    return env


# --- gunicorn through bin/serve ------------------------------------------------------------------

# Committed rows: the server is another process (tests/conftest.py restores the migrated rows).
@pytest.mark.django_db(transaction=True)
def test_bin_serve_runs_gunicorn_with_the_repo_config_and_serves_pages_over_the_test_database():
    UserFactory(username="sokha", first_name="Sokha", last_name="Chan", role=Role.DATA_ENTRY_OFFICER)
    port = free_port()
    env = production_environment(DATABASE_URL=url_of_the_test_database(), WEB_WORKERS="2")
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [str(ROOT / "bin" / "serve"), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        wait_for_port(port, server, seconds=120)
        base = f"http://127.0.0.1:{port}"
        # As nginx forwards an https request: the production settings (HTTPS on by default).
        behind_nginx = {"X-Forwarded-Proto": "https"}
        with httpx.Client(base_url=base, timeout=30) as http:
            plain = http.get("/login/")
            assert plain.status_code == 301 and plain.headers["location"] == f"https://127.0.0.1:{port}/login/"

            request_id = f"test-{uuid.uuid4().hex}"
            login_page = http.get("/login/", headers={**behind_nginx, "X-Request-ID": request_id})
            assert login_page.status_code == 200
            assert login_page.headers["server"] == "gunicorn"
            assert login_page.headers["x-request-id"] == request_id
            assert "max-age=31536000" in login_page.headers["strict-transport-security"]
            csrf = login_page.cookies["csrftoken"]
            assert "secure" in login_page.headers["set-cookie"].lower()

            # The cookies are Secure: send them by hand, as a browser would over https.
            logged_in = http.post(
                "/login/", data={"username": "sokha", "password": "correct-horse-battery", "csrfmiddlewaretoken": csrf},
                headers={**behind_nginx, "Cookie": f"csrftoken={csrf}", "Referer": f"https://127.0.0.1:{port}/login/"},
            )
            assert logged_in.status_code == 302, logged_in.text[:500]
            session = logged_in.cookies["sessionid"]
            home = http.get("/", headers={**behind_nginx, "Cookie": f"sessionid={session}"})
            assert home.status_code == 200
            assert "Sokha Chan" in home.text

            css = http.get("/static/css/app.css", headers=behind_nginx)
            assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output[-3000:]
    assert "Using worker: gthread" in output
    # The access log line carries the id the proxy sent.
    assert re.search(rf'"GET /login/ HTTP/1.1" 200 .* request_id={request_id}', output), output[-3000:]


# --- request ids and server errors in the log ----------------------------------------------------

def failing_view(request):
    raise RuntimeError("the summary could not be built")


urlpatterns = [path("boom/", failing_view)]


@pytest.mark.django_db
def test_a_server_error_is_logged_as_one_line_with_the_request_id(settings):
    import io
    import logging

    settings.ROOT_URLCONF = __name__
    # The stderr handler the settings configure, writing into a buffer for the test.
    from mrd_ngo.request_id import OneLineFormatter

    (handler,) = [h for h in logging.getLogger("django.request").handlers if isinstance(h.formatter, OneLineFormatter)]
    written = io.StringIO()
    stderr = handler.setStream(written)
    try:
        response = Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="req-42.a_b")
    finally:
        handler.setStream(stderr)
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-42.a_b"
    lines = written.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "ERROR django.request request_id=req-42.a_b Internal Server Error: /boom/" in lines[0]
    # The traceback is on the same line, so the log shows the whole error as one entry.
    assert "RuntimeError: the summary could not be built" in lines[0]


@pytest.mark.django_db
def test_a_request_without_a_usable_id_gets_a_new_one(client):
    made_up = client.get("/login/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made_up)
    forged = client.get("/login/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


# --- database connections ------------------------------------------------------------------------

@pytest.mark.django_db
def test_connections_persist_with_health_checks_and_postgresql_jit_is_off():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


# --- HTTPS by default ----------------------------------------------------------------------------

def run_manage(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def database_passthrough() -> dict:
    """The database to reach: not a security setting, but without it settings start the embedded server."""
    return {"DATABASE_URL": os.environ["DATABASE_URL"]} if os.environ.get("DATABASE_URL") else {}


def test_deploy_check_is_clean_with_nothing_but_secret_key_and_allowed_hosts():
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production_environment(**database_passthrough()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SHOW_HTTPS_SETTINGS = (
    "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
)


def test_https_is_on_without_debug_and_off_only_when_the_operator_says_so():
    default = run_manage(["shell", "-v", "0", "-c", SHOW_HTTPS_SETTINGS], production_environment(**database_passthrough()))
    assert default.stdout.split() == ["True", "True", "True", "31536000"], default.stderr
    turned_off = run_manage(["shell", "-v", "0", "-c", SHOW_HTTPS_SETTINGS],
                            production_environment(HTTPS="off", **database_passthrough()))
    assert turned_off.stdout.split() == ["False", "False", "False", "0"], turned_off.stderr


# --- deploy/ files -------------------------------------------------------------------------------

def nginx_directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().rstrip(";")
        if line and not line.endswith(("{", "}")):
            name, _, value = line.partition(" ")
            found.setdefault(name, []).append(value.strip())
    return found


def test_nginx_site_limits_uploads_like_the_app_and_passes_what_the_app_needs():
    site = (DEPLOY / "nginx" / "mrd-ngo.conf").read_text()
    directives = nginx_directives(site)
    limit = directives["client_max_body_size"][0]
    assert limit.endswith("m")
    # The upload limit plus a little for the form around the file.
    assert settings.UPLOAD_MAX_BYTES < int(limit[:-1]) * 1024 * 1024 <= settings.UPLOAD_MAX_BYTES + 2 * 1024 * 1024
    headers = {value.split()[0] for value in directives["proxy_set_header"]}
    assert {"X-Forwarded-Proto", "X-Forwarded-For", "Host", "X-Request-ID"} <= headers
    assert int(directives["proxy_read_timeout"][0].rstrip("s")) >= 300
    assert directives["alias"] == ["/srv/mrd-ngo/var/staticfiles/"]
    assert any("ssl" in value for value in directives["listen"])


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (bin/setup --test installs it)")
def test_nginx_accepts_the_site(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603,S607 (fixed arguments)
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ngo.mrd.gov.kh",
         "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True,
    )
    site = (DEPLOY / "nginx" / "mrd-ngo.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/ngo.mrd.gov.kh/fullchain.pem", str(certificate))
    site = site.replace("/etc/letsencrypt/live/ngo.mrd.gov.kh/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    temp_paths = "\n".join(f"{name} {tmp_path}/{name};" for name in (
        "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log off;\n{temp_paths}\n{site}\n}}\n"
    )
    result = subprocess.run(  # noqa: S603,S607 (fixed arguments)
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


UNITS = ["mrd-ngo-web.service", "mrd-ngo-worker.service", "mrd-ngo-notify-expiring.service",
         "mrd-ngo-notify-expiring.timer", "mrd-ngo-backup.service", "mrd-ngo-backup.timer",
         "mrd-ngo-prune-tasks.service", "mrd-ngo-prune-tasks.timer"]


def test_systemd_units_run_the_server_the_worker_and_the_daily_jobs():
    units = {name: (DEPLOY / "systemd" / name).read_text() for name in UNITS}
    assert "gunicorn --config deploy/gunicorn.conf.py mrd_ngo.wsgi:application" in units["mrd-ngo-web.service"]
    assert "manage.py prepare_server" in units["mrd-ngo-web.service"]
    assert "manage.py db_worker" in units["mrd-ngo-worker.service"]
    assert "manage.py notify_expiring" in units["mrd-ngo-notify-expiring.service"]
    assert "manage.py backup_database" in units["mrd-ngo-backup.service"]
    assert "manage.py prune_db_task_results" in units["mrd-ngo-prune-tasks.service"]
    assert "--max-tasks" in units["mrd-ngo-worker.service"]  # a fresh process after a few big PDFs
    for timer in ("mrd-ngo-notify-expiring.timer", "mrd-ngo-backup.timer", "mrd-ngo-prune-tasks.timer"):
        assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:00 Asia/Phnom_Penh$", units[timer], re.MULTILINE)
        assert "Persistent=true" in units[timer]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    # The units name /srv/mrd-ngo and the user mrd-ngo; verify them against this checkout and user.
    user = pwd.getpwuid(os.getuid()).pw_name
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text().replace("/srv/mrd-ngo", str(ROOT))
        text = text.replace("User=mrd-ngo", f"User={user}").replace("Group=mrd-ngo", f"Group={user}")
        text = text.replace("-o mrd-ngo -g mrd-ngo", f"-o {user}")
        text = text.replace(f"EnvironmentFile={ROOT}/.env", f"EnvironmentFile=-{ROOT}/.env")
        (tmp_path / name).write_text(text)
    result = subprocess.run(  # noqa: S603,S607 (fixed arguments)
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True, text=True, timeout=60,
    )
    # Without a running systemd (containers) it may only say so; anything about our files fails.
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "mrd-ngo" in line]
    assert complaints == [] and result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_config_sets_workers_timeouts_and_request_ids():
    config: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own file)
    assert config["worker_class"] == "gthread" and config["workers"] >= 2 and config["threads"] >= 2
    assert config["timeout"] >= 30 and config["graceful_timeout"] >= 10
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert "request_id=%({x-request-id}o)s" in config["access_log_format"]
