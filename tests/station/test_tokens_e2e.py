"""Token sources at login: --with-token (stdin, kept in the keyring), --web (PKCE), remember."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.station.conftest import PROFILE, run_cli
from tests.support.waiting import in_thread
from wxcc_desk.core.keystore import Keystore
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]


def _env(sandbox: SandboxHandle) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WXCC_ACCESS_TOKEN"}
    return {**env, "WXCC_BASE_URL": sandbox.url}


def test_with_token_reads_stdin_and_keeps_the_token(sandbox: SandboxHandle) -> None:
    token = sandbox.token("sam@example.com")
    proc = subprocess.run(
        [sys.executable, "-m", "wxcc_desk", "login", "-p", PROFILE, "--with-token", "--json"],
        cwd=ROOT,
        env=_env(sandbox),
        input=f"Bearer {token}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert token not in proc.stdout + proc.stderr
    assert token in (Keystore().get("sandbox", "tokens") or "")
    # The next command finds it in the keyring without any token given.
    status = run_cli(sandbox, "status", "-p", PROFILE, "--json", email=None)
    assert status.code == 0, status.err
    assert status.json()["token"]["source"] == "keyring"


def test_with_token_on_a_failing_keyring_still_succeeds(
    sandbox: SandboxHandle, failing_keyring: None
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wxcc_desk", "login", "-p", PROFILE, "--with-token"],
        cwd=ROOT,
        env=_env(sandbox),
        input=sandbox.token("sam@example.com"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: the token was not saved" in proc.stderr
    assert "give status and logout the token again (--with-token" in proc.stderr


def test_remember_stores_station_credentials(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, env={"WXCC_REMEMBER": "true"})
    assert res.code == 0, res.err
    stored = Keystore().get("sandbox", "station") or ""
    assert "+14085550100" in stored and "Support" in stored


def test_remember_on_a_failing_keyring_says_not_saved(
    sandbox: SandboxHandle, failing_keyring: None
) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, env={"WXCC_REMEMBER": "true"})
    assert res.code == 0, res.err
    assert "the station credentials were not saved" in res.err


def test_web_sign_in_then_login(sandbox: SandboxHandle) -> None:
    err = io.StringIO()
    thread, box = in_thread(
        lambda: run_cli(sandbox, "login", "-p", PROFILE, "--web", "--json", email=None, stderr=err)
    )
    url = ""
    for _ in range(500):
        found = re.search(r"Sign in at: (\S+)", err.getvalue())
        if found:
            url = found.group(1)
            break
        time.sleep(0.01)
    assert url.startswith(sandbox.url + "/v1/authorize?")
    # Follow it as a browser would: the sandbox approves and redirects to the loopback callback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    opener.open(url, timeout=10).read()
    thread.join(30)
    (res,) = box
    assert res.code == 0, res.err
    assert res.json()["session"]["team"] == "Support"
    assert "access_token" in (Keystore().get("sandbox", "tokens") or "")


def test_environment_token_is_used_and_said_not_stored(sandbox: SandboxHandle) -> None:
    result = run_cli(sandbox, "login", "-p", PROFILE)
    assert result.code == 0, result.err
    assert "WXCC_ACCESS_TOKEN was used for this run and not stored" in result.err
    assert f"`wxcc-desk auth login --with-token -p {PROFILE}` stores one" in result.err
    assert Keystore().get("sandbox", "tokens") is None
