"""The station commands' JSON documents match their published schemas (render/schemas/), on
real runs against the sandbox: login, status, logout, `--hold --json` event lines, the demo,
and an error document for every exit class. The one CLI runner validates every document any
test prints (tests/support/documents.py); here each kind is produced on purpose, so none goes
unchecked because no other test happened to print it."""

from __future__ import annotations

import json
import os

import pytest

from tests.station.conftest import PROFILE, Cli, run_cli
from tests.support.cli import invoke
from tests.support.documents import check_output, problems
from tests.support.waiting import holding, in_thread, until
from wxcc_desk.core.errors import ExitCode
from wxcc_desk.sandbox import SandboxHandle


def test_login_status_logout_documents(cli: Cli) -> None:
    login = cli("login", "--json")
    assert login.code == 0, login.err
    assert check_output(login.out) == ["login"]
    status = cli("status", "--json")
    assert status.code == 0 and check_output(status.out) == ["status", "session"]
    assert status.json()["local_record"]["schema"] == "wxcc-desk/session/v1"
    logout = cli("logout", "--json")
    assert logout.code == 0 and check_output(logout.out) == ["logout"]
    after = cli("status", "--json")
    assert after.code == ExitCode.NOT_LOGGED_IN and check_output(after.out) == ["status"]
    assert after.json()["station"] is None and after.json()["local_record"] is None


def test_a_key_the_schema_does_not_describe_fails(cli: Cli) -> None:
    doc = cli("login", "--json").json()
    assert problems(doc, "login") == []
    assert problems({**doc, "colour": "red"}, "login")  # closed in tests: every key described
    assert problems({**doc, "colour": "red"}, "login", strict=False) == []  # open when published
    with pytest.raises(AssertionError, match="colour"):  # what the CLI runner calls on stdout
        check_output(json.dumps({**doc, "colour": "red"}))
    del doc["session"]
    assert any("'session' is a required property" in p for p in problems(doc, "login"))


def test_hold_json_lines_are_a_login_then_events(sandbox: SandboxHandle) -> None:
    argv = ("login", "-p", PROFILE, "--hold", "--duration", "1.5", "--json")
    thread, box = in_thread(lambda: run_cli(sandbox, *argv))
    until(lambda: holding(sandbox), "the held session never appeared")
    sandbox.rona("sam@example.com", "call-1")
    thread.join(15)
    (held,) = box
    assert held.code == 0, held.err
    kinds = check_output(held.out)
    assert kinds[0] == "login" and set(kinds[1:]) == {"event"}
    assert {"logged_in", "rona", "closed"} <= {doc.get("kind") for doc in _lines(held.out)}


def test_demo_document_and_its_three_steps() -> None:
    demo = invoke(["demo", "--json"], dict(os.environ))  # its own in-process sandbox
    assert demo.code == 0, demo.err
    assert sorted(check_output(demo.out)) == ["demo", "login", "logout", "session", "status"]


def test_an_error_document_for_every_exit_class(cli: Cli, sandbox: SandboxHandle) -> None:
    runs = {
        ExitCode.USAGE: cli("status", "--json", "--no-such-option"),
        ExitCode.CONFIG: cli("status", "-p", "no-such-profile", "--json"),
        ExitCode.AUTH: cli("status", "--json", email="alice@example.com"),
        ExitCode.NETWORK: cli("status", "--json", env={"WXCC_BASE_URL": "http://127.0.0.1:9"}),
        ExitCode.NOT_LOGGED_IN: cli("logout", "--json"),
    }
    assert cli("login").code == 0
    runs[ExitCode.FAILED] = cli("login", "--json", env={"WXCC_DIAL_NUMBER": "+14085550199"})
    for code, run in runs.items():
        assert run.code == code, (code, run.err)
        assert check_output(run.out) == ["error"], run.out
        assert run.json()["error"]["exit_code"] == code


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]
