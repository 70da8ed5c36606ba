"""`wxcc-desk auth login|status|logout` end to end against the sandbox: tokens stored, shown and
deleted apart from the station, which none of them touches."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.station.conftest import PROFILE, run_cli
from tests.support.cli import CliRun, invoke
from tests.support.file_keyring import FileKeyring
from tests.support.profiles import write_profile
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.sandbox import SandboxHandle

SAM, ALICE = "sam@example.com", "alice@example.com"


class _Stdin(io.StringIO):
    """A text stdin without bytes beneath (read_stdin_token reads it as it is)."""


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(text))


def _stored(keyring: FileKeyring, name: str = "sandbox", key: str = "tokens") -> dict[str, object]:
    raw = keyring.get_password(SERVICE, f"{name}:{key}")
    return json.loads(raw) if raw else {}


def _paths(sandbox: SandboxHandle) -> set[str]:
    return {r.path for r in sandbox.requests}


def _login_token(sandbox: SandboxHandle, mp: pytest.MonkeyPatch, token: str, *argv: str) -> CliRun:
    _stdin(mp, token + "\n")
    return run_cli(sandbox, "auth", "login", "-p", PROFILE, "--with-token", *argv, email=None)


# --------------------------------------------------------------------------- login


def test_login_with_token_proves_the_user_stores_and_never_asks_the_station(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    token = sandbox.mint_token(SAM)
    sandbox.clear_requests()
    res = _login_token(sandbox, monkeypatch, token, "--json")
    assert res.code == 0, res.err
    doc = res.doc
    assert doc["schema"] == "wxcc-desk/auth-login/v1" and doc["ok"] is True
    assert doc["run_id"] == res.actx.tracker.run_id
    assert doc["tracking_ids"]["sent"] == res.actx.tracker.sent != []
    assert doc["user"]["email"] == SAM and doc["user"]["org_id"] == sandbox.org_id
    assert doc["token"]["source"] == "stdin" and doc["token"]["masked"].startswith(token[:4])
    assert doc["stored"] is True and doc["profile"] == "sandbox"
    assert _stored(isolated_keyring)["access_token"] == token
    assert _paths(sandbox) == {"/v1/people/me"}  # identity only: no agents call, no socket
    assert token not in res.text


def test_login_with_token_on_a_signed_in_station_stores_it_and_leaves_the_station(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    """The dead end of the issue: the station is signed in, and a token can still be stored,
    then used by `status` and `logout` with nothing else set."""
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0
    before = sandbox.sessions()["sessions"]
    assert len(before) == 1
    res = _login_token(sandbox, monkeypatch, sandbox.mint_token(SAM))
    assert res.code == 0, res.err
    assert "sam@example.com (Sam Supervisor)" in res.out
    assert sandbox.sessions()["sessions"] == before
    status = run_cli(sandbox, "status", "-p", PROFILE, "--json", email=None)
    assert status.code == 0 and status.doc["token"]["source"] == "keyring"
    assert run_cli(sandbox, "logout", "-p", PROFILE, email=None).code == 0


def test_login_with_another_users_token_stores_nothing(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    res = _login_token(sandbox, monkeypatch, sandbox.mint_token(ALICE), "--json")
    assert res.code == 4, res.err
    assert res.doc["error"]["code"] == "WRONG_USER"
    assert "belongs to alice@example.com, not to the profile's user sam@example.com" in res.err
    assert "nothing was stored" in res.err
    assert "auth login --web -p" in res.err
    assert _stored(isolated_keyring) == {}


def test_login_with_a_refused_token_stores_nothing(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    token = sandbox.mint_token(SAM)
    sandbox.revoke_token(token=token)
    res = _login_token(sandbox, monkeypatch, token)
    assert res.code == 4, res.err
    assert "was refused by 127.0.0.1:" in res.err
    assert _stored(isolated_keyring) == {}


def test_login_with_a_malformed_token_is_refused_before_any_request(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, isolated_keyring: FileKeyring
) -> None:
    sandbox.clear_requests()
    res = _login_token(sandbox, monkeypatch, "two words")
    assert res.code == 3
    assert "the token from --with-token (stdin) is not one word" in res.err
    assert not sandbox.requests and _stored(isolated_keyring) == {}


def test_login_needs_a_usable_keyring(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, failing_keyring: None
) -> None:
    res = _login_token(sandbox, monkeypatch, sandbox.mint_token(SAM), "--json")
    assert res.code == 3, res.err
    assert res.doc["error"]["code"] == "KEYRING_UNAVAILABLE"
    assert "the token cannot be stored, so nothing was asked of identity" in res.err
    assert "/v1/people/me" not in _paths(sandbox)


def test_web_login_without_a_usable_keyring_fails_before_the_sign_in(
    sandbox: SandboxHandle, failing_keyring: None
) -> None:
    env = {"WXCC_CLIENT_ID": "wxcc-desk-sandbox"}
    res = run_cli(sandbox, "auth", "login", "-p", PROFILE, "--web", email=None, env=env)
    assert res.code == 3, res.err
    assert "the token cannot be stored" in res.err
    assert "Sign in at" not in res.err and "waiting up to" not in res.err  # nobody is asked
    assert not [p for p in _paths(sandbox) if not p.startswith("/_sandbox")]


def test_web_and_with_token_are_one_or_the_other(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "auth", "login", "-p", PROFILE, "--web", "--with-token")
    assert res.code == 2 and "pick one" in res.err


class _Browser(io.StringIO):
    """stderr that plays the browser when the sign-in URL is printed (login_hint maybe changed)."""

    def __init__(self, login_hint: str | None = None) -> None:
        super().__init__()
        self.login_hint, self.threads = login_hint, list[threading.Thread]()

    def write(self, text: str) -> int:
        if text.startswith("Sign in at: "):
            url = text.removeprefix("Sign in at: ").strip()
            self.threads.append(threading.Thread(target=self._browse, args=(url,), daemon=True))
            self.threads[-1].start()
        return super().write(text)

    def _browse(self, url: str) -> None:
        if self.login_hint:
            parts = urlsplit(url)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            url = parts._replace(query=urlencode({**query, "login_hint": self.login_hint})).geturl()
        with httpx.Client(trust_env=False, follow_redirects=True, timeout=10) as client:
            client.get(url)


def test_login_web_signs_in_in_the_browser_and_records_the_granted_scopes(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    res = run_cli(
        sandbox, "auth", "login", "-p", PROFILE, "--web", "--json", email=None, stderr=_Browser()
    )
    assert res.code == 0, res.err
    granted = sorted(sandbox.user(SAM).scopes)
    assert res.doc["web"] is True and sorted(res.doc["token"]["scopes"]) == granted
    assert res.doc["token"]["can_refresh"] is True and res.doc["token"]["expires_at"]
    kept = _stored(isolated_keyring)
    assert kept["refresh_token"] and sorted(kept["scopes"]) == granted  # type: ignore[arg-type]
    status = run_cli(sandbox, "auth", "status", "-p", PROFILE, email=None)
    assert status.code == 0, status.err
    assert " ".join(sandbox.user(SAM).scopes) in status.out


def test_login_web_as_another_user_stores_nothing(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    err = _Browser(login_hint=ALICE)
    res = run_cli(sandbox, "auth", "login", "-p", PROFILE, "--web", email=None, stderr=err)
    assert res.code == 4, res.err
    assert "belongs to alice@example.com" in res.err and "nothing was stored" in res.err
    assert _stored(isolated_keyring) == {}


# --------------------------------------------------------------------------- status


@pytest.fixture
def folder(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config folder's profiles, and a working folder without `./profiles`."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    found = isolated_home / "config" / "profiles"
    found.mkdir(parents=True)
    return found


def _env(sandbox: SandboxHandle) -> dict[str, str]:
    """The run's environment without WXCC_BASE_URL: each profile file names its own URLs."""
    assert sandbox.url  # the profiles written point at it
    return dict(os.environ)


