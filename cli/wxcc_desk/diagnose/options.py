"""What a diagnose run was asked for (`DiagnoseOptions`) and the progress callbacks a command
gives it: the inputs the orchestrator, the client set-up and many-user runs share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wxcc_desk.core.errors import UsageError


@dataclass(frozen=True)
class DiagnoseOptions:
    profile: str
    agent: str | None = None
    team: str | None = None
    all_agents: bool = False
    check_ids: tuple[str, ...] = ()
    deadline_s: float = 30.0
    concurrency: int = 32  # users diagnosed at once in many-user runs
    rate_per_minute: float = 300.0  # client-side request budget (the API default)

    @property
    def mode(self) -> str:
        if self.all_agents:
            return "all-agents"
        if self.team:
            return "team"
        return "agent" if self.agent else "self"

    def validate(self) -> None:
        chosen = [x for x in (self.agent, self.team, self.all_agents or None) if x]
        if len(chosen) > 1:
            raise UsageError(
                "--agent, --team and --all-agents exclude each other",
                hint="pass at most one of them",
            )


@dataclass
class Progress:
    """Callbacks the command provides for many-user runs (a progress bar on stderr)."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[str], None] = lambda email: None
    done: Callable[[], None] = lambda: None
    extra: dict[str, object] = field(default_factory=dict)
