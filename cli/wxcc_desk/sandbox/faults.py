"""Fault specs: `KIND[=VALUE][,path=GLOB][,method=M][,rate=R][,times=N][,after=N][,retry-after=S]`.

Kinds (example: `--fault 'error=503,path=/v1/agents/login,rate=0.5'`):
  error=CODE           answer CODE (4xx/5xx) with the spec's error body instead of the real answer
  drop                 close the connection without answering
  latency=MS           add MS milliseconds before answering
  ws-drop-after=N      close each notification WebSocket after N frames sent
  ws-withhold=EVENT    never send frames whose type or data.type is EVENT (e.g. Welcome)
  ws-half-open=N       after N frames sent, a socket stays open but sends nothing more,
                       server keepalives included (a half-open connection)
  ws-relogin-channel   answer a successful reload with AgentChannelReloginSuccess
  ws-sdk-shaped        success events carry only the fields of the SDK's types
  ws-foreign=WHO       before each outcome a socket is sent, a misleading decoy of another
                       agent, org or request (WHO: agent, org, request; sandbox/decoys.py)
  status=LEVEL:NAME    status page: mark the component whose name contains NAME as
                       LEVEL (degraded, partial, major, maintenance)

`after=N` lets the first N matches through untouched (e.g. withhold only the second reload's
answer). `retry-after=S` sets the `Retry-After` header (seconds) of an injected error; a 429 always
carries one (default 1 s), as Webex's rate limiter does.
"""

from __future__ import annotations

import fnmatch
import random
from dataclasses import dataclass

DEFAULT_RETRY_AFTER_S = 1
OPTIONS = ("path", "method", "rate", "times", "after", "retry-after")
KINDS = (
    "error",
    "drop",
    "latency",
    "ws-drop-after",
    "ws-withhold",
    "ws-half-open",
    "ws-relogin-channel",
    "ws-sdk-shaped",
    "ws-foreign",
    "status",
)
FOREIGN_WHO = ("agent", "org", "request")
STATUS_LEVELS = {
    "degraded": "degraded_performance",
    "partial": "partial_outage",
    "major": "major_outage",
    "maintenance": "under_maintenance",
}


class FaultError(ValueError):
    """A fault spec is malformed; the message is one line with the fix."""


@dataclass
class Fault:
    kind: str
    value: str = ""
    path: str = "*"
    method: str = "*"
    rate: float = 1.0
    times: int | None = None
    after: int = 0  # matches let through before the fault applies
    retry_after: int | None = None
    spec: str = ""

    @property
    def headers(self) -> dict[str, str]:
        """Headers of an injected error: 429s always say when to come back."""
        seconds = self.retry_after
        if seconds is None and self.kind == "error" and self.value == "429":
            seconds = DEFAULT_RETRY_AFTER_S
        return {} if seconds is None else {"Retry-After": str(seconds)}

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method.upper()):
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def fire(self) -> bool:
        """Decide (by rate and remaining count) whether this fault applies to this request."""
        if self.times is not None and self.times <= 0:
            return False
        if self.after > 0:
            self.after -= 1
            return False
        if self.rate < 1.0 and random.random() >= self.rate:
            return False
        if self.times is not None:
            self.times -= 1
        return True

    @property
    def int_value(self) -> int:
        return int(self.value)


