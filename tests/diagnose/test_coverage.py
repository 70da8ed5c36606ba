"""The rest of the per-check matrix (docs/diagnose.md, "Test coverage by check"): one run in
which every check passes or is not applicable, the identity/status/WebSocket hosts failing on
their own, and the configuration failures the other files do not reach."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.helpers import Run, run_cli, write_profile
from tests.diagnose.servers import serve_https
from wxcc_desk.diagnose.checks import load_checks
from wxcc_desk.diagnose.runner import select
from wxcc_desk.sandbox import run_sandbox

# Not applicable to this setup (each has its own pass test elsewhere; see docs/diagnose.md).
NOT_HERE = {
    "network.api.tls": "skip",  # plain HTTP on loopback
    "network.identity.tls": "skip",
    "network.status.tls": "skip",
    "network.websocket.tls": "skip",  # ws:// on loopback
    "config.webrtc": "skip",  # a dial-number login
    "dial_number.unique": "skip",  # an agent token may not read activities
    "teams.graph": "skip",  # the profile names no Teams tenant
    "teams.auth": "skip",
}


def _self(sbx: Any, tmp: Path, email: str, number: str, *, team: str = "Floor") -> Run:
    prof = write_profile(tmp, api=sbx.url, user=email, role="agent", number=number)
    text = prof.read_text().replace("team: Support", f"team: {team}")
    prof.write_text(text)
    env = {"WXCC_ACCESS_TOKEN": sbx.token(email)}
    return run_cli(["diagnose", "-p", str(prof), "--json"], env=env)


def test_every_listed_check_passes_for_a_configured_user(tmp_path: Path) -> None:
    load_checks()
    listed = {c.id for c in select(())}
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url)
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")},
        )
    statuses = {c["id"]: c["status"] for c in run.doc["checks"]}
    assert set(statuses) == listed  # a new check shows up here and must pass too
    expected = {cid: NOT_HERE.get(cid, "pass") for cid in listed}
    assert statuses == expected
    assert run.code == 0


def test_identity_and_status_hosts_fail_on_their_own(tmp_path: Path, ca: Any) -> None:
    with run_sandbox() as sbx, serve_https(ca.server_context()) as tls_url:
        prof = write_profile(
            tmp_path, api=sbx.url, identity="https://identity.invalid", status="http://127.0.0.1:9"
        )
        run = run_cli(["diagnose", "-p", str(prof), "--json"])
        assert run.status("network.api.http") == "pass"
        assert run.status("network.identity.dns") == "fail"
        assert run.status("network.identity.tcp") == "skip"
        assert run.status("network.status.dns") == "pass"
        assert run.status("network.status.tcp") == "fail"
        assert "127.0.0.1:9" in run.check("network.status.tcp")["summary"]
        # TLS inspection in front of the identity host only; the status host answers 5xx
        sbx.add_fault("error=503,path=/api/v2/status.json")
        prof = write_profile(tmp_path, api=sbx.url, identity=tls_url, trust="certifi")
        run = run_cli(["diagnose", "-p", str(prof), "--json"])
    assert run.status("network.identity.tls") == "fail"
    assert "likely TLS inspection" in run.check("network.identity.tls")["summary"]
    assert run.status("network.status.http") == "fail"
    assert "HTTP 503" in run.check("network.status.http")["summary"]


@pytest.mark.parametrize(
    ("base", "failing", "words"),
    [
        ("ws://ws-host.invalid", "network.websocket.dns", "ws-host.invalid"),
        ("ws://127.0.0.1:9", "network.websocket.tcp", "127.0.0.1:9"),
    ],
)
def test_websocket_host_dns_and_tcp(tmp_path: Path, base: str, failing: str, words: str) -> None:
    with run_sandbox() as sbx:
        sbx.websocket(url_base=base)
        prof = write_profile(tmp_path, api=sbx.url)
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--check", "network.websocket.upgrade"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")},
        )
    check = run.check(failing)
    assert check["status"] == "fail", check
    assert words in check["summary"] + check["detail"]
    assert run.status("network.websocket.upgrade") == "skip"
    assert run.status("identity.token") == "pass"


def test_websocket_host_tls_inspection_then_trusted(tmp_path: Path, ca: Any) -> None:
    with run_sandbox() as sbx, serve_https(ca.server_context()) as tls_url:
        sbx.websocket(url_base=tls_url.replace("https://", "wss://"))
        env = {"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")}
        args = ["--json", "--check", "network.websocket.tls"]
        untrusted = run_cli(
            ["diagnose", "-p", str(write_profile(tmp_path, api=sbx.url, trust="certifi")), *args],
            env=env,
        )
        trusted = run_cli(
            ["diagnose", "-p", str(write_profile(tmp_path, api=sbx.url, trust=str(ca.pem))), *args],
            env=env,
        )
    tls = untrusted.check("network.websocket.tls")
    assert tls["status"] == "fail"
    assert "likely TLS inspection" in tls["summary"]
    assert trusted.status("network.websocket.tls") == "pass"
    assert "wxcc-desk test CA" in trusted.check("network.websocket.tls")["summary"]


def test_admin_run_with_a_token_without_admin_role_warns(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="alice@example.com")
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--agent", "bob@example.com"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("alice@example.com")},
        )
    user = run.check("identity.user")
    assert user["status"] == "warn"
    assert "no admin role" in user["summary"]
    assert "administrator" in user["remediation"]


def test_token_expiring_soon_without_refresh_warns(tmp_path: Path, isolated_keyring: Any) -> None:
    with run_sandbox() as sbx:  # the token is proved too (people/me), so a service answers
        access = sbx.token("sam@example.com")
        soon = {"access_token": access, "expires_at": time.time() + 300}
        isolated_keyring.set_password("wxcc-desk", "diag:tokens", json.dumps(soon))
        prof = write_profile(tmp_path, api=sbx.url)
        run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "identity.token"])
    token = run.check("identity.token")
    assert token["status"] == "warn"
    assert "cannot be refreshed" in token["summary"]
    assert access not in run.stdout


def test_desktop_telephony_with_webrtc_on_passes(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url)
        prof.write_text(prof.read_text().replace("option: dial_number", "option: desktop"))
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--check", "config.webrtc"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")},
        )
    assert run.status("config.webrtc") == "pass"


def test_inactive_user(broken: Any, tmp_path: Path) -> None:
    run = _self(broken, tmp_path, "inactive@broken.example", "+14085552008")
    user = run.check("config.user")
    assert user["status"] == "fail"
    assert "not enabled for Contact Center" in user["summary"]
    assert run.status("config.team") == "skip"


def test_user_without_a_site(broken: Any, tmp_path: Path) -> None:
    run = _self(broken, tmp_path, "nosite@broken.example", "+14085552009")
    site = run.check("config.site")
    assert site["status"] == "fail"
    assert "no site" in site["summary"]
    assert "assign a site" in site["remediation"]


@pytest.mark.parametrize(
    ("team", "words"),
    [
        ("Twin", "'Twin' is ambiguous"),
        ("Legacy", "'Legacy' is inactive or not available"),
        ("Overflow", "'Overflow' is a capacity team"),
    ],
)
def test_team_failures(broken: Any, tmp_path: Path, team: str, words: str) -> None:
    run = _self(broken, tmp_path, "teams@broken.example", "+14085552007", team=team)
    check = run.check("config.team")
    assert check["status"] == "fail"
    assert words in check["summary"]
    assert check["remediation"]


def test_token_without_contact_center_scopes(broken: Any, tmp_path: Path) -> None:
    run = _self(broken, tmp_path, "peopleonly@broken.example", "+14085552010")
    scopes = run.check("identity.scopes")
    assert scopes["status"] == "fail"
    assert scopes["facts"]["missing"] == ["cjp:config_read", "cjp:user"]
    assert scopes["facts"]["granted"] == ["spark:people_read"]


def test_unreadable_multimedia_profile(tmp_path: Path) -> None:
    with run_sandbox(faults=["error=404,path=/organization/*/multimedia-profile/*"]) as sbx:
        prof = write_profile(tmp_path, api=sbx.url)
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--check", "config.profiles"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")},
        )
    mm = run.check("config.profiles")
    assert mm["status"] == "fail"
    assert "multimedia profile" in mm["summary"] + mm["remediation"]
    assert mm["tracking_ids"]


@pytest.mark.parametrize(
    ("fault", "failing", "words"),
    [
        ("error=503,path=/v1/notification/subscribe", "network.websocket.dns", "subscribe"),
        ("error=403,path=/v1/notification/subscription/*", "network.websocket.upgrade", "403"),
    ],
)
def test_subscribe_or_upgrade_refused(tmp_path: Path, fault: str, failing: str, words: str) -> None:
    with run_sandbox(faults=[fault]) as sbx:
        prof = write_profile(tmp_path, api=sbx.url)
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--check", "network.websocket.upgrade"],
            env={"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")},
        )
    check = run.check(failing)
    assert check["status"] == "fail", check
    assert words in check["summary"]
    assert check["remediation"]


def test_a_failed_session_probe_leaves_no_coroutine_unawaited(broken: Any, tmp_path: Path) -> None:
    """The session probe reads people/me beside the socket's setup; when the socket's setup
    fails first (a token without Contact Center scopes), that read must still be awaited (it
    was a bare coroutine, dropped unawaited: a RuntimeWarning at garbage collection)."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        run = _self(broken, tmp_path, "peopleonly@broken.example", "+14085552010")
        gc.collect()
    assert run.check("identity.scopes")["status"] == "fail"
    assert not [w for w in seen if "never awaited" in str(w.message)]


def test_user_without_a_desktop_profile(broken: Any, tmp_path: Path) -> None:
    run = _self(broken, tmp_path, "noprofile@broken.example", "+14085552011")
    user = run.check("config.user")
    assert user["status"] == "fail"
    assert "no Desktop Profile" in user["summary"]
    assert "Control Hub" in user["remediation"]
    assert run.status("config.desktop_profile") == "skip"
