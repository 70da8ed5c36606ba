"""The one typed function each station command calls: profile, token, client, flow.

`run_login`, `run_status` and `run_logout` load the profile, resolve the token in the documented
order, build the HTTP client (TLS choice, TrackingId, trace) and run the async flow with a single
`asyncio.run`. Commands only parse options before and render after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from wxcc_desk.http import Timeouts, choose_tls, make_http, require_secure
from wxcc_desk.redact import mask
from wxcc_desk.render import TokenView
from wxcc_desk.station import EventSink, Station, spec_from_profile

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.context import AppContext
    from wxcc_desk.credentials import TokenSet
    from wxcc_desk.profiles import Profile
    from wxcc_desk.station_login import LoginResult
    from wxcc_desk.station_status import LogoutReport, StatusReport

T = TypeVar("T")


@dataclass(frozen=True)
class LoginOptions:
    profile: str | None
    stdin_token: str | None = None
    takeover: bool = False
    hold: float | None = None  # None: no hold; 0: until interrupted
    overrides: Mapping[str, object] = field(default_factory=dict)
    tokens: TokenSet | None = None  # from `--web`, already obtained


def load(
    actx: AppContext, name: str | None, overrides: Mapping[str, object] | None = None
) -> Profile:
    from wxcc_desk.profiles import load_profile, profile_name

    return load_profile(profile_name(name, actx.env), env=actx.env, overrides=overrides)


def _auth(actx: AppContext, profile: Profile, tokens: TokenSet) -> httpx.Auth:
    # Bearer header, plus one refresh (and keyring update) on expiry or a 401.
    from wxcc_desk.credentials_refresh import RefreshingAuth

    return RefreshingAuth(profile, actx, tokens)


def build_station(
    actx: AppContext, profile: Profile, tokens: TokenSet, on_event: EventSink
) -> Station:
    for key in ("api_url", "identity_url", "status_url"):
        require_secure(getattr(profile, key), key)
    tls = choose_tls(
        profile.tls.trust, profile.tls.ca_bundle, profile.sources.get("tls.ca_bundle", "")
    )
    actx.trace_line(tls.description + (" (plain http on loopback)" if profile.is_loopback else ""))
    http = make_http(
        tracker=actx.tracker,
        trace=actx.trace_line,
        tls=tls,
        timeouts=Timeouts(connect=profile.timeouts.connect, read=profile.timeouts.request),
        auth=_auth(actx, profile, tokens),
    )
    return Station(
        name=profile.name,
        api_url=profile.api_url,
        identity_url=profile.identity_url,
        status_url=profile.status_url,
        region=profile.region,
        http=http,
        tls=tls,
        tracker=actx.tracker,
        trace=actx.trace_line,
        state_dir=actx.state_dir,
        outcome_timeout=profile.timeouts.outcome,
        on_event=on_event,
    )


def run_flow(station: Station, flow: Callable[[Station], Awaitable[T]]) -> T:
    async def go() -> T:
        async with station.http:
            return await flow(station)

    return asyncio.run(go())


def token_view(tokens: TokenSet) -> TokenView:
    return TokenView(tokens.source, mask(tokens.access), tokens.expires_at)


# --------------------------------------------------------------------------- commands


def run_login(actx: AppContext, opts: LoginOptions, on_event: EventSink) -> LoginResult:
    from wxcc_desk import credentials, station_login

    profile = load(actx, opts.profile, opts.overrides)
    recalled = credentials.recall_station(profile, actx)
    profile = credentials.with_remembered(profile, recalled.station)
    tokens = opts.tokens or credentials.resolve_tokens(profile, actx, opts.stdin_token)
    spec = spec_from_profile(profile, takeover=opts.takeover)
    st = build_station(actx, profile, tokens, on_event)

    def remember() -> None:
        _remember(actx, profile)

    result = run_flow(
        st,
        lambda s: station_login.login(
            s, spec, hold=opts.hold, remember=remember if profile.remember else None
        ),
    )
    if tokens.source in ("stdin", "oauth"):
        saved = credentials.store_tokens(profile, actx, tokens)
        if not saved.stored:
            result.warnings.append(
                f"the token was not saved ({saved.reason}); status and "
                "logout will need WXCC_ACCESS_TOKEN"
            )
    if recalled.reason and profile.remember:
        result.warnings.append(f"remembered station credentials unavailable: {recalled.reason}")
    return result


def _remember(actx: AppContext, profile: Profile) -> None:
    from wxcc_desk import credentials
    from wxcc_desk.errors import ConfigError

    station = credentials.StationCredentials(
        profile.telephony.option, profile.telephony.number, profile.team
    )
    saved = credentials.remember_station(profile, actx, station)
    if not saved.stored:
        raise ConfigError(saved.reason or "the keyring refused the value")


def run_status(
    actx: AppContext, name: str | None, on_event: EventSink
) -> tuple[StatusReport, TokenView]:
    from wxcc_desk import credentials, station_status

    profile = load(actx, name)
    tokens = credentials.resolve_tokens(profile, actx, None)
    st = build_station(actx, profile, tokens, on_event)
    return run_flow(st, station_status.status), token_view(tokens)


def run_logout(
    actx: AppContext, name: str | None, *, reason: str, forget: bool, on_event: EventSink
) -> LogoutReport:
    from wxcc_desk import credentials, station_status

    profile = load(actx, name)
    tokens = credentials.resolve_tokens(profile, actx, None)
    st = build_station(actx, profile, tokens, on_event)

    def forget_all() -> list[str]:
        done = credentials.forget(profile, actx)
        if done.stored:
            return ["tokens", "station credentials"]
        return [f"nothing: the keyring is unavailable ({done.reason})"]

    return run_flow(
        st, lambda s: station_status.logout(s, reason=reason, forget=forget_all if forget else None)
    )


def web_sign_in(actx: AppContext, name: str | None) -> TokenSet:
    """`login --web`: the browser sign-in (PKCE) of the credentials module; the tokens are
    stored by `login_web` (run_login stores them again and warns if the keyring refuses)."""
    from wxcc_desk import oauth

    profile = load(actx, name)
    signed_in = asyncio.run(oauth.login_web(profile, actx, browser=oauth.default_browser(actx)))
    return signed_in.tokens
