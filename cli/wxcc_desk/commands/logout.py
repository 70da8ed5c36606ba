"""`wxcc-desk logout`: station logout."""

import sys
from typing import Annotated

import typer

from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import UsageError

_H = {
    "p": "Profile name or path (or WXCC_PROFILE).",
    "reason": "Logout reason recorded by the service (at most 128 characters).",
    "forget": "Also delete the stored tokens and remembered station credentials, even when "
    "the logout fails or there is no session (the error then says what was deleted).",
    "token": "Read the access token from stdin for this run (not stored).",
    "json": "Print JSON (schema wxcc-desk/logout/v1).",
}


def logout(  # noqa: PLR0917 (Typer maps parameters to options)
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=_H["p"])] = None,
    reason: Annotated[str, typer.Option("--reason", help=_H["reason"])] = "wxcc-desk logout",
    forget: Annotated[bool, typer.Option("--forget", help=_H["forget"])] = False,
    with_token: Annotated[bool, typer.Option("--with-token", help=_H["token"])] = False,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"])] = False,
) -> None:
    """Sign the station out: learn the session, refuse (listing the interaction ids) while an
    interaction or monitoring is active, set Idle, log out, wait for the outcome and clear the
    local session record. Exit 6 when the station was not logged in. With --forget the
    stored tokens and station credentials are deleted whatever the outcome (the exit code stays
    the logout's).

    Example: wxcc-desk logout -p sandbox --reason "end of shift"
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    text = reason.strip()
    if not text or len(text) > 128:
        raise UsageError(
            "--reason must be 1 to 128 characters", hint='e.g. --reason "end of shift"'
        )
    from wxcc_desk.api.tokenform import read_stdin_token
    from wxcc_desk.core.interrupt import guard
    from wxcc_desk.render import station as render
    from wxcc_desk.station.run import run_logout

    with guard(actx, profile_ref=profile or ""):  # Ctrl-C/SIGTERM: one line (exit 130/143)
        report = run_logout(
            actx,
            profile,
            reason=text,
            forget=forget,
            on_event=render.event_printer(actx.out, actx.tracker, json_out),
            stdin_token=read_stdin_token(sys.stdin) if with_token else None,
        )
    render.show_logout(actx.out, report, actx.tracker, json_out=json_out)
