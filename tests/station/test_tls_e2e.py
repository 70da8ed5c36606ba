"""TLS outside loopback-http: verification always on, a clear error, and the CA bundle choice."""

from __future__ import annotations

from pathlib import Path

from tests.diagnose import servers
from tests.station.conftest import PROFILE, run_cli
from wxcc_desk.sandbox import SandboxHandle


def test_untrusted_certificate_is_a_tls_error_with_the_fix(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    ca = servers.TestCA(tmp_path)
    with servers.serve_https(ca.server_context()) as url:
        res = run_cli(sandbox, "status", "-p", PROFILE, "--json", env={"WXCC_BASE_URL": url})
    assert res.code == 5
    err = res.json()["error"]
    assert err["code"] == "TLS" and "ca_bundle" in err["hint"]


def test_ca_bundle_from_the_environment_is_used_and_reported(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    ca = servers.TestCA(tmp_path)
    with servers.serve_https(ca.server_context()) as url:
        res = run_cli(
            sandbox,
            "-v",
            "status",
            "-p",
            PROFILE,
            "--json",
            env={"WXCC_BASE_URL": url, "WXCC_CA_BUNDLE": str(ca.pem)},
        )
    # The server is trusted now; it answers `{}` to people/me, which is not an identity.
    assert res.json()["error"]["code"] == "BAD_IDENTITY", res.err
    assert f"TLS: verifying with the CA bundle {ca.pem}" in res.err
