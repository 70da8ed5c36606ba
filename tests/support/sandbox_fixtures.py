"""Sandbox fixtures shared by every area's tests.

`sandbox`: a fresh sandbox with the default tenant on a free loopback port, per test.
`make_sandbox(tenant=..., faults=..., latency_ms=..., rate_limit=...)`: the same with options;
every sandbox it starts is stopped at the end of the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wxcc_desk.sandbox import SandboxHandle, Tenant, run_sandbox

MakeSandbox = Callable[..., SandboxHandle]


@pytest.fixture
def make_sandbox() -> Iterator[MakeSandbox]:
    with contextlib.ExitStack() as stack:

        def make(
            tenant: Tenant | str | Path | None = None,
            *,
            faults: Iterable[Any] = (),
            latency_ms: int = 0,
            rate_limit: int | None = None,
        ) -> SandboxHandle:
            return stack.enter_context(
                run_sandbox(tenant, faults=faults, latency_ms=latency_ms, rate_limit=rate_limit)
            )

        yield make


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> SandboxHandle:
    return make_sandbox()
