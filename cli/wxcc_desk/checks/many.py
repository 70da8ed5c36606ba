"""Many-user runs (`--team`, `--all-agents`): bounded concurrency, streamed compact results.

RUN-scoped checks run once; each user's checks run with at most `opts.concurrency` users in
flight. The shared client's token bucket (`checks/ratelimit.py`) keeps requests within the
tenant's limit, and each user's results are folded into the report as soon as they finish
(counts plus what is not a pass), so memory stays flat as the user count grows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from wxcc_desk.checks.base import CheckResult, Subject
from wxcc_desk.checks.runner import Runner, RunState
from wxcc_desk.errors import ConfigError

if TYPE_CHECKING:
    from wxcc_desk.checks.orchestrate import DiagnoseOptions, Progress
    from wxcc_desk.checks.report import Report

# Set by the identity/config layer: lists the e-mails of a team (name) or of every agent (None).
ListUsers = Callable[[RunState, "str | None"], Awaitable[list[str]]]
LIST_USERS_KEY = "list_users"


async def run_many(
    runner: Runner, state: RunState, opts: DiagnoseOptions, report: Report, progress: Progress
) -> list[CheckResult]:
    run_scope = asyncio.ensure_future(runner.finish_run_scope())
    lister: ListUsers | None = state.extras.get(LIST_USERS_KEY)
    if lister is None:
        raise ConfigError(
            "listing a tenant's users needs the identity layer, which this build lacks",
            hint="diagnose users one at a time with --agent EMAIL",
        )
    emails = await lister(state, None if opts.all_agents else opts.team)
    progress.start(len(emails))
    gate = asyncio.Semaphore(max(1, opts.concurrency))

    async def one(email: str) -> None:
        async with gate:
            results = await runner.run_subject(Subject(email, admin=True))
        report.add_user(email, results)
        progress.advance(email)

    try:
        await asyncio.gather(*(one(e) for e in emails))
    finally:
        progress.done()
    return await run_scope