def parse_fault(spec: str) -> Fault:
    """Parse one spec; raise `FaultError` naming the problem and the accepted form."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise FaultError("empty fault spec; e.g. --fault 'error=503,path=/v1/agents/login'")
    kind, _, value = parts[0].partition("=")
    if kind not in KINDS:
        raise FaultError(f"unknown fault kind {kind!r} in {spec!r}; use one of {', '.join(KINDS)}")
    fault = Fault(kind=kind, value=value, spec=spec)
    for part in parts[1:]:
        _option(fault, part, spec)
    _check_value(fault)
    return fault


def _option(fault: Fault, part: str, spec: str) -> None:
    key, sep, value = part.partition("=")
    if not sep:
        raise FaultError(f"fault option {part!r} in {spec!r} must be KEY=VALUE")
    if key not in OPTIONS:
        raise FaultError(f"unknown fault option {key!r} in {spec!r}; use {', '.join(OPTIONS)}")
    try:
        if key == "path":
            fault.path = value
        elif key == "method":
            fault.method = value.upper()
        elif key == "rate":
            fault.rate = float(value)
            if not 0.0 <= fault.rate <= 1.0:
                raise ValueError(value)
        elif key == "times":
            fault.times = int(value)
        elif key == "after":
            fault.after = int(value)
            if fault.after < 0:
                raise ValueError(value)
        else:
            fault.retry_after = int(value)
            if fault.retry_after < 0:
                raise ValueError(value)
    except ValueError:
        raise FaultError(
            f"bad value for {key} in {spec!r} (rate 0..1; times, after and retry-after whole "
            "numbers)"
        ) from None


# Bounds on values (a spec is refused beyond them): a latency of ten minutes, a million frames
# or uses, a day of Retry-After.
MAX_SPEC = 500
LIMITS = {"latency": 600_000, "ws-drop-after": 1_000_000, "ws-half-open": 1_000_000}
MAX_COUNT = 1_000_000
MAX_RETRY_AFTER = 86_400


def _check_value(fault: Fault) -> None:
    _check_bounds(fault)
    _check_kind(fault)


def _check_bounds(fault: Fault) -> None:
    if len(fault.spec) > MAX_SPEC or not fault.spec.isprintable():
        raise FaultError(f"a fault spec is at most {MAX_SPEC} printable characters")
    for name, count, top in (
        ("times", fault.times, MAX_COUNT),
        ("after", getattr(fault, "after", None), MAX_COUNT),
        ("retry-after", fault.retry_after, MAX_RETRY_AFTER),
    ):
        if count is not None and not 0 <= count <= top:
            raise FaultError(f"{name} must be 0 to {top} (got {count} in {fault.spec!r})")


def _check_kind(fault: Fault) -> None:
    kind, value = fault.kind, fault.value
    if kind in ("error", "latency", "ws-drop-after", "ws-half-open"):
        if not (value.isascii() and value.isdigit()):
            example = {"error": 503, "latency": 2000}.get(kind, 1)
            raise FaultError(f"{kind} needs a number, e.g. {kind}={example} (got {fault.spec!r})")
        if int(value) > LIMITS.get(kind, 599):
            raise FaultError(f"{kind} is at most {LIMITS.get(kind, 599)} (got {value})")
        if kind == "error" and not 400 <= int(value) <= 599:
            raise FaultError(f"error=CODE must be a 4xx or 5xx status (got {value})")
    elif kind == "ws-foreign" and value not in FOREIGN_WHO:
        raise FaultError(f"ws-foreign needs one of {', '.join(FOREIGN_WHO)} (got {value!r})")
    elif kind == "ws-withhold" and not value:
        raise FaultError("ws-withhold needs an event name, e.g. ws-withhold=Welcome")
    elif kind == "status":
        level, _, name = value.partition(":")
        if level not in STATUS_LEVELS or not name:
            raise FaultError(
                f"status fault must be LEVEL:COMPONENT with LEVEL one of "
                f"{', '.join(STATUS_LEVELS)}, e.g. status=degraded:US1 (got {value!r})"
            )
        from wxcc_desk.sandbox.status_page import REGIONS, matching  # it imports this module

        if not matching(name):
            raise FaultError(
                f"status fault {value!r} matches no component of the status page; NAME is "
                f"part of one, e.g. Contact Center, Identity, {', '.join(REGIONS)}"
            )
    if fault.retry_after is not None and kind != "error":
        raise FaultError(f"retry-after applies to error faults only (got {fault.spec!r})")
    if kind == "drop" and value:
        raise FaultError("drop takes no value; use e.g. drop,path=/v1/agents/*,rate=0.5")
    if kind in ("ws-relogin-channel", "ws-sdk-shaped") and value:
        raise FaultError(f"{kind} takes no value; use e.g. {kind},times=1")


def as_faults(items: object) -> list[Fault]:
    """Accept fault specs or `Fault` objects (the Python API takes either)."""
    if isinstance(items, str | Fault):
        items = [items]
    out: list[Fault] = []
    for item in items or ():  # type: ignore[attr-defined]
        out.append(item if isinstance(item, Fault) else parse_fault(str(item)))
    return out
