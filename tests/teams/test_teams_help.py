"""Every `teams-auth` help screen carries an example, and the documented exit codes."""

from __future__ import annotations

import pytest

from tests.teams.conftest import Cli


def _help(cli: Cli, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli("teams-auth", *args, "--help").code == 0
    return " ".join(capsys.readouterr().out.split())  # click writes help to sys.stdout


@pytest.mark.parametrize(
    ("args", "example"),
    [
        ((), "Example: wxcc-desk teams-auth status -p sandbox --json"),
        (("status",), "Example: wxcc-desk teams-auth status -p sandbox --json"),
        (("login",), "Example: wxcc-desk teams-auth login -p sandbox --no-wait"),
        (("retry",), "Example: wxcc-desk teams-auth retry -p sandbox"),
        (("logout",), "Example: wxcc-desk teams-auth logout -p sandbox"),
    ],
)
def test_help_has_an_example(
    cli: Cli, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], example: str
) -> None:
    assert example in _help(cli, capsys, *args)


def test_login_help_says_no_wait_exits_0_while_pending(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help(cli, capsys, "login")
    assert "--no-wait exits 0 in state pending" in text
