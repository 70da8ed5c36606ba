"""Local checks: profile valid, keyring backend usable, clock skew, proxy variables in effect."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from wxcc_desk.diagnose import netprobe
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, check
from wxcc_desk.diagnose.checks.network import ROLES, http_resource, server_date

SKEW_WARN_S = 30
SKEW_FAIL_S = 300
_PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@check("local.profile", Layer.LOCAL, "Profile valid")
async def profile_valid(ctx: CheckContext) -> Outcome:
    err = ctx.state.profile_error
    if err is not None:
        return Outcome.fail(err.message, err.hint, error=err.code)
    p = ctx.state.known_profile
    where = f" ({p.path})" if p.path else ""
    return Outcome.ok(
        f"profile {p.name}{where}: {p.user} as {p.role}, API {p.api_url}",
        user=p.user,
        role=p.role,
        api_url=p.api_url,
    )


@check("local.keyring", Layer.LOCAL, "Keyring backend usable")
async def keyring_usable(ctx: CheckContext) -> Outcome:
    """Through `wxcc_desk.core.keystore` (time-boxed): which backend, and why the others are not."""
    from wxcc_desk.core.keystore import Keystore, KeystoreUnavailable

    timeout = ctx.state.profile.timeouts.keyring if ctx.state.profile else 5.0
    store = Keystore(timeout=timeout)
    others = await asyncio.to_thread(_other_backends)
    detail = "other backends: " + ("; ".join(f"{n}: {why}" for n, why in others) or "none")
    try:
        await asyncio.to_thread(store.get, "diagnose", "probe")  # a read proves it answers
    except KeystoreUnavailable as err:
        if _keyring_not_needed(ctx):  # a CI run: token from the environment, nothing to keep
            return Outcome.ok(
                f"{err.message}; not needed: the token comes from WXCC_ACCESS_TOKEN and "
                "`remember` is off",
                detail=detail,
                backend=err.backend,
            )
        return Outcome.warn(
            f"{err.message}: tokens cannot be remembered",
            err.hint,
            detail=detail,
            backend=err.backend,
        )
    name = store.backend_name()
    return Outcome.ok(f"backend {name}", detail=detail, backend=name)


def _keyring_not_needed(ctx: CheckContext) -> bool:
    profile = ctx.state.profile
    return bool(ctx.state.env.get("WXCC_ACCESS_TOKEN")) and not (profile and profile.remember)


def _other_backends() -> list[tuple[str, str]]:
    import keyring
    import keyring.backend

    current = type(keyring.get_keyring())
    out: list[tuple[str, str]] = []
    for cls in sorted(keyring.backend.KeyringBackend._classes, key=lambda c: c.__name__):
        if cls is not current:
            out.append((f"{cls.__module__}.{cls.__name__}", _why_not(cls)))
    return out


def _why_not(cls: Any) -> str:
    try:
        priority = cls.priority
    except Exception as err:  # keyring signals "not viable here" by raising from priority
        return str(err) or type(err).__name__
    return f"viable, lower priority {priority}"


@check("local.clock", Layer.LOCAL, "Clock skew", requires=("network.api.http",))
async def clock_skew(ctx: CheckContext) -> Outcome:
    probe = await ctx.get(http_resource(ctx, "api"))
    server = server_date(probe)
    if server is None:
        return Outcome.skip("the API sent no Date header to compare with")
    local = probe.received_at - probe.took_ms / 2000
    skew = local - server
    text = f"local clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the server"
    fix = "turn on time synchronisation (NTP): tokens and certificates are time-checked"
    if abs(skew) > SKEW_FAIL_S:
        return Outcome.fail(text, fix, skew_s=round(skew, 1))
    if abs(skew) > SKEW_WARN_S:
        return Outcome.warn(text, fix, skew_s=round(skew, 1))
    return Outcome.ok(f"within {max(abs(skew), 1):.0f} s of the server", skew_s=round(skew, 1))


@check("local.proxy", Layer.LOCAL, "Proxy variables", requires=("local.profile",))
async def proxy_vars(ctx: CheckContext) -> Outcome:
    found = {v: ctx.env.get(v) or ctx.env.get(v.lower()) for v in _PROXY_VARS}
    shown = {
        k: (netprobe.strip_credentials(v) if k != "NO_PROXY" else v) for k, v in found.items() if v
    }
    for name, value in shown.items():
        if name != "NO_PROXY" and not urlsplit(value).hostname:
            return Outcome.fail(
                f"{name} is not a proxy URL: {value}",
                f"set {name} to http://HOST:PORT (or unset it)",
            )
    routes = {role: netprobe.proxy_for(ctx.state.hosts.get(role, ""), ctx.env) for role in ROLES}
    via = ", ".join(f"{r} via {p}" for r, p in routes.items() if p) or "all hosts direct"
    if not shown:
        return Outcome.ok("no proxy variables set: all hosts direct", routes=routes)
    listed = ", ".join(f"{k}={v}" for k, v in shown.items())
    return Outcome.ok(f"{listed}; {via}", routes=routes)
