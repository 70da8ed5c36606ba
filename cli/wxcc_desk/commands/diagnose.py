"""`wxcc-desk diagnose`: say exactly why a station login fails (or would fail)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, TextIO

import typer

from wxcc_desk.core.context import AppContext

if TYPE_CHECKING:
    from wxcc_desk.diagnose.options import DiagnoseOptions, Progress
    from wxcc_desk.diagnose.report import Report


_H = {
    "p": "Profile name or path (or WXCC_PROFILE).",
    "agent": "Diagnose another user with an admin token; nobody is logged in.",
    "team": "Diagnose every agent of this team (name or id).",
    "all": "Diagnose every Contact Center user of the tenant (the paged user listing).",
    "check": "Run only this check id (plus its prerequisites); repeatable.",
    "list": "List the check ids and exit.",
    "strict": "Exit 1 on warnings too.",
    "json": "Print JSON (schema wxcc-desk/diagnose/v1) instead of the table.",
    "junit": "Also write JUnit XML to FILE (fail=failure, crashed=error, skip=skipped); "
    "`-`: to stdout, instead of the table.",
    "md": "Also write Markdown to FILE (`-`: to stdout, instead of the table).",
    "bundle": "Write a redacted support zip (reports, trace, versions, tracking IDs) to FILE; "
    "`-`: to stdout (never a terminal), instead of the table.",
    "timeout": "Deadline in seconds for one user's checks.",
    "rate": "The tenant's API rate limit, requests per minute (paces --team/--all-agents).",
}


def diagnose(  # noqa: PLR0917 (Typer maps parameters to options)
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", metavar="PROFILE", help=_H["p"])
    ] = None,
    agent: Annotated[str | None, typer.Option("--agent", metavar="EMAIL", help=_H["agent"])] = None,
    team: Annotated[str | None, typer.Option("--team", metavar="NAME", help=_H["team"])] = None,
    all_agents: Annotated[bool, typer.Option("--all-agents", help=_H["all"])] = False,
    check: Annotated[
        list[str] | None, typer.Option("--check", metavar="ID", help=_H["check"])
    ] = None,
    list_checks: Annotated[bool, typer.Option("--list-checks", help=_H["list"])] = False,
    strict: Annotated[bool, typer.Option("--strict", help=_H["strict"])] = False,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"])] = False,
    junit: Annotated[Path | None, typer.Option("--junit", metavar="FILE", help=_H["junit"])] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", metavar="FILE", help=_H["md"])
    ] = None,
    bundle: Annotated[
        Path | None, typer.Option("--bundle", metavar="FILE", help=_H["bundle"])
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, metavar="SECONDS", help=_H["timeout"])
    ] = 30.0,
    rate_limit: Annotated[
        float, typer.Option("--rate-limit", min=1, metavar="N", help=_H["rate"])
    ] = 300.0,
) -> None:
    """Run checks by layer (local, network, identity, service, configuration, dial number,
    session) and print pass/warn/fail with the fix for each problem.

    Nobody is logged in or out. Exit 0 when nothing fails, 1 when a check fails (or warns,
    with --strict). Details: docs/diagnose.md.

    Examples: wxcc-desk diagnose -p sandbox --junit diag.xml;
    wxcc-desk diagnose -p admin --agent alice@example.com;
    wxcc-desk diagnose -p admin --all-agents --rate-limit 300
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    if list_checks:
        _list_checks(actx, json_out)
        return
    import asyncio

    from wxcc_desk.diagnose.options import DiagnoseOptions
    from wxcc_desk.diagnose.orchestrate import diagnose as run
    from wxcc_desk.profiles.load import profile_name

    opts = DiagnoseOptions(
        profile=profile_name(profile, actx.env),
        agent=agent,
        team=team,
        all_agents=all_agents,
        check_ids=tuple(check or ()),
        deadline_s=timeout,
        rate_per_minute=rate_limit,
    )
    opts.validate()  # a usage error (exit 2) still comes before a path error (exit 3)
    files = (junit, markdown, bundle)
    _check_files(files, json_out, actx.out.stdout)  # seconds, not after a 400-user run
    _run_context(actx, opts)
    report = asyncio.run(run(actx, opts, _progress(actx)))
    _render(actx, report, strict=strict, json_out=json_out, files=files)
    raise typer.Exit(report.exit_code(strict))


