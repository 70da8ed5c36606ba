"""`login --hold --json`: the login document first, then the events, then how the hold ended.

stdout is a sequence of JSON documents: one per line up to the end, and when an error ends the
hold, the `wxcc-desk/error/v1` document last (indented, as every command prints its errors).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.station.conftest import PROFILE, Result, run_cli
from tests.support.waiting import holding, in_thread, until
from wxcc_desk.core.keystore import Keystore
from wxcc_desk.sandbox import SandboxHandle

LOGIN = "wxcc-desk/login/v1"
EVENT = "wxcc-desk/event/v1"
ERROR = "wxcc-desk/error/v1"


def _documents(out: str) -> list[dict[str, Any]]:
    """Every JSON document on stdout, in order; fails on anything that is not one."""
    decoder, docs, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(out) and out[at].isspace():
            at += 1
        if at == len(out):
            return docs
        doc, at = decoder.raw_decode(out, at)
        assert isinstance(doc, dict)
        docs.append(doc)


def _held_until_logout(sandbox: SandboxHandle, *extra: str, **kw: Any) -> Result:
    """A hold ended by `logout` from another run: exit 6."""
    thread, box = in_thread(
        lambda: run_cli(
            sandbox, "login", "-p", PROFILE, "--hold", "--duration", "20", "--json", *extra, **kw
        )
    )
    until(lambda: holding(sandbox), "the held session never appeared")
    assert run_cli(sandbox, "logout", "-p", PROFILE).code == 0
    thread.join(15)
    (held,) = box
    return held


def _check_head(docs: list[dict[str, Any]]) -> None:
    """The login document comes first, once, and the events follow it."""
    assert docs[0]["schema"] == LOGIN and docs[0]["ok"] is True
    assert docs[0]["session"]["session_id"]
    assert [d["schema"] for d in docs].count(LOGIN) == 1
    assert docs[1]["schema"] == EVENT and docs[1]["kind"] == "logged_in"
    assert docs[1]["data"]["session_id"] == docs[0]["session"]["session_id"]


def test_clean_hold_prints_the_login_document_first(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, "--hold", "--duration", "0.5", "--json")
    assert res.code == 0, res.err
    lines = [json.loads(line) for line in res.out.splitlines()]  # one document per line
    _check_head(lines)
    assert all(d["schema"] == EVENT for d in lines[1:])
    assert lines[-1]["kind"] == "closed" and "hold ended after 0.5 s" in lines[-1]["text"]
    # The same document a login without --hold prints, warnings included (on stderr too).
    assert any("WXCC_ACCESS_TOKEN" in w for w in lines[0]["warnings"])
    assert res.err.index("warning:") < res.err.index("holding the session")


def test_hold_ended_by_logout_prints_login_then_events_then_the_error(
    sandbox: SandboxHandle,
) -> None:
    held = _held_until_logout(sandbox)
    assert held.code == 6, held.err
    docs = _documents(held.out)
    _check_head(docs)
    assert docs[-1]["schema"] == ERROR and docs[-1]["ok"] is False
    assert docs[-1]["error"]["code"] == "LOGGED_OUT"
    events = docs[1:-1]
    assert events and all(d["schema"] == EVENT for d in events)
    assert "logged out" in events[-1]["text"]
    # JSON Lines to the end: the error document is one line too.
    lines = held.out.splitlines()
    assert [json.loads(line)["schema"] for line in lines] == [d["schema"] for d in docs]


def test_hold_taken_over_prints_login_then_events_then_the_error(sandbox: SandboxHandle) -> None:
    thread, box = in_thread(
        lambda: run_cli(sandbox, "login", "-p", PROFILE, "--hold", "--duration", "20", "--json")
    )
    until(lambda: holding(sandbox), "the held session never appeared")
    assert run_cli(sandbox, "login", "-p", PROFILE, "--takeover").code == 0
    thread.join(15)
    (held,) = box
    assert held.code == 1, held.err
    docs = _documents(held.out)
    _check_head(docs)
    assert docs[-2]["kind"] == "multi_login"
    assert docs[-1]["schema"] == ERROR and docs[-1]["error"]["code"] == "TAKEN_OVER"


def test_text_hold_prints_the_session_table_before_the_events(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, "--hold", "--duration", "0.5")
    assert res.code == 0, res.err
    assert res.out.index("session id") < res.out.index("logged_in") < res.out.index("closed")


def test_with_token_is_kept_even_when_the_hold_ends_in_an_error(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sandbox.token("sam@example.com")
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    held = _held_until_logout(sandbox, "--with-token", email=None)
    assert held.code == 6, held.err
    assert token in (Keystore().get("sandbox", "tokens") or "")
    assert not _documents(held.out)[0]["warnings"]  # saved: nothing to warn about


def test_every_event_line_carries_the_run_id_and_tracking_ids(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, "--hold", "--duration", "0.5", "--json")
    assert res.code == 0, res.err
    login, *events = [json.loads(line) for line in res.out.splitlines()]
    assert events and all(e["run_id"] == login["run_id"] for e in events)
    assert all(set(e["tracking_ids"]) == {"sent", "server"} for e in events)
    assert events[-1]["tracking_ids"]["sent"][: len(login["tracking_ids"]["sent"])] == (
        login["tracking_ids"]["sent"]
    )
    assert all("ok" not in e for e in events)  # an event is no result
