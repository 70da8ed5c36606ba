"""What the checks of one diagnose run share, reached through `ctx.state`: the profile, its
hosts, the clients and tokens, the run's tracker, trace and folders (set by
`diagnose/orchestrate.py` and `diagnose/clients.py` before the checks run)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wxcc_desk.core.errors import WxccError

if TYPE_CHECKING:
    from wxcc_desk.http.client import Http
    from wxcc_desk.profiles.schema import Profile


@dataclass
class RunState:
    """What checks share in one run: reached through `ctx.state`."""

    env: Mapping[str, str]
    hosts: dict[str, str] = field(default_factory=dict)  # role -> base URL
    deadline_s: float = 30.0
    profile: Profile | None = None
    profile_error: WxccError | None = None
    http: Http | None = None  # the run's client (no token): probes, status page
    connect_timeout: float = 5.0
    extras: dict[str, Any] = field(default_factory=dict)  # set by the command / other modules
    # Seconds the run has spent paused by the server's Retry-After: deadlines are extended by
    # it, so waiting out a 429 never turns into a "slow" failure.
    paused_s: Callable[[], float] = field(default=lambda: 0.0)

    def host_of(self, role: str) -> str:
        url = self.hosts.get(role, "")
        return urlsplit(url).netloc or url
