"""`wxcc-desk auth login|status|logout`: a profile's tokens, apart from the station (as `gh auth`).

Thin: each command parses its options, calls one flow of `wxcc_desk.auth.accounts` and renders
through `wxcc_desk.render.auth`. Everything heavy is imported inside the functions.
"""

import sys
from typing import Annotated, Any

import typer

from wxcc_desk.core import interrupt
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import UsageError

app = typer.Typer(
    help="A profile's Webex tokens, apart from the station: store one (login), show them "
    "(status), delete them (logout). None of these touches the station.\n\n"
    "Example: wxcc-desk auth login -p NAME --with-token < token.txt, then wxcc-desk auth status",
    no_args_is_help=True,
)

_H = {
    "p": "Profile name or path (or WXCC_PROFILE).",
    "token": "Read the access token from stdin (e.g. `< token.txt`).",
    "web": "Sign in in the browser (OAuth with PKCE; the default without --with-token).",
    "json": "Print JSON (schema wxcc-desk/auth-{0}/v1).",
    "all": "Profile name or path (or WXCC_PROFILE); without either, every profile found.",
}


def _actx(ctx: typer.Context, json_out: bool) -> AppContext:
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    return actx


def _run(coro: Any) -> Any:
    return interrupt.run(coro)


@app.command("login")
def login(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=_H["p"])] = None,
    with_token: Annotated[bool, typer.Option("--with-token", help=_H["token"])] = False,
    web: Annotated[bool, typer.Option("--web", help=_H["web"])] = False,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"].format("login"))] = False,
) -> None:
    """Store a token for the profile in the keyring, whatever the station's state (the station
    is never asked): --with-token reads it from stdin, --web (the default) signs in in the
    browser. The token's user (Webex people/me) must be the profile's user; otherwise nothing
    is stored (exit 4). Exit 3 for a malformed token or an unusable keyring (checked first:
    no sign-in is asked for then), 5 when identity cannot be reached.

    Example: wxcc-desk auth login -p sandbox --with-token < token.txt
    """
    actx = _actx(ctx, json_out)
    if web and with_token:
        raise UsageError("--web and --with-token are two ways to get a token; pick one")
    from wxcc_desk.api.tokenform import read_stdin_token
    from wxcc_desk.auth import accounts
    from wxcc_desk.profiles.load import profile_name
    from wxcc_desk.render import auth as render

    raw = read_stdin_token(sys.stdin) if with_token else None
    prof = accounts.load(profile_name(profile, actx.env), actx.env)
    actx.profile_ref = prof.cli_ref  # a fix naming a command gets `-p` (app.py)
    actx.at_risk = interrupt.may_have(
        "the token may or may not be stored", "auth status", prof.cli_ref
    )
    if raw is not None:
        result = _run(accounts.login_with_token(prof, actx, raw))
    else:
        from wxcc_desk.auth.browser import default_browser

        browser = default_browser(actx.out.say, interactive=actx.interactive)
        result = _run(accounts.login_in_browser(prof, actx, browser))
    shown = render.login_json(result, actx.tracker) if json_out else render.login_table(result)
    actx.out.data(shown)


@app.command("status")
def status(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=_H["all"])] = None,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"].format("status"))] = False,
) -> None:
    """Show each profile's token: the user and org it belongs to (Webex people/me), where it
    comes from (WXCC_ACCESS_TOKEN, else the keyring), masked, its expiry and the scopes
    the sign-in granted. A stored token past its expiry is refreshed (and the refresh stored).
    The station is never asked. Exit 0 when every profile shown has a valid token of its user,
    4 when any has none, an unusable one or another user's; otherwise 3 (a profile cannot be
    read) or 5 (identity cannot be reached).

    Example: wxcc-desk auth status --json
    """
    actx = _actx(ctx, json_out)
    from wxcc_desk.auth import accounts
    from wxcc_desk.render import auth as render

    refs = accounts.profile_refs(profile, actx.env)
    if refs is None:  # one profile: one that cannot be read is the command's error
        from wxcc_desk.profiles.load import profile_name

        prof = accounts.load(profile_name(profile, actx.env), actx.env)
        actx.profile_ref = prof.cli_ref
        report = accounts.AuthStatus((_run(accounts.status_of(prof, actx)),))
    elif not refs:
        raise accounts.no_profiles(actx.env)
    else:
        report = _run(accounts.status_all(actx, refs))
    shown = render.status_json(report, actx.tracker) if json_out else render.status_table(report)
    actx.out.data(shown)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@app.command("logout")
def logout(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=_H["p"])] = None,
    json_out: Annotated[bool, typer.Option("--json", help=_H["json"].format("logout"))] = False,
) -> None:
    """Delete the profile's stored tokens and remembered station credentials from the keyring,
    whatever the station's state (the station is never asked; `wxcc-desk logout` signs it
    out). Exit 0 also when nothing was stored (it says so); 3 when the keyring is unusable.

    Example: wxcc-desk auth logout -p sandbox
    """
    actx = _actx(ctx, json_out)
    from wxcc_desk.auth import accounts
    from wxcc_desk.profiles.load import profile_name
    from wxcc_desk.render import auth as render

    prof = accounts.load(profile_name(profile, actx.env), actx.env)
    actx.profile_ref = prof.cli_ref  # a fix naming a command gets `-p` (app.py)
    actx.at_risk = interrupt.may_have(
        "the stored tokens may or may not be deleted", "auth status", prof.cli_ref
    )
    result = accounts.logout(prof, actx)
    render.show_logout(actx.out, result, actx.tracker, json_out=json_out)
