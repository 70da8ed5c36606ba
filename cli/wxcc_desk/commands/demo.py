"""`wxcc-desk demo`: a login/status/logout walk against an in-process sandbox."""

from typing import Annotated

import typer

from wxcc_desk.core.context import AppContext


def demo(
    ctx: typer.Context,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print JSON (schema wxcc-desk/demo/v1).")
    ] = False,
) -> None:
    """Start the sandbox in this process and walk login, status and logout with the sandbox
    profile shipped in the package, printing each step. Needs no checkout and no profile of
    yours. Touches nothing real: no network beyond loopback, nothing stored in the keyring.

    Example: wxcc-desk demo
    """
    actx = ctx.ensure_object(AppContext)
    actx.json_output = json_out
    from wxcc_desk.commands.demo_walk import run_demo
    from wxcc_desk.render import station as render

    report = run_demo(actx, render.event_printer(actx.out, actx.tracker, json_out))
    render.show_demo(actx.out, report, actx.tracker, json_out=json_out)
