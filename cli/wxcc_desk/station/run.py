"""The one typed function each station command calls: profile, token, client, flow.

`run_login`, `run_status` and `run_logout` load the profile, resolve the token in the documented
order, build the HTTP client (TLS choice, TrackingId, trace) and run the async flow with a single
`interrupt.run` (asyncio.run, with SIGTERM handled). Commands only parse options before and
render after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from wxcc_desk.api.identity import org_from_token
from wxcc_desk.core import interrupt
from wxcc_desk.core.redact import mask
from wxcc_desk.http.factory import WXCC_URLS, check_urls, client_for, tls_for, tls_line
from wxcc_desk.station.liveness import HoldTimings
from wxcc_desk.station.model import EventSink, Station, spec_from_profile

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.api.tokens import TokenSet
    from wxcc_desk.auth.credentials import StationCredentials, StoreResult
    from wxcc_desk.core.context import AppContext
    from wxcc_desk.core.sources import Secrets
    from wxcc_desk.profiles.load import Profile
    from wxcc_desk.station.login import LoginResult
    from wxcc_desk.station.status import LogoutReport, StatusReport, TokenView

T = TypeVar("T")


@dataclass(frozen=True)
class LoginOptions:
    profile: str | None
    stdin_token: str | None = None
    takeover: bool = False
    hold: float | None = None  # None: no hold; 0: until interrupted
    overrides: Mapping[str, object] = field(default_factory=dict)
    web: bool = False  # sign in in the browser (OAuth PKCE) before the login
    available: bool = False  # --available: Available after login (desktop logins need it)


def load(
    env: Mapping[str, str], name: str | None, overrides: Mapping[str, object] | None = None
) -> Profile:
    from wxcc_desk.profiles.load import load_profile, profile_name

    return load_profile(profile_name(name, env), env=env, overrides=overrides)


def _auth(src: Secrets, profile: Profile, tokens: TokenSet) -> httpx.Auth:
    # Bearer header, plus one refresh (and keyring update) on expiry or a 401.
    from wxcc_desk.auth.refresh import RefreshingAuth

    return RefreshingAuth(profile, src, tokens)


def build_station(
    actx: AppContext,
    profile: Profile,
    tokens: TokenSet,
    on_event: EventSink,
    *,
    state_dir: Path | None = None,
) -> Station:
    check_urls(profile, WXCC_URLS)
    tls = tls_for(profile)
    actx.trace_line(tls_line(profile, tls))
    http = client_for(
        profile,
        tracker=actx.tracker,
        trace=actx.trace_line,
        env=actx.env,
        tls=tls,
        auth=_auth(actx, profile, tokens),
    )
    return Station(
        name=profile.name,
        cli_ref=profile.cli_ref,
        user=profile.user,
        token_org=org_from_token(tokens.access),
        token_source=tokens.source,
        api_url=profile.api_url,
        identity_url=profile.identity_url,
        status_url=profile.status_url,
        region=profile.region,
        http=http,
        tls=tls,
        tracker=actx.tracker,
        trace=actx.trace_line,
        state_dir=state_dir or actx.state_dir,
        outcome_timeout=profile.timeouts.outcome,
        on_event=on_event,
        hold_timings=HoldTimings.from_env(actx.env),
        on_risk=lambda text: setattr(actx, "at_risk", text),
    )


def run_flow(station: Station, flow: Callable[[Station], Awaitable[T]]) -> T:
    async def go() -> T:
        async with station.http:
            return await flow(station)

    return interrupt.run(go())


def token_view(tokens: TokenSet) -> TokenView:
    from wxcc_desk.station.status import TokenView

    return TokenView(tokens.source, mask(tokens.access), tokens.expires_at)


# --------------------------------------------------------------------------- commands


def run_login(
    actx: AppContext,
    opts: LoginOptions,
    on_event: EventSink,
    on_ready: Callable[[LoginResult], None] | None = None,
) -> LoginResult:
    """`on_ready` gets the result, warnings included, once the station is signed in: before a
    `--hold` begins, so the caller can show it first (the hold may end in an error)."""
    from wxcc_desk.auth import credentials

    profile = load(actx.env, opts.profile, opts.overrides)
    actx.profile_ref = profile.cli_ref
    recalled = credentials.recall_station(profile, actx)
    profile = credentials.with_remembered(profile, recalled.station)
    tokens = None if opts.web else credentials.resolve_tokens(profile, actx, opts.stdin_token)
    warnings: list[str] = []

    def ready(result: LoginResult) -> None:
        # The login worked: keep a stdin token now, not after a hold that may end in an error.
        warnings.extend(_after_login(actx, profile, opts, tokens, result, recalled.reason))
        result.warnings.extend(warnings)
        if on_ready is not None:
            on_ready(result)

    return interrupt.run(_login(actx, profile, opts, tokens, on_event, warnings, ready))


def _after_login(  # noqa: PLR0917 - one private step of run_login
    actx: AppContext,
    profile: Profile,
    opts: LoginOptions,
    tokens: TokenSet | None,
    result: LoginResult,
    recall_failure: str,
) -> list[str]:
    """Once signed in: store a `--with-token` token, and say what the result should warn of."""
    from wxcc_desk.auth import credentials

    warnings: list[str] = []
    if tokens is not None and tokens.source == "stdin":
        saved = credentials.store_tokens(profile, actx, tokens)
        if not saved.stored:
            warnings.append(
                f"the token was not saved ({saved.reason}); give status and logout the token "
                "again (--with-token, or WXCC_ACCESS_TOKEN)"
            )
    elif tokens is not None and tokens.source == "env":
        # Like gh with GH_TOKEN: an environment token is the caller's to keep, never copied.
        warnings.append(
            "the token from WXCC_ACCESS_TOKEN was used for this run and not stored; "
            "status and logout need it too (the variable or --with-token); where a keyring "
            f"is available, `wxcc-desk auth login --with-token -p {profile.cli_ref}` stores one"
        )
    if opts.hold is None and result.session.sub_status == "Available":
        # The sandbox and (inferred) the service set an agent Idle when its last socket closes.
        warnings.append(
            "the agent is Available now but goes Idle when this command exits and its "
            "notification socket closes; use --hold to stay Available"
        )
    if recall_failure and profile.remember:
        warnings.append(f"remembered station credentials unavailable: {recall_failure}")
    return warnings


async def _login(  # noqa: PLR0917 - one private step of run_login
    actx: AppContext,
    profile: Profile,
    opts: LoginOptions,
    tokens: TokenSet | None,
    on_event: EventSink,
    warnings: list[str],
    ready: Callable[[LoginResult], None],
) -> LoginResult:
    from wxcc_desk.station import login as station_login

    if tokens is None:  # --web: the browser sign-in first, in the same event loop
        from wxcc_desk.auth.browser import default_browser, login_web

        web = await login_web(
            profile, actx, browser=default_browser(actx.out.say, interactive=actx.interactive)
        )
        tokens = web.tokens
        if not web.stored.stored:
            warnings.append(
                f"the tokens were not saved ({web.stored.reason}); the next run needs --web again"
            )
    st = build_station(actx, profile, tokens, on_event)
    remember = (lambda used: _remember(actx, profile, used)) if profile.remember else None
    spec = spec_from_profile(profile, takeover=opts.takeover, available=opts.available)
    async with st.http:
        return await station_login.login(st, spec, hold=opts.hold, remember=remember, ready=ready)


def _remember(src: Secrets, profile: Profile, used: StationCredentials) -> None:
    """Store what the station really uses (a taken-over session may differ from the profile)."""
    from wxcc_desk.auth import credentials
    from wxcc_desk.core.errors import ConfigError

    saved = credentials.remember_station(profile, src, used)
    if not saved.stored:
        raise ConfigError(saved.reason or "the keyring refused the value")


def run_status(
    actx: AppContext, name: str | None, on_event: EventSink, stdin_token: str | None = None
) -> tuple[StatusReport, TokenView]:
    """`stdin_token`: the token `--with-token` read (used for this run, never stored)."""
    from wxcc_desk.auth import credentials
    from wxcc_desk.auth.refresh import RefreshingAuth
    from wxcc_desk.station import status as station_status

    profile = load(actx.env, name)
    actx.profile_ref = profile.cli_ref
    tokens = credentials.resolve_tokens(profile, actx, stdin_token)
    st = build_station(actx, profile, tokens, on_event)
    report = run_flow(st, station_status.status)
    auth = st.http.client.auth
    if isinstance(auth, RefreshingAuth):  # a refresh during the run: show the token now in use
        tokens = auth.tokens
    return report, token_view(tokens)


def run_logout(
    actx: AppContext,
    name: str | None,
    *,
    reason: str,
    forget: bool,
    on_event: EventSink,
    stdin_token: str | None = None,
) -> LogoutReport:
    """With `forget`, the stored tokens and station credentials are deleted whatever the
    logout's outcome: after it when it worked, and after its failure (no token, no session,
    refused, unreachable) too, the error then saying what was deleted. Not after Ctrl-C."""
    from wxcc_desk.auth import credentials
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.core.interrupt import Stopped
    from wxcc_desk.station import status as station_status

    profile = load(actx.env, name)
    actx.profile_ref = profile.cli_ref

    def forget_all() -> list[str]:
        return forgotten_items(credentials.forget(profile, actx))

    try:
        tokens = credentials.resolve_tokens(profile, actx, stdin_token)
        st = build_station(actx, profile, tokens, on_event)
        on_done = forget_all if forget else None
        return run_flow(st, lambda s: station_status.logout(s, reason=reason, forget=on_done))
    except WxccError as err:
        if not forget or isinstance(err, Stopped):
            raise
        raise err.also(forget_note(credentials.forget(profile, actx))) from None


def forgotten_items(done: StoreResult) -> list[str]:
    """What `logout --forget` lists after a logout that worked."""
    if done.stored:
        return list(done.removed) or ["nothing: no tokens or station credentials were stored"]
    return [f"nothing: the keyring is unavailable ({done.reason})"]


def forget_note(done: StoreResult) -> str:
    """What `--forget` did, said after the logout's own failure."""
    if not done.stored:
        return f"--forget deleted nothing: the keyring is unavailable ({done.reason})"
    if not done.removed:
        return "--forget found no stored tokens or station credentials to delete"
    return f"--forget deleted the stored {' and '.join(done.removed)} all the same"
