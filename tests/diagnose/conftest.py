"""Fixtures of the diagnose tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.helpers import ca
from wxcc_desk.sandbox import run_sandbox

__all__ = ["broken", "ca"]

# A tenant where most checks have something to find (tenants/broken.yaml says what).
BROKEN = Path(__file__).parent / "tenants" / "broken.yaml"


@pytest.fixture(scope="module")
def broken() -> Iterator[Any]:
    """A sandbox serving the broken tenant, one per test module."""
    with run_sandbox(BROKEN) as handle:
        yield handle
