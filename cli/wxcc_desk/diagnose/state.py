"""What the checks of one diagnose run share, reached through `ctx.state`: the profile, its
hosts, the clients and tokens, the run's tracker, trace and folders (set by
`diagnose/orchestrate.py` and `diagnose/clients.py` before the checks run)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from wxcc_desk.core.errors import WxccError
from wxcc_desk.core.tracking import Tracker

if TYPE_CHECKING:
    from wxcc_desk.api.tokens import TokenSet
    from wxcc_desk.core.keystore import Keystore
    from wxcc_desk.diagnose.ratelimit import TokenBucket
    from wxcc_desk.http.client import Http
    from wxcc_desk.http.tls import TlsChoice
    from wxcc_desk.profiles.schema import Profile

T = TypeVar("T")
Json = dict[str, Any]  # a service's JSON object, as api/ returns it


def _no_trace(line: str) -> None:
    return None


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
    admin_mode: bool = False  # the token is not the subject's own (--agent, --team, --all)
    # The run's sources, set by diagnose/orchestrate.py and diagnose/clients.py.
    keystore: Keystore | None = None
    tracker: Tracker = field(default_factory=Tracker)
    trace: Callable[[str], None] = _no_trace
    state_dir: Path | None = None
    tls: TlsChoice | None = None
    bucket: TokenBucket | None = None
    # The token-bearing client and its tokens, or why there is none.
    tokens: TokenSet | None = None
    token_error: WxccError | None = None
    authed: Http | None = None
    # Many-user runs hand each user's record over here (the USER resource pops it).
    user_docs: dict[str, Json] = field(default_factory=dict)
    # Seconds the run has spent paused by the server's Retry-After: deadlines are extended by
    # it, so waiting out a 429 never turns into a "slow" failure.
    paused_s: Callable[[], float] = field(default=lambda: 0.0)

    def host_of(self, role: str) -> str:
        url = self.hosts.get(role, "")
        return urlsplit(url).netloc or url

    def need(self, value: T | None, what: str) -> T:
        """`value`, set before the checks run; None is a bug (the check is reported crashed)."""
        if value is None:
            raise RuntimeError(f"diagnose: {what} was not set before the checks ran")
        return value

    @property
    def known_profile(self) -> Profile:
        """The profile: checks that use it require local.profile, which passes only with one."""
        return self.need(self.profile, "the profile")
