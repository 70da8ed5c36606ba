"""A canary token never appears in anything the tool writes: files, errors, output, traces.

(The keyring is the one place a token may be; the test keyring file is therefore excluded.)
"""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend

from wxcc_desk.api.tokens import TokenSet
from wxcc_desk.app import _report
from wxcc_desk.auth.credentials import resolve_tokens, store_tokens
from wxcc_desk.auth.refresh import RefreshingAuth
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import ConfigError, WxccError
from wxcc_desk.core.keystore import Keystore, KeystoreUnavailable
from wxcc_desk.core.output import Output
from wxcc_desk.core.statefile import session_file
from wxcc_desk.profiles.load import load_profile
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]


def canary() -> str:
    return f"CANARY{secrets.token_hex(16)}_cluster_org"


def files_holding(folder: Path, needle: str, skip: Path) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not path.name.startswith(skip.name)
        and needle.encode() in path.read_bytes()
    ]


def test_in_process_flows_never_write_the_canary(
    sandbox: SandboxHandle, tmp_path: Path, isolated_home: Path
) -> None:
    token = canary()
    out, err = io.StringIO(), io.StringIO()
    env = {**os.environ, "WXCC_BASE_URL": sandbox.url}
    actx = AppContext(out=Output(out, err), env=env, verbose=1)
    profile = load_profile(str(ROOT / "profiles" / "sandbox.yaml"), env=env)
    tokens = resolve_tokens(profile, actx, f"Bearer {token}\n")
    assert store_tokens(profile, actx, tokens).stored  # the keyring may hold it
    session_file(actx.state_dir, profile.name).write({"token_source": tokens.source})
    failures: list[WxccError] = []
    auth = RefreshingAuth(profile, actx, tokens)

    async def call() -> None:
        async with httpx.AsyncClient(auth=auth, trust_env=False) as client:
            await client.get(f"{sandbox.url}/v1/people/me")

    try:
        asyncio.run(call())
    except WxccError as failure:
        failures.append(failure)
    assert failures, "an unknown token must be refused"
    for failure in failures:
        _report(failure, actx)
        assert token not in failure.message + failure.hint
    actx.trace_line(f"http: Authorization: Bearer {token}")
    actx.out.say(f"sent {token}")
    text = out.getvalue() + err.getvalue() + "\n".join(actx.trace)
    assert token not in text
    assert "error:" in err.getvalue()
    keyring_file = Path(os.environ["WXCC_TEST_KEYRING_FILE"])
    assert files_holding(isolated_home, token, keyring_file) == []
    assert files_holding(tmp_path, token, keyring_file) == []
    assert token in keyring_file.read_text()  # stored where it belongs


def test_profile_and_keyring_errors_never_echo_the_canary(tmp_path: Path) -> None:
    token = canary()
    path = tmp_path / "leak.yaml"
    path.write_text(f"region: us1\nuser: a@example.com\nrole: supervisor\ntoken: {token}\n")
    with pytest.raises(ConfigError) as info:
        load_profile(str(path), env={})
    assert token not in info.value.message + info.value.hint

    class Loud(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise RuntimeError(f"backend echoed {token}")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError(f"backend echoed {password}")

        def delete_password(self, service: str, username: str) -> None:
            raise RuntimeError("no")

    keyring.set_keyring(Loud())
    with pytest.raises(KeystoreUnavailable) as failure:
        Keystore().set("p", "tokens", token)
    assert token not in failure.value.message
    TokenSet(token)  # registering happens on construction too


def test_cli_subprocess_with_canary_token_leaks_nothing(
    sandbox: SandboxHandle, isolated_home: Path
) -> None:
    token = canary()
    env = {
        **os.environ,
        "WXCC_ACCESS_TOKEN": token,
        "WXCC_BASE_URL": sandbox.url,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "cli"), str(ROOT)]),
    }
    profile = str(ROOT / "profiles" / "sandbox.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "wxcc_desk", "-v", "status", "-p", profile, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert done.returncode == 4, done.stderr  # the unknown token is refused: exit code AUTH
    assert token not in done.stdout + done.stderr
    keyring_file = Path(os.environ["WXCC_TEST_KEYRING_FILE"])
    assert files_holding(isolated_home, token, keyring_file) == []
