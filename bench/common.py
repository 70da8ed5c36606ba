"""Shared helpers for the benchmarks: timing of whole commands, and the verdict table.

Every figure is a ratio of two measurements taken in the same run, so a slow or noisy machine
moves both sides together and the verdict stays the same.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Figure:
    name: str
    value: float
    target: str
    ok: bool
    detail: str = ""


def wall(cmd: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall time of one run of `cmd`, in seconds; fails loudly if the command fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0,):
        raise RuntimeError(
            f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-400:]}"
        )
    return elapsed


def interleaved_medians(
    commands: Mapping[str, Sequence[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Median wall time of each command, the commands run in turn so drift hits all alike."""
    for cmd in commands.values():  # warm the file cache and .pyc files
        wall(cmd, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(wall(cmd, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def bench_env(home: Path) -> dict[str, str]:
    """The environment of timed subprocesses. Bytecode is cached (in the run's temporary folder,
    so the tree stays clean) even when the caller sets PYTHONDONTWRITEBYTECODE: an installed
    wheel has its .pyc files, and recompiling every module at each start would be measured."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "WXCC_DESK_HOME": str(home),
            "NO_COLOR": "1",
            "WXCC_DESK_NONINTERACTIVE": "1",
            "PYTHONPYCACHEPREFIX": str(home / "pycache"),
        }
    )
    return env


def print_figures(figures: list[Figure]) -> bool:
    from tabulate import tabulate

    rows = [
        (f.name, f"{f.value:.3f}", f.target, "ok" if f.ok else "MISSED", f.detail) for f in figures
    ]
    print(tabulate(rows, headers=["figure", "ratio", "target", "verdict", "measured"]))
    return all(f.ok for f in figures)


# --------------------------------------------------------------------------- in-process runs

PROFILE = ROOT / "profiles" / "sandbox.yaml"
SAM = "sam@example.com"


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    seconds: float


def cli_inproc(argv: Sequence[str], env: dict[str, str]) -> CliRun:
    """The real CLI (`wxcc_desk.app.main`) in this process, timed; start-up cost excluded."""
    import io

    from wxcc_desk.app import main
    from wxcc_desk.core.context import AppContext
    from wxcc_desk.core.output import Output

    out, err = io.StringIO(), io.StringIO()
    actx = AppContext(out=Output(stdout=out, stderr=err), env={**os.environ, **env})
    code = 0
    start = time.perf_counter()
    try:
        main(list(argv), actx)
    except SystemExit as done:
        code = int(done.code or 0)
    return CliRun(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def sandbox_env(url: str, token: str) -> dict[str, str]:
    return {"WXCC_BASE_URL": url, "WXCC_ACCESS_TOKEN": token}
