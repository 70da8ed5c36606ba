"""Run every benchmark once and print each figure as a ratio with its target.

Usage: python3 tasks.py bench [--quick]
"""

from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, print_figures
from bench.startup import help_ratio


def main() -> int:
    quick = "--quick" in sys.argv
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        figures: list[Figure] = [help_ratio(home, runs=7 if quick else 21)]
    return 0 if print_figures(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
