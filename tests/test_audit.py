"""bin/audit's verdict on pip-audit's report (its JSON format): a vulnerability fails, packages that
could not be checked are named, and an audit that could check nothing says so plainly (a warning;
a failure with AUDIT_REQUIRED=1), never "no known vulnerability in 0 checked packages"."""
import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def audit():
    loader = importlib.machinery.SourceFileLoader("bin_audit", str(ROOT / "bin" / "audit"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("bin_audit", loader))
    loader.exec_module(module)
    return module


def package(name, vulns=(), skip_reason=None):
    entry = {"name": name, "version": "1.0", "vulns": list(vulns)}
    if skip_reason:
        entry["skip_reason"] = skip_reason
    return entry


UNREACHABLE = "Dependency not found on PyPI and could not be audited"


NOTHING_CHECKED = {"dependencies": [package("django", skip_reason=UNREACHABLE), package("openpyxl", skip_reason=UNREACHABLE)]}


def test_nothing_checked_is_said_plainly_as_a_warning(audit, capsys, monkeypatch):
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)
    assert audit.judge(NOTHING_CHECKED) is True
    out = capsys.readouterr().out
    assert "pip-audit: NOT AUDITED: none of the 2 installed packages could be checked" in out
    assert "no known vulnerability" not in out


def test_nothing_checked_fails_where_the_audit_is_required(audit, capsys, monkeypatch):
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert audit.judge(NOTHING_CHECKED) is False
    assert "AUDIT_REQUIRED=1: failing." in capsys.readouterr().out
    assert audit.judge({"dependencies": []}) is False  # an empty report is no audit either
    assert "no known vulnerability" not in capsys.readouterr().out


def test_some_unchecked_packages_are_a_warning_naming_them(audit, capsys):
    report = {"dependencies": [package("django"), package("openpyxl"), package("weasyprint", skip_reason=UNREACHABLE)]}
    assert audit.judge(report) is True
    out = capsys.readouterr().out
    assert "WARNING: 1 of 3 packages could not be checked" in out and "weasyprint" in out
    assert "no known vulnerability in the 2 packages checked (1 not checked, above)." in out


def test_a_known_vulnerability_fails_and_is_named(audit, capsys):
    report = {"dependencies": [package("django", vulns=[{"id": "PYSEC-2099-1", "fix_versions": ["5.2.99"]}])]}
    assert audit.judge(report) is False
    assert "django 1.0: PYSEC-2099-1 (fixed in 5.2.99)" in capsys.readouterr().out