def _run_context(actx: AppContext, opts: "DiagnoseOptions") -> None:
    """The run's tracker files each ID under the check that produced it; a many-user run's trace
    (thousands of lines) lives on disk. Set here, before the run: the flow changes no context."""
    from wxcc_desk.diagnose.runner import CheckTracker

    actx.tracker = CheckTracker(run_id=actx.tracker.run_id)
    if opts.mode in ("team", "all-agents"):
        from wxcc_desk.diagnose.spool import SpoolTrace

        actx.trace = SpoolTrace()


def _list_checks(actx: AppContext, json_out: bool) -> None:
    from tabulate import tabulate

    from wxcc_desk.diagnose.base import REGISTRY, Layer
    from wxcc_desk.diagnose.checks import load_checks
    from wxcc_desk.render.document import document

    load_checks()
    order = {layer: n for n, layer in enumerate(Layer)}
    ordered = sorted(REGISTRY.values(), key=lambda c: order[c.layer])  # stable: file order kept
    rows = [[c.id, str(c.layer), c.title, ", ".join(c.requires)] for c in ordered]
    if json_out:
        keys = ("id", "layer", "title", "requires")
        checks = [dict(zip(keys, r, strict=True)) for r in rows]
        actx.out.data(document("diagnose-checks", actx.tracker, checks=checks))
        return
    actx.out.data(tabulate(rows, headers=["check", "layer", "title", "requires"], tablefmt="plain"))


_OPTIONS = ("--junit", "--markdown", "--bundle")
STDOUT = Path("-")  # `--junit -`, `--markdown -`, `--bundle -`: that on stdout, not the table


def _check_files(
    files: tuple[Path | None, Path | None, Path | None], json_out: bool, stdout: TextIO
) -> None:
    from wxcc_desk.core.errors import ConfigError, UsageError
    from wxcc_desk.render.reports import check_writable

    dashes = [o for o, p in zip(_OPTIONS, files, strict=True) if p == STDOUT]
    if len(dashes) > 1 or (dashes and json_out):
        both = " and ".join([*(f"{o} -" for o in dashes), *(["--json"] if json_out else [])])
        raise UsageError(f"{both} all write stdout", hint="send all but one of them to files")
    if "--bundle" in dashes and (_binary(stdout) is None or stdout.isatty()):
        raise UsageError(
            "--bundle - writes a zip to stdout, and stdout here is a terminal (or takes no bytes)",
            hint="redirect it (--bundle - > support.zip) or pass --bundle a file path",
        )
    seen: dict[Path, str] = {}
    for option, path in zip(_OPTIONS, files, strict=True):
        if path is None or path == STDOUT:
            continue
        check_writable(path, option)
        same = seen.setdefault(path.resolve(), option)
        if same != option:  # the later report would silently replace the earlier one
            raise ConfigError(
                f"{same} and {option} both write {path}",
                hint=f"give {option} a path of its own",
                code="CONFIG",
            )


def _render(
    actx: AppContext,
    report: "Report",
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
        write_bundle(bundle, report, actx.trace, strict)
    _step_summary(actx, md)
    if bundle == STDOUT:
        _bundle_to_stdout(actx, report, strict)
    else:
        actx.out.data(main)
    if actx.env.get("GITHUB_ACTIONS"):
        for line in reports.gh_annotations(report):
            actx.out.say(line)
    if bundle:
        actx.out.say(f"bundle written to {'stdout' if bundle == STDOUT else bundle}")


def _binary(stream: TextIO) -> BinaryIO | None:
    return getattr(stream, "buffer", None)


def _bundle_to_stdout(actx: AppContext, report: "Report", strict: bool) -> None:
    from wxcc_desk.render.bundle import stream_bundle

    raw = _binary(actx.out.stdout)
    assert raw is not None  # _check_files refused a stdout without bytes before the run
    actx.out.stdout.flush()
    stream_bundle(raw, report, actx.trace, strict)
    raw.flush()


def _step_summary(actx: AppContext, md: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY. A courtesy: failing to is a warning, never the result."""
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.core.redact import scrub
    from wxcc_desk.core.safepath import append_regular

    summary = actx.env.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        append_regular(Path(summary), "GITHUB_STEP_SUMMARY", scrub(md).encode("utf-8"))
    except (OSError, WxccError) as err:
        why = err.message if isinstance(err, WxccError) else err.strerror or str(err)
        actx.out.say(
            f"warning: GITHUB_STEP_SUMMARY={summary} cannot be appended to "
            f"({why}); the job summary is skipped, the result is unchanged",
            "warn",
        )


def _progress(actx: AppContext) -> "Progress":
    from wxcc_desk.render.progress import make_progress

    return make_progress(actx)
