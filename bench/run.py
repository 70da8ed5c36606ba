"""Run every benchmark once and print each figure as a ratio with its target.

Usage: python3 tasks.py bench [--quick] [--only N[,N...]]

Figures (README "Performance"): 1 start-up, 2 login round trips, 3 diagnose round trips,
4 bulk diagnose, 5 `login --hold` memory and CPU over time. Every ratio compares two
measurements of one run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, print_figures


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpu = model or platform.processor() or platform.machine()
    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {datetime.date.today().isoformat()}"
    )


def _paths(name: str, path: object) -> None:
    from bench.paths import Path as CriticalPath

    assert isinstance(path, CriticalPath)
    print(f"{name} critical path from the request log ({path.round_trips} round trips):")
    print(f"  {path.describe()}")


def run(only: set[int], quick: bool, home: Path) -> list[Figure]:
    figures: list[Figure] = []
    if 1 in only:
        from bench.startup import help_ratio, status_ratio

        figures.append(help_ratio(home, runs=9 if quick else 21))
        figures.append(status_ratio(home, runs=7 if quick else 15))
    if 2 in only or 3 in only:
        from bench.roundtrips import LOGIN_PATH, diagnose_figure, login_figure

        runs = 3 if quick else 7
        if 2 in only:
            fig, path = login_figure(runs)
            print(f"login critical path in the code ({len(LOGIN_PATH)} round trips):")
            print("  " + " -> ".join(LOGIN_PATH))
            _paths("login", path)
            figures.append(fig)
        if 3 in only:
            fig, path = diagnose_figure(runs)
            _paths("diagnose", path)
            figures.append(fig)
    if 4 in only:
        from bench.bulk import bulk_figures

        figures += bulk_figures(home, (200, 2000), rate_limit=6000, paced_limit=120)
    if 5 in only:
        from bench.hold import hold_figures

        figures += hold_figures(home, interval_s=0.004 if quick else 0.01)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~1 minute)")
    parser.add_argument("--only", default="1,2,3,4,5", help="figures to run, e.g. 1,3")
    args = parser.parse_args(argv)
    only = {int(x) for x in args.only.split(",") if x.strip()}
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        # In-process flows (figures 2, 3) write their session records here, not in ~.
        os.environ["WXCC_DESK_HOME"] = str(home)
        os.environ["WXCC_DESK_NONINTERACTIVE"] = "1"
        figures = run(only, args.quick, home)
    print()
    return 0 if print_figures(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
