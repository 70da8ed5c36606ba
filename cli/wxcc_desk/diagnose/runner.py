"""Run diagnose checks as a dependency graph, not as layers one after another.

Every selected check starts at once as its own task; a check first awaits its prerequisites'
results, then runs. Data checks share goes through `ctx.get(resource)`: the first check to ask
starts the fetch, every later one awaits the same future, so each resource is fetched once per
run (RUN scope) or once per diagnosed user (USER scope). One deadline bounds a user's graph; a
check still running at the deadline is reported as slow with the host it waits on.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from wxcc_desk.core.errors import UsageError, WxccError
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.diagnose.base import (
    REGISTRY,
    Check,
    CheckContext,
    CheckResult,
    Layer,
    Outcome,
    Resource,
    Scope,
    Status,
    Subject,
)
from wxcc_desk.diagnose.state import RunState

if TYPE_CHECKING:
    pass

T = TypeVar("T")

# The tracking-ID list of the check (or resource fetch) running in the current task.
_ids: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("diag_ids", default=None)


class CheckTracker(Tracker):
    """A Tracker that also files every ID under the check or resource that produced it."""

    def next_id(self) -> str:
        tid = super().next_id()
        _note(tid)
        return tid

    def record_server_id(self, tracking_id: str | None) -> None:
        super().record_server_id(tracking_id)
        if tracking_id:
            _note(tracking_id)


def _note(tid: str) -> None:
    bucket = _ids.get()
    if bucket is not None and tid not in bucket:
        bucket.append(tid)


@dataclass
class _Cache:
    futures: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)


class _Ctx:
    """The CheckContext one check receives."""

    def __init__(self, runner: _Graph, item: Check, ids: list[str]) -> None:
        self._runner = runner
        self.item = item
        self.ids = ids
        self.waiting = ""
        self.on_prereq = ""

    @property
    def subject(self) -> Subject | None:
        return self._runner.subject if self.item.scope is Scope.USER else None

    @property
    def env(self) -> Mapping[str, str]:
        return self._runner.state.env

    @property
    def state(self) -> RunState:
        return self._runner.state

    def start(self, res: Resource[T]) -> tuple[asyncio.Future[T], _Cache]:
        """The resource's shared future, starting the fetch if nobody has yet."""
        cache = self._runner.run_cache if res.scope is Scope.RUN else self._runner.user_cache
        fut = cache.futures.get(res.key)
        if fut is None:
            fut = asyncio.ensure_future(_load(res, self, cache))
            fut.add_done_callback(_quiet)  # a prefetch nobody awaits must not warn
            cache.futures[res.key] = fut
        return fut, cache

    async def get(self, res: Resource[T]) -> T:
        if res.host_role and not self.waiting:
            self.waiting_on(self.state.host_of(res.host_role), f"fetching {res.key}")
        fut, cache = self.start(res)
        try:
            value: T = await asyncio.shield(fut)
        finally:
            ids = cache.ids.get(res.key, ())
            self.add_tracking(*ids)
            for tid in ids:  # inside another resource's fetch: that resource used them too
                _note(tid)
        return value

    def waiting_on(self, host: str, phase: str = "") -> None:
        self.waiting = f"{host} ({phase})" if phase else host

    def add_tracking(self, *ids: str) -> None:
        for tid in ids:
            if tid not in self.ids:
                self.ids.append(tid)


def _quiet(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()  # marks it retrieved; whoever awaits still gets it


async def _load(res: Resource[T], ctx: _Ctx, cache: _Cache) -> T:
    bucket: list[str] = []
    cache.ids[res.key] = bucket
    _ids.set(bucket)  # this task's own context: IDs of the fetch go to the resource
    return await res.load(ctx)


@dataclass
class _Graph:
    """One subject's checks (or the RUN-scoped ones) and the caches they read."""

    state: RunState
    subject: Subject | None
    run_cache: _Cache
    user_cache: _Cache
    upstream: Mapping[str, asyncio.Future[CheckResult]]  # RUN-scoped results, for USER graphs
    futures: dict[str, asyncio.Future[CheckResult]] = field(default_factory=dict)
    ctxs: dict[str, _Ctx] = field(default_factory=dict)
    items: dict[str, Check] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self, checks: Iterable[Check]) -> None:
        loop = asyncio.get_running_loop()
        for item in checks:
            self.items[item.id] = item
            self.futures[item.id] = loop.create_future()
        # Keep the task references: the loop holds only weak ones.
        self.tasks = [asyncio.ensure_future(self._run_one(i)) for i in self.items.values()]

    def result_of(self, check_id: str) -> asyncio.Future[CheckResult] | None:
        return self.futures.get(check_id) or self.upstream.get(check_id)

    async def _run_one(self, item: Check) -> None:
        ids: list[str] = []
        _ids.set(ids)
        ctx = _Ctx(self, item, ids)
        self.ctxs[item.id] = ctx
        for res in item.prefetch:
            ctx.start(res)
        started = time.perf_counter()
        outcome = await self._prerequisites(item, ctx)
        if outcome is None:
            outcome = await _guarded(item, ctx)
        result = _result(item, outcome, ctx, started, self.subject)
        fut = self.futures[item.id]
        if not fut.done():
            fut.set_result(result)

    async def _prerequisites(self, item: Check, ctx: _Ctx) -> Outcome | None:
        for dep in item.requires:
            fut = self.result_of(dep)
            if fut is None:
                continue  # not part of this run (its layer does not apply)
            ctx.on_prereq = dep
            done = await asyncio.shield(fut)
            ctx.on_prereq = ""
            if not done.lets_dependents_run:
                return Outcome.skip(f"prerequisite {dep} did not pass ({done.status})")
        return None

    async def finish(self, deadline: float) -> list[CheckResult]:
        paused_at_start = self.state.paused_s()
        while pending := [f for f in self.futures.values() if not f.done()]:
            extended = deadline + self.state.paused_s() - paused_at_start
            left = extended - time.monotonic()
            if left <= 0:
                break
            await asyncio.wait(pending, timeout=left)
        self._time_out_stragglers()
        for task in self.tasks:
            task.cancel()
        return [f.result() for f in self.futures.values()]

    def _time_out_stragglers(self) -> None:
        limit = self.state.deadline_s
        for cid, fut in self.futures.items():
            if fut.done():
                continue
            ctx = self.ctxs.get(cid)
            item = self.items[cid]
            if ctx and ctx.on_prereq:
                out = Outcome.skip(f"prerequisite {ctx.on_prereq} did not finish in {limit:g} s")
            else:
                where = (ctx.waiting if ctx else "") or "no host recorded"
                out = Outcome.fail(
                    f"slow: no answer within {limit:g} s, waiting on {where}",
                    "check the network path to that host (proxy, firewall, VPN), then rerun",
                    slow=True,
                    waiting_on=where,
                )
            fut.set_result(_result(item, out, ctx, None, self.subject))