def _store(keyring: FileKeyring, name: str, token: str) -> None:
    keyring.set_password(SERVICE, f"{name}:tokens", json.dumps({"access_token": token}))


def test_status_shows_every_profile_and_exits_4_when_one_is_not_logged_in(
    sandbox: SandboxHandle, folder: Path, isolated_keyring: FileKeyring
) -> None:
    write_profile(folder, "sam", api=sandbox.url)
    write_profile(folder, "alice", api=sandbox.url, user=ALICE)
    token = sandbox.mint_token(SAM)
    _store(isolated_keyring, "sam", token)
    res = invoke(["auth", "status", "--json"], _env(sandbox))
    assert res.code == 4, res.err
    doc = res.doc
    assert doc["schema"] == "wxcc-desk/auth-status/v1" and doc["ok"] is False
    assert doc["exit_code"] == 4 and doc["tracking_ids"]["sent"]
    rows = {p["profile"]: p for p in doc["profiles"]}
    assert list(rows) == ["alice", "sam"]
    assert rows["sam"]["state"] == "valid" and rows["sam"]["logged_in"] is True
    assert rows["sam"]["user"] == {
        "email": SAM, "display_name": "Sam Supervisor", "org_id": sandbox.org_id
    }  # fmt: skip
    assert rows["sam"]["token"]["source"] == "keyring"
    assert rows["sam"]["token"]["scopes"] is None  # a pasted token: not known
    assert rows["alice"]["state"] == "no_token" and rows["alice"]["token"] is None
    assert rows["alice"]["problem"]["code"] == "NO_TOKEN"
    assert "auth login --web -p alice" in rows["alice"]["problem"]["hint"]
    assert token not in res.text
    text = invoke(["auth", "status"], _env(sandbox))
    assert text.code == 4
    assert "not logged in: no token" in text.out and "logged in" in text.out
    assert "sam@example.com (Sam Supervisor)" in text.out


