"""The bulk limiter reads Retry-After the way every other call does (seconds or HTTP-date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from wxcc_desk.diagnose.ratelimit import _retry_after


def _answer(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_seconds_dates_absent_and_capped() -> None:
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert _retry_after(_answer(**{"retry-after": "3"})) == 3.0
    assert (
        _retry_after(_answer(**{"retry-after": later, "date": format_datetime(now, usegmt=True)}))
        == 7.0
    )
    assert _retry_after(_answer()) == 1.0
    assert _retry_after(_answer(**{"retry-after": "soon"})) == 1.0
    assert _retry_after(_answer(**{"retry-after": "600"})) == 60.0
