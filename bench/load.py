"""Loopback load test: logged-in users of every role browse the app served by gunicorn (bin/serve).

    export SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/mrd_bench_copy
    .venv/bin/python bench/load.py --users 50 --think 10 --duration 60       # people reading pages
    .venv/bin/python bench/load.py --users 50 --think 0 --duration 60        # throughput
    .venv/bin/python bench/load.py --users 50 --think 10 --duration 60 --pdfs 4   # while 4 PDFs build
    # (--pdfs: run `manage.py db_worker` on the same database meanwhile: the worker builds them)

It creates four load-test accounts in the database (one per role; the provincial officer in Siem
Reap), starts `bin/serve` on a free loopback port with the production settings (HTTPS on: requests
carry `X-Forwarded-Proto: https` as nginx's would), lets each virtual user log in and then browse
lists (with filters, sorts and deep pages), detail pages reached from those lists, the expiring
board, completeness, the dashboard and the semester summary, with a random think time (exponential,
mean --think seconds) between pages, for --duration seconds. It stops by itself: requests still in
flight at the end get --grace seconds, then everything is cancelled and the server stopped.

Only loopback addresses are ever contacted (--url must name 127.0.0.0/8, localhost or ::1).
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password-2024"  # noqa: S105 (accounts of a benchmark database)
# username, role (Django group), province code
ACCOUNTS = [
    ("load-admin", "Administrator", None),
    ("load-head", "Department head", None),
    ("load-officer", "Data-entry officer", None),
    ("load-siemreap", "Provincial officer", "17"),
]
# How the virtual users are spread over the accounts (ministry staff mostly enter and read data).
ROLE_WEIGHTS = {"load-officer": 4, "load-head": 2, "load-admin": 1, "load-siemreap": 3}
DETAIL_LINK = {
    "ngo": re.compile(r'href="/ngos/(\d+)/"'),
    "agreement": re.compile(r'href="/agreements/(\d+)/"'),
    "report": re.compile(r'href="/reports/(\d+)/"'),
}


def page_mix(period: str) -> list[tuple[str, str, int, str | None]]:
    """(name, path, weight, detail kind to follow from it): what a browsing user asks for."""
    return [
        ("dashboard", "/", 3, None),
        ("ngo list", "/ngos/", 2, "ngo"),
        ("ngo list, search, page 2", "/ngos/?q=a&page=2", 1, "ngo"),
        ("agreement list", "/agreements/", 2, "agreement"),
        ("agreement list, sorted, deep page", "/agreements/?sort=-valid_to&page={deep}", 1, "agreement"),
        ("report list", "/reports/", 3, "report"),
        ("report list, filtered, sorted", f"/reports/?period={period}&status=submitted&sort=-submitted_at", 1, "report"),
        ("report list, deep page", "/reports/?page={deep}", 1, "report"),
        ("expiring board", "/agreements/expiring/", 2, "agreement"),
        ("completeness", f"/reports/{period}/completeness/", 2, "ngo"),
        ("summary page", f"/reports/{period}/summary/", 2, None),
    ]


@dataclass
class Sample:
    name: str
    started: float
    seconds: float
    status: int  # 0: no answer (timeout, connection error)
    size: int = 0


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    pdfs: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0  # when browsing began (after the logins)
    ended: float = 0.0
    server_cpu: float = float("nan")  # gunicorn's CPU seconds over the run, logins included
    load: tuple = (float("nan"), float("nan"))  # the machine's 1-minute load average before and after


def ensure_accounts() -> None:
    """Create the load-test accounts in DATABASE_URL's database (once)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrd_ngo.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from agreements.models import Province, StaffProfile

    User = get_user_model()
    for username, group, province in ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": "Load", "last_name": group})
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=group))
        if province:
            StaffProfile.objects.get_or_create(user=user, defaults={"province": Province.objects.get(code=province)})
    from django.db import connections

    connections.close_all()


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    sys.exit(f"load.py only targets this machine's loopback addresses, not {host!r}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, gunicorn_args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("HTTPS", None)  # the production default: on
    env.pop("DEBUG", None)
    server = subprocess.Popen(  # noqa: S603 (our own script)
        [str(ROOT / "bin" / "serve"), "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *gunicorn_args],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bin/serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("bin/serve did not start within 180 s")


class Browser:
    """One logged-in person: a session cookie and the pages they browse."""

    def __init__(self, http: httpx.AsyncClient, username: str):
        self.http = http
        self.username = username
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-Proto": "https"}  # as nginx forwards an https request

    def _cookie_header(self) -> dict:
        # The cookies are Secure (HTTPS is on): an http client would not send them back by itself.
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {**self.headers, **self._cookie_header(), **kwargs.pop("headers", {})}
        response = await self.http.request(method, path, headers=headers, **kwargs)
        for cookie in response.cookies.jar:
            self.cookies[cookie.name] = cookie.value
        return response

    async def log_in(self) -> None:
        await self.request("GET", "/login/")
        response = await self.request(
            "POST", "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
            headers={"Referer": f"https://{self.http.base_url.netloc.decode()}/login/"},
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in (HTTP {response.status_code})")


async def timed(browser: Browser, name: str, path: str, results: Results, timeout: float, into=None) -> httpx.Response | None:
    started = time.monotonic()
    try:
        response = await browser.request("GET", path, timeout=timeout)
    except httpx.HTTPError as error:
        (into if into is not None else results.samples).append(Sample(name, started, time.monotonic() - started, 0))
        results.errors.append(f"{name} {path}: {type(error).__name__} {error}")
        return None
    sample = Sample(name, started, time.monotonic() - started, response.status_code, len(response.content))
    (into if into is not None else results.samples).append(sample)
    if response.status_code >= 400:
        results.errors.append(f"{name} {path}: HTTP {response.status_code}")
    return response


async def browse(browser: Browser, args, results: Results, deadline: float, rng: random.Random) -> None:
    mix = page_mix(args.period)
    weights = [weight for _name, _path, weight, _kind in mix]
    if args.think:
        await asyncio.sleep(rng.uniform(0, args.think))  # people do not all start at the same second
    while time.monotonic() < deadline:
        name, path, _weight, kind = rng.choices(mix, weights)[0]
        # Page 50 of the ministry's lists; a provincial officer's lists are shorter.
        path = path.replace("{deep}", "5" if browser.username == "load-siemreap" else "50")
        response = await timed(browser, name, path, results, args.timeout)
        if args.think:
            await asyncio.sleep(rng.expovariate(1 / args.think))
        if kind and response is not None and response.status_code == 200 and time.monotonic() < deadline:
            ids = DETAIL_LINK[kind].findall(response.text)
            if ids:
                detail = {"ngo": "/ngos/{}/", "agreement": "/agreements/{}/", "report": "/reports/{}/"}[kind]
                await timed(browser, f"{kind} detail", detail.format(rng.choice(ids)), results, args.timeout)
                if args.think:
                    await asyncio.sleep(rng.expovariate(1 / args.think))


DOCUMENT_STATE = re.compile(r'data-state="([a-z]+)"')


async def build_one_pdf(browser: Browser, period: str, lang: str, args, results: Results) -> None:
    """Ask for one summary PDF as the page does: POST its prepare URL, poll its status, then download it.

    The background worker (`manage.py db_worker` on the same database) builds it; the time counted
    is from the request to the last byte of the file.
    """
    base = f"/reports/{period}/summary/pdf/{lang}"
    name = f"summary PDF {period} {lang}"
    started = time.monotonic()
    deadline = started + args.pdf_timeout
    htmx = {"HX-Request": "true", "X-CSRFToken": browser.cookies.get("csrftoken", ""),
            "Referer": f"https://{browser.http.base_url.netloc.decode()}/reports/{period}/summary/"}
    state = "?"
    try:
        response = await browser.request("POST", f"{base}/prepare/", headers=htmx, timeout=args.timeout)
        while response.status_code in (200, 202):
            match = DOCUMENT_STATE.search(response.text)
            state = match.group(1) if match else "?"
            if state == "ready" or time.monotonic() > deadline or state not in ("queued", "building"):
                break
            await asyncio.sleep(2)  # the page polls every 2 s
            response = await browser.request("GET", f"{base}/status/", headers=htmx, timeout=args.timeout)
        if response.status_code >= 400 or state != "ready":
            results.pdfs.append(Sample(name, started, time.monotonic() - started, response.status_code or 0))
            results.errors.append(f"{name}: HTTP {response.status_code}, state {state}")
            return
        path = args.pdf_path.format(period=period, lang=lang)
        response = await browser.request("GET", path, timeout=args.timeout)
    except httpx.HTTPError as error:
        results.pdfs.append(Sample(name, started, time.monotonic() - started, 0))
        results.errors.append(f"{name}: {type(error).__name__} {error}")
        return
    results.pdfs.append(Sample(name, started, time.monotonic() - started, response.status_code, len(response.content)))
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        results.errors.append(f"{name}: download HTTP {response.status_code}, not a PDF")


async def build_pdfs(browser: Browser, args, results: Results) -> None:
    """Ask for `--pdfs` different PDFs at once: Khmer and English of this semester, then of earlier ones.

    Different documents, so that as many builds run: the same one asked twice is built once.
    """
    year, half = int(args.period[:4]), int(args.period[-1])
    wanted = []
    while len(wanted) < args.pdfs:
        wanted += [(f"{year}S{half}", "km"), (f"{year}S{half}", "en")]
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    await asyncio.gather(*(build_one_pdf(browser, period, lang, args, results) for period, lang in wanted[:args.pdfs]))


async def run(args, base_url: str) -> Results:
    results = Results()
    rng = random.Random(args.seed)
    limits = httpx.Limits(max_connections=args.users + args.pdfs + 4, max_keepalive_connections=args.users + args.pdfs)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=args.timeout) as http:
        names = [name for name in ROLE_WEIGHTS for _ in range(ROLE_WEIGHTS[name])]
        browsers = [Browser(http, names[i % len(names)]) for i in range(args.users)]
        started = time.monotonic()
        for i in range(0, len(browsers), 10):  # logins are not what is measured
            await asyncio.gather(*(b.log_in() for b in browsers[i:i + 10]))
        print(f"{len(browsers)} users logged in ({time.monotonic() - started:.1f} s); browsing for {args.duration} s",
              file=sys.stderr)
        deadline = time.monotonic() + args.duration
        results.started = time.monotonic()
        tasks = [asyncio.create_task(browse(b, args, results, deadline, random.Random(rng.random()))) for b in browsers]
        pdf_task = None
        if args.pdfs:
            head = Browser(http, "load-head")
            await head.log_in()
            pdf_task = asyncio.create_task(build_pdfs(head, args, results))
        await asyncio.wait(tasks, timeout=args.duration + args.grace)
        for task in tasks:
            task.cancel()
        results.ended = min(time.monotonic(), deadline + args.grace)
        if pdf_task:
            try:
                await asyncio.wait_for(pdf_task, timeout=args.pdf_timeout)
            except asyncio.TimeoutError:
                results.errors.append("summary PDF: still not built at --pdf-timeout")
    return results


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def server_cpu_seconds(server: subprocess.Popen | None) -> float:
    """CPU time used so far by gunicorn's master and workers (not PostgreSQL's)."""
    if server is None:
        return float("nan")
    import psutil  # comes with pgserver

    total = 0.0
    try:
        master = psutil.Process(server.pid)
        for process in [master, *master.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system
    except psutil.Error:
        return float("nan")
    return total


def report(args, results: Results) -> dict:
    samples = results.samples
    elapsed = results.ended - results.started
    times = [s.seconds for s in samples]
    summary = {
        "users": args.users, "think_s": args.think, "duration_s": args.duration, "pdfs": args.pdfs,
        "requests": len(samples), "errors": len(results.errors),
        "throughput_rps": round(len(samples) / elapsed, 2) if elapsed else 0,
        "median_ms": round(statistics.median(times) * 1000) if times else None,
        "p95_ms": round(percentile(times, 0.95) * 1000) if times else None,
        "p99_ms": round(percentile(times, 0.99) * 1000) if times else None,
        "max_ms": round(max(times) * 1000) if times else None,
        "gunicorn_cpu_ms_per_request": round(results.server_cpu / len(samples) * 1000) if samples else None,
        "load_average_before_after": [round(x, 1) for x in results.load],
        "cores": os.cpu_count(),
    }
    if results.pdfs:
        finished = [p.started + p.seconds for p in results.pdfs]
        window_end = max(finished)
        during = [s.seconds for s in samples if s.started < window_end]
        summary["pdf_s"] = [round(p.seconds, 1) for p in results.pdfs]
        summary["pdf_status"] = [p.status for p in results.pdfs]
        summary["p95_ms_while_pdfs_build"] = round(percentile(during, 0.95) * 1000) if during else None
        summary["requests_while_pdfs_build"] = len(during)
    by_page: dict[str, list[Sample]] = {}
    for s in samples:
        by_page.setdefault(s.name, []).append(s)
    print(f"\n{'page':<34} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'KB':>6}")
    for name, group in sorted(by_page.items()):
        t = [s.seconds for s in group]
        print(f"{name:<34} {len(group):>5} {statistics.median(t) * 1000:>10.0f} {percentile(t, 0.95) * 1000:>8.0f} "
              f"{max(t) * 1000:>8.0f} {statistics.mean(s.size for s in group) / 1024:>6.0f}")
    print()
    for key, value in summary.items():
        print(f"{key:<28} {value}")
    for error in results.errors[:10]:
        print("error:", error)
    if len(results.errors) > 10:
        print(f"... and {len(results.errors) - 10} more errors")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=10.0, help="mean think time between pages, seconds (0: none)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of browsing (bounded: at most 600)")
    parser.add_argument("--grace", type=float, default=15.0, help="seconds left to requests in flight at the end")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a page request counts as failed")
    parser.add_argument("--period", default="2024S2", help="the semester whose summary and completeness are read")
    parser.add_argument("--pdfs", type=int, default=0, help="this many summary PDFs requested at once at the start")
    parser.add_argument("--pdf-path", default="/reports/{period}/summary.pdf?lang={lang}",
                        help="where a ready PDF is downloaded from (after its prepare and status URLs)")
    parser.add_argument("--pdf-timeout", type=float, default=300.0)
    parser.add_argument("--url", help="an already running server on loopback (default: start bin/serve)")
    parser.add_argument("--gunicorn", default="", help="extra gunicorn arguments, e.g. '--worker-class sync --workers 5'")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write the summary figures to this file")
    args = parser.parse_args()
    if not 0 < args.duration <= 600 or not 0 < args.users <= 500:
        sys.exit("--duration must be in (0, 600] seconds and --users in (0, 500]")

    ensure_accounts()
    server = None
    if args.url:
        require_loopback(args.url)
        base_url = args.url.rstrip("/")
    else:
        port = free_port()
        server = start_server(port, args.gunicorn.split())
        base_url = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    cpu_before = server_cpu_seconds(server)
    try:
        results = asyncio.run(run(args, base_url))
        results.server_cpu = server_cpu_seconds(server) - cpu_before
        results.load = (load_before[0], os.getloadavg()[0])
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    summary = report(args, results)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
