"""Run the real CLI in-process against a sandbox: `cli(*argv, token=..., env=...)`."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliRun, invoke
from wxcc_desk.sandbox import SandboxHandle

PROFILE = str(Path(__file__).resolve().parents[2] / "profiles" / "sandbox.yaml")


Result = CliRun
Cli = Callable[..., Result]


def run_cli(
    sandbox: SandboxHandle,
    *argv: str,
    email: str | None = "sam@example.com",
    env: Mapping[str, str] | None = None,
    stderr: io.StringIO | None = None,
) -> Result:
    environ = {**os.environ, "WXCC_BASE_URL": sandbox.url, **(env or {})}
    if email:
        environ["WXCC_ACCESS_TOKEN"] = sandbox.token(email)
    return invoke(list(argv), environ, stderr=stderr)


@pytest.fixture
def cli(sandbox: SandboxHandle) -> Cli:
    """The CLI against the per-test sandbox, with the sandbox profile and sam's token."""

    def run(*argv: str, **kw: Any) -> Result:
        args = list(argv)
        if args and args[0] in ("login", "status", "logout") and "-p" not in args:
            args += ["-p", PROFILE]
        return run_cli(sandbox, *args, **kw)

    return run
