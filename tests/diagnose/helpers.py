"""Run `wxcc-desk diagnose` in-process the way a user does, and read its JSON."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliRun, invoke
from tests.support.profiles import write_profile

__all__ = ["Run", "ca", "run_cli", "write_profile"]

Run = CliRun

# The host's CA variables would override the test profile's `tls` keys (env beats file).
_TRUST_VARS = ("SSL_CERT_FILE", "WXCC_CA_BUNDLE", "WXCC_TRUST")


def run_cli(
    args: list[str], env: dict[str, str] | None = None, stderr: io.StringIO | None = None
) -> Run:
    """`stderr` may be a StringIO subclass that reacts to a line (to act mid-run)."""
    base = {k: v for k, v in os.environ.items() if k not in _TRUST_VARS}
    return invoke(args, {**base, **(env or {})}, stderr=stderr)


@pytest.fixture
def ca(tmp_path: Path) -> Any:
    from tests.diagnose.servers import TestCA

    return TestCA(tmp_path)
