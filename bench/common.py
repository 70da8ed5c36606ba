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
from collections.abc import Sequence
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
    commands: dict[str, Sequence[str]], runs: int, env: dict[str, str] | None = None
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
    env = dict(os.environ)
    env.update({"WXCC_DESK_HOME": str(home), "NO_COLOR": "1", "WXCC_DESK_NONINTERACTIVE": "1"})
    return env


def print_figures(figures: list[Figure]) -> bool:
    from tabulate import tabulate

    rows = [
        (f.name, f"{f.value:.3f}", f.target, "ok" if f.ok else "MISSED", f.detail) for f in figures
    ]
    print(tabulate(rows, headers=["figure", "ratio", "target", "verdict", "measured"]))
    return all(f.ok for f in figures)
