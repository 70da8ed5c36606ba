"""The real `wxcc-desk` in subprocesses: `login --web`, keyring reuse, refresh, unusable keyring.

Subprocesses see the per-test keyring through PYTHON_KEYRING_BACKEND (credential_fixtures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.file_keyring import FileKeyring
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.core.redact import mask
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
PROFILE = str(ROOT / "profiles" / "sandbox.yaml")


def env_for(sandbox: SandboxHandle, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "WXCC_BASE_URL": sandbox.url,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "cli"), str(ROOT)]),
        **extra,
    }


def wxcc(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wxcc_desk", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )


def stored_access(keyring: FileKeyring) -> str:
    raw = keyring.get_password(SERVICE, "sandbox:tokens")
    assert raw is not None, "nothing stored"
    return str(json.loads(raw)["access_token"])


def login_web(env: dict[str, str]) -> tuple[int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxcc_desk", "login", "--web", "-p", PROFILE],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("Sign in at: "):
                url = line.removeprefix("Sign in at: ").strip()
                answer = httpx.get(url, trust_env=False)
                assert answer.status_code == 302, answer.text
                httpx.get(answer.headers["location"], trust_env=False)
                break
        _out, err = proc.communicate(timeout=50)
    finally:
        proc.kill()
    return proc.returncode, "".join(seen) + err


def test_login_web_then_status_reuses_and_refreshes_keyring_tokens(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    env = env_for(sandbox)
    code, err = login_web(env)
    assert code == 0, err
    first = stored_access(isolated_keyring)
    status = wxcc(env, "status", "-p", PROFILE, "--json")
    assert status.returncode == 0, status.stderr
    assert stored_access(isolated_keyring) == first  # no refresh needed
    sandbox.expire_token(token=first)
    again = wxcc(env, "-v", "status", "-p", PROFILE, "--json")
    assert again.returncode == 0, again.stderr
    assert "/v1/access_token" in again.stderr  # the refresh shows in the trace
    assert stored_access(isolated_keyring) != first
    assert first not in again.stdout + again.stderr
    # the token shown is the refreshed one in use, not the refused one
    assert json.loads(again.stdout)["token"]["masked"] == mask(stored_access(isolated_keyring))


@pytest.mark.usefixtures("failing_keyring")
def test_with_token_and_no_keyring_still_logs_in_and_says_not_saved(
    sandbox: SandboxHandle,
) -> None:
    token = sandbox.token("sam@example.com")
    env = env_for(sandbox)
    done = wxcc(env, "login", "--with-token", "-p", PROFILE, stdin=token + "\n")
    assert done.returncode == 0, done.stderr
    assert "not saved" in done.stderr
    assert "keyring.backends.fail.Keyring" in done.stderr
    status = wxcc(env, "status", "-p", PROFILE)
    assert status.returncode == 4
    assert "keyring.backends.fail.Keyring" in status.stderr
    assert "WXCC_ACCESS_TOKEN" in status.stderr


@pytest.mark.usefixtures("hanging_keyring")
def test_hung_keyring_fails_fast_with_env_token_fallback_named(sandbox: SandboxHandle) -> None:
    env = env_for(sandbox)
    done = wxcc(env, "status", "-p", PROFILE)
    assert done.returncode == 4
    assert "no answer within 0.2 s" in done.stderr
    with_env = wxcc(
        env_for(sandbox, WXCC_ACCESS_TOKEN=sandbox.token("sam@example.com")),
        "status",
        "-p",
        PROFILE,
    )
    assert with_env.returncode == 6, with_env.stderr  # the token worked: "not logged in"


def test_bad_profile_is_one_line_exit_3(tmp_path: Path, sandbox: SandboxHandle) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: us1\nuser: a@example.com\nrole: agent\nteam: [x\n")
    done = wxcc(env_for(sandbox), "status", "-p", str(bad))
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert "bad.yaml:5" in lines[0]
    assert lines[1].startswith("  fix: ")
    assert "Traceback" not in done.stderr
