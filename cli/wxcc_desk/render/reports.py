"""Diagnose report formats: table, JSON, JUnit XML, Markdown and GitHub Actions annotations.

Pure functions from a `Report` to text; the command decides where the text goes. The last
section holds the file side: `check_writable` (run before any check, so a bad path fails in a
second, not after a long run) and `atomic_open`/`write_report` (a temp file in the same folder,
renamed over the target: a report file is the old one or the new one, never half of one).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree as ET

from wxcc_desk.diagnose.base import CheckResult, Status
from wxcc_desk.diagnose.report import BAD, Report

MARKS = {
    Status.PASS: "ok",
    Status.WARN: "WARN",
    Status.FAIL: "FAIL",
    Status.SKIP: "skip",
    Status.CRASHED: "CRASH",
}
_MD_MARKS = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.SKIP: "⏭️",
    Status.CRASHED: "💥",
}


def _counts_line(report: Report) -> str:
    counts = report.counts()
    parts = [f"{counts[s]} {s}" for s in Status if counts[s]]
    users = f" over {len(report.users)} users" if report.many else ""
    ms = report.duration_ms
    took = f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
    return f"{', '.join(parts) or 'no checks'}{users} in {took}"


# --------------------------------------------------------------------------- table


def table(report: Report) -> str:
    """One row per check; what is not a pass gets its remediation on the line below."""
    from tabulate import tabulate

    rows: list[list[str]] = []
    for r in report.sorted_results():
        rows.append([MARKS[r.status], r.id, r.summary])
        if r.status is not Status.PASS and r.remediation:
            rows.append(["", "", f"  fix: {r.remediation}"])
    parts = [tabulate(rows, headers=["", "check", "result"], tablefmt="plain")] if rows else []
    if report.many:
        parts.append(many_table(report))
    parts.append(_counts_line(report))
    return "\n\n".join(parts)


def many_table(report: Report) -> str:
    """Causes most common first, then the users with failures."""
    from tabulate import tabulate

    causes = report.causes()
    if not causes:
        return f"no failures among {len(report.users)} users"
    rows = [[len(who), cid, text, _few(who)] for cid, text, who in causes]
    first = tabulate(rows, headers=["users", "check", "cause", "who"], tablefmt="plain")
    failing = [u for u in report.users if u.failed]
    urows = [[u.email, ", ".join(r.id for r in u.problems if r.status in BAD)] for u in failing]
    second = tabulate(urows, headers=["user", "failed checks"], tablefmt="plain")
    return f"{first}\n\n{second}"


def _few(emails: list[str], n: int = 3) -> str:
    more = f" +{len(emails) - n}" if len(emails) > n else ""
    return ", ".join(emails[:n]) + more


# --------------------------------------------------------------------------- JSON


def to_json(report: Report, strict: bool = False) -> str:
    return json.dumps(report.as_dict(strict), indent=2, sort_keys=True)


# --------------------------------------------------------------------------- JUnit


def junit(report: Report) -> str:
    """fail -> <failure>, crashed -> <error>, skip -> <skipped>; one suite per layer or user."""
    root = ET.Element("testsuites", name="wxcc-desk diagnose")
    suites: dict[str, list[CheckResult]] = {}
    for r in report.sorted_results():
        suites.setdefault(str(r.layer), []).append(r)
    for name, results in suites.items():
        _suite(root, name, results, len(results))
    for u in report.users:
        _suite(root, f"user {u.email}", u.problems, sum(u.counts.values()))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _suite(root: ET.Element, name: str, results: list[CheckResult], total: int) -> None:
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(total),
        failures=str(counts[Status.FAIL]),
        errors=str(counts[Status.CRASHED]),
        skipped=str(counts[Status.SKIP]),
        time=f"{sum(r.duration_ms for r in results) / 1000:.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", name=r.id, classname=f"diagnose.{r.layer}", time=_secs(r)
        )
        tag = {Status.FAIL: "failure", Status.CRASHED: "error", Status.SKIP: "skipped"}.get(
            r.status
        )
        if tag:
            ET.SubElement(case, tag, message=r.summary).text = _body(r)
        elif r.status is Status.WARN:
            ET.SubElement(case, "system-out").text = f"warning: {r.summary}\n{_body(r)}"


def _secs(r: CheckResult) -> str:
    return f"{r.duration_ms / 1000:.3f}"


def _body(r: CheckResult) -> str:
    lines = [r.detail, f"fix: {r.remediation}" if r.remediation else ""]
    if r.tracking_ids:
        lines.append("tracking IDs: " + ", ".join(r.tracking_ids))
    return "\n".join(x for x in lines if x)


# --------------------------------------------------------------------------- Markdown


def markdown(report: Report) -> str:
    out = [f"## wxcc-desk diagnose: profile `{report.profile}`", "", _counts_line(report), ""]
    results = report.sorted_results()
    if results:
        out += ["| | check | result | fix |", "|---|---|---|---|"]
        out += [
            f"| {_MD_MARKS[r.status]} | `{r.id}` | {_md(r.summary)} | {_md(r.remediation)} |"
            for r in results
        ]
        out.append("")
    if report.many:
        out += _md_many(report)
    out.append(f"Run id `{report.run_id}`.")
    return "\n".join(out) + "\n"


def _md_many(report: Report) -> list[str]:
    causes = report.causes()
    if not causes:
        return [f"No failures among {len(report.users)} users.", ""]
    lines = ["### Users with failures, most common cause first", ""]
    lines += ["| users | check | cause | who |", "|---|---|---|---|"]
    lines += [f"| {len(w)} | `{c}` | {_md(t)} | {_md(_few(w))} |" for c, t, w in causes]
    return [*lines, ""]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- GitHub annotations


def gh_annotations(report: Report) -> Iterable[str]:
    """`::error`/`::warning` workflow commands for what failed or warned."""
    every = list(report.sorted_results())
    for u in report.users:
        every.extend(u.problems)
    for r in every:
        level = {Status.FAIL: "error", Status.CRASHED: "error", Status.WARN: "warning"}.get(
            r.status
        )
        if level:
            who = f" ({r.subject})" if r.subject else ""
            text = r.summary + (f" -- fix: {r.remediation}" if r.remediation else "")
            yield f"::{level} title={_gh_prop(r.id + who)}::{_gh_data(text)}"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


# --------------------------------------------------------------------------- files


def check_writable(path: Path, option: str) -> None:
    """Raise ConfigError unless a report can be written to `path` (given as `option`).

    The folder must exist and take a new file (proved by creating and removing one: permission
    bits say nothing for root, ACLs or read-only mounts) and the path must not be a folder.
    """
    from wxcc_desk.core.errors import ConfigError
    from wxcc_desk.core.safepath import safe_target

    # Symlinks followed only as protected_symlinks allows; a FIFO or device is refused.
    target = safe_target(path, option)
    if target.is_dir():
        raise ConfigError(f"{option} {path} is a folder", hint=f"pass {option} a file path")
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ConfigError(
            f"cannot write {option} {path}: the folder {folder} {what}",
            hint=f"create the folder first or pass {option} a path in an existing folder",
        )
    try:
        fd, probe = _create_temp(target)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ConfigError(
            f"cannot write {option} {path}: {err.strerror or err}",
            hint=f"pass {option} a path in a writable folder",
        ) from None


@contextlib.contextmanager
def atomic_open(path: Path, option: str = "the report") -> Iterator[BinaryIO]:
    """A binary file that replaces `path` only once it is completely written and synced.

    On any error the temp file is removed and `path` is left as it was. An existing file keeps
    its permissions; a new one gets the usual umask ones. Symlinks are written through, where
    the protected_symlinks rule allows (core/safepath.py); a FIFO or device is refused.
    """
    from wxcc_desk.core.safepath import safe_target

    target = safe_target(path, option)
    fd, tmp = _create_temp(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_report(path: Path, text: str, option: str) -> None:
    """Write `text` (scrubbed of secrets) atomically; an OSError becomes a ConfigError."""
    from wxcc_desk.core.errors import ConfigError
    from wxcc_desk.core.redact import scrub

    try:
        with atomic_open(path, option) as fh:
            fh.write(scrub(text).encode("utf-8"))
    except OSError as err:
        raise ConfigError(
            f"cannot write {option} {path}: {err.strerror or err}",
            hint=f"pass {option} a path in a writable folder",
        ) from None


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create_temp(target: Path) -> tuple[int, str]:
    """A new hidden file next to `target`; mode 0o666 so the umask applies as for a plain open."""
    while True:
        tmp = str(target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp"))
        try:
            return os.open(tmp, _NEW, 0o666), tmp
        except FileExistsError:
            continue
