"""`wxcc-desk demo`: a login/status/logout walk against an in-process sandbox."""

from typing import Annotated

import typer

from wxcc_desk.commands.station_events import event_printer
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
    import json

    from wxcc_desk.commands.demo_walk import run_demo
    from wxcc_desk.render import station as render
    from wxcc_desk.render.document import document

    report = run_demo(actx, event_printer(actx, json_out))
    if json_out:
        doc = {
            "sandbox_url": report.sandbox_url,
            "login": json.loads(render.login_json(report.login, actx.tracker)),
            "status": json.loads(render.status_json(report.status, report.token, actx.tracker)),
            "logout": json.loads(render.logout_json(report.logout, actx.tracker)),
        }
        actx.out.data(document("demo", actx.tracker, **doc))
        return
    actx.out.data("== login ==\n" + render.login_table(report.login))
    actx.out.data("\n== status ==\n" + render.status_table(report.status, report.token))
    actx.out.data("\n== logout ==\n" + render.logout_table(report.logout))
