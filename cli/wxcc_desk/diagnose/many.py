"""Many-user runs (`--team`, `--all-agents`): bounded concurrency, streamed compact results.

RUN-scoped checks and tenant-wide reads (teams, org settings, Desktop Profiles, sites,
activities) happen once. `--team` diagnoses the team's members, each read by id (one request);
`--all-agents` the org's Contact Center users from the paged user listing (`/v2/user`), whose
rows are the records, so a user costs no request of their own. Pages are read one at a time as
workers free up (a bounded queue), at most `opts.concurrency` users are in flight, and the
shared token bucket (`diagnose/ratelimit.py`) keeps requests within the tenant's limit. Each
user's results are folded into the report as soon as they finish (counts plus what is not a
pass), so memory stays flat as the user count grows.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import WxccError
from wxcc_desk.diagnose.base import CheckResult, Layer, Status, Subject
from wxcc_desk.diagnose.data import members, user_page, user_record
from wxcc_desk.diagnose.runner import Runner
from wxcc_desk.diagnose.state import RunState

if TYPE_CHECKING:
    from wxcc_desk.diagnose.options import DiagnoseOptions, Progress
    from wxcc_desk.diagnose.report import Report

MAX_PAGES = 10_000  # a runaway `totalPages` must end somewhere (a million users)
Item = str | dict[str, Any]  # a WxCC user id to read, or a user record from the listing


async def run_many(
    runner: Runner, state: RunState, opts: DiagnoseOptions, report: Report, progress: Progress
) -> list[CheckResult]:
    run_scope = asyncio.ensure_future(runner.finish_run_scope())
    try:
        total, items = await _source(runner, opts)
    except WxccError:
        await run_scope
        raise
    progress.start(total)
    workers = _in_flight(opts)
    queue: asyncio.Queue[Item | None] = asyncio.Queue(maxsize=workers)

    failed: list[WxccError] = []

    async def produce() -> None:
        try:
            async for item in items:
                await queue.put(item)
        except WxccError as err:  # a later page unreadable: finish those in hand, then raise
            failed.append(err)
        finally:
            for _ in range(workers):
                await queue.put(None)

    async def work() -> None:
        while (item := await queue.get()) is not None:
            email, results = await _diagnose_one(runner, state, item)
            report.add_user(email, results)
            progress.advance(email)

    try:
        await asyncio.gather(produce(), *(work() for _ in range(workers)))
    finally:
        progress.done()
    if failed:
        await run_scope
        raise failed[0]
    return await run_scope


async def _source(runner: Runner, opts: DiagnoseOptions) -> tuple[int, AsyncIterator[Item]]:
    """How many users, and the users one by one (pages read lazily)."""
    if not opts.all_agents:
        ids = await runner.call(lambda ctx: ctx.get(members(opts.team)))
        return len(ids), _each(ids)
    first = await runner.call(lambda ctx: user_page(ctx, 0))

    async def pages() -> AsyncIterator[Item]:
        page = first
        while True:
            for doc in page.users:
                yield doc
            nxt = page.page + 1
            if not page.users or nxt >= min(page.total_pages, MAX_PAGES):
                return
            page = await runner.call(functools.partial(user_page, page=nxt))

    return first.total_records, pages()


async def _each(ids: list[str]) -> AsyncIterator[Item]:
    for user_id in ids:
        yield user_id


async def _diagnose_one(
    runner: Runner, state: RunState, item: Item
) -> tuple[str, list[CheckResult]]:
    started = time.perf_counter()
    if isinstance(item, dict):
        doc, user_id = item, str(item.get("id") or "")
    else:
        user_id = item
        try:
            doc = await runner.call(lambda ctx: user_record(ctx, user_id))
        except WxccError as err:
            return user_id, [_unreadable(user_id, err, started)]
    email = str(doc.get("email") or user_id)
    state.user_docs[email.lower()] = doc  # USER resource pops it: no second read
    try:
        return email, await runner.run_subject(Subject(email, admin=True))
    finally:
        state.user_docs.pop(email.lower(), None)


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
        remediation=err.hint
        or "check that the user still exists in Control Hub > Users and that the admin token "
        "may read Contact Center users (cjp:config_read)",
        tracking_ids=list(err.tracking_ids),
        duration_ms=(time.perf_counter() - started) * 1000,
        subject=user_id,
    )