def test_status_exits_0_when_every_profile_is_logged_in(
    sandbox: SandboxHandle, folder: Path, isolated_keyring: FileKeyring
) -> None:
    write_profile(folder, "sam", api=sandbox.url)
    write_profile(folder, "alice", api=sandbox.url, user=ALICE)
    _store(isolated_keyring, "sam", sandbox.mint_token(SAM))
    _store(isolated_keyring, "alice", sandbox.mint_token(ALICE))
    res = invoke(["auth", "status", "--json"], _env(sandbox))
    assert res.code == 0, res.err
    assert [p["state"] for p in res.doc["profiles"]] == ["valid", "valid"]


def test_status_of_another_users_token_and_a_refused_one(
    sandbox: SandboxHandle, folder: Path, isolated_keyring: FileKeyring
) -> None:
    write_profile(folder, "sam", api=sandbox.url)
    write_profile(folder, "alice", api=sandbox.url, user=ALICE)
    _store(isolated_keyring, "sam", sandbox.mint_token(ALICE))
    refused = sandbox.mint_token(ALICE)
    sandbox.revoke_token(token=refused)
    _store(isolated_keyring, "alice", refused)
    res = invoke(["auth", "status", "--json"], _env(sandbox))
    assert res.code == 4, res.err
    rows = {p["profile"]: p for p in res.doc["profiles"]}
    assert rows["sam"]["state"] == "wrong_user"
    assert rows["sam"]["problem"]["code"] == "WRONG_USER"
    assert rows["sam"]["user"]["email"] == ALICE and rows["sam"]["profile_user"] == SAM
    assert rows["alice"]["state"] == "invalid"
    assert rows["alice"]["problem"]["code"] == "TOKEN_REJECTED"