async def _guarded(item: Check, ctx: _Ctx) -> Outcome:
    try:
        outcome = await item.run(ctx)
    except WxccError as err:  # an expected failure carrying its fix
        ctx.add_tracking(*err.tracking_ids)
        return Outcome.fail(err.message, err.hint, error=err.code)
    except Exception as bug:  # a bug in the check: never a pass
        return Outcome(Status.CRASHED, f"check crashed: {type(bug).__name__}: {bug}")
    if not isinstance(outcome, Outcome):
        return Outcome(Status.CRASHED, f"check returned {type(outcome).__name__}, not Outcome")
    return outcome


async def _never(ctx: CheckContext) -> Outcome:  # pragma: no cover - placeholder Check.run
    raise AssertionError("not a check")


def _result(
    item: Check, out: Outcome, ctx: _Ctx | None, started: float | None, subject: Subject | None
) -> CheckResult:
    took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    return CheckResult(
        id=item.id,
        layer=item.layer,
        title=item.title,
        status=out.status,
        summary=out.summary,
        detail=out.detail,
        remediation=out.remediation,
        tracking_ids=list(ctx.ids) if ctx else [],
        duration_ms=took,
        facts=out.facts,
        subject=subject.email if subject and item.scope is Scope.USER else "",
    )


def select(ids: Iterable[str] = (), registry: Mapping[str, Check] | None = None) -> list[Check]:
    """The checks to run: all, or the named ones plus their prerequisites (transitively)."""
    reg = REGISTRY if registry is None else registry
    wanted = list(ids)
    if not wanted:
        return list(reg.values())
    unknown = [i for i in wanted if i not in reg]
    if unknown:
        from wxcc_desk.core.suggest import did_you_mean

        raise UsageError(
            f"unknown check id {', '.join(unknown)}",
            hint=did_you_mean(unknown[0], reg)
            + "run `wxcc-desk diagnose --list-checks` for the ids",
        )
    chosen: dict[str, Check] = {}
    while wanted:
        cid = wanted.pop()
        if cid in reg and cid not in chosen:
            chosen[cid] = reg[cid]
            wanted.extend(reg[cid].requires)
    return [c for c in reg.values() if c.id in chosen]


OnResult = Callable[[CheckResult], None]


class Runner:
    """Runs RUN-scoped checks once and USER-scoped checks once per subject."""

    def __init__(self, state: RunState, checks: list[Check]) -> None:
        self.state = state
        self.run_checks = [c for c in checks if c.scope is Scope.RUN]
        self.user_checks = [c for c in checks if c.scope is Scope.USER]
        self.run_cache = _Cache()
        self._run_graph: _Graph | None = None

    def start_run_scope(self) -> _Graph:
        if self._run_graph is None:
            self._run_graph = _Graph(self.state, None, self.run_cache, _Cache(), {})
            self._run_graph.start(self.run_checks)
        return self._run_graph

    async def call(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """Run `fn(ctx)` outside any check, with the run's shared resources (the many-user
        runner lists users and reads their records this way)."""
        graph = self.start_run_scope()
        item = Check("runner.call", Layer.LOCAL, "call", _never)
        return await fn(_Ctx(graph, item, []))

    async def finish_run_scope(self) -> list[CheckResult]:
        graph = self.start_run_scope()
        return await graph.finish(time.monotonic() + self.state.deadline_s)

    async def run_subject(self, subject: Subject | None) -> list[CheckResult]:
        """USER-scoped checks for one subject (starts the RUN scope if not started)."""
        upstream = self.start_run_scope().futures
        graph = _Graph(self.state, subject, self.run_cache, _Cache(), upstream)
        if subject is not None:
            graph.start(self.user_checks)
        return await graph.finish(time.monotonic() + self.state.deadline_s)
