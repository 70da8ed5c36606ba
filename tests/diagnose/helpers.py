"""Run `wxcc-desk diagnose` in-process the way a user does, and read its JSON."""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    actx: AppContext

    @property
    def doc(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]

    def check(self, cid: str) -> dict[str, Any]:
        for c in self.doc["checks"]:
            if c["id"] == cid:
                return c  # type: ignore[no-any-return]
        raise AssertionError(f"{cid} not in {[c['id'] for c in self.doc['checks']]}")

    def status(self, cid: str) -> str:
        return str(self.check(cid)["status"])


# The host's CA variables would override the test profile's `tls` keys (env beats file).
_TRUST_VARS = ("SSL_CERT_FILE", "WXCC_CA_BUNDLE", "WXCC_TRUST")


def run_cli(
    args: list[str], env: dict[str, str] | None = None, stderr: io.StringIO | None = None
) -> Run:
    """`stderr` may be a StringIO subclass that reacts to a line (to act mid-run)."""
    out, err = io.StringIO(), stderr or io.StringIO()
    base = {k: v for k, v in os.environ.items() if k not in _TRUST_VARS}
    actx = AppContext(out=Output(stdout=out, stderr=err), env={**base, **(env or {})})
    try:
        main(args, actx)
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    return Run(code, out.getvalue(), err.getvalue(), actx)


def write_profile(tmp: Path, name: str = "diag", **urls: str) -> Path:
    """A profile file; `urls` may set api/identity/status and `trust`."""
    api = urls.get("api", "http://127.0.0.1:9")
    lines = [
        f"api_url: {api}",
        f"identity_url: {urls.get('identity', api)}",
        f"status_url: {urls.get('status', api)}",
        f"user: {urls.get('user', 'sam@example.com')}",
        f"role: {urls.get('role', 'supervisor_agent')}",
        "team: Support",
        "telephony:",
        "  option: dial_number",
        f'  number: "{urls.get("number", "+14085550100")}"',
        "timeouts: {connect: 2, request: 3, outcome: 3, keyring: 3}",
    ]
    if "trust" in urls:
        lines.append(f"tls: {{trust: {urls['trust']}}}")
    path = tmp / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def ca(tmp_path: Path) -> Any:
    from tests.diagnose.servers import TestCA

    return TestCA(tmp_path)
