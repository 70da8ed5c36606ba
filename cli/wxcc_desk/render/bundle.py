"""`diagnose --bundle FILE`: one zip an admin can attach to a support case.

It holds the JSON, Markdown and JUnit reports, the redacted HTTP/WebSocket trace, the tool and
platform versions and every tracking ID. Every member passes through `redact.scrub`, so no token,
secret or Authorization header reaches it (tests plant a canary secret to prove it).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.redact import scrub
from wxcc_desk.diagnose.report import Report, tool_info
from wxcc_desk.render import reports


def tracking_ids(report: Report) -> list[str]:
    """Every tracking ID of the run: sent, answered, and attached to any result."""
    ids: list[str] = []
    for key in ("sent", "server"):
        value = report.tracking.get(key)
        if isinstance(value, list):
            ids.extend(str(v) for v in value)
    for r in report.results:
        ids.extend(r.tracking_ids)
    for u in report.users:
        for r in u.problems:
            ids.extend(r.tracking_ids)
    return list(dict.fromkeys(ids))


def write_bundle(path: Path, report: Report, trace: Iterable[str], strict: bool = False) -> None:
    try:
        # a temp file renamed into place: never a truncated zip, even on a failure mid-way
        with reports.atomic_open(path, "--bundle") as fh:
            stream_bundle(fh, report, trace, strict)
    except OSError as err:
        raise ConfigError(
            f"cannot write the bundle {path}: {err.strerror or err}",
            hint="pass --bundle a path in a writable directory",
            code="BUNDLE",
        ) from None


def stream_bundle(fh: BinaryIO, report: Report, trace: Iterable[str], strict: bool = False) -> None:
    """Write the zip to `fh`, which need not be seekable (`--bundle -` gives it stdout)."""
    members = {
        "report.json": reports.to_json(report, strict),
        "report.md": reports.markdown(report),
        "junit.xml": reports.junit(report),
        "versions.json": json.dumps(tool_info(report.tool_version), indent=2),
        "tracking-ids.txt": "\n".join(tracking_ids(report)) + "\n",
    }
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, scrub(text))
        with zf.open("trace.txt", "w") as out:  # streamed: a long trace is never one string
            for line in trace:
                out.write((scrub(line.rstrip("\n")) + "\n").encode("utf-8"))
