"""`wxcc-desk sandbox`: run the local WxCC sandbox (HTTP + WebSocket on one loopback port)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from wxcc_desk.sandbox.world import World

DEFAULT_RATE_LIMIT = 300  # requests per minute per token, Webex's documented default

_H = {
    "host": "Address to listen on (loopback unless --allow-remote).",
    "port": "Port to listen on; 0 picks a free port.",
    "tenant": "Tenant YAML file (start from --show-tenant); default: the shipped tenant.",
    "latency": "Milliseconds added to every HTTP answer.",
    "rate": "Requests per minute per token before 429 + Retry-After; 0 turns it off.",
    "fault": "Inject a fault, e.g. 'error=503,path=/v1/agents/login,rate=0.5' (repeatable).",
    "remote": "Allow a non-loopback --host (anyone who can reach it gets the tokens' power).",
    "show_tenant": "Print the shipped tenant file (a commented example of the format) and exit.",
    "show_faults": "Print the fault kinds and their options and exit.",
}


def sandbox(  # noqa: PLR0917 (Typer maps parameters to options)
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help=_H["host"])] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help=_H["port"])] = 0,
    tenant: Annotated[Path | None, typer.Option("--tenant", help=_H["tenant"])] = None,
    latency_ms: Annotated[int, typer.Option("--latency-ms", min=0, help=_H["latency"])] = 0,
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", min=0, help=_H["rate"])
    ] = DEFAULT_RATE_LIMIT,
    fault: Annotated[list[str] | None, typer.Option("--fault", help=_H["fault"])] = None,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help=_H["remote"])] = False,
    show_tenant: Annotated[bool, typer.Option("--show-tenant", help=_H["show_tenant"])] = False,
    show_faults: Annotated[bool, typer.Option("--show-faults", help=_H["show_faults"])] = False,
) -> None:
    """Serve Webex identity, WxCC config, agents, notifications (WebSocket), a status page and
    a control API on one port until Ctrl-C. Prints `sandbox listening on URL` first, then one
    line per user: e-mail, roles, access token.

    Example: wxcc-desk sandbox --port 8765 --fault 'ws-withhold=Welcome'
    """
    actx = ctx.ensure_object(AppContext)
    if show_tenant or show_faults:
        _show(actx, tenant=show_tenant)
        return
    from wxcc_desk.sandbox.serve import is_loopback_host

    if not allow_remote and not is_loopback_host(host):
        raise UsageError(
            f"refusing to listen on non-loopback host {host}",
            hint="use --host 127.0.0.1, or add --allow-remote if you really mean it",
        )
    world = _world(tenant, latency_ms, rate_limit or None, fault or [])
    _serve(actx, world, host, port)


def _show(actx: AppContext, *, tenant: bool) -> None:
    """The formats a user needs to write a tenant file or a fault, from the installed package."""
    if tenant:
        from wxcc_desk.sandbox.tenant import default_tenant_text

        actx.out.data(default_tenant_text())
    else:
        from wxcc_desk.sandbox import faults

        actx.out.data(faults.__doc__ or "")


def _world(
    tenant: Path | None, latency_ms: int, rate_limit: int | None, faults: list[str]
) -> "World":
    from wxcc_desk.sandbox import FaultError, TenantError, make_world

    try:
        return make_world(tenant, latency_ms=latency_ms, rate_limit=rate_limit, faults=faults)
    except TenantError as err:
        raise ConfigError(
            str(err),
            hint="fix the tenant file; `wxcc-desk sandbox --show-tenant` prints a working one",
        ) from None
    except FaultError as err:
        raise UsageError(
            str(err), hint="`wxcc-desk sandbox --show-faults` lists the kinds and their options"
        ) from None


def _serve(actx: AppContext, world: "World", host: str, port: int) -> None:
    from wxcc_desk.render import sandbox as render
    from wxcc_desk.sandbox.control import users_doc
    from wxcc_desk.sandbox.serve import serve_until_signal

    def ready(url: str) -> None:
        users = [
            render.SandboxUser(u["email"], u["roles"], u["admin"], u["token"])
            for u in users_doc(world)
        ]
        try:
            render.listening(actx.out, url, users)
        except BrokenPipeError:  # `wxcc-desk sandbox | head -1`: the reader took what it wanted
            _stdout_gone()
            render.stdout_closed(actx.out, url)

    import asyncio  # here, not at the top: it costs --help ~14 ms

    try:
        asyncio.run(serve_until_signal(world, host, port, ready))
    except OSError as err:  # the flags are right; the machine refuses (as login --web's port)
        import errno

        taken = err.errno in (errno.EADDRINUSE, errno.EACCES)
        raise ConfigError(
            f"cannot listen on {host}:{port}: {err.strerror or err}",
            hint="pick another --port (0 chooses a free one)"
            if taken
            else f"--host {host} is not an address of this machine: use 127.0.0.1 (the "
            "default), or one of its own addresses with --allow-remote",
            code="PORT_UNAVAILABLE" if taken else "HOST_UNAVAILABLE",
        ) from None
    render.stopped(actx.out)


def _stdout_gone() -> None:
    """Point stdout at /dev/null: the lines still buffered (and Python's flush at exit) then
    go nowhere instead of failing again, and serving goes on."""
    import os
    import sys

    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)
