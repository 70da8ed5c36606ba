"""Critical paths as the sandbox saw them: the longest chain of requests each of which arrived
only after the one before it was answered.

With a fixed latency added to every request, requests a flow sends in parallel overlap and
requests it must send in sequence do not, so the chain's length is the number of sequential
request round trips. Each agents call (login, state, reload, logout) also waits for its outcome
event, which the sandbox delays by the same latency: one more round trip per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wxcc_desk.sandbox.world import RecordedRequest

_SLACK_S = 0.005  # a request sent right after an answer may be logged a hair before it


@dataclass
class Path:
    steps: list[str]  # "GET /v1/people/me", ..., one per sequential round trip
    requests: int  # sequential requests in the chain
    events: int  # outcome events waited for after agents calls in the chain

    @property
    def round_trips(self) -> int:
        return self.requests + self.events

    def describe(self) -> str:
        return " -> ".join(self.steps)


def _end(r: RecordedRequest, latency_s: float) -> float:
    # A WebSocket upgrade is "answered" (in the log) only when the socket closes; its handshake
    # answer goes out right after the added latency.
    return r.received + latency_s if _is_upgrade(r) else r.answered


def _is_upgrade(r: RecordedRequest) -> bool:
    return r.path.startswith("/v1/notification/subscription/")


def _is_agents_call(r: RecordedRequest) -> bool:
    return r.path.startswith("/v1/agents/") and r.method in ("POST", "PUT")


def critical_path(records: Sequence[RecordedRequest], latency_s: float) -> Path:
    """Longest chain of strictly sequential requests (O(n^2): a flow sends tens of them)."""
    rows = sorted(records, key=lambda r: r.received)
    depth: list[int] = []
    prev: list[int] = []
    for i, r in enumerate(rows):
        best, parent = 0, -1
        for j in range(i):
            if _end(rows[j], latency_s) <= r.received + _SLACK_S and depth[j] > best:
                best, parent = depth[j], j
        depth.append(best + (2 if _is_agents_call(r) else 1))  # the call, then its outcome
        prev.append(parent)
    if not rows:
        return Path([], 0, 0)
    chain: list[RecordedRequest] = []
    at = max(range(len(rows)), key=lambda k: depth[k])
    while at >= 0:
        chain.append(rows[at])
        at = prev[at]
    chain.reverse()
    steps: list[str] = []
    events = 0
    for r in chain:
        steps.append(_label(r))
        if _is_agents_call(r):
            steps.append(f"{r.path.rsplit('/', 1)[-1]} outcome event")
            events += 1
    return Path(steps, len(chain), events)


def _label(r: RecordedRequest) -> str:
    path = r.path
    if "/organization/" in path:  # drop the org id: `GET org/user/by-ci-user-id/...`
        tail = path.split("/organization/", 1)[1].split("/", 1)
        path = "org/" + (tail[1] if len(tail) > 1 else "")
        parts = path.split("/")
        path = "/".join(p if len(p) < 32 else "{id}" for p in parts)
    if _is_upgrade(r):  # (the subscription id in its path is a credential)
        return "WebSocket upgrade + Welcome"
    return f"{r.method} {path}"
