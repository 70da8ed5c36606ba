"""The Typer app, its global options, and the single place where errors become exit codes.

Only light modules are imported here: each command imports what it needs when it runs, so
`wxcc-desk --help` costs little more than importing Typer. The command modules also skip
`from __future__ import annotations`: Typer reads their signatures at every start, and real
annotations spare it compiling each string (bench/ figure 1).
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from wxcc_desk import __version__
from wxcc_desk.commands import (
    auth,
    demo,
    diagnose,
    login,
    logout,
    profiles,
    sandbox,
    schema,
    status,
    teams_auth,
)
from wxcc_desk.core import interrupt
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import ExitCode, UsageError, WxccError
from wxcc_desk.core.interrupt import Stopped
from wxcc_desk.core.output import color_wanted
from wxcc_desk.core.redact import scrub

app = typer.Typer(
    name="wxcc-desk",
    help="Sign a Webex Contact Center supervisor or agent in and out from a script, and say "
    "exactly why it fails when it fails.\n\n"
    "Example: wxcc-desk profiles init agent7 (a commented profile to edit), then "
    "wxcc-desk login -p agent7 --json; wxcc-desk demo tries it all on a built-in sandbox",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish)
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from wxcc_desk.render.boundary import version_line

        typer.echo(version_line(__version__))
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        show_default=False,
        help="Print a redacted HTTP and WebSocket trace.",
    ),
    no_color: bool = typer.Option(False, "--no-color", help="No colour (NO_COLOR is honoured)."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Global options come before the command: `wxcc-desk -v login -p sandbox`."""
    actx = ctx.ensure_object(AppContext)
    actx.verbose = verbose
    actx.out.color = color_wanted(actx.out.stderr, no_color)


app.command("login")(login.login)
app.command("status")(status.status)
app.command("logout")(logout.logout)
app.command("diagnose")(diagnose.diagnose)
app.add_typer(teams_auth.app, name="teams-auth")
app.add_typer(profiles.app, name="profiles")
app.add_typer(auth.app, name="auth")
app.command("sandbox")(sandbox.sandbox)
app.command("demo")(demo.demo)
app.command("schema")(schema.schema)


def _report(err: WxccError, actx: AppContext) -> None:
    from wxcc_desk.core.hints import name_profile
    from wxcc_desk.render import boundary

    err.message = name_profile(err.message, actx.profile_ref)
    err.hint = name_profile(err.hint, actx.profile_ref)
    json_out, lines = actx.json_output, actx.json_lines
    boundary.error(actx.out, err, actx.tracker, json_out=json_out, lines=lines)


def _usage(problem: typer.TyperException, argv: list[str] | None, actx: AppContext) -> None:
    if type(problem).__name__ == "NoArgsIsHelpError":  # bare `wxcc-desk`: just the help
        actx.out.say(problem.format_message())
        return
    words = sys.argv[1:] if argv is None else argv
    actx.json_output = "--json" in words
    path = _command_path(problem, argv)
    hint = f"run `{path} --help` for usage"
    message = problem.format_message()
    option = getattr(problem, "option_name", "")
    typed = _typed_command([w for w in words if not w.startswith("-")])
    if type(problem).__name__ == "NoSuchOption" and path == "wxcc-desk" and option and typed:
        # `wxcc-desk --json status`: the command's options go after the command (and click's
        # guess among the few top-level options, `--version` for `--json`, misleads)
        name, options = typed
        if option in options:
            message = message.split(" (Possible options:", 1)[0]
            hint = f"options of a command go after it: `wxcc-desk {name} {option} ...`; " + hint
    _report(UsageError(scrub(message), hint=hint, code="USAGE"), actx)


def _typed_command(words: list[str]) -> tuple[str, set[str]] | None:
    """The command the words name (`auth login`, through its group) and its options."""
    names, command = _walk(words)
    params = getattr(command, "params", ())
    return (" ".join(names), {o for p in params for o in p.opts}) if names else None


def _walk(words: list[str]) -> tuple[list[str], object]:
    """The leading words that name commands (a group's, then its command's) and the last one."""
    command: object = typer.main.get_command(app)
    names: list[str] = []
    for word in words:
        commands = getattr(command, "commands", None)
        if not isinstance(commands, dict) or word not in commands:
            break
        command = commands[word]
        names.append(word)
    return names, command


