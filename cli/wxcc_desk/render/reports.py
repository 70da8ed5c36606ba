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
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree as ET

from wxcc_desk.diagnose.base import CheckResult, Status
from wxcc_desk.diagnose.report import BAD, Report, tool_info

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
    return json.dumps(report_doc(report, strict), indent=2, sort_keys=True)


def report_doc(report: Report, strict: bool = False) -> dict[str, Any]:
    """`wxcc-desk/diagnose/v1`: keys stable (docs/diagnose.md and its JSON Schema)."""
    code = report.exit_code(strict)
    return {
        "schema": "wxcc-desk/diagnose/v1",
        "ok": code == 0,
        "exit_code": code,
        "profile": report.profile,
        "run_id": report.run_id,
        "mode": report.mode,
        "counts": {str(s): report.counts()[s] for s in Status},
        "duration_ms": round(report.duration_ms, 1),
        "checks": [result_dict(r) for r in report.sorted_results()],
        "users": [
            {
                "email": u.email,
                "counts": {str(s): u.counts[s] for s in Status},
                "problems": [result_dict(r) for r in u.problems],
            }
            for u in report.users
        ],
        "causes": [
            {"check": cid, "summary": text, "count": len(who), "users": who}
            for cid, text, who in report.causes()
        ],
        "tracking": report.tracking,
        "tracking_ids": {"sent": [], "server": [], **report.tracking_ids},
        "tool": tool_info(report.tool_version),
    }


def result_dict(r: CheckResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "layer": str(r.layer),
        "title": r.title,
        "status": str(r.status),
        "summary": r.summary,
        "detail": r.detail,
        "remediation": r.remediation,
        "tracking_ids": list(r.tracking_ids),
        "duration_ms": round(r.duration_ms, 1),
        "facts": dict(r.facts),
        "subject": r.subject,
    }


# --------------------------------------------------------------------------- JUnit


