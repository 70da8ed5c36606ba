"""`wxcc-desk diagnose`: say exactly why a station login fails (or would fail)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from wxcc_desk.core.context import AppContext

if TYPE_CHECKING:
    from wxcc_desk.diagnose.options import DiagnoseOptions


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
    with --strict). The check ids and what each needs: `wxcc-desk diagnose --list-checks`.

    Examples: wxcc-desk diagnose -p sandbox --junit diag.xml;
    wxcc-desk diagnose -p admin --agent alice@example.com;
    wxcc-desk diagnose -p admin --all-agents --rate-limit 300
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    if list_checks:
        _list_checks(actx, json_out)
        return

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
    from wxcc_desk.core import interrupt
    from wxcc_desk.render import diagnose as render
    from wxcc_desk.render.progress import make_progress

    report = interrupt.run(run(actx, opts, make_progress(actx.out, actx.env)))  # SIGTERM: one line
    render.deliver(
        actx.out, actx.env, actx.trace, report, strict=strict, json_out=json_out, files=files
    )
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
    from wxcc_desk.diagnose.checks import catalogue
    from wxcc_desk.render import diagnose as render

    checks = catalogue()
    actx.out.data(
        render.checks_json(checks, actx.tracker) if json_out else render.checks_table(checks)
    )


_OPTIONS = ("--junit", "--markdown", "--bundle")


def _check_files(
    files: tuple[Path | None, Path | None, Path | None], json_out: bool, stdout: TextIO
) -> None:
    from wxcc_desk.core.errors import ConfigError, UsageError
    from wxcc_desk.render.diagnose import STDOUT, binary
    from wxcc_desk.render.reports import check_writable

    dashes = [o for o, p in zip(_OPTIONS, files, strict=True) if p == STDOUT]
    if len(dashes) > 1 or (dashes and json_out):
        both = " and ".join([*(f"{o} -" for o in dashes), *(["--json"] if json_out else [])])
        each = "both" if len(dashes) + json_out == 2 else "all"
        named = " and ".join(f"{o} FILE" for o in dashes)
        hint = (
            f"keep --json on stdout and give {named}"
            if json_out
            else "give all but one of them a file name (e.g. --junit report.xml)"
        )
        raise UsageError(f"{both} {each} write stdout", hint=hint)
    if "--bundle" in dashes and (binary(stdout) is None or stdout.isatty()):
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
