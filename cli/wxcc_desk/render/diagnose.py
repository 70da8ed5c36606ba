"""`wxcc-desk diagnose`'s output: the report on stdout (table, JSON, JUnit or Markdown), the
report files and support bundle, the GitHub job summary and annotations, and `--list-checks`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from wxcc_desk.render.document import document

if TYPE_CHECKING:
    from wxcc_desk.core.output import Output
    from wxcc_desk.core.tracking import Tracker
    from wxcc_desk.diagnose.base import Check
    from wxcc_desk.diagnose.report import Report

STDOUT = Path("-")  # `--junit -`, `--markdown -`, `--bundle -`: that report on stdout


def _check_rows(checks: Sequence[Check]) -> list[list[str]]:
    return [[c.id, str(c.layer), c.title, ", ".join(c.requires)] for c in checks]


def checks_table(checks: Sequence[Check]) -> str:
    from tabulate import tabulate

    rows = _check_rows(checks)
    return tabulate(rows, headers=["check", "layer", "title", "requires"], tablefmt="plain")


def checks_json(checks: Sequence[Check], tracker: Tracker) -> str:
    keys = ("id", "layer", "title", "requires")
    rows = [dict(zip(keys, r, strict=True)) for r in _check_rows(checks)]
    return document("diagnose-checks", tracker, checks=rows)


def deliver(
    out: Output,
    env: Mapping[str, str],
    trace: list[str],
    report: Report,
    *,
    strict: bool,
    json_out: bool,
    files: tuple[Path | None, Path | None, Path | None],
) -> None:
    """Files first, stdout last: a failed write leaves stdout with only the error document."""
    from wxcc_desk.render import reports
    from wxcc_desk.render.bundle import write_bundle

    junit, markdown, bundle = files
    md = reports.markdown(report)
    main = reports.to_json(report, strict) if json_out else reports.table(report)
    if junit == STDOUT:
        main = reports.junit(report)
    elif junit:
        reports.write_report(junit, reports.junit(report), "--junit")
    if markdown == STDOUT:
        main = md
    elif markdown:
        reports.write_report(markdown, md, "--markdown")
    if bundle and bundle != STDOUT:
        write_bundle(bundle, report, trace, strict)
    _step_summary(out, env, md)
    if bundle == STDOUT:
        _bundle_to_stdout(out, trace, report, strict)
    else:
        out.data(main)
    if env.get("GITHUB_ACTIONS"):
        for line in reports.gh_annotations(report):
            out.say(line)
    if bundle:
        out.say(f"bundle written to {'stdout' if bundle == STDOUT else bundle}")


def binary(stream: TextIO) -> BinaryIO | None:
    return getattr(stream, "buffer", None)


def _bundle_to_stdout(out: Output, trace: list[str], report: Report, strict: bool) -> None:
    from wxcc_desk.render.bundle import stream_bundle

    raw = binary(out.stdout)
    assert raw is not None  # commands/diagnose.py refused a stdout without bytes before the run
    out.stdout.flush()
    stream_bundle(raw, report, trace, strict)
    raw.flush()


def _step_summary(out: Output, env: Mapping[str, str], md: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY. A courtesy: failing to is a warning, never the result."""
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.core.redact import scrub
    from wxcc_desk.core.safepath import append_regular

    summary = env.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        append_regular(Path(summary), "GITHUB_STEP_SUMMARY", scrub(md).encode("utf-8"))
    except (OSError, WxccError) as err:
        why = err.message if isinstance(err, WxccError) else err.strerror or str(err)
        out.say(
            f"warning: GITHUB_STEP_SUMMARY={summary} cannot be appended to "
            f"({why}); the job summary is skipped, the result is unchanged",
            "warn",
        )
