"""`settle`: parallel calls that never leave one running after another failed."""

from __future__ import annotations

import asyncio

import pytest

from wxcc_desk.api import settle
from wxcc_desk.core.errors import AuthError, NetworkError


def test_waits_for_all_and_raises_the_first_failure_in_order() -> None:
    finished: list[str] = []

    async def slow_ok() -> str:
        await asyncio.sleep(0.05)
        finished.append("slow")
        return "ok"

    async def fail(err: Exception, delay: float) -> None:
        await asyncio.sleep(delay)
        raise err

    async def go() -> None:
        await settle(fail(NetworkError("second"), 0.0), slow_ok(), fail(AuthError("x"), 0.01))

    with pytest.raises(NetworkError, match="second"):
        asyncio.run(go())
    assert finished == ["slow"]

    async def ok() -> list[object]:
        return await settle(slow_ok(), asyncio.sleep(0, result=2))

    assert asyncio.run(ok()) == ["ok", 2]
