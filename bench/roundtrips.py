"""Figures 2 and 3: login and single-user diagnose against a sandbox that adds 50 ms to every
request and outcome event, compared with the same flow at zero latency.

Both flows run in this process through the real CLI entry point (`wxcc_desk.app.main`), so the
figure measures the flow, not interpreter start-up (figure 1 covers that). The sandboxes run on
loopback in background threads.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.common import PROFILE, SAM, Figure, cli_inproc, sandbox_env
from bench.paths import Path, critical_path

LATENCY_MS = 50

# Login's critical path as the code is written (station/login.py, station/adopt.py,
# api/config.load_agent_config, station/socket.connect): `||` runs in parallel, each entry waits
# for the one before. After people/me, two chains run side by side: the configuration reads
# (user by CI id || organization || org settings || tenant config || idle codes, then Desktop
# Profile || site || teams || dial plans: two round trips) and the session probe the SDK's
# register() makes (subscribe, WebSocket + Welcome, reload, its outcome: four). The login waits
# for the longer one. The sandbox profile's user starts Idle with the default idle code, which
# is the state the profile asks for, so no state change (and no state outcome) follows.
LOGIN_PATH = (
    "GET people/me",
    "POST subscribe (beside it: user by CI id || org reads)",
    "WebSocket upgrade + Welcome (beside it: Desktop Profile || site || teams || dial plans)",
    "POST reload",
    "AgentReloginSuccess/Failed outcome event",
    "POST login",
    "StationLogin outcome event",
)


# Diagnose of the profile's own user (diagnose/data.py resources, diagnose/checks/config.py,
# session.py):
# two chains of four, run side by side; everything else (network probes, status page, org
# reads, the Teams reads, activities) overlaps them.
DIAGNOSE_PATH = (
    "GET people/me",
    "user by CI id || organization reads || Teams config || Graph",
    "teams || site || Desktop Profile",
    "multimedia profile (config.profiles)",
)
DIAGNOSE_SESSION_PATH = (
    "POST subscribe",
    "WebSocket upgrade + Welcome",
    "POST reload (after config.user)",
    "AgentReloginSuccess/Failed outcome event",
)


@dataclass
class Timed:
    zero: float  # median seconds at 0 ms
    slow: float  # median seconds at LATENCY_MS
    path: Path  # critical path derived from the slow sandbox's request log


def _timed(
    argv: Sequence[str], runs: int, after: Callable[[object], None], ok: tuple[int, ...]
) -> Timed:
    from wxcc_desk.sandbox import run_sandbox

    with run_sandbox() as zero, run_sandbox(latency_ms=LATENCY_MS) as slow:
        samples: dict[str, list[float]] = {"zero": [], "slow": []}
        path: Path | None = None
        for i in range(runs + 1):  # the first round warms imports and caches
            for name, sb in (("zero", zero), ("slow", slow)):
                sb.clear_requests()
                run = cli_inproc([*argv, "-p", str(PROFILE)], sandbox_env(sb.url, sb.token(SAM)))
                if run.code not in ok:
                    raise RuntimeError(f"{' '.join(argv)} exited {run.code}: {run.err[-400:]}")
                if name == "slow":
                    path = critical_path(sb.requests, LATENCY_MS / 1000)
                after(sb)
                if i:
                    samples[name].append(run.seconds)
        assert path is not None
    return Timed(statistics.median(samples["zero"]), statistics.median(samples["slow"]), path)


def _reset(sb: object) -> None:
    sb.reset()  # type: ignore[attr-defined]  # drop the session: every login is a first one


def login_figure(runs: int) -> tuple[Figure, Path]:
    t = _timed(["login"], runs, _reset, (0,))
    # The denominator is the stated critical path (README), not the log's count: an added
    # round trip must raise the ratio, and a log that disagrees with the code fails the figure.
    n, seen = len(LOGIN_PATH), t.path.round_trips
    ratio = (t.slow - t.zero) / (n * LATENCY_MS / 1000)
    same = "matches" if seen == n else "DIFFERS from the code's"
    detail = (
        f"{t.slow * 1000:.0f} ms at {LATENCY_MS} ms, {t.zero * 1000:.0f} ms at 0; "
        f"{n} round trips in the code, {seen} in the request log ({same})"
    )
    fig = Figure("round trips: login", ratio, "<= 1.20", ratio <= 1.20 and seen == n, detail)
    return fig, t.path


def diagnose_figure(runs: int) -> tuple[Figure, Path]:
    t = _timed(["diagnose", "--json"], runs, _reset, (0, 1))
    # The log's longest chain is an upper bound (requests that merely happen one after another
    # chain too); the code's count is the critical path, and the log must not be shorter.
    n = max(len(DIAGNOSE_PATH), len(DIAGNOSE_SESSION_PATH))
    seen = t.path.round_trips
    check = "confirms" if seen >= n else "is SHORTER than"
    critical = n * LATENCY_MS / 1000 + t.zero
    ratio = t.slow / critical
    detail = (
        f"{t.slow * 1000:.0f} ms at {LATENCY_MS} ms vs critical path {critical * 1000:.0f} ms "
        f"({n} round trips x {LATENCY_MS} ms + {t.zero * 1000:.0f} ms at 0; the log's "
        f"longest chain, {seen}, {check} it)"
    )
    fig = Figure("round trips: diagnose", ratio, "<= 1.25", ratio <= 1.25, detail)
    return fig, t.path