def junit(report: Report) -> str:
    """fail -> <failure>, crashed -> <error>, skip -> <skipped>; one suite per layer or user.

    Every suite's counts are those of the testcases it holds. In a many-user run each user's
    suite holds a testcase per check run for that user, classname `diagnose.<email>.<layer>`,
    so no classname/name pair repeats across users (the shape the Jenkins and GitLab JUnit
    readers take: tests/fixtures/junit.xsd).

    A suite's `time` is the sum of its testcases' times, as JUnit readers add them up; checks
    run concurrently, so it can exceed the run's wall time, which `testsuites` carries.
    """
    import socket

    stamp = report.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    host = socket.gethostname() or "localhost"
    root = ET.Element("testsuites", name="wxcc-desk diagnose")
    suites: dict[str, list[CheckResult]] = {}
    for r in report.sorted_results():
        suites.setdefault(str(r.layer), []).append(r)
    totals: Counter[str] = Counter()
    for n, (name, results) in enumerate(suites.items()):
        cases = [(r, f"diagnose.{r.layer}") for r in results]
        totals += _suite(root, name, cases, [], (n, stamp, host))
    for n, u in enumerate(report.users, start=len(suites)):
        cls = f"diagnose.{u.email}"
        cases = [(r, f"{cls}.{r.layer}") for r in u.problems]
        others = [(cid, f"{cls}.{layer}", status) for cid, layer, status in u.others]
        totals += _suite(root, f"user {u.email}", cases, others, (n, stamp, host))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    root.set("time", f"{report.duration_ms / 1000:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


_TAGS = {Status.FAIL: "failure", Status.CRASHED: "error", Status.SKIP: "skipped"}


def _suite(
    root: ET.Element,
    name: str,
    cases: list[tuple[CheckResult, str]],
    others: list[tuple[str, str, Status]],
    where: tuple[int, str, str],
) -> Counter[str]:
    """Append one <testsuite>; return its counts (tests, failures, errors, skipped)."""
    statuses = [r.status for r, _ in cases] + [status for _, _, status in others]
    counts = Counter(
        tests=len(statuses),
        failures=statuses.count(Status.FAIL),
        errors=statuses.count(Status.CRASHED),
        skipped=statuses.count(Status.SKIP),
    )
    index, stamp, host = where
    suite = ET.SubElement(root, "testsuite", name=name, id=str(index))
    for key in ("tests", "failures", "errors", "skipped"):
        suite.set(key, str(counts[key]))
    suite.set("time", f"{sum(r.duration_ms for r, _ in cases) / 1000:.3f}")
    suite.set("timestamp", stamp)
    suite.set("hostname", host)
    for r, classname in cases:
        case = ET.SubElement(suite, "testcase", name=r.id, classname=classname, time=_secs(r))
        tag = _TAGS.get(r.status)
        if tag:
            ET.SubElement(case, tag, message=r.summary).text = _body(r)
        elif r.status is Status.WARN:
            ET.SubElement(case, "system-out").text = f"warning: {r.summary}\n{_body(r)}"
    for cid, classname, status in others:
        case = ET.SubElement(suite, "testcase", name=cid, classname=classname, time="0.000")
        tag = _TAGS.get(status)
        if tag:  # kept as "does not apply": a prerequisite says the check has no subject here
            ET.SubElement(case, tag, message="does not apply")
    return counts


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
    """Every cause over the users (failures, then warnings), so the annotations can point here."""
    causes = [(level, r, who) for level, r, who in _gh_causes(report) if who]
    if not causes:
        return [f"No failures among {len(report.users)} users.", ""]
    lines = ["### Causes over the users, most common first", ""]
    lines += ["| | users | check | cause | who |", "|---|---|---|---|---|"]
    for level, r, who in causes:
        mark = _MD_MARKS[Status.FAIL if level == "error" else Status.WARN]
        lines.append(f"| {mark} | {len(who)} | `{r.id}` | {_md(r.summary)} | {_md(_few(who))} |")
    return [*lines, ""]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- GitHub annotations


GH_MAX = 10  # GitHub shows at most 10 annotations of a kind per step; we print at most 10 in all


def gh_annotations(report: Report) -> list[str]:
    """`::error`/`::warning` workflow commands, one per distinct cause, errors first.

    A cause is a check that failed or warned; in a many-user run one cause covers every user it
    hit, and says how many. Past GH_MAX, the last annotation says how many more causes the step
    summary (`markdown`) lists.
    """
    found = _gh_causes(report)
    shown = found if len(found) <= GH_MAX else found[: GH_MAX - 1]
    lines = [_gh_line(level, r, users) for level, r, users in shown]
    rest = len(found) - len(shown)
    if rest:
        text = f"{rest} more causes: the step summary (or --markdown report) lists every cause"
        lines.append(f"::warning title={_gh_prop(f'{rest} more causes')}::{_gh_data(text)}")
    return lines


def _gh_causes(report: Report) -> list[tuple[str, CheckResult, list[str]]]:
    levels = {Status.FAIL: "error", Status.CRASHED: "error", Status.WARN: "warning"}
    found: dict[tuple[str, str, str], tuple[str, CheckResult, list[str]]] = {}
    for r in report.sorted_results():
        if r.status in levels:
            found[(levels[r.status], r.id, r.subject)] = (levels[r.status], r, [])
    for u in report.users:
        for r in u.problems:
            if r.status in levels:
                key = (levels[r.status], r.id, "*users*")
                found.setdefault(key, (levels[r.status], r, []))[2].append(u.email)
    return sorted(found.values(), key=lambda c: (c[0] != "error", -len(c[2]), c[1].id))


def _gh_line(level: str, r: CheckResult, users: list[str]) -> str:
    if users:
        who = f" ({len(users)} user{'s' if len(users) != 1 else ''})"
        text = f"{r.summary} -- {_few(users)}"
    else:
        who = f" ({r.subject})" if r.subject else ""
        text = r.summary
    text += f" -- fix: {r.remediation}" if r.remediation else ""
    return f"::{level} title={_gh_prop(r.id + who)}::{_gh_data(text)}"


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
