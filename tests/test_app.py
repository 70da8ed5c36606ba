"""The exit boundary: usage errors, JSON error documents and the tracking line."""

from __future__ import annotations

import io
import json

import pytest

from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as done:
        main(argv, AppContext(out=Output(stdout=out, stderr=err)))
    return int(done.value.code or 0), out.getvalue(), err.getvalue()


def test_usage_error_with_json_is_a_json_document_with_exit_2() -> None:
    code, out, err = _run(["status", "-p", "sandbox", "--json", "--foo"])
    assert code == 2
    doc = json.loads(out)
    assert doc["schema"] == "wxcc-desk/error/v1"
    assert doc["error"]["code"] == "USAGE" and doc["error"]["exit_code"] == 2
    assert set(doc["tracking_ids"]) == {"sent", "server"}
    assert err.splitlines()[0] == "error: No such option: --foo"


def test_usage_error_without_json_prints_nothing_on_stdout() -> None:
    code, out, err = _run(["status", "--foo"])
    assert (code, out) == (2, "")
    assert "fix: run `wxcc-desk status --help` for usage" in err


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["teams-auth", "status", "--nope"], "wxcc-desk teams-auth status"),
        (["login", "--duration", "-1"], "wxcc-desk login"),
        (["profiles", "init"], "wxcc-desk profiles init"),
        (["frob"], "wxcc-desk"),
        # A missing option value carries no context: the words typed name the command.
        (["status", "--json", "-p"], "wxcc-desk status"),
        (["teams-auth", "status", "-p"], "wxcc-desk teams-auth status"),
        (["--frob", "status"], "wxcc-desk"),
    ],
)
def test_a_usage_error_names_the_help_of_the_command_it_was_made_in(
    argv: list[str], command: str
) -> None:
    code, _, err = _run(argv)
    assert code == 2
    assert err.splitlines()[-1].strip() == f"fix: run `{command} --help` for usage"


def test_a_command_option_before_the_command_says_where_it_goes() -> None:
    code, _, err = _run(["--json", "status", "-p", "lab"])
    assert code == 2
    assert err.splitlines()[0] == "error: No such option: --json"  # not "Possible: --version"
    assert "fix: options of a command go after it: `wxcc-desk status --json ...`" in err
    _, _, err = _run(["--json", "auth", "login", "-p", "lab"])  # through its group
    assert "`wxcc-desk auth login --json ...`" in err
    _, _, err = _run(["--frob", "status"])  # no command has it: no such advice
    assert "go after it" not in err


def test_bare_command_shows_the_help_without_an_error_line() -> None:
    code, _, err = _run([])
    assert code == 2
    assert err.startswith("Usage: wxcc-desk")
    assert "error:" not in err


def test_no_tracking_line_when_nothing_reached_a_server() -> None:
    code, _, err = _run(["status", "-p", "no-such-profile"])
    assert code == 3
    assert "tracking:" not in err


def test_server_ids_of_the_run_are_shown_when_the_error_has_none(sandbox: object) -> None:
    from tests.station.conftest import PROFILE, run_cli

    # bob's token for sam's profile: people/me answers, then preflight refuses (no error IDs).
    res = run_cli(sandbox, "login", "-p", PROFILE, email="bob@example.com")  # type: ignore[arg-type]
    assert res.code == 4, res.err
    tracking = next(line for line in res.err.splitlines() if "tracking:" in line)
    assert "none from the server" not in tracking
    assert res.actx.tracker.received[0] in tracking
