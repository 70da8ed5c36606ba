#!/usr/bin/env python3
"""Project tasks that need nothing but Python: `python3 tasks.py demo|test|bench|setup|lint`.

`lint` is ruff, strict mypy and import-linter (the layer contracts); `test` is lint then pytest.

Each task first makes sure `.venv` exists and holds the project with its dev extras, reinstalling
only when pyproject.toml changed, so a fresh clone needs no other step.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".wxcc-desk-installed"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    _drop_replaced()
    _run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[dev]")
    STAMP.write_text(wanted)


# Distributions the project no longer uses, each with the one that replaces it under the same
# import name (phonenumberslite ships the `phonenumbers` module without its 47 MB of geocoding,
# carrier and time-zone data). When an old one is in .venv, both go before the install: removing
# only the old one would delete files the replacement shares with it (an older checkout's setup
# installs the old one over the new).
REPLACED = {"phonenumbers": "phonenumberslite"}


def _drop_replaced() -> None:
    for old, new in REPLACED.items():
        probe_code = f"import importlib.metadata as m; m.distribution('{old}')"
        probe = subprocess.run(
            [str(BIN / "python"), "-c", probe_code], capture_output=True, check=False
        )
        if probe.returncode == 0:
            _run(BIN / "python", "-m", "pip", "uninstall", "-q", "-y", old, new)


def lint() -> None:
    setup()
    _run(BIN / "ruff", "check", "cli", "tests", "bench", "tasks.py")
    _run(BIN / "mypy", "--strict", "cli/wxcc_desk", "bench")
    _run(BIN / "lint-imports")  # the layer contracts in pyproject.toml [tool.importlinter]


def test() -> None:
    lint()
    _run(BIN / "python", "-m", "pytest", "-q", *sys.argv[2:])


def demo() -> None:
    setup()
    _run(BIN / "wxcc-desk", "demo")


def bench() -> None:
    setup()
    _run(BIN / "python", "bench/run.py", *sys.argv[2:])


TASKS = {"setup": setup, "lint": lint, "test": test, "demo": demo, "bench": bench}

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [args]")
    TASKS[name]()
