"""Client-side rate limiting for diagnose: a token bucket shared by every request of a run.

The bucket keeps the run under the tenant's limit; a 429 that still arrives pauses the whole
bucket for its `Retry-After` and the request is sent again, so no check ever fails on a 429.
It sits in an httpx transport under the client `wxcc_desk.http.factory.client_for` builds, so
tracking IDs, traces and error mapping stay in one place. (aiolimiter was considered: it has no
way to pause every waiter for a server-given Retry-After, which is the part that matters here.)
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

DEFAULT_PER_MINUTE = 300.0  # the documented default per client ID
MAX_429_RETRIES = 30


class TokenBucket:
    """`rate` tokens per second, at most `burst` saved up; `pause` stops everyone for a while."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.sent = 0
        self.throttled = 0
        self._paused_total = 0.0

    async def acquire(self) -> None:
        async with self._lock:  # one waiter at a time keeps the order fair
            while True:
                now = time.monotonic()
                if now < self._paused_until:
                    await asyncio.sleep(self._paused_until - now)
                    continue
                self._refill(now)
                if self._tokens >= 1:
                    self._tokens -= 1
                    self.sent += 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def pause(self, seconds: float) -> None:
        now = time.monotonic()
        until = max(self._paused_until, now + seconds)
        self._paused_total += until - max(self._paused_until, now)
        self.throttled += 1
        self._paused_until = until
        self._tokens = 0.0

    def paused_seconds(self) -> float:
        """How long every request has been held back by Retry-After pauses so far."""
        return self._paused_total


BURST = 25  # about one user's requests: a single diagnose never waits for the bucket


def bucket_for(per_minute: float) -> TokenBucket:
    """Aim at 95% of the limit. A small burst lets one user's checks start together without
    waiting; it stays small so long runs keep a steady pace (flat time per user)."""
    return TokenBucket(rate=per_minute * 0.95 / 60, burst=min(BURST, per_minute / 10))


def limited_transport(
    inner: httpx.AsyncBaseTransport, bucket: TokenBucket
) -> httpx.AsyncBaseTransport:
    import httpx

    class _Limited(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            for _ in range(MAX_429_RETRIES):
                await bucket.acquire()
                response = await inner.handle_async_request(request)
                if response.status_code != 429:
                    return response
                await response.aread()
                await response.aclose()
                bucket.pause(_retry_after(response))
            return response

        async def aclose(self) -> None:
            await inner.aclose()

    return _Limited()


def _retry_after(response: httpx.Response) -> float:
    """The server's wait (seconds or an HTTP-date, read by the one shared parser), 1 s when it
    gives none, at most 60 s: a bulk run pauses rather than fails."""
    from wxcc_desk.http.retry import retry_after

    asked = retry_after(response)
    return min(60.0, 1.0 if asked is None else asked)