def _command_path(problem: typer.TyperException, argv: list[str] | None) -> str:
    """The command the mistake was made in (`wxcc-desk teams-auth status`), else the app.
    Some parse errors carry no context (`status -p` with no value): the words typed say it."""
    ctx = getattr(problem, "ctx", None)
    path = getattr(ctx, "command_path", "") or ""
    if path.startswith("wxcc-desk"):
        return path
    import itertools

    typed = sys.argv[1:] if argv is None else argv
    names, _ = _walk(list(itertools.takewhile(lambda w: not w.startswith("-"), typed)))
    return " ".join(["wxcc-desk", *names])


def main(argv: list[str] | None = None, actx: AppContext | None = None) -> None:
    """Entry point of the `wxcc-desk` console script: run the app, map every outcome to an exit.

    Tests may pass their own `actx` (other directories, environment, streams).
    """
    actx = actx or AppContext()
    with interrupt.whole_run():  # SIGTERM anywhere: one line, not a silent death
        _run(argv, actx)


def _run(argv: list[str] | None, actx: AppContext) -> None:
    try:
        code = app(args=argv, prog_name="wxcc-desk", standalone_mode=False, obj=actx)
        # Without standalone mode, click returns a command's `typer.Exit(n)` code instead of
        # raising it: pass a non-zero one on (diagnose exits 1 when a check fails).
        if isinstance(code, int) and code:
            if code == ExitCode.INTERRUPTED:  # Typer turned a Ctrl-C into a silent Exit(130)
                _stop_outside(argv, actx, ctrl_c=True)
            sys.exit(code)
    except interrupt.Terminated:  # SIGTERM outside a station guard (core/interrupt.py)
        _stop_outside(argv, actx, ctrl_c=False)
    except Stopped as stop:  # Ctrl-C or SIGTERM: one line, JSON with --json (core/interrupt.py)
        _stop(stop, actx)
    except WxccError as err:
        _report(err, actx)
        sys.exit(int(err.exit_code))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as usage:
        _usage(usage, argv, actx)
        sys.exit(int(ExitCode.USAGE))
    except (typer.Abort, KeyboardInterrupt):  # click makes a Ctrl-C an Abort (no prompts here)
        _stop_outside(argv, actx, ctrl_c=True)
    except Exception as bug:  # the one place a bug is caught: report it without a traceback
        if interrupt.signalled():  # Python turned the signal's exception into another one
            _stop_outside(argv, actx, ctrl_c=interrupt.by_ctrl_c(bug))
        _report_bug(bug, actx)
        sys.exit(int(ExitCode.INTERNAL))


def _stop(stop: Stopped, actx: AppContext) -> NoReturn:
    interrupt.dealt_with()
    _report_stop(stop, actx)
    sys.exit(int(stop.exit_code))


def _stop_outside(argv: list[str] | None, actx: AppContext, *, ctrl_c: bool) -> NoReturn:
    """A Ctrl-C or SIGTERM outside a station guard; `--json` as typed counts, also when the
    signal came before the command read its options."""
    actx.json_output = actx.json_output or "--json" in (sys.argv[1:] if argv is None else argv)
    _stop(interrupt.outside(actx, ctrl_c=ctrl_c), actx)


def stopped_outside_main(ctrl_c: bool) -> NoReturn:
    """A Ctrl-C or SIGTERM while Python imported the app, or after `main` (`__main__.run`):
    the same one line and exit code, and with `--json` the error document."""
    _stop_outside(None, AppContext(), ctrl_c=ctrl_c)


def _report_stop(stop: Stopped, actx: AppContext) -> None:
    from wxcc_desk.render import boundary

    json_out, lines = actx.json_output, actx.json_lines
    boundary.stopped(actx.out, stop, actx.tracker, json_out=json_out, lines=lines)


def _report_bug(bug: BaseException, actx: AppContext) -> None:
    from wxcc_desk.render import boundary

    boundary.bug(actx.out, bug, __version__, actx.tracker.run_id)
