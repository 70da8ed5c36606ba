"""Turn checked profile values into a `Profile`, enforcing the rules that span several keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.profiles.fields import Origin
from wxcc_desk.profiles.schema import (
    IDENTITY_URL,
    MS_AUTHORITY_URL,
    MS_GRAPH_URL,
    STATUS_URL,
    AfterLogin,
    OAuthSettings,
    Profile,
    TeamsSettings,
    Telephony,
    Timeouts,
    TlsSettings,
    region_api_url,
)

Checked = dict[str, tuple[object, Origin]]


class _Reader:
    def __init__(self, checked: Checked, shown: str, ref: str) -> None:
        # `ref`: the profile as `-p` takes it, shell-quoted, for the commands hints name
        self.checked, self.shown, self.ref = checked, shown, ref

    def get(self, key: str, default: Any = None) -> Any:
        value = self.checked.get(key, (None, None))[0]
        return default if value is None else value

    def origin(self, key: str) -> str:
        found = self.checked.get(key)
        return found[1].label if found else self.shown

    def missing(self, key: str, hint: str) -> ConfigError:
        return ConfigError(f"{self.shown}: key '{key}' is missing", hint=hint)


def build(name: str, path: Path, checked: Checked, shown: str, ref: str) -> Profile:
    """The Profile; `checked` maps dotted keys to (typed value, origin)."""
    r = _Reader(checked, shown, ref)
    region = r.get("region")
    api_url = r.get("api_url") or (region_api_url(region) if region else None)
    if api_url is None:
        raise r.missing(
            "region",
            "add `region: us1` (us1, eu1, eu2, anz1, ca1, jp1, sg1, in1) or `api_url: URL`",
        )
    user = r.get("user")
    if user is None:
        raise r.missing("user", "add `user: you@example.com` or set WXCC_USER")
    role = r.get("role")
    if role is None:
        raise r.missing("role", "add `role: agent` (agent, supervisor or supervisor_agent)")
    return Profile(
        name=name,
        path=path,
        user=user,
        role=role,
        api_url=api_url,
        identity_url=r.get("identity_url", IDENTITY_URL),
        status_url=r.get("status_url", STATUS_URL),
        region=region,
        telephony=_telephony(r),
        team=_team(r, role),
        after_login=_after_login(r),
        remember=r.get("remember", False),
        multi_login=r.get("multi_login", "fail"),
        oauth=_oauth(r),
        timeouts=_timeouts(r),
        tls=_tls(r),
        teams=_teams(r),
        sources={key: origin.label for key, (_v, origin) in checked.items()},
    )


def _telephony(r: _Reader) -> Telephony:
    option = r.get("telephony.option", "dial_number")
    # WebRTC (desktop) logs in with the agent id, so a number would be ignored by the service.
    number = None if option == "desktop" else r.get("telephony.number")
    if number is not None and len(number) > 43:  # dialNumber maxLength in the agents spec
        raise ConfigError(
            f"{r.origin('telephony.number')}: key 'telephony.number' is longer than 43 characters",
            hint="write the dial number or extension only (at most 43 characters)",
        )
    return Telephony(option=option, number=number)


def _team(r: _Reader, role: str) -> str | None:
    team = cast("str | None", r.get("team"))
    # With `remember: true` the team may come from the keyring at login; the station flow
    # reports it if none was remembered either.
    if team is None and role in ("agent", "supervisor_agent") and not r.get("remember", False):
        raise ConfigError(
            f"{r.origin('role')}: key 'team' is missing; role '{role}' signs in as an agent, "
            "which needs a team",
            hint=f"add `team: TEAM NAME OR ID` to the profile, or set WXCC_TEAM or --team "
            f"(`wxcc-desk diagnose -p {r.ref}` lists your teams)",
        )
    return team


def _after_login(r: _Reader) -> AfterLogin:
    state = r.get("after_login.state", "idle")
    idle_code = r.get("after_login.idle_code")
    if idle_code is not None and state != "idle":
        raise ConfigError(
            f"{r.origin('after_login.idle_code')}: key 'after_login.idle_code' applies only "
            "to state idle",
            hint="set after_login.state: idle, or delete after_login.idle_code",
        )
    return AfterLogin(state=state, idle_code=idle_code)


def _oauth(r: _Reader) -> OAuthSettings:
    defaults = OAuthSettings()
    return OAuthSettings(
        client_id=r.get("oauth.client_id"),
        scopes=r.get("oauth.scopes", defaults.scopes),
        redirect_port=r.get("oauth.redirect_port", defaults.redirect_port),
    )


def _timeouts(r: _Reader) -> Timeouts:
    d = Timeouts()
    return Timeouts(
        connect=r.get("timeouts.connect", d.connect),
        read=r.get("timeouts.request", d.read),
        outcome=r.get("timeouts.outcome", d.outcome),
        keyring=r.get("timeouts.keyring", d.keyring),
    )


def _tls(r: _Reader) -> TlsSettings:
    """`ca_bundle` wins over `trust`; `trust: PATH` is the same as `ca_bundle: PATH`."""
    bundle = r.get("tls.ca_bundle")
    trust = r.get("tls.trust", "certifi")
    if bundle is not None:
        return TlsSettings(trust="bundle", ca_bundle=bundle)
    if isinstance(trust, Path):
        return TlsSettings(trust="bundle", ca_bundle=trust)
    return TlsSettings(trust=trust)


def _teams(r: _Reader) -> TeamsSettings:
    return TeamsSettings(
        tenant=r.get("teams.tenant"),
        client_id=r.get("teams.client_id"),
        authority_url=r.get("teams.authority_url", MS_AUTHORITY_URL),
        graph_url=r.get("teams.graph_url", MS_GRAPH_URL),
    )
