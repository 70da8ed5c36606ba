"""The retry loop of `wxcc_desk.http.client` and the `Retry-After` header it honours.

`Retry-After` is either seconds or an HTTP-date (RFC 9110 §10.2.3); both are read. A wait up to
the cap is slept before the next attempt. A longer one ends the call at once with an error that
names the wait: retrying sooner than the service asked is certain to be refused again, and
sleeping minutes inside a command would look like a hang.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from wxcc_desk.core.errors import NetworkError, WxccError

if TYPE_CHECKING:
    import httpx


class Transient(Exception):
    """A failure worth another attempt; carries the error to raise if none is left.

    `base` is the error's message without its closing remark, so the error for a wait longer
    than the cap can say that instead."""

    def __init__(self, error: WxccError, retry_after: float | None = None, base: str = "") -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after
        self.base = base or error.message


async def with_retries(
    attempt: Callable[[], Awaitable[httpx.Response]],
    *,
    attempts: int,
    cap: float,
    trace: Callable[[str], None],
) -> httpx.Response:
    """Run `attempt` up to `attempts` times while it raises `Transient`; raise its error after."""
    from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

    def worth_retrying(exc: BaseException) -> bool:
        return isinstance(exc, Transient) and not _too_long(exc, cap)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return exc.retry_after  # never above the cap: longer waits are not retried
        return min(0.25 * 2.0 ** (state.attempt_number - 1), 2.0)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        trace(f"http: retrying after {state.upcoming_sleep:.1f}s: {exc}")

    retrying = AsyncRetrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait,
        retry=retry_if_exception(worth_retrying),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        async for round_ in retrying:
            with round_:
                return await attempt()
    except Transient as exc:
        raise (_asked_to_wait(exc, cap) if _too_long(exc, cap) else exc.error) from None
    raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover


def _too_long(exc: Transient, cap: float) -> bool:
    return exc.retry_after is not None and exc.retry_after > cap


def _asked_to_wait(exc: Transient, cap: float) -> WxccError:
    err = exc.error
    asked = _duration(exc.retry_after or 0.0)
    if err.code == "RATE_LIMITED":
        hint = (
            f"wait {asked}, then run the command again; the service allows about 300 requests "
            "per minute per client"
        )
    else:
        hint = (
            f"the service is unavailable: try again in {asked} (`wxcc-desk status` shows the "
            "Webex status page)"
        )
    return NetworkError(
        f"{exc.base}; the service asked to wait {asked} (Retry-After), longer than the "
        f"{cap:g} s wxcc-desk waits between attempts",
        hint=hint,
        code=err.code,
        tracking_ids=err.tracking_ids,
    )


def _duration(seconds: float) -> str:
    whole = math.ceil(seconds)
    if whole < 120:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def retry_after(resp: httpx.Response) -> float | None:
    """Seconds the `Retry-After` header asks to wait, or None when absent or unreadable."""
    value = resp.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _until_date(value, resp.headers.get("date", ""))
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _until_date(value: str, date_header: str) -> float | None:
    # Measured from the response's own Date when it has one, so a skewed local clock does not
    # stretch or shrink the wait.
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(date_header) if date_header else None
    return max(0.0, when - (time.time() if now is None else now))


def _http_date(value: str) -> float | None:
    from datetime import UTC
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" parses naive; HTTP-dates are always GMT
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
