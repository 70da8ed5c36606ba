"""The state folder is checked and locked before the station changes; a record that cannot be
written after the service acted is a warning that says what the service did, never exit 70;
folders are 0700 and files 0600; a damaged record is one error line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.station.conftest import PROFILE, run_cli
from wxcc_desk.sandbox import SandboxHandle


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _agent_calls(sandbox: SandboxHandle) -> list[str]:
    return [r.path for r in sandbox.requests if r.path.startswith("/v1/agents/")]


def test_an_unusable_state_folder_fails_before_anything_is_sent(
    sandbox: SandboxHandle, isolated_home: Path
) -> None:
    (isolated_home / "state").mkdir()
    (isolated_home / "state" / "sessions").write_text("not a folder")
    res = run_cli(sandbox, "login", "-p", PROFILE)
    assert res.code == 3, res.err
    assert "cannot write the state folder" in res.err and "nothing was sent" in res.err
    # the fix moves nothing but the state: not WXCC_DESK_HOME, which moves the profiles too
    sessions = isolated_home / "state" / "sessions"
    assert f"  fix: make {sessions} a folder you can write to" in res.err, res.err
    assert "WXCC_DESK_HOME" not in res.err
    assert not sandbox.requests  # not even who the token is
    assert not sandbox.sessions()["sessions"]
    out = run_cli(sandbox, "logout", "-p", PROFILE)
    assert out.code == 3 and not _agent_calls(sandbox)


def test_an_unusable_xdg_state_folder_suggests_another_xdg_state_home(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without WXCC_DESK_HOME the state folder is platformdirs' (XDG_STATE_HOME on Linux): the fix
    names the folder in the way and XDG_STATE_HOME, which moves the state only."""
    monkeypatch.delenv("WXCC_DESK_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    blocker = tmp_path / "xdg-state"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    res = run_cli(sandbox, "login", "-p", PROFILE)
    assert res.code == 3, res.err
    assert f"cannot create the state folder {blocker / 'wxcc-desk' / 'sessions'}" in res.err
    assert f"  fix: make {blocker} a folder you can write to" in res.err, res.err
    assert "or set XDG_STATE_HOME to a writable folder" in res.err
    assert "WXCC_DESK_HOME" not in res.err
    assert not _agent_calls(sandbox)


def test_a_record_that_cannot_be_written_after_sign_in_is_a_warning(
    sandbox: SandboxHandle, isolated_home: Path
) -> None:
    # The folder takes files (the check passes), but the record's own path is a folder.
    record = isolated_home / "state" / "sessions" / "sandbox.json"
    record.mkdir(parents=True)
    (record / "keep").write_text("x")
    res = run_cli(sandbox, "login", "-p", PROFILE, "--json")
    assert res.code == 0, res.err
    assert "warning: the station is signed in, but its local session record could not" in res.err
    assert any("could not be written" in w for w in res.json()["warnings"])
    assert sandbox.sessions()["sessions"]  # the service signed it in, and the run says so
    status = run_cli(sandbox, "status", "-p", PROFILE, "--json")
    assert status.code == 0 and status.json()["logged_in"] is True  # the truth, from the service
    out = run_cli(sandbox, "logout", "-p", PROFILE, "--json")
    assert out.code == 0, out.err
    assert "signed out, but its local session record could not be removed" in out.err
    assert out.json()["warnings"]
    assert not sandbox.sessions()["sessions"]


def test_state_folders_are_0700_and_files_0600(sandbox: SandboxHandle, isolated_home: Path) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE)
    assert res.code == 0, res.err
    state = isolated_home / "state"
    assert _mode(state) == 0o700 and _mode(state / "sessions") == 0o700
    assert _mode(state / "sessions" / "sandbox.json") == 0o600
    assert _mode(state / "sessions" / "sandbox.json.lock") == 0o600


def test_an_existing_open_sessions_folder_is_tightened(
    sandbox: SandboxHandle, isolated_home: Path
) -> None:
    sessions = isolated_home / "state" / "sessions"
    sessions.mkdir(parents=True, mode=0o755)
    sessions.chmod(0o755)
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0
    assert _mode(sessions) == 0o700


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe{\x00}\x00",  # UTF-16
        b'{"a": "\xe9"}',  # a stray latin-1 byte
        b"[" * 100_000 + b"]" * 100_000,  # nested too deep
        b"{" + b" " * (2 * 1024 * 1024) + b"}",  # far larger than any record
    ],
    ids=["utf16", "stray-byte", "deep", "huge"],
)
def test_a_damaged_record_is_a_note_and_status_tells_the_truth(
    sandbox: SandboxHandle, isolated_home: Path, content: bytes
) -> None:
    record = isolated_home / "state" / "sessions" / "sandbox.json"
    record.parent.mkdir(parents=True)
    record.write_bytes(content)
    res = run_cli(sandbox, "status", "-p", PROFILE, "--json")
    assert res.code == 6, res.err  # not signed in, as the service says
    assert "note: " in res.err and "is damaged" in res.err and "internal error" not in res.err
    assert any("is damaged" in n for n in json.loads(res.out)["notes"])
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0  # and the next login rewrites it
    assert json.loads(record.read_text())["user"] == "sam@example.com"
