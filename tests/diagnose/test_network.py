"""Network and local checks against local servers: DNS, TCP, TLS (test CA, inspection,
expiry), HTTP, clock skew and proxies; each pass and each failure."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from tests.diagnose.helpers import run_cli, write_profile
from tests.diagnose.servers import Behaviour, connect_proxy, serve_https

NET = ["--check", "network.api.http", "--check", "local.clock", "--check", "local.proxy"]


def _diag(profile: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    return run_cli(["diagnose", "-p", str(profile), "--json", *NET, *extra], env=env)


def test_trusted_tls_passes_with_issuer_and_timings(tmp_path: Path, ca: Any) -> None:
    with serve_https(ca.server_context()) as url:
        run = _diag(write_profile(tmp_path, api=url, trust=str(ca.pem)))
    assert run.code == 0, run.stdout + run.stderr
    tls = run.check("network.api.tls")
    assert tls["status"] == "pass"
    assert "wxcc-desk test CA" in tls["summary"]
    assert tls["facts"]["tls_ms"] >= 0
    for phase in ("dns", "tcp", "http"):
        assert run.status(f"network.api.{phase}") == "pass"
    assert run.status("local.clock") == "pass"
    assert run.check("local.proxy")["summary"].startswith("no proxy variables")


def test_untrusted_certificate_is_reported_as_tls_inspection(tmp_path: Path, ca: Any) -> None:
    with serve_https(ca.server_context()) as url:
        run = _diag(write_profile(tmp_path, api=url, trust="certifi"))
    assert run.code == 1
    tls = run.check("network.api.tls")
    assert tls["status"] == "fail"
    assert "likely TLS inspection" in tls["summary"]
    assert "CN=wxcc-desk test CA" in tls["summary"]
    assert "tls.ca_bundle" in tls["remediation"]
    assert run.status("network.api.http") == "skip"
    assert "network.api.tls" in run.check("network.api.http")["summary"]


def test_expired_and_expiring_certificates(tmp_path: Path, ca: Any) -> None:
    with serve_https(ca.server_context(expired=True)) as url:
        run = _diag(write_profile(tmp_path, api=url, trust=str(ca.pem)))
    assert run.check("network.api.tls")["status"] == "fail"
    assert "expired" in run.check("network.api.tls")["summary"]
    with serve_https(ca.server_context(days_valid=5)) as url:
        run = _diag(write_profile(tmp_path, api=url, trust=str(ca.pem)))
    assert run.status("network.api.tls") == "warn"
    assert run.code == 0
    with serve_https(ca.server_context(days_valid=5)) as url:
        strict = _diag(write_profile(tmp_path, api=url, trust=str(ca.pem)), "--strict")
    assert strict.code == 1


def test_dns_failure_skips_later_phases(tmp_path: Path) -> None:
    run = _diag(write_profile(tmp_path, api="https://no-such-host.invalid"))
    assert run.status("network.api.dns") == "fail"
    assert "DNS lookup of no-such-host.invalid failed" in run.check("network.api.dns")["summary"]
    assert run.status("network.api.tcp") == "skip"
    assert run.status("local.clock") == "skip"
    assert run.code == 1


def test_tcp_refused(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = _diag(write_profile(tmp_path, api=f"http://127.0.0.1:{port}"))
    tcp = run.check("network.api.tcp")
    assert tcp["status"] == "fail"
    assert f"127.0.0.1:{port}" in tcp["summary"]
    assert f"nothing listens on 127.0.0.1:{port}" in tcp["remediation"]  # not "a firewall"
    assert run.status("network.api.tls") == "skip"


def test_an_unreachable_identity_host_is_one_cause_not_a_token_failure(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile = write_profile(tmp_path, api=f"http://127.0.0.1:{port}")
    run = run_cli(["diagnose", "-p", str(profile), "--json"], env={"WXCC_ACCESS_TOKEN": "t" * 40})
    token = run.check("identity.token")
    assert token["status"] == "skip" and "identity could not be reached" in token["summary"]
    assert run.status("identity.user") == "skip" and run.status("config.user") == "skip"
    failed = {c["id"] for c in run.doc["checks"] if c["status"] == "fail"}
    assert failed and all(cid.startswith("network.") for cid in failed), failed


def test_plain_http_loopback_skips_tls_and_http_5xx_fails(tmp_path: Path) -> None:
    with serve_https(None, Behaviour(status=503)) as url:
        run = _diag(write_profile(tmp_path, api=url))
    assert run.status("network.api.tls") == "skip"
    http = run.check("network.api.http")
    assert http["status"] == "fail"
    assert "HTTP 503" in http["summary"]
    assert http["tracking_ids"], "the probe request's TrackingId is attached"


def test_clock_skew_warns_then_fails(tmp_path: Path) -> None:
    with serve_https(None, Behaviour(skew_s=120)) as url:
        run = _diag(write_profile(tmp_path, api=url))
    assert run.status("local.clock") == "warn"
    assert "behind the server" in run.check("local.clock")["summary"]
    with serve_https(None, Behaviour(skew_s=-900)) as url:
        run = _diag(write_profile(tmp_path, api=url))
    assert run.status("local.clock") == "fail"
    assert "NTP" in run.check("local.clock")["remediation"]


def test_tls_through_connect_proxy(tmp_path: Path, ca: Any) -> None:
    with serve_https(ca.server_context()) as url, connect_proxy() as proxy:
        prof = write_profile(tmp_path, api=url.replace("127.0.0.1", "localhost"), trust=str(ca.pem))
        run = _diag(prof, env={"HTTPS_PROXY": proxy.url.replace("http://", "http://u:pw@")})
    tls = run.check("network.api.tls")
    assert tls["status"] == "pass", tls
    assert "via proxy" in run.check("network.api.tcp")["summary"]
    # the HTTP probe went through the proxy too (the run's own environment decides)
    assert sum(x.startswith("CONNECT localhost:") for x in proxy.seen) >= 3
    proxy_check = run.check("local.proxy")
    assert proxy_check["status"] == "pass"
    assert "api via" in proxy_check["summary"]
    assert "pw" not in run.stdout  # proxy credentials never shown


def test_proxy_refusing_connect(tmp_path: Path, ca: Any) -> None:
    with serve_https(ca.server_context()) as url, connect_proxy(refuse=True) as proxy:
        prof = write_profile(tmp_path, api=url.replace("127.0.0.1", "localhost"), trust=str(ca.pem))
        run = _diag(prof, env={"HTTPS_PROXY": proxy.url})
    tcp = run.check("network.api.tcp")
    assert tcp["status"] == "fail"
    assert "proxy refused CONNECT" in tcp["summary"]


def test_bad_proxy_variable(tmp_path: Path) -> None:
    with serve_https(None) as url:
        run = _diag(write_profile(tmp_path, api=url), env={"HTTPS_PROXY": "http://"})
    assert run.status("local.proxy") == "fail"


def test_keyring_usable_and_unusable(tmp_path: Path, request: Any) -> None:
    prof = write_profile(tmp_path)
    run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "local.keyring"])
    ok = run.check("local.keyring")
    assert ok["status"] == "pass"
    assert "FileKeyring" in ok["summary"]
    request.getfixturevalue("failing_keyring")
    run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "local.keyring"])
    bad = run.check("local.keyring")
    assert bad["status"] == "warn"
    assert "not usable" in bad["summary"]
    assert bad["remediation"]
    assert "other backends" in bad["detail"]


def test_plain_http_loopback_never_goes_through_a_proxy(tmp_path: Path) -> None:
    # Plain http is allowed on loopback only (the sandbox): its bearer token never reaches a
    # proxy, whatever HTTP_PROXY or ALL_PROXY say (https requests follow HTTPS_PROXY: above).
    from wxcc_desk.sandbox import run_sandbox

    with run_sandbox() as sbx, connect_proxy() as proxy:
        prof = write_profile(tmp_path, api=sbx.url)
        env = {
            "HTTP_PROXY": proxy.url,
            "ALL_PROXY": proxy.url,
            "WXCC_ACCESS_TOKEN": sbx.token("sam@example.com"),
        }
        checks = ["--check", "config.team", "--check", "local.proxy"]
        run = run_cli(["diagnose", "-p", str(prof), "--json", *checks], env=env)
    assert run.status("config.team") == "pass", run.check("config.team")
    assert proxy.seen == []
    assert "all hosts direct" in run.check("local.proxy")["summary"]


def test_unusable_keyring_passes_when_the_run_does_not_need_one(
    tmp_path: Path, failing_keyring: None
) -> None:
    # A CI job: the token comes from the environment and the profile remembers nothing.
    prof = write_profile(tmp_path)
    env = {"WXCC_ACCESS_TOKEN": "ci-token-" + "x" * 30}
    run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "local.keyring"], env=env)
    check = run.check("local.keyring")
    assert check["status"] == "pass"
    assert "not needed" in check["summary"] and "not usable" in check["summary"]
    remembering = tmp_path / "remember.yaml"
    remembering.write_text(prof.read_text() + "remember: true\n")
    args = ["diagnose", "-p", str(remembering), "--json", "--check", "local.keyring"]
    assert run_cli(args, env=env).check("local.keyring")["status"] == "warn"
