"""The runner: dependency graph, shared resources, skip/crash/fail mapping, deadline."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from wxcc_desk.core.errors import AuthError, UsageError
from wxcc_desk.diagnose.base import (
    Check,
    CheckContext,
    Layer,
    Outcome,
    Resource,
    Scope,
    Status,
    Subject,
)
from wxcc_desk.diagnose.runner import CheckTracker, Runner, select
from wxcc_desk.diagnose.state import RunState

CALLS: dict[str, int] = {}


async def _load_org(ctx: CheckContext) -> dict[str, str]:
    CALLS["org"] = CALLS.get("org", 0) + 1
    tracker = ctx.state.tracker
    tracker.next_id()
    await asyncio.sleep(0.01)
    return {"name": "acme"}


ORG = Resource("org", _load_org, Scope.RUN, host_role="api")


async def _uses_org(ctx: CheckContext) -> Outcome:
    org = await ctx.get(ORG)
    return Outcome.ok(f"org {org['name']}")


async def _fails(ctx: CheckContext) -> Outcome:
    raise AuthError("token rejected", hint="sign in again", tracking_ids=["srv_1"])


async def _crashes(ctx: CheckContext) -> Outcome:
    raise KeyError("boom")


async def _hangs(ctx: CheckContext) -> Outcome:
    ctx.waiting_on("api.example.test:443", "TLS handshake")
    await asyncio.sleep(30)
    return Outcome.ok("never")


async def _user(ctx: CheckContext) -> Outcome:
    assert ctx.subject is not None
    await ctx.get(ORG)
    return Outcome.warn(f"user {ctx.subject.email}", "fix it")


def _registry() -> dict[str, Check]:
    items = [
        Check("a.org1", Layer.LOCAL, "org 1", _uses_org),
        Check("a.org2", Layer.LOCAL, "org 2", _uses_org),
        Check("b.fail", Layer.IDENTITY, "fails", _fails),
        Check("b.after_fail", Layer.IDENTITY, "after fail", _uses_org, requires=("b.fail",)),
        Check("c.crash", Layer.CONFIG, "crashes", _crashes),
        Check("d.slow", Layer.NETWORK, "slow", _hangs),
        Check("d.after_slow", Layer.NETWORK, "after slow", _uses_org, requires=("d.slow",)),
        Check("e.user", Layer.CONFIG, "user", _user, requires=("a.org1",), scope=Scope.USER),
    ]
    return {c.id: c for c in items}


def _run(checks: list[Check], deadline: float = 0.3) -> dict[str, object]:
    CALLS.clear()
    tracker = CheckTracker()
    state = RunState(env={}, hosts={"api": "http://api.example.test"}, deadline_s=deadline)
    state.tracker = tracker

    async def go() -> dict[str, object]:
        runner = Runner(state, checks)
        users, run = await asyncio.gather(
            runner.run_subject(Subject("ann@example.test")), runner.finish_run_scope()
        )
        return {r.id: r for r in [*run, *users]}

    return asyncio.run(go())


def test_statuses_and_shared_resource() -> None:
    res = _run(list(_registry().values()))
    assert res["a.org1"].status is Status.PASS  # type: ignore[attr-defined]
    assert CALLS["org"] == 1  # fetched once, shared by four checks
    # each check using the resource carries the tracking ID the fetch produced
    assert res["a.org1"].tracking_ids == res["a.org2"].tracking_ids  # type: ignore[attr-defined]
    assert len(res["a.org1"].tracking_ids) == 1  # type: ignore[attr-defined]
    failed = res["b.fail"]
    assert failed.status is Status.FAIL  # type: ignore[attr-defined]
    assert failed.remediation == "sign in again"  # type: ignore[attr-defined]
    assert "srv_1" in failed.tracking_ids  # type: ignore[attr-defined]
    after = res["b.after_fail"]
    assert after.status is Status.SKIP  # type: ignore[attr-defined]
    assert "b.fail" in after.summary  # type: ignore[attr-defined]
    assert res["c.crash"].status is Status.CRASHED  # type: ignore[attr-defined]
    slow = res["d.slow"]
    assert slow.status is Status.FAIL  # type: ignore[attr-defined]
    assert "api.example.test:443 (TLS handshake)" in slow.summary  # type: ignore[attr-defined]
    assert res["d.after_slow"].status is Status.SKIP  # type: ignore[attr-defined]
    user = res["e.user"]
    assert user.status is Status.WARN  # type: ignore[attr-defined]
    assert user.subject == "ann@example.test"  # type: ignore[attr-defined]


def test_select_pulls_prerequisites_and_rejects_unknown() -> None:
    reg = _registry()
    ids = [c.id for c in select(["e.user"], reg)]
    assert ids == ["a.org1", "e.user"]
    try:
        select(["nope"], reg)
    except Exception as err:
        assert "diagnose --list-checks" in getattr(err, "hint", "")
    else:
        raise AssertionError("unknown id accepted")


def test_an_unknown_check_id_close_to_a_real_one_gets_a_suggestion() -> None:
    reg = _registry()
    with pytest.raises(UsageError) as err:
        select(["e.usr"], reg)
    assert err.value.hint.startswith("did you mean 'e.user'? ")
    with pytest.raises(UsageError) as far:
        select(["zzzz"], reg)
    assert not far.value.hint.startswith("did you mean")


def test_not_applicable_lets_dependents_run_and_prefetch_starts_early() -> None:
    started: list[str] = []

    async def load(ctx: CheckContext) -> str:
        started.append("data")
        return "ready"

    data = Resource("early", load, Scope.RUN)

    async def na(ctx: CheckContext) -> Outcome:
        await asyncio.sleep(0.05)
        assert started == ["data"], "prefetch began before the prerequisite finished"
        return Outcome.not_applicable("no TLS here")

    async def after(ctx: CheckContext) -> Outcome:
        return Outcome.ok(await ctx.get(data))

    checks = [
        Check("x.na", Layer.NETWORK, "na", na),
        Check("x.after", Layer.NETWORK, "after", after, requires=("x.na",), prefetch=(data,)),
    ]
    res = _run(checks, deadline=5)
    assert res["x.na"].status is Status.SKIP  # type: ignore[attr-defined]
    assert res["x.after"].status is Status.PASS  # type: ignore[attr-defined]
    assert res["x.after"].summary == "ready"  # type: ignore[attr-defined]


def test_deadline_is_extended_by_retry_after_pauses() -> None:
    paused = {"s": 0.0}

    async def waits_out_a_429(ctx: CheckContext) -> Outcome:
        paused["s"] = 0.5  # the bucket reports half a second spent paused
        await asyncio.sleep(0.4)
        return Outcome.ok("done after the pause")

    state = RunState(env={}, deadline_s=0.2)
    state.paused_s = lambda: paused["s"]

    async def go() -> list[Any]:
        runner = Runner(state, [Check("y.slow", Layer.IDENTITY, "y", waits_out_a_429)])
        return await runner.finish_run_scope()

    (result,) = asyncio.run(go())
    assert result.status is Status.PASS
