"""The diagnose report model: results of one run, per-user summaries, counts and the exit code.

Many-user runs keep only what is not a pass for each user (plus counts), so 2,000 users cost
little memory; single-user runs keep every result.
"""

from __future__ import annotations

import platform
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wxcc_desk.diagnose.base import NOT_APPLICABLE, CheckResult, Layer, Status

_ORDER = {layer: n for n, layer in enumerate(Layer)}
BAD = (Status.FAIL, Status.CRASHED)


@dataclass
class UserSummary:
    email: str
    counts: Counter[str] = field(default_factory=Counter)
    # warn, fail, crashed, and skips caused by a failed prerequisite (not "does not apply")
    problems: list[CheckResult] = field(default_factory=list)
    # the rest (passes, "does not apply" skips) as (check id, layer, status): enough for a JUnit
    # testcase per check run, at a few pointers each (the strings are shared between users)
    others: list[tuple[str, Layer, Status]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.status in BAD for r in self.problems)


@dataclass
class Report:
    profile: str
    run_id: str
    mode: str  # "self", "agent", "team", "all-agents"
    results: list[CheckResult] = field(default_factory=list)
    users: list[UserSummary] = field(default_factory=list)
    duration_ms: float = 0.0
    tracking: dict[str, Any] = field(default_factory=dict)
    # The common `tracking_ids {sent, server}` of every document (many-user runs: the last few).
    tracking_ids: dict[str, list[str]] = field(default_factory=dict)
    tool_version: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def many(self) -> bool:
        return self.mode in ("team", "all-agents")

    def add_user(self, email: str, results: list[CheckResult]) -> None:
        """Keep a many-user run's user compactly: counts, and the results that are not a pass."""
        summary = UserSummary(email)
        for r in results:
            summary.counts[str(r.status)] += 1
            if r.status is not Status.PASS and not r.facts.get(NOT_APPLICABLE):
                summary.problems.append(r)
            else:
                summary.others.append((r.id, r.layer, r.status))
        self.users.append(summary)

    def sorted_results(self) -> list[CheckResult]:
        return sorted(self.results, key=lambda r: (_ORDER[r.layer], r.subject, r.id))

    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter(str(r.status) for r in self.results)
        for u in self.users:
            total.update(u.counts)
        return total

    def causes(self) -> list[tuple[str, str, list[str]]]:
        """Failing checks across users, most common first: (check id, a summary, users)."""
        users: dict[str, list[str]] = {}
        summary: dict[str, str] = {}
        for u in self.users:
            for r in u.problems:
                if r.status in BAD:
                    users.setdefault(r.id, []).append(u.email)
                    summary.setdefault(r.id, r.summary)
        ranked = sorted(users, key=lambda cid: (-len(users[cid]), cid))
        return [(cid, summary[cid], users[cid]) for cid in ranked]

    def exit_code(self, strict: bool) -> int:
        counts = self.counts()
        bad = counts[Status.FAIL] + counts[Status.CRASHED]
        if strict:
            bad += counts[Status.WARN]
        return 1 if bad else 0


def tool_info(version: str) -> dict[str, str]:
    return {
        "version": version,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "implementation": platform.python_implementation(),
    }
