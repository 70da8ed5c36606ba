"""Station flows: what they need (`Station`), what they are asked (`StationSpec`), and what they
return. The flows themselves live in `station/login.py` and `station/status.py`; the checks that
run before anything is sent in `station/preflight.py`.

Flows never print: progress and `--hold` events go to the `on_event` callback the command gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wxcc_desk.api.ownership import Owner
from wxcc_desk.core.dialnumber import DeviceType
from wxcc_desk.core.errors import AuthError
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import Http
from wxcc_desk.http.tls import TlsChoice
from wxcc_desk.station.liveness import HoldTimings

if TYPE_CHECKING:
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.profiles.schema import Profile
    from wxcc_desk.station.login import LoginResult
    from wxcc_desk.station.status import LogoutReport, StatusReport, TokenView

TELEPHONY_DEVICE = {
    "dial_number": DeviceType.AGENT_DN,
    "extension": DeviceType.EXTENSION,
    "desktop": DeviceType.BROWSER,
}
DEVICE_TELEPHONY = {v: k for k, v in TELEPHONY_DEVICE.items()}
# Phone-number region used to read national numbers, by WxCC data centre.
PHONE_REGION = {
    "us1": "US",
    "ca1": "CA",
    "eu1": "GB",
    "eu2": "DE",
    "anz1": "AU",
    "jp1": "JP",
    "sg1": "SG",
    "in1": "IN",
}


@dataclass(frozen=True)
class StationEvent:
    """Something a person may want to see while a flow runs or a session is held."""

    # step | state | rona | multi_login | closed | event | warning; --hold recovery: lost,
    # reconnect, reconnect_failed, reconnected, restored
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


EventSink = Callable[[StationEvent], None]


@dataclass(frozen=True)
class StationSpec:
    """What a station login asks for; built from a profile (or by diagnose)."""

    user: str
    role: str  # agent | supervisor | supervisor_agent
    telephony: str  # dial_number | extension | desktop
    number: str
    team: str | None
    after_state: str = "idle"  # idle | available
    idle_code: str | None = None
    region: str = "US"  # phone-number region for national numbers
    takeover: bool = False
    # `--available` in this run: the only way a desktop (WebRTC) login is made Available.
    explicit_available: bool = False

    @property
    def roles(self) -> tuple[str, ...]:
        return {"agent": ("agent",), "supervisor": ("supervisor",)}.get(
            self.role, ("agent", "supervisor")
        )

    @property
    def device(self) -> DeviceType:
        return TELEPHONY_DEVICE[self.telephony]


def spec_from_profile(
    profile: Profile, *, takeover: bool = False, available: bool = False
) -> StationSpec:
    return StationSpec(
        user=profile.user,
        role=profile.role,
        telephony=profile.telephony.option,
        number=profile.telephony.number or "",
        team=profile.team,
        after_state=profile.after_login.state,
        idle_code=profile.after_login.idle_code,
        region=PHONE_REGION.get((profile.region or "").lower(), "US"),
        takeover=takeover or profile.multi_login == "takeover",
        explicit_available=available,
    )


@dataclass
class Station:
    """The dependencies of every station flow; the command builds it, tests may too."""

    name: str  # the profile name: keys the local session record
    api_url: str
    identity_url: str
    status_url: str
    region: str | None
    http: Http
    tls: TlsChoice
    tracker: Tracker
    trace: Callable[[str], None]
    state_dir: Path
    outcome_timeout: float = 20.0
    on_event: EventSink = field(default=lambda e: None)
    user: str = ""  # the profile's user: status notes, logout refuses, another token's user
    token_org: str = ""  # the org a WxCC user token names (its third `_` part), when it does
    token_source: str = ""  # where the token came from (api/tokens.py TokenSource): fixes say it
    cli_ref: str = ""  # how hints name the profile: `-p <cli_ref>`
    hold_timings: HoldTimings = field(default_factory=HoldTimings)  # --hold liveness, backoff
    # Told what a Ctrl-C or SIGTERM now would leave (core/interrupt.py prints it then).
    on_risk: Callable[[str], None] = field(default=lambda _text: None)
    # Whose events are the user's (api/ownership.py): set once people/me has answered; every
    # socket the flow opens (reconnects included) starts from it.
    owner: Owner = field(default_factory=Owner)

    def claim(self, agent_id: str, org_id: str) -> None:
        self.owner = self.owner.claim(agent_id, org_id)

    def step(self, text: str, **data: Any) -> None:
        import time

        self.on_event(StationEvent("step", text, data, time.time()))

    def risk(self, text: str) -> None:
        """Say what an interruption from now on may leave ("the station may be signed in")."""
        self.on_risk(text)


@dataclass(frozen=True)
class SessionInfo:
    """The station as the service reports it (login success or relogin data)."""

    agent_id: str
    session_id: str
    team_id: str
    team_name: str
    dial_number: str
    device_type: str
    status: str  # LoggedIn
    sub_status: str  # Available | Idle | RONA
    aux_code_id: str
    idle_code_name: str
    since_ms: int
    interaction_ids: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def state_label(self) -> str:
        if self.sub_status == "Idle" and self.idle_code_name:
            return f"Idle ({self.idle_code_name})"
        return self.sub_status or self.status


def session_from(data: dict[str, Any], team_name: str = "", idle_name: str = "") -> SessionInfo:
    """Build from `AgentStationLoginSuccess` / `AgentReloginSuccess` / state-change data."""
    since = data.get("lastStateChangeTimestamp") or data.get("loginTimestamp") or 0
    return SessionInfo(
        agent_id=str(data.get("agentId") or ""),
        session_id=str(data.get("agentSessionId") or ""),
        team_id=str(data.get("teamId") or ""),
        team_name=team_name,
        dial_number=str(data.get("dialNumber") or data.get("dn") or ""),
        device_type=str(data.get("deviceType") or ""),
        status=str(data.get("status") or "LoggedIn"),
        sub_status=str(data.get("subStatus") or ""),
        aux_code_id=str(data.get("auxCodeId") or ""),
        idle_code_name=idle_name,
        since_ms=int(since) if isinstance(since, int | float) else 0,
        interaction_ids=tuple(str(i) for i in data.get("interactionIds") or ()),
        roles=tuple(str(r) for r in data.get("roles") or ()),
    )


def check_token_user(user: str, me: Identity, outcome: str = "", source: str = "") -> None:
    """The token must be the profile user's: login, status and logout act on the token's own
    station, which would be somebody else's. `outcome` says what was not done; `source`, where
    the token came from, decides the fix (a sign-in cannot replace WXCC_ACCESS_TOKEN)."""
    if not me.has_email(user):
        raise AuthError(
            f"the token belongs to {me.email or me.display_name or 'another user'}, not to the "
            f"profile's user {user}" + (f"; {outcome}" if outcome else ""),
            hint=_wrong_user_fix(user, source),
            code="WRONG_USER",
        )


def _wrong_user_fix(user: str, source: str) -> str:
    if source == "env":
        return (
            f"replace WXCC_ACCESS_TOKEN with a token of {user}, or unset it (while it is set "
            "it is used before the keyring, so signing in cannot help); or fix `user` in the "
            "profile"
        )
    if source == "stdin":
        return f"pipe a token of {user} to --with-token, or fix `user` in the profile"
    return "sign in as the profile's user (`wxcc-desk login --web`) or fix `user` in the profile"


@dataclass
class DemoReport:
    """What `wxcc-desk demo` walked: the sandbox's URL and each step's result."""

    sandbox_url: str
    login: LoginResult
    status: StatusReport
    token: TokenView
    logout: LogoutReport
