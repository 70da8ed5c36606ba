"""Figure 5: memory and time of `login --hold` over many keepalives, as a subprocess.

Ten minutes of Desktop keepalives (every 4 s) is 150; the bench shortens the interval with the
hidden `WXCC_KEEPALIVE_SECONDS` (and the sandbox's own keepalives to match), then reads the
process's VmRSS and CPU time from /proc after N and after 10 N keepalive intervals.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from bench.common import BIN, PROFILE, SAM, Figure, bench_env

TEN_MINUTES = 150  # keepalives at Desktop's 4 s


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _wait_logged_in(proc: subprocess.Popen[bytes], deadline: float) -> None:
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"login --hold ended early (exit {proc.wait()})")
        try:
            doc = json.loads(line)
        except ValueError:
            continue  # the login document spans lines; events are one per line
        if isinstance(doc, dict) and doc.get("kind") == "logged_in":
            return
    raise RuntimeError("login --hold did not report logged_in")


def hold_figure(home: Path, interval_s: float) -> Figure:
    from wxcc_desk.sandbox import run_sandbox

    n = TEN_MINUTES
    with run_sandbox() as sb:
        sb.websocket(server_keepalive_s=interval_s)
        env = {
            **bench_env(home),
            "WXCC_BASE_URL": sb.url,
            "WXCC_ACCESS_TOKEN": sb.token(SAM),
            "WXCC_KEEPALIVE_SECONDS": str(interval_s),
        }
        duration = 10 * n * interval_s + 5
        cmd = [str(BIN / "wxcc-desk"), "login", "-p", str(PROFILE), "--hold", "--json"]
        cmd += ["--duration", f"{duration:.1f}"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            _wait_logged_in(proc, time.monotonic() + 30)
            start = time.monotonic()
            time.sleep(n * interval_s)
            rss_n, cpu_n = _rss_kb(proc.pid), _cpu_s(proc.pid)
            time.sleep(max(0.0, start + 10 * n * interval_s - time.monotonic()))
            rss_10n, cpu_10n = _rss_kb(proc.pid), _cpu_s(proc.pid)
            alive = proc.poll() is None
        finally:
            proc.terminate()  # SIGTERM ends --hold cleanly
            proc.wait(10)
    if not alive:
        raise RuntimeError("login --hold ended before 10 N keepalives")
    ratio = rss_10n / rss_n
    per_ka = (cpu_10n - cpu_n) / (9 * n) * 1000
    return Figure(
        f"hold: RSS after {10 * n} vs {n} keepalives",
        ratio,
        "<= 1.05",
        ratio <= 1.05,
        f"{rss_10n / 1024:.1f} MB vs {rss_n / 1024:.1f} MB, keepalive every "
        f"{interval_s * 1000:.0f} ms both ways; CPU {per_ka:.2f} ms per interval",
    )
