"""The newcomer's commands: bin/demo starts and stops cleanly, bin/manage runs README commands as pasted."""
import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import psutil
import pytest

from tests.mrd_ngo.test_deploy import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PGDATA = ROOT / "var" / "pgdata"
# What the test run itself sets and a person's shell would not.
NOT_IN_A_PERSONS_SHELL = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST"}


def a_persons_environment() -> dict:
    return {k: v for k, v in os.environ.items() if k not in NOT_IN_A_PERSONS_SHELL}


def processes_of_this_checkout() -> list[str]:
    """`manage.py` processes started in this checkout, and its embedded PostgreSQL."""
    found = []
    for process in psutil.process_iter(["cmdline", "cwd"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if ("manage.py" in cmdline and process.info["cwd"] == str(ROOT)) or f"-D {PGDATA}" in cmdline:
            found.append(f"{process.pid} {cmdline}")
    return found


def start_demo(port: int) -> subprocess.Popen:
    # A terminal never ignores Ctrl+C, but a test run started in the background of a script does
    # (POSIX: background jobs of a non-interactive shell ignore SIGINT), and a shell that starts with
    # SIGINT ignored cannot trap it. Catching SIGINT here while starting makes the child start with the
    # default disposition (a caught signal is reset by exec), as it would from a person's terminal.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        demo = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [str(ROOT / "bin" / "demo"), "--port", str(port)], cwd=ROOT, env=a_persons_environment(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group, like a command typed in a terminal
        )
    finally:
        signal.signal(signal.SIGINT, before)
    wait_for_port(port, demo, seconds=400)
    assert httpx.get(f"http://127.0.0.1:{port}/login/", timeout=30).status_code == 200
    assert (PGDATA / "postmaster.pid").is_file()
    return demo


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                    reason="the tests run on the embedded PostgreSQL, which stopping bin/demo would stop under them")
def test_stopping_bin_demo_stops_everything_it_started_and_a_second_run_reinstalls_nothing():
    # Ctrl+C in a terminal: SIGINT to the foreground process group.
    port = free_port()
    demo = start_demo(port)
    os.killpg(demo.pid, signal.SIGINT)
    first_output, _ = demo.communicate(timeout=120)
    # The test packages are installed (bin/setup --test): they hold everything the demo needs.
    assert "Installing Python packages" not in first_output
    assert not (PGDATA / "postmaster.pid").exists(), first_output[-3000:]
    assert port_is_closed(port)
    assert processes_of_this_checkout() == []

    # A second run, on another port, stopped with SIGTERM (systemd, `kill`): no reinstall.
    port = free_port()
    demo = start_demo(port)
    demo.send_signal(signal.SIGTERM)
    second_output, _ = demo.communicate(timeout=120)
    assert "Installing Python packages" not in second_output
    assert f"Serving on http://127.0.0.1:{port}" in second_output
    assert not (PGDATA / "postmaster.pid").exists(), second_output[-3000:]
    assert port_is_closed(port)
    assert processes_of_this_checkout() == []


def test_bin_demo_refuses_a_port_that_is_not_a_number():
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(ROOT / "bin" / "demo"), "--port", "eighty"], cwd=ROOT, env=a_persons_environment(),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "the port must be a number" in result.stderr


def test_bin_manage_runs_a_readme_command_without_virtualenv_or_debug_set():
    env = a_persons_environment()
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(ROOT / "bin" / "manage"), "khmer_date", "2024-07-17"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤" in result.stdout
