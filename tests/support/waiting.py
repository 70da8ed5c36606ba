"""Waiting on a real sandbox from a test: a CLI run in a thread, and polls with a deadline.

A test that acts while a command runs (a RONA during a hold, a takeover after late subscribes)
starts the command with `in_thread`, then waits with `until` for the sandbox to show the moment
it needs, never for a fixed time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from wxcc_desk.sandbox import SandboxHandle

R = TypeVar("R")


def in_thread(fn: Callable[[], R]) -> tuple[threading.Thread, list[R]]:
    """Run `fn` in a daemon thread; its result lands in the returned list."""
    box: list[R] = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    return thread, box


def until(check: Callable[[], object], what: str = "timed out", timeout: float = 10.0) -> None:
    """Poll `check` until it is truthy; fail with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, what
        time.sleep(0.02)


def holding(sandbox: SandboxHandle) -> bool:
    """The first session has a socket open: a `--hold` is connected."""
    sessions = sandbox.sessions()["sessions"]
    return bool(sessions) and sessions[0]["sockets"] >= 1


def asked(sandbox: SandboxHandle, path: str) -> bool:
    """The sandbox has received a request for `path` (recorded on arrival)."""
    return any(r.path == path for r in sandbox.requests)
