"""The typed profile every flow receives, and the tables that describe the YAML schema.

`profiles.load_profile` builds a `Profile` from a file, the environment and flags; this module
holds only the result types and the constants the loader and docs share, so it stays cheap to
import.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Role = Literal["agent", "supervisor", "supervisor_agent"]
TelephonyOption = Literal["dial_number", "extension", "desktop"]
AfterLoginState = Literal["idle", "available"]
MultiLogin = Literal["fail", "takeover"]
Trust = Literal["certifi", "os", "bundle"]

# Every data centre in the SDK's host map (`api.wxcc-<region>.cisco.com`), India (in1) included.
REGIONS = ("us1", "eu1", "eu2", "anz1", "ca1", "jp1", "sg1", "in1")
ROLES: tuple[Role, ...] = ("agent", "supervisor", "supervisor_agent")
# The profile keys `login` (and `profiles show`) take as options, and the option of each.
FLAG_OPTIONS = {"team": "--team", "telephony.number": "--dial-number"}
TELEPHONY_OPTIONS: tuple[TelephonyOption, ...] = ("dial_number", "extension", "desktop")
AFTER_LOGIN_STATES: tuple[AfterLoginState, ...] = ("idle", "available")
MULTI_LOGIN: tuple[MultiLogin, ...] = ("fail", "takeover")

IDENTITY_URL = "https://webexapis.com"
STATUS_URL = "https://status.webex.com"
MS_AUTHORITY_URL = "https://login.microsoftonline.com"
MS_GRAPH_URL = "https://graph.microsoft.com"
# Scopes a station login needs: cjp:user for agents/* and notification subscribe,
# cjp:config_read for the profile reads, spark:people_read for /v1/people/me (protocol §1).
DEFAULT_SCOPES = ("cjp:user", "cjp:config_read", "spark:people_read")


def region_api_url(region: str) -> str:
    return f"https://api.wxcc-{region}.cisco.com"


def is_loopback_host(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and `localhost` only: the hosts where plain http cannot leave the box."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Telephony:
    option: TelephonyOption = "dial_number"
    # None for `desktop` (WebRTC uses the agent id), or when it comes from remembered credentials.
    number: str | None = None


@dataclass(frozen=True)
class AfterLogin:
    state: AfterLoginState = "idle"
    # Only with state `idle`: the idle (auxiliary) code name or id; None = the tenant default.
    idle_code: str | None = None


@dataclass(frozen=True)
class OAuthSettings:
    client_id: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    # 0 = any free port; a real Webex integration must register the exact redirect URI, so set one.
    redirect_port: int = 0


@dataclass(frozen=True)
class Timeouts:
    """Seconds: the profile's `timeouts` keys, and the one timeout policy of every HTTP client.

    `connect` and `read` (the profile key `timeouts.request`) per request; an attempt ends at
    `connect + read` whatever the server's pace (`deadline`; http/limits.py). `outcome` is how
    long to wait for the WebSocket result of an agent request, `keyring` bounds a keyring call.
    `attempts` counts the first try; a `Retry-After` up to `retry_after_cap` is waited, a longer
    one fails the call at once."""

    connect: float = 5.0
    read: float = 20.0
    outcome: float = 20.0
    keyring: float = 5.0
    attempts: int = 3
    retry_after_cap: float = 30.0

    @property
    def deadline(self) -> float:
        return self.connect + self.read


@dataclass(frozen=True)
class TlsSettings:
    """Which CA certificates verify HTTPS: certifi's bundle (httpx default), the OS store, or a
    PEM bundle file."""

    trust: Trust = "certifi"
    ca_bundle: Path | None = None

    def ssl_context(self) -> ssl.SSLContext:
        """An SSLContext for `httpx.AsyncClient(verify=...)`, the same one `http.tls.choose_tls`
        builds (`profiles/tls.py` is the one place that decides what `trust: os` means)."""
        from wxcc_desk.profiles.tls import verifier

        return verifier(self.trust, self.ca_bundle)[0]


@dataclass(frozen=True)
class TeamsSettings:
    """Microsoft Teams (Entra ID) settings used by `teams-auth`; no secrets."""

    tenant: str | None = None
    client_id: str | None = None
    authority_url: str = MS_AUTHORITY_URL
    graph_url: str = MS_GRAPH_URL


@dataclass(frozen=True)
class Profile:
    """One validated profile. URLs have no trailing slash; plain http only on loopback hosts."""

    name: str
    path: Path | None
    user: str
    role: Role
    api_url: str
    identity_url: str = IDENTITY_URL
    status_url: str = STATUS_URL
    region: str | None = None
    telephony: Telephony = field(default_factory=Telephony)
    team: str | None = None
    after_login: AfterLogin = field(default_factory=AfterLogin)
    remember: bool = False
    multi_login: MultiLogin = "fail"
    oauth: OAuthSettings = field(default_factory=OAuthSettings)
    timeouts: Timeouts = field(default_factory=Timeouts)
    tls: TlsSettings = field(default_factory=TlsSettings)
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    # Where each set value came from ("profiles/x.yaml:4", "$WXCC_TEAM", "option"), for status
    # and diagnose output. Not part of equality.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    # The `-p` argument this profile was loaded with (a name or a path), for the commands that
    # hints print: `-p NAME` would not find a profile that was given as a path.
    ref: str = field(default="", compare=False, hash=False)

    @property
    def cli_ref(self) -> str:
        """What to pass to `-p` in a suggested command to load this same profile again."""
        import shlex

        return shlex.quote(self.ref or self.name)

    @property
    def roles(self) -> list[str]:
        """The `roles` list of the station login body."""
        return {"agent": ["agent"], "supervisor": ["supervisor"]}.get(
            self.role, ["agent", "supervisor"]
        )

    @property
    def includes_agent(self) -> bool:
        return self.role in ("agent", "supervisor_agent")

    @property
    def is_loopback(self) -> bool:
        """True when the WxCC API is on this machine (the sandbox)."""
        return is_loopback_host(urlsplit(self.api_url).hostname)
