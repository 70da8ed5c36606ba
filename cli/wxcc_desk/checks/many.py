"""Many-user runs (`--team`, `--all-agents`): bounded concurrency, streamed compact results.

RUN-scoped checks and tenant-wide reads (teams, org settings, Desktop Profiles, sites,
activities) happen once. Users are the members of the team (or of every agent team); each is
read (one request) and diagnosed with at most `opts.concurrency` users in flight, while the
shared token bucket (`checks/ratelimit.py`) keeps requests within the tenant's limit. Each
user's results are folded into the report as soon as they finish (counts plus what is not a
pass), so memory stays flat as the user count grows.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from wxcc_desk.checks.base import CheckResult, Layer, Status, Subject
from wxcc_desk.checks.data import DOCS_KEY, members, user_record
from wxcc_desk.checks.runner import Runner, RunState
from wxcc_desk.errors import WxccError

if TYPE_CHECKING:
    from wxcc_desk.checks.orchestrate import DiagnoseOptions, Progress
    from wxcc_desk.checks.report import Report


async def run_many(
    runner: Runner, state: RunState, opts: DiagnoseOptions, report: Report, progress: Progress
) -> list[CheckResult]:
    run_scope = asyncio.ensure_future(runner.finish_run_scope())
    try:
        ids = await runner.call(lambda ctx: ctx.get(members(opts.team)))
    except WxccError:
        await run_scope
        raise
    progress.start(len(ids))
    gate = asyncio.Semaphore(_in_flight(opts))
    state.extras.setdefault(DOCS_KEY, {})

    async def one(user_id: str) -> None:
        async with gate:
            email, results = await _diagnose_one(runner, state, user_id)
        report.add_user(email, results)
        progress.advance(email)

    try:
        await asyncio.gather(*(one(i) for i in ids))
    finally:
        progress.done()
    return await run_scope


async def _diagnose_one(
    runner: Runner, state: RunState, user_id: str
) -> tuple[str, list[CheckResult]]:
    started = time.perf_counter()
    try:
        doc = await runner.call(lambda ctx: user_record(ctx, user_id))
    except WxccError as err:
        return user_id, [_unreadable(user_id, err, started)]
    email = str(doc.get("email") or user_id)
    state.extras[DOCS_KEY][email.lower()] = doc  # USER resource pops it: no second read
    try:
        return email, await runner.run_subject(Subject(email, admin=True))
    finally:
        state.extras[DOCS_KEY].pop(email.lower(), None)


def _in_flight(opts: DiagnoseOptions) -> int:
    """Users at once: enough to keep the rate limit busy, few enough that a user's requests
    never queue behind the bucket for more than a quarter of the deadline."""
    per_second = opts.rate_per_minute * 0.95 / 60
    return max(1, min(opts.concurrency, int(per_second * opts.deadline_s / 4)))


def _unreadable(user_id: str, err: WxccError, started: float) -> CheckResult:
    return CheckResult(
        id="config.user",
        layer=Layer.CONFIG,
        title="Contact Center user",
        status=Status.FAIL,
        summary=err.message,
        remediation=err.hint,
        tracking_ids=list(err.tracking_ids),
        duration_ms=(time.perf_counter() - started) * 1000,
        subject=user_id,
    )