def test_status_with_an_environment_token_says_it_hides_the_keyring(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    _store(isolated_keyring, "sandbox", sandbox.mint_token(SAM))
    res = run_cli(sandbox, "auth", "status", "-p", PROFILE, "--json")
    assert res.code == 0, res.err
    (row,) = res.doc["profiles"]
    assert row["token"]["source"] == "env"
    assert any("used once WXCC_ACCESS_TOKEN is unset" in n for n in row["notes"])


def test_status_refreshes_an_expired_stored_token_and_stores_the_new_one(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    assert run_cli(sandbox, "auth", "login", "-p", PROFILE, "--web", email=None,
                   stderr=_Browser()).code == 0  # fmt: skip
    old = str(_stored(isolated_keyring)["access_token"])
    sandbox.expire_token(token=old)
    res = run_cli(sandbox, "auth", "status", "-p", PROFILE, "--json", email=None)
    assert res.code == 0, res.err
    new = str(_stored(isolated_keyring)["access_token"])
    assert new != old and res.doc["profiles"][0]["token"]["masked"].startswith(new[:4])
    assert res.doc["profiles"][0]["token"]["scopes"]  # kept across the refresh


def test_status_lists_an_unreadable_profile_and_an_unreachable_identity(
    sandbox: SandboxHandle, folder: Path, isolated_keyring: FileKeyring
) -> None:
    write_profile(folder, "sam", api=sandbox.url)
    write_profile(folder, "gone")  # http://127.0.0.1:9: nothing listens
    (folder / "broken.yaml").write_text("api_url: [\n", encoding="utf-8")
    _store(isolated_keyring, "sam", sandbox.mint_token(SAM))
    _store(isolated_keyring, "gone", sandbox.mint_token(SAM))
    res = invoke(["auth", "status", "--json"], _env(sandbox))
    rows = {p["profile"]: p for p in res.doc["profiles"]}
    assert rows["sam"]["state"] == "valid"
    assert rows["broken"]["state"] == "error" and rows["broken"]["problem"]["exit_code"] == 3
    assert rows["gone"]["state"] == "error" and rows["gone"]["problem"]["exit_code"] == 5
    assert res.code == 3, res.err  # no auth problem: the first other problem's exit code


def test_status_without_any_profile_says_where_it_looked(folder: Path) -> None:
    res = invoke(["auth", "status"], dict(os.environ))
    assert res.code == 3
    assert "no profiles found" in res.err and str(folder) in res.err
    assert "fix: create one with `wxcc-desk profiles init NAME`" in res.err


def test_status_of_one_profile_that_cannot_be_read_is_the_error(folder: Path) -> None:
    res = invoke(["auth", "status", "-p", "nosuch"], dict(os.environ))
    assert res.code == 3 and "profile 'nosuch' not found" in res.err


# --------------------------------------------------------------------------- logout


def test_logout_deletes_tokens_and_station_credentials_and_leaves_the_station(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0
    _store(isolated_keyring, "sandbox", sandbox.mint_token(SAM))
    isolated_keyring.set_password(SERVICE, "sandbox:station", '{"option": "dial_number"}')
    sandbox.clear_requests()
    res = run_cli(sandbox, "auth", "logout", "-p", PROFILE, "--json", email=None)
    assert res.code == 0, res.err
    doc = res.doc
    assert doc["schema"] == "wxcc-desk/auth-logout/v1" and doc["profile"] == "sandbox"
    assert doc["removed"] == ["tokens", "station credentials"] and doc["nothing_stored"] is False
    assert _stored(isolated_keyring) == {} and _stored(isolated_keyring, key="station") == {}
    assert not sandbox.requests and len(sandbox.sessions()["sessions"]) == 1


def test_logout_with_nothing_stored_exits_0_and_says_so(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "auth", "logout", "-p", PROFILE, email=None)
    assert res.code == 0, res.err
    assert "nothing: no tokens or station credentials were stored" in res.out


def test_logout_names_a_still_set_environment_token(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "auth", "logout", "-p", PROFILE)
    assert res.code == 0, res.err
    assert "note: WXCC_ACCESS_TOKEN is still set" in res.err


def test_logout_with_an_unusable_keyring_is_exit_3(
    sandbox: SandboxHandle, failing_keyring: None
) -> None:
    res = run_cli(sandbox, "auth", "logout", "-p", PROFILE, "--json", email=None)
    assert res.code == 3, res.err
    assert res.doc["error"]["code"] == "KEYRING_UNAVAILABLE"


def test_status_fixes_name_each_profile_as_given(
    sandbox: SandboxHandle, folder: Path, failing_keyring: None
) -> None:
    """Each row's fix is a command to paste: `-p` with that row's profile, a path as given."""
    write_profile(folder, "sam", api=sandbox.url)
    write_profile(Path.cwd(), "here", api=sandbox.url)
    every = invoke(["auth", "status", "--json"], _env(sandbox))
    assert every.code == 4, every.err
    (row,) = every.doc["profiles"]
    assert "`wxcc-desk login -p sam --with-token`" in row["problem"]["hint"]
    one = invoke(["auth", "status", "-p", "./here.yaml"], _env(sandbox))
    assert one.code == 4, one.err
    assert "`wxcc-desk login -p ./here.yaml --with-token`" in one.out
