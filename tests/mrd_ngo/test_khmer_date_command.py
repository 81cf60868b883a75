"""Tests for ``manage.py khmer_date`` (needs Django settings, not the database)."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.core.management.base import CommandError

from mrd_ngo.management.commands.khmer_date import Command

JULY_17_2024 = (
    "ថ្ងៃពុធ ១២កើត ខែអាសាឍ ឆ្នាំរោង ឆស័ក ព.ស.២៥៦៨ ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤"
)
DECEMBER_10_2025 = (
    "ថ្ងៃពុធ ៥រោច ខែមិគសិរ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩ ត្រូវនឹងថ្ងៃទី១០ ខែធ្នូ ឆ្នាំ២០២៥"
)


def khmer_date(*args: str) -> str:
    """Run the command through call_command and return what it printed."""
    out = io.StringIO()
    call_command("khmer_date", *args, stdout=out)
    return out.getvalue()


def test_prints_the_official_line_of_a_date():
    assert khmer_date("2024-07-17") == JULY_17_2024 + "\n"


def test_prints_one_line_per_date_in_the_order_given():
    assert khmer_date("2025-12-10", "2024-07-17").splitlines() == [DECEMBER_10_2025, JULY_17_2024]


def test_accepts_the_first_and_last_supported_days():
    lines = khmer_date("1900-01-01", "2100-12-31").splitlines()
    assert lines[0].startswith("ថ្ងៃចន្ទ ១កើត ខែបុស្ស")
    assert lines[1].endswith("ត្រូវនឹងថ្ងៃទី៣១ ខែធ្នូ ឆ្នាំ២១០០")


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ("2024-02-30", "not a day of the calendar"),
        ("hello", "not a date written YYYY-MM-DD"),
        ("17/07/2024", "not a date written YYYY-MM-DD"),
        ("2024-7-17", "not a date written YYYY-MM-DD"),
        ("1899-12-31", "outside the supported range 1900-01-01 to 2100-12-31"),
        ("2101-01-01", "outside the supported range 1900-01-01 to 2100-12-31"),
    ],
)
def test_bad_date_raises_command_error_naming_it(argument, reason):
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("khmer_date", argument, stdout=out)
    assert f"“{argument}”" in str(error.value)
    assert reason in str(error.value)
    assert out.getvalue() == ""


def test_nothing_is_printed_when_any_argument_is_bad():
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("khmer_date", "2024-07-17", "2024-02-30", "hello", stdout=out)
    assert "“2024-02-30”" in str(error.value) and "“hello”" in str(error.value)
    assert "2024-07-17" not in str(error.value)
    assert out.getvalue() == ""


def test_command_line_reports_a_bad_date_on_stderr_with_a_non_zero_exit(capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "khmer_date", "2024-07-17", "2024-02-30"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "CommandError" in captured.err and "“2024-02-30”" in captured.err


def test_command_line_prints_the_lines_on_stdout(capsys):
    Command().run_from_argv(["manage.py", "khmer_date", "2024-07-17"])
    captured = capsys.readouterr()
    assert captured.out == JULY_17_2024 + "\n"
    assert captured.err == ""


def test_khmer_digits_are_accepted():
    out = io.StringIO()
    call_command("khmer_date", "២០២៤-០៧-១៧", stdout=out)
    assert out.getvalue().strip().endswith("ត្រូវនឹងថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤")


def test_errors_are_in_khmer_by_default():
    with pytest.raises(CommandError, match="មិនមែនជាថ្ងៃដែលមាននៅក្នុងប្រតិទិនទេ"):
        call_command("khmer_date", "2024-02-30")
