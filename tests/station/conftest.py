"""Run the real CLI in-process against a sandbox: `cli(*argv, token=..., env=...)`."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output
from wxcc_desk.sandbox import SandboxHandle

PROFILE = str(Path(__file__).resolve().parents[2] / "profiles" / "sandbox.yaml")


@dataclass
class Result:
    code: int
    out: str
    err: str
    actx: AppContext

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def text(self) -> str:
        return self.out + self.err + "\n".join(self.actx.trace)


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
    out, err = io.StringIO(), stderr or io.StringIO()
    actx = AppContext(out=Output(stdout=out, stderr=err), env=environ)
    code = 0
    try:
        main(list(argv), actx)
    except SystemExit as done:
        code = int(done.code or 0)
    return Result(code, out.getvalue(), err.getvalue(), actx)


@pytest.fixture
def cli(sandbox: SandboxHandle) -> Cli:
    """The CLI against the per-test sandbox, with the sandbox profile and sam's token."""

    def run(*argv: str, **kw: Any) -> Result:
        args = list(argv)
        if args and args[0] in ("login", "status", "logout") and "-p" not in args:
            args += ["-p", PROFILE]
        return run_cli(sandbox, *args, **kw)

    return run
