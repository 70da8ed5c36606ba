"""The Teams flows' types: the profile's Microsoft target, the WxCC connector, the status
result, and the session object carrying what the flows need (tests replace its fields)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wxcc_desk.api import entra
from wxcc_desk.core.errors import ConfigError, ExitCode
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import Http
from wxcc_desk.http.factory import TEAMS_URLS, client_for
from wxcc_desk.http.tls import TlsChoice
from wxcc_desk.teams.store import PendingCode, TeamsStore, Vault

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.profiles.schema import Profile

STATES = ("not_configured", "not_authenticated", "pending", "succeeded", "expired", "failed")


@dataclass(frozen=True)
class TeamsTarget:
    """The profile's Microsoft side (`teams:` section)."""

    profile: str
    tenant: str | None
    client_id: str | None
    authority_url: str
    graph_url: str

    @property
    def configured(self) -> bool:
        return bool(self.tenant and self.client_id)

    @property
    def endpoints(self) -> entra.Endpoints:
        return entra.Endpoints(self.authority_url, self.tenant or "")

    def missing(self) -> str:
        keys = [
            k
            for k, v in (("teams.tenant", self.tenant), ("teams.client_id", self.client_id))
            if not v
        ]
        return " and ".join(keys)


@dataclass(frozen=True)
class Connector:
    """The WxCC side (protocol §5). `org` is the org's `microsoftConfig` (desktop-login
    aggregate): active, inactive, absent (not configured) or unknown (not readable); the
    Desktop Profile carries the older `showUserDetailsMS`/`stateSynchronizationMS` flags.
    `configured` is the verdict; None when neither side could be read."""

    configured: bool | None
    org: str = "unknown"
    presence_sync: bool | None = None
    show_user_details: bool | None = None
    desktop_profile: str = ""
    profile_presence_sync: bool | None = None
    profile_show_user_details: bool | None = None
    detail: str = ""
    tracking_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "configured": self.configured,
            "org_connector": self.org,
            "presence_sync": self.presence_sync,
            "show_user_details": self.show_user_details,
            "desktop_profile": {
                "name": self.desktop_profile or None,
                "stateSynchronizationMS": self.profile_presence_sync,
                "showUserDetailsMS": self.profile_show_user_details,
            },
            "detail": self.detail,
        }


@dataclass
class Probe:
    """The live Graph probe: `/me` then `/me/presence`."""

    ok: bool = False
    account: str = ""
    display_name: str = ""
    availability: str = ""
    activity: str = ""
    error: str = ""


@dataclass
class TeamsStatus:
    target: TeamsTarget
    state: str = "not_authenticated"
    reason: str = ""
    hint: str = ""
    code: str = ""
    exit_code: ExitCode = ExitCode.OK
    connector: Connector | None = None
    token_source: str = ""
    token: str | None = None
    token_expires_at: float | None = None
    refresh_stored: bool = False
    pending: PendingCode | None = None
    probe: Probe | None = None
    tracking_ids: list[str] = field(default_factory=list)
    # None: the keyring was not consulted (WXCC_TEAMS_ACCESS_TOKEN); "": usable; else why not.
    keyring_unusable: str | None = None

    def finish(
        self,
        state: str,
        reason: str,
        hint: str = "",
        *,
        code: str = "",
        exit_code: ExitCode = ExitCode.AUTH,
    ) -> TeamsStatus:
        self.state, self.reason, self.hint = state, reason, hint
        self.code = code or state.upper()
        self.exit_code = ExitCode.OK if state == "succeeded" else exit_code
        return self


@dataclass
class TeamsSession:
    """What the Teams flows need; commands and diagnose build one, tests replace fields."""

    target: TeamsTarget
    store: TeamsStore
    tracker: Tracker
    trace: Callable[[str], None]
    tls: TlsChoice
    profile: Profile
    env: Mapping[str, str] = field(default_factory=dict)
    transport: httpx.AsyncBaseTransport | None = None  # for in-process tests

    def http(self, auth: httpx.Auth | None = None) -> Http:
        """A client for the Microsoft endpoints (the one factory: TLS, https rule, timeouts)."""
        return client_for(
            self.profile,
            tracker=self.tracker,
            trace=self.trace,
            env=self.env,
            urls=TEAMS_URLS,
            tls=self.tls,
            auth=auth,
            transport=self.transport,
        )

    def login_hint(self) -> str:
        return f"run `wxcc-desk teams-auth login -p {self.profile.cli_ref}`"


def target_of(profile: Profile) -> TeamsTarget:
    """The `TeamsTarget` of a `wxcc_desk.profiles.load.Profile`."""
    t = profile.teams
    return TeamsTarget(
        profile.name, t.tenant, t.client_id, t.authority_url.rstrip("/"), t.graph_url.rstrip("/")
    )


def make_session(
    profile: Profile,
    vault: Vault,
    *,
    state_dir: Path,
    tracker: Tracker,
    trace: Callable[[str], None],
    tls: TlsChoice,
    env: Mapping[str, str],
) -> TeamsSession:
    store = TeamsStore(vault, state_dir, profile.name)
    return TeamsSession(target_of(profile), store, tracker, trace, tls, profile, env)


def require_configured(s: TeamsSession) -> None:
    if not s.target.configured:
        raise ConfigError(
            f"profile {s.target.profile!r} has no {s.target.missing()} for Microsoft Teams",
            hint="add a `teams:` section with `tenant` (the Entra tenant id or domain) and "
            "`client_id` (the app registration an Entra admin gives you), or set "
            "WXCC_TEAMS_TENANT / WXCC_TEAMS_CLIENT_ID",
            code="TEAMS_NOT_CONFIGURED",
        )
