"""`wxcc-desk status`: the token and the station, as the service sees them."""

import sys
from typing import Annotated

import typer

from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import ExitCode


def status(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Profile name or path (or WXCC_PROFILE).")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print JSON (schema wxcc-desk/status/v1).")
    ] = False,
    with_token: Annotated[
        bool,
        typer.Option("--with-token", help="Read the access token from stdin for this run."),
    ] = False,
) -> None:
    """Show the token (source, masked value, expiry, user, org) and the station (logged in or
    not, state with its idle code, team, dial number, device type, since when), with a banner
    for degraded Contact Center (and Webex Identity) components on the Webex status page.

    Exit 0 when the station is logged in, 6 when it is not, 4 when the token is not the
    profile user's, 1 when ten other status or logout runs hold the service's connections;
    with --json, `ok` is true exactly when the exit is 0. Never takes over another run's
    session.

    Example: wxcc-desk status -p sandbox --json
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    from wxcc_desk.api.tokenform import read_stdin_token
    from wxcc_desk.render import station as render
    from wxcc_desk.station.run import run_status

    stdin_token = read_stdin_token(sys.stdin) if with_token else None
    on_event = render.event_printer(actx.out, actx.tracker, json_out)
    report, token = run_status(actx, profile, on_event, stdin_token)
    render.show_status(actx.out, report, token, actx.tracker, json_out=json_out)
    if report.exit_code != ExitCode.OK:  # the same verdict as the document's `ok`
        raise typer.Exit(int(report.exit_code))
