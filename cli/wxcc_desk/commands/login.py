"""`wxcc-desk login`: station login from a profile."""

import sys
from typing import Annotated

import typer

from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import UsageError

_H = {
    "p": "Profile name or path (or WXCC_PROFILE).",
    "token": "Read the access token from stdin (e.g. `< token.txt`); it is kept in the keyring.",
    "web": "Sign in in the browser first (OAuth with PKCE) and keep the tokens in the keyring.",
    "takeover": "Take over a session this user has open elsewhere instead of failing.",
    "hold": "Stay connected (keepalives) and print events until interrupted or --duration.",
    "duration": "With --hold: stop after S seconds (default: until interrupted).",
    "json": "Print JSON (schema wxcc-desk/login/v1; --hold events as wxcc-desk/event/v1 lines).",
    "team": "Team name or id (overrides the profile).",
    "number": "Dial number or extension (overrides the profile).",
    "available": "Make the agent Available after login (overrides after_login.state); the "
    "only way a `desktop` (WebRTC) login is made Available, as this tool has no audio path.",
}


def login(  # noqa: PLR0917 (Typer maps parameters to options)
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=_H["p"])] = None,
    with_token: Annotated[bool, typer.Option("--with-token", help=_H["token"])] = False,
    web: Annotated[bool, typer.Option("--web", help=_H["web"])] = False,
    takeover: Annotated[bool, typer.Option("--takeover", help=_H["takeover"])] = False,
    hold: Annotated[bool, typer.Option("--hold", help=_H["hold"])] = False,
    duration: Annotated[
        float | None, typer.Option("--duration", min=0.1, metavar="S", help=_H["duration"])
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help=_H["team"])] = None,
    dial_number: Annotated[str | None, typer.Option("--dial-number", help=_H["number"])] = None,
    available: Annotated[bool, typer.Option("--available", help=_H["available"])] = False,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"])] = False,
) -> None:
    """Sign the station in: check the token's user, load the agent configuration, run preflight
    checks (role, telephony option, WebRTC, team, dial number), then subscribe, log in, wait for
    the outcome and apply the profile's state. A station already signed in as the profile asks
    is adopted (no second login); one signed in elsewhere is refused unless --takeover. A
    `desktop` login stays Idle unless --available: wxcc-desk has no WebRTC audio path. Without
    --hold the station stays signed in after the command exits (see README: "When wxcc-desk
    exits").

    Example: wxcc-desk login -p sandbox --hold --duration 60
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    actx.json_lines = json_out and hold
    if duration is not None and not hold:
        raise UsageError("--duration only applies with --hold", hint="add --hold")
    if web and with_token:
        raise UsageError("--web and --with-token are two ways to get a token; pick one")
    from wxcc_desk.core.interrupt import guard

    # Ctrl-C or SIGTERM from here on: one line saying what may have happened (exit 130, 143;
    # 0 for SIGTERM with --hold), never Typer's silent 130.
    with guard(actx, profile_ref=profile or "", hold=hold):
        from wxcc_desk.api.tokenform import read_stdin_token
        from wxcc_desk.render import station as render
        from wxcc_desk.station.login import LoginResult
        from wxcc_desk.station.run import LoginOptions, run_login

        overrides = {
            "team": team,
            "telephony.number": dial_number,
            "after_login.state": "available" if available else None,
        }
        opts = LoginOptions(
            profile=profile,
            stdin_token=read_stdin_token(sys.stdin) if with_token else None,
            takeover=takeover,
            hold=(duration or 0.0) if hold else None,
            overrides={k: v for k, v in overrides.items() if v is not None},
            web=web,
            available=available,
        )

        def show(result: LoginResult) -> None:
            render.show_login(actx.out, result, actx.tracker, json_out=json_out, compact=hold)

        # With --hold the result comes first, as soon as the station is signed in: the events
        # follow, and an error ending the hold (exit 1, 5, 6) comes last, from app.main.
        result = run_login(
            actx,
            opts,
            render.event_printer(actx.out, actx.tracker, json_out),
            show if hold else None,
        )
        if not hold:
            show(result)
