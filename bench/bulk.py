"""Figure 4: `diagnose --all-agents` over a generated tenant, as a subprocess.

The sandbox (in this process) enforces the rate limit per token per minute and logs every
request with its arrival time, so the sustained request rate is measured on the server's side.
Peak memory is the diagnose process's own `ru_maxrss` (from `os.wait4`, not the children total).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import BIN, PROFILE, Figure, bench_env

ADMIN = "admin@floor.example"
FLOOR = Path(__file__).resolve().parent / "tenants" / "floor.yaml"


@dataclass
class BulkRun:
    agents: int
    wall: float  # the diagnose process, start to exit
    cpu: float  # its user + system CPU seconds
    span: float  # first to last request the sandbox received
    rate: float  # token-bearing requests per minute over the span
    requests: int
    rss_mb: float
    failed_429: int
    status_429: int  # answers the sandbox gave with 429
    times: list[float]
    counts: dict[str, int]
    exit_code: int


def _tenant(folder: Path, agents: int) -> Path:
    text = FLOOR.read_text().replace("  agents: 0", f"  agents: {agents}")
    path = folder / f"floor-{agents}.yaml"
    path.write_text(text)
    return path


def _profile(folder: Path) -> Path:
    # The shipped sandbox profile with the tenant's admin as its user.
    text = PROFILE.read_text().replace("user: sam@example.com", f"user: {ADMIN}")
    path = folder / "floor-admin.yaml"
    path.write_text(text)
    return path


_THROTTLED = re.compile(r"\b429\b|too many requests|rate limit", re.IGNORECASE)


def _mentions_429(doc: dict[str, Any]) -> int:
    """Results that failed (or crashed) naming a 429 or the rate limit: there should be none."""
    results = [*doc.get("checks", [])]
    for user in doc.get("users", []):
        results += user.get("problems", [])
    return sum(
        1
        for r in results
        if r.get("status") in ("fail", "crashed")
        and _THROTTLED.search(" ".join(str(r.get(k, "")) for k in ("summary", "detail")))
    )


def run_bulk(agents: int, rate_limit: int, home: Path) -> BulkRun:
    from wxcc_desk.sandbox import run_sandbox

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tenant, profile = _tenant(folder, agents), _profile(folder)
        with run_sandbox(tenant, rate_limit=rate_limit) as sb:
            env = {
                **bench_env(home),
                "WXCC_BASE_URL": sb.url,
                "WXCC_ACCESS_TOKEN": sb.token(ADMIN),
            }
            cmd = [str(BIN / "wxcc-desk"), "diagnose", "-p", str(profile), "--all-agents"]
            cmd += ["--rate-limit", str(rate_limit), "--json"]
            out_path, err_path = folder / "out.json", folder / "err.txt"
            with out_path.open("wb") as out, err_path.open("wb") as err:
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(status)
            log = [r for r in sb.requests if r.headers.get("Authorization")]
        text = out_path.read_text()
        if proc.returncode not in (0, 1) or not text:
            tail = err_path.read_text()[-400:]
            raise RuntimeError(f"diagnose --all-agents exited {proc.returncode}: {tail}")
    doc = json.loads(text)
    times = sorted(r.received for r in log)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span * 60 if span else 0.0
    return BulkRun(
        agents=agents,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        span=span,
        rate=rate,
        requests=len(times),
        rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        failed_429=_mentions_429(doc),
        status_429=sum(r.status == 429 for r in log),
        times=times,
        counts=dict(doc.get("counts") or {}),
        exit_code=proc.returncode,
    )


def _burst(rate_limit: int) -> int:
    from wxcc_desk.diagnose.ratelimit import BURST

    return int(min(BURST, rate_limit / 10))


def _paced_rate(run: BulkRun, rate_limit: int) -> float:
    """Requests per minute after the client's initial burst (the bucket lets `burst` go at
    once; what follows is the sustained pace)."""
    times = run.times[_burst(rate_limit) :]
    return (len(times) - 1) / (times[-1] - times[0]) * 60 if len(times) > 2 else 0.0


def bulk_figures(
    home: Path, agents: tuple[int, int], rate_limit: int, paced_limit: int
) -> list[Figure]:
    """Time per agent is the marginal CPU cost, (CPU - CPU with no agents) / agents, medians of
    five short runs and three long ones (CPU time: wall time of sub-second runs is too noisy);
    the rate is measured in a run whose limit binds."""
    import statistics

    small_n, large_n = agents

    def median_cpu(runs: list[BulkRun]) -> float:
        return statistics.median(r.cpu for r in runs)

    empty = median_cpu([run_bulk(0, rate_limit, home) for _ in range(5)])
    smalls = [run_bulk(small_n, rate_limit, home) for _ in range(5)]
    larges = [run_bulk(large_n, rate_limit, home) for _ in range(3)]
    large = larges[0]
    per_small = (median_cpu(smalls) - empty) / small_n
    per_large = (median_cpu(larges) - empty) / large_n
    flat = per_large / per_small
    # Users are read in pages (about one request per 100 agents), so at `rate_limit` the run is
    # CPU-bound; a limit low enough to bind makes the bucket set the pace, and the client
    # should then use at least 90% of it.
    binding = paced_limit
    paced = run_bulk(large_n, binding, home)
    sustained = _paced_rate(paced, binding)
    share = sustained / binding
    failed = sum(r.failed_429 for r in (*smalls, *larges, paced))
    throttled = sum(r.status_429 for r in (*smalls, *larges, paced))
    peak = max(r.rss_mb for r in larges)
    return [
        Figure(
            "bulk: request rate / limit",
            share,
            ">= 0.90",
            share >= 0.90,
            f"{sustained:.0f}/min after the burst of {_burst(binding)}, limit {binding}/min "
            f"({paced.requests} requests for {large_n} agents in {paced.span:.1f} s; "
            "counted by the sandbox)",
        ),
        Figure(
            "bulk: checks failed by a 429",
            float(failed),
            "== 0",
            failed == 0,
            f"{throttled} answers were 429; {large_n} agents: {large.counts}",
        ),
        Figure(
            f"bulk: time/agent {large_n} vs {small_n}",
            flat,
            "<= 1.15",
            flat <= 1.15,
            f"{per_large * 1000:.3f} vs {per_small * 1000:.3f} ms CPU per agent, --rate-limit "
            f"{rate_limit} ({large_n} agents: {large.wall:.2f} s wall, {large.requests} "
            f"requests; no agents: {empty:.2f} s CPU)",
        ),
        Figure(
            "bulk: peak memory (MB)",
            peak,
            "< 150",
            peak < 150,
            f"max RSS of diagnose over {large_n} agents ({smalls[0].rss_mb:.0f} MB at {small_n})",
        ),
    ]
