"""Sandbox-area fixtures."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run one coroutine to completion (tests stay plain functions)."""
    import asyncio

    return asyncio.run
