"""Figure 1: start-up cost of `wxcc-desk --help` against `python -c "import typer"`."""

from __future__ import annotations

from pathlib import Path

from bench.common import BIN, Figure, bench_env, interleaved_medians


def help_ratio(home: Path, runs: int = 21) -> Figure:
    commands = {
        "typer": [str(BIN / "python"), "-c", "import typer"],
        "help": [str(BIN / "wxcc-desk"), "--help"],
    }
    med = interleaved_medians(commands, runs, bench_env(home))
    ratio = med["help"] / med["typer"]
    detail = f"help {med['help'] * 1000:.0f} ms / import typer {med['typer'] * 1000:.0f} ms"
    return Figure("start-up: --help", ratio, "<= 1.30", ratio <= 1.30, detail)
