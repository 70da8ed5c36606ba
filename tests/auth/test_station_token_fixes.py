"""The station commands' token dead ends: a refused WXCC_ACCESS_TOKEN names the variable and
the host, `logout --forget` forgets whatever the logout's outcome, and `status`/`logout` take
`--with-token` (used for the run, not stored)."""

from __future__ import annotations

import io
import json

import pytest

from tests.station.conftest import PROFILE, run_cli
from tests.support.file_keyring import FileKeyring
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.sandbox import SandboxHandle

SAM = "sam@example.com"


class _Stdin(io.StringIO):
    """A text stdin without bytes beneath (read_stdin_token reads it as it is)."""


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(text))


def _store(keyring: FileKeyring, access: str, key: str = "tokens") -> None:
    doc = {"access_token": access} if key == "tokens" else {"option": "dial_number"}
    keyring.set_password(SERVICE, f"sandbox:{key}", json.dumps(doc))


def test_a_refused_environment_token_names_the_variable_and_the_host(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    token = sandbox.mint_token(SAM)
    _store(isolated_keyring, sandbox.mint_token(SAM))  # a good one the variable hides
    sandbox.revoke_token(token=token)
    res = run_cli(sandbox, "status", "-p", PROFILE, email=None, env={"WXCC_ACCESS_TOKEN": token})
    assert res.code == 4, res.err
    host = sandbox.url.removeprefix("http://")
    assert f"from WXCC_ACCESS_TOKEN) was refused by {host}" in res.err
    # The whole hint: redaction took its "while" for the variable's value once.
    assert "fix: replace or unset WXCC_ACCESS_TOKEN: while it is set it is used" in res.err
    assert "login --web" not in res.err  # it cannot help while the variable is set
    assert token not in res.text


def test_a_refused_stdin_token_asks_for_a_fresh_one(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sandbox.mint_token(SAM)
    sandbox.revoke_token(token=token)
    _stdin(monkeypatch, token + "\n")
    res = run_cli(sandbox, "status", "-p", PROFILE, "--with-token", email=None)
    assert res.code == 4, res.err
    assert "from --with-token) was refused" in res.err
    assert "fix: pipe a fresh token of sam@example.com to this command's --with-token" in res.err
    assert f"`wxcc-desk auth login --with-token -p {PROFILE}`" in res.err  # a whole command


def test_status_and_logout_take_a_stdin_token_and_store_nothing(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    assert run_cli(sandbox, "login", "-p", PROFILE, "--json").code == 0  # env token, not stored
    token = sandbox.mint_token(SAM)
    _stdin(monkeypatch, token)
    status = run_cli(sandbox, "status", "-p", PROFILE, "--with-token", "--json", email=None)
    assert status.code == 0, status.err
    assert status.doc["token"]["source"] == "stdin"
    _stdin(monkeypatch, token)
    out = run_cli(sandbox, "logout", "-p", PROFILE, "--with-token", "--json", email=None)
    assert out.code == 0, out.err
    assert isolated_keyring.get_password(SERVICE, "sandbox:tokens") is None
    assert sandbox.sessions()["sessions"] == []  # the stdin token really logged out


def test_forget_without_a_session_still_forgets_and_says_so(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    _store(isolated_keyring, sandbox.mint_token(SAM))
    _store(isolated_keyring, "", key="station")
    res = run_cli(sandbox, "logout", "-p", PROFILE, "--forget", "--json", email=None)
    assert res.code == 6, res.err  # the logout's own exit: there was no session
    error = res.doc["error"]
    assert error["code"] == "AGENT_NOT_FOUND"
    assert "--forget deleted the stored tokens and station credentials all the same" in (
        error["message"]
    )
    assert "all the same" in res.err
    assert isolated_keyring.get_password(SERVICE, "sandbox:tokens") is None
    assert isolated_keyring.get_password(SERVICE, "sandbox:station") is None


def test_forget_when_the_logout_fails_forgets_anyway(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    token = sandbox.mint_token(SAM)
    _store(isolated_keyring, token)
    sandbox.revoke_token(token=token)  # the stored token is refused: no logout possible
    res = run_cli(sandbox, "logout", "-p", PROFILE, "--forget", email=None)
    assert res.code == 4, res.err
    assert "--forget deleted the stored tokens all the same" in res.err
    assert isolated_keyring.get_password(SERVICE, "sandbox:tokens") is None


def test_forget_with_nothing_stored_and_no_token_says_there_was_nothing(
    sandbox: SandboxHandle,
) -> None:
    res = run_cli(sandbox, "logout", "-p", PROFILE, "--forget", email=None)
    assert res.code == 4, res.err  # no token: nothing could be logged out
    assert "--forget found no stored tokens or station credentials to delete" in res.err


def test_forget_with_an_unusable_keyring_says_nothing_was_deleted(
    sandbox: SandboxHandle, failing_keyring: None
) -> None:
    res = run_cli(sandbox, "logout", "-p", PROFILE, "--forget")
    assert res.code == 6, res.err
    assert "--forget deleted nothing: the keyring is unavailable" in res.err


@pytest.mark.parametrize("command", ["status", "login", "logout"])
def test_another_users_environment_token_asks_to_replace_the_variable(
    sandbox: SandboxHandle, command: str
) -> None:
    alice = sandbox.mint_token("alice@example.com")
    res = run_cli(sandbox, command, "-p", PROFILE, email=None, env={"WXCC_ACCESS_TOKEN": alice})
    assert res.code == 4, res.err
    assert "the token belongs to alice@example.com, not to the profile's user" in res.err
    assert "fix: replace WXCC_ACCESS_TOKEN with a token of sam@example.com, or unset it" in res.err
    assert "login --web" not in res.err  # a sign-in cannot help while the variable is set
    assert alice not in res.text
