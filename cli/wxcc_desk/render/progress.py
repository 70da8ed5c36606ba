"""The many-user progress display on stderr.

A live bar (rich, imported only here) when stderr is a terminal and no CI marker is set; in CI
or when stderr is redirected, one plain line per 10% so logs stay readable.
"""

from __future__ import annotations

from collections.abc import Mapping

from wxcc_desk.core.output import Output
from wxcc_desk.diagnose.options import Progress


def make_progress(out: Output, env: Mapping[str, str]) -> Progress:
    tty = bool(getattr(out.stderr, "isatty", lambda: False)())
    if tty and not env.get("CI") and not env.get("GITHUB_ACTIONS"):
        return _live(out)
    return _plain(out)


def _plain(out: Output) -> Progress:
    state = {"total": 0, "done": 0, "shown": 0}

    def start(total: int) -> None:
        state["total"] = total
        out.say(f"diagnosing {total} users")

    def advance(email: str) -> None:
        state["done"] += 1
        step = max(1, state["total"] // 10)
        if state["done"] - state["shown"] >= step or state["done"] == state["total"]:
            state["shown"] = state["done"]
            out.say(f"diagnosed {state['done']}/{state['total']} users")

    return Progress(start, advance)


def _live(out: Output) -> Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=out.stderr),
        transient=True,
    )
    holder: dict[str, TaskID] = {}

    def start(total: int) -> None:
        bar.start()
        holder["task"] = bar.add_task("diagnosing users", total=total)

    def advance(email: str) -> None:
        bar.update(holder["task"], advance=1)

    return Progress(start, advance, bar.stop)
