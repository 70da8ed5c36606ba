"""The one CLI runner of the tests: the real entry point (`app.main`) in-process, its streams
captured, and what it printed read back the ways the tests need (text, JSON, a diagnose check).
Every versioned JSON document a run prints is checked against its published schema
(tests/support/documents.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.documents import check_output
from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output


@dataclass
class CliRun:
    """One run: its exit code, what it printed on each stream, and the context it ran with."""

    code: int
    stdout: str
    stderr: str
    actx: AppContext

    @property
    def out(self) -> str:
        return self.stdout

    @property
    def err(self) -> str:
        return self.stderr

    @property
    def trace(self) -> list[str]:
        return list(self.actx.trace)

    @property
    def text(self) -> str:
        """Everything the run said: stdout, stderr and the -v trace."""
        return self.stdout + self.stderr + "\n".join(self.actx.trace)

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def doc(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]

    def check(self, cid: str) -> dict[str, Any]:
        """One check of a `diagnose --json` document."""
        for c in self.doc["checks"]:
            if c["id"] == cid:
                return c  # type: ignore[no-any-return]
        raise AssertionError(f"{cid} not in {[c['id'] for c in self.doc['checks']]}")

    def status(self, cid: str) -> str:
        return str(self.check(cid)["status"])


def invoke(
    argv: list[str],
    env: Mapping[str, str],
    *,
    stderr: io.StringIO | None = None,
    home: Path | None = None,
) -> CliRun:
    """Run `wxcc-desk ARGV` with exactly `env` as its environment. `stderr` may be a StringIO
    subclass that reacts to a line (to act mid-run); `home` sets the config and state folders."""
    out, err = io.StringIO(), stderr or io.StringIO()
    actx = AppContext(out=Output(stdout=out, stderr=err), env=dict(env))
    if home is not None:
        actx.config_dir, actx.state_dir = home / "config", home / "state"
    code = 0
    try:
        main(list(argv), actx)
    except SystemExit as done:
        code = int(done.code or 0)
    check_output(out.getvalue())  # every JSON document printed matches its published schema
    return CliRun(code, out.getvalue(), err.getvalue(), actx)
