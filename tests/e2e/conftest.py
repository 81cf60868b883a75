"""Browser tests: Playwright driving Debian's Chromium against the live test server."""
import os
from pathlib import Path

import pytest

from mrd_ngo.roles import Role
from tests.factories import UserFactory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery"

# Playwright's sync API runs an event loop; Django must still allow its ORM calls in the test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/ (to look at) and return its path."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login form as a new user of `role`."""

    def go(role: Role, username: str = "e2e", **kwargs):
        user = UserFactory(username=username, role=role, first_name="Dara", last_name="Kim", **kwargs)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]:not([name=language])")
        return user

    return go


@pytest.fixture
def worker(settings, tmp_path):
    """`manage.py db_worker` running beside the live server, on the test database (as bin/demo runs it)."""
    from tests.worker import start_worker

    settings.MEDIA_ROOT = tmp_path / "media"
    process = start_worker()
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except Exception:
        process.kill()
        raise
