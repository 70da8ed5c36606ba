"""`wxcc-desk teams-auth status|login|retry|logout`: the user's Microsoft Teams authentication.

Thin: each command parses its options, calls one flow in `wxcc_desk.teams` and renders through
`wxcc_desk.render.teams`. Everything heavy is imported inside the functions.
"""

from collections.abc import Coroutine
from typing import Any, TypeVar

import typer

from wxcc_desk.core import interrupt
from wxcc_desk.core.context import AppContext

app = typer.Typer(
    help="Microsoft Teams user authentication: status, login (alias retry) and logout. The "
    "state Supervisor Desktop shows as 'Collaboration tools - Microsoft Teams'.\n\n"
    "Example: wxcc-desk teams-auth status -p sandbox --json (then `teams-auth login -p sandbox` "
    "if it is not succeeded)",
    no_args_is_help=True,
)

T = TypeVar("T")

_PROFILE = typer.Option(None, "--profile", "-p", help="Profile name or path (or WXCC_PROFILE).")


def _actx(ctx: typer.Context) -> AppContext:
    return ctx.ensure_object(AppContext)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return interrupt.run(coro)  # SIGTERM cancels it as Ctrl-C does (core/interrupt.py)


@app.command("status")
def status(
    ctx: typer.Context,
    profile: str | None = _PROFILE,
    as_json: bool = typer.Option(False, "--json", help="Versioned JSON on stdout."),
    no_connector: bool = typer.Option(
        False, "--no-connector", help="Do not read the WxCC connector settings (no Webex token)."
    ),
) -> None:
    """Show the Teams connector settings and the user's Microsoft authentication state
    (not_configured, not_authenticated, pending, succeeded, expired, failed), the token's source,
    masked value and expiry, and prove the token with Microsoft Graph /me and /me/presence.
    Completes a pending `login --no-wait`. Exit 0 only when succeeded (3 not_configured, 4 the
    other states, 5 Microsoft unavailable). Without a usable keyring: not_authenticated (exit
    4) unless WXCC_TEAMS_ACCESS_TOKEN or WXCC_TEAMS_REFRESH_TOKEN is set.

    Example: wxcc-desk teams-auth status -p sandbox --json
    """
    from wxcc_desk.render import teams as render_teams
    from wxcc_desk.teams import flows as teams
    from wxcc_desk.teams import session as teams_cli

    actx = _actx(ctx)
    actx.json_output = as_json
    prof, session = teams_cli.load(actx, profile)

    async def flow() -> teams.TeamsStatus:
        conn = None if no_connector else await teams_cli.connector(actx, prof, session)
        return await teams.status(session, conn)

    result = _run(flow())
    render_teams.render(actx.out, result, actx.tracker, as_json)
    if result.exit_code:
        raise typer.Exit(int(result.exit_code))


def login(
    ctx: typer.Context,
    profile: str | None = _PROFILE,
    no_wait: bool = typer.Option(
        False, "--no-wait", help="Print the code and exit; a later `status` finishes the sign-in."
    ),
    new_code: bool = typer.Option(
        False, "--new-code", help="Ignore a stored refresh token or pending code; ask a new code."
    ),
    as_json: bool = typer.Option(False, "--json", help="Versioned JSON status on stdout."),
) -> None:
    """Sign the profile's user in to Microsoft (OAuth 2.0 device authorization grant): prints a
    URL and a code on stderr, waits for the sign-in, stores the refresh token in the keyring and
    ends with the status. With a stored refresh token (or WXCC_TEAMS_REFRESH_TOKEN) it renews
    without a person, for CI. Without a usable keyring the sign-in holds for this run only (a
    warning says so) and --no-wait is refused (exit 3). --no-wait exits 0 in state pending.

    Example: wxcc-desk teams-auth login -p sandbox --no-wait
    """
    from wxcc_desk.render import teams as render_teams
    from wxcc_desk.teams import login as teams_login
    from wxcc_desk.teams import session as teams_cli

    actx = _actx(ctx)
    actx.json_output = as_json
    prof, session = teams_cli.load(actx, profile)
    actx.at_risk = interrupt.may_have(
        "the Microsoft sign-in may be unfinished or not stored", "teams-auth status", prof.cli_ref
    )
    result = _run(
        teams_login.login(
            session,
            wait=not no_wait,
            on_code=lambda p: render_teams.prompt(actx.out, p),
            on_note=lambda text: render_teams.note(actx.out, text),
            force_code=new_code,
        )
    )
    render_teams.render(actx.out, result, actx.tracker, as_json)
    if result.exit_code and not no_wait:
        raise typer.Exit(int(result.exit_code))


app.command("login")(login)
app.command(
    "retry",
    help="Alias of `login` (the Retry of Desktop's Profile Settings): renews silently from a "
    "stored refresh token, else asks for a device code.\n\n"
    "Example: wxcc-desk teams-auth retry -p sandbox",
)(login)


@app.command("logout")
def logout(
    ctx: typer.Context,
    profile: str | None = _PROFILE,
    as_json: bool = typer.Option(False, "--json", help="Versioned JSON on stdout."),
) -> None:
    """Remove the profile's stored Microsoft tokens (and any pending code) from the keyring.
    Without a usable keyring nothing can have been stored: it says so and exits 0.

    Example: wxcc-desk teams-auth logout -p sandbox --json
    """
    from wxcc_desk.render import teams as render_teams
    from wxcc_desk.teams import login as teams_login
    from wxcc_desk.teams import session as teams_cli

    actx = _actx(ctx)
    actx.json_output = as_json
    prof, session = teams_cli.load(actx, profile)
    actx.at_risk = interrupt.may_have(
        "the Microsoft tokens may or may not be removed", "teams-auth status", prof.cli_ref
    )
    removed = teams_login.logout(session)
    render_teams.logged_out(
        actx.out,
        session.target.profile,
        removed,
        session.store.unusable,
        actx.tracker,
        as_json=as_json,
    )
