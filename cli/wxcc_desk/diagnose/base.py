"""The diagnose check interface and its registry.

Stable API: `diagnose/checks/teams.py` builds on it.

A check is a small async function registered with `@check(...)`. It receives a `CheckContext`,
reads what it needs through `ctx.get(resource)` (each resource is fetched once per run, or once
per diagnosed user, and shared by every check that asks for it) and returns an `Outcome`.
The runner (`diagnose/runner.py`) decides ordering, concurrency, deadlines and the exit code:

    from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, check

    @check("teams.connector", Layer.TEAMS, "Teams connector", requires=("identity.token",))
    async def connector(ctx: CheckContext) -> Outcome:
        cfg = await ctx.get(ORG_CONFIG)           # a Resource declared with @resource
        if not cfg.get("microsoftConfig"):
            return Outcome.fail("the Teams connector is not configured",
                                remediation="Control Hub > Contact Center > Tenant Settings > ...")
        return Outcome.ok("connector active")

Rules a check follows: it never prints, prompts or exits. Raising a `WxccError` is an expected
failure (status `fail`, its hint becomes the remediation, its tracking IDs are kept); raising
anything else is a bug in the check and reported as `crashed`, never as a pass. A check whose
prerequisite (`requires`) did not pass or warn is skipped with that reason, without running.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from wxcc_desk.diagnose.state import RunState

T = TypeVar("T")
NOT_APPLICABLE = "not_applicable"  # fact set by Outcome.not_applicable


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    CRASHED = "crashed"


class Layer(StrEnum):
    """Layers, in the order reports list them."""

    LOCAL = "local"
    NETWORK = "network"
    IDENTITY = "identity"
    SERVICE = "service"
    CONFIG = "config"
    DIAL_NUMBER = "dial-number"
    SESSION = "session"
    TEAMS = "teams"


class Scope(StrEnum):
    """RUN: once per run (local machine, network, service health). USER: once per diagnosed user."""

    RUN = "run"
    USER = "user"


@dataclass(frozen=True)
class Outcome:
    """What a check returns: a status, a one-line summary, a detail and the admin's fix."""

    status: Status
    summary: str
    detail: str = ""
    remediation: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)  # machine-readable extras (JSON)

    @classmethod
    def ok(cls, summary: str, detail: str = "", **facts: Any) -> Outcome:
        return cls(Status.PASS, summary, detail, "", facts)

    @classmethod
    def warn(cls, summary: str, remediation: str, detail: str = "", **facts: Any) -> Outcome:
        return cls(Status.WARN, summary, detail, remediation, facts)

    @classmethod
    def fail(cls, summary: str, remediation: str, detail: str = "", **facts: Any) -> Outcome:
        return cls(Status.FAIL, summary, detail, remediation, facts)

    @classmethod
    def skip(cls, summary: str, detail: str = "", **facts: Any) -> Outcome:
        """Skipped: checks that require this one are skipped too."""
        return cls(Status.SKIP, summary, detail, "", facts)

    @classmethod
    def not_applicable(cls, summary: str, detail: str = "", **facts: Any) -> Outcome:
        """Skipped because it does not apply here (no TLS on a loopback http URL, no team for
        a supervisor): checks that require this one still run."""
        return cls(Status.SKIP, summary, detail, "", {**facts, NOT_APPLICABLE: True})


@dataclass(frozen=True)
class Subject:
    """Who is being diagnosed. `admin` is true when the token is not the subject's own."""

    email: str
    admin: bool = False


class CheckContext(Protocol):
    """What a running check may use. Provided by the runner; tests may provide their own."""

    @property
    def subject(self) -> Subject | None:
        """The user being diagnosed (None for RUN-scoped checks)."""

    @property
    def env(self) -> Mapping[str, str]:
        """The environment of the run (proxy variables, CI markers)."""

    @property
    def state(self) -> RunState:
        """The run's shared state (profile, clients, tokens, sources): `diagnose/state.py`."""

    async def get(self, resource: Resource[T]) -> T:
        """The resource's value, fetched once per run (or per user) and shared between checks.

        A failed fetch raises the same `WxccError` in every check that asks for it.
        """

    def waiting_on(self, host: str, phase: str = "") -> None:
        """Say which host (and phase) the check now waits on, so a slow check can be named."""

    def add_tracking(self, *ids: str) -> None:
        """Attach tracking IDs to this check's result (requests made through the shared
        client are attached automatically)."""


Loader = Callable[[CheckContext], Awaitable[T]]
CheckFn = Callable[[CheckContext], Awaitable[Outcome]]


@dataclass(frozen=True)
class Resource(Generic[T]):
    """Data several checks share: `key` names it, `load` fetches it, `scope` says how often."""

    key: str
    load: Loader[T]
    scope: Scope = Scope.RUN
    host_role: str = ""  # "api", "identity", "status", "websocket": shown when a check is slow


def resource(
    key: str, scope: Scope = Scope.RUN, host_role: str = ""
) -> Callable[[Loader[T]], Resource[T]]:
    """Decorator: turn an async loader into a shared `Resource`."""

    def wrap(fn: Loader[T]) -> Resource[T]:
        return Resource(key, fn, scope, host_role)

    return wrap


@dataclass(frozen=True)
class Check:
    id: str  # stable: `<layer>.<name>`, used by --check, JSON, JUnit and docs
    layer: Layer
    title: str
    run: CheckFn
    requires: tuple[str, ...] = ()
    scope: Scope = Scope.RUN
    host_role: str = ""
    # Resources to start fetching as soon as the run starts, before the prerequisites finish,
    # so data the check needs is (nearly) ready when it may run: keeps the critical path short.
    prefetch: tuple[Resource[Any], ...] = ()


REGISTRY: dict[str, Check] = {}


def check(
    id: str,
    layer: Layer,
    title: str,
    *,
    requires: tuple[str, ...] = (),
    scope: Scope = Scope.RUN,
    host_role: str = "",
    prefetch: tuple[Resource[Any], ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Decorator registering a check under a stable id; the function is returned unchanged."""

    def wrap(fn: CheckFn) -> CheckFn:
        register(Check(id, layer, title, fn, requires, scope, host_role, prefetch))
        return fn

    return wrap


def register(item: Check) -> None:
    if item.id in REGISTRY and REGISTRY[item.id].run is not item.run:
        raise ValueError(f"duplicate diagnose check id {item.id!r}")
    REGISTRY[item.id] = item


@dataclass
class CheckResult:
    """One check's result as reports show it."""

    id: str
    layer: Layer
    title: str
    status: Status
    summary: str
    detail: str = ""
    remediation: str = ""
    tracking_ids: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    facts: Mapping[str, Any] = field(default_factory=dict)
    subject: str = ""  # the diagnosed user's email ("" for RUN-scoped checks)

    @property
    def ok(self) -> bool:
        return self.status in (Status.PASS, Status.WARN)

    @property
    def lets_dependents_run(self) -> bool:
        return self.ok or bool(self.facts.get(NOT_APPLICABLE))
