"""A token is checked before any use: one printable-ASCII word, or one error line and exit 3,
with nothing of the token in any output and nothing sent to the service."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.station.conftest import PROFILE, run_cli
from tests.support.file_keyring import FileKeyring
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.core.redact import register_secret, scrub
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
SECRET = "CANARYtokenAAAA1111"
TAIL = "TAILsecretBBBB2222"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _assert_refused(sandbox: SandboxHandle, code: int, out: str, err: str, words: str) -> None:
    assert code == 3, err
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: the token from") and words in lines[0], err
    assert lines[1].startswith("  fix: ") and len(lines) == 2, err
    assert SECRET not in out + err and TAIL not in out + err
    assert "Traceback" not in err
    assert not [r for r in sandbox.requests if not r.path.startswith("/_sandbox")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (f"{SECRET}\x00{TAIL}\n".encode(), "control character (U+0000"),
        (f"{SECRET}\r{TAIL}".encode(), "whitespace at character 20"),
        (f"Bearer {SECRET} {TAIL}\n".encode(), "not one word"),
        (f"{SECRET}\x1b[31m{TAIL}".encode(), "control character (U+001B"),
        (SECRET.encode() + b"\xe9" + TAIL.encode(), "not ASCII (at character 20)"),
        (b"\xef\xbb\xbf" + SECRET.encode(), "byte-order mark"),
        (f"{SECRET}{TAIL}".encode("utf-16"), "byte-order mark"),
        (f"{SECRET}{TAIL}".encode("utf-16-be"), "control character (U+0000 at character 1)"),
        (b"  \n", "is empty"),
        ((SECRET + "x" * 20000 + TAIL).encode(), "more than any access token (8000 at most)"),
    ],
)
def test_a_bad_stdin_token_is_refused_locally(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, data: bytes, words: str
) -> None:
    _stdin(monkeypatch, data)
    res = run_cli(sandbox, "login", "-p", PROFILE, "--with-token", email=None)
    _assert_refused(sandbox, res.code, res.out, res.err, words)


def test_a_bad_stdin_token_with_json_is_one_error_document(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, f"{SECRET}\x00{TAIL}".encode())
    res = run_cli(sandbox, "login", "-p", PROFILE, "--with-token", "--json", email=None)
    doc = res.json()
    assert res.code == 3 and doc["error"]["code"] == "BAD_TOKEN"
    assert SECRET not in res.out + res.err and TAIL not in res.out + res.err


@pytest.mark.parametrize("value", [f"{SECRET}\x00{TAIL}", f"\ufeff{SECRET}", f"{SECRET}\x7f"])
def test_a_bad_environment_token_is_refused_before_any_request(
    sandbox: SandboxHandle, value: str
) -> None:
    res = run_cli(sandbox, "status", "-p", PROFILE, email=None, env={"WXCC_ACCESS_TOKEN": value})
    _assert_refused(sandbox, res.code, res.out, res.err, "WXCC_ACCESS_TOKEN")


def test_a_damaged_keyring_token_is_refused_with_the_sign_in_fix(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    doc = {"access_token": f"{SECRET}\n{TAIL}", "refresh_token": None}
    isolated_keyring.set_password(SERVICE, "sandbox:tokens", json.dumps(doc))
    res = run_cli(sandbox, "status", "-p", PROFILE, email=None)
    _assert_refused(sandbox, res.code, res.out, res.err, "the keyring")
    assert "login --web" in res.err


def test_a_utf16_token_file_through_a_real_pipe(sandbox: SandboxHandle) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WXCC_ACCESS_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-m", "wxcc_desk", "login", "-p", PROFILE, "--with-token"],
        cwd=ROOT,
        env={**env, "WXCC_BASE_URL": sandbox.url},
        input=f"{SECRET}{TAIL}\r\n".encode("utf-16"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    err = proc.stderr.decode()
    _assert_refused(sandbox, proc.returncode, proc.stdout.decode(), err, "byte-order mark")


@pytest.mark.parametrize(
    "shown",
    [
        f"{SECRET}\\x00{TAIL}",  # printable_line's escape
        f"b'{SECRET}\\x00{TAIL}'",  # a bytes repr, as a library error shows a header value
        f"header value after the NUL: {TAIL}",  # cut at the control character
        f"{SECRET}\\ufeff",
    ],
)
def test_redaction_works_on_the_printed_form_whatever_bytes_the_secret_holds(shown: str) -> None:
    register_secret(f"{SECRET}\x00{TAIL}")
    register_secret(f"{SECRET}\ufeff")
    cleaned = scrub(shown)
    assert SECRET not in cleaned and TAIL not in cleaned, cleaned
