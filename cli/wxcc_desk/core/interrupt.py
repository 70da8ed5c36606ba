"""Ctrl-C and SIGTERM: one line saying what may have happened, in every command.

A station command keeps `actx.at_risk` up to date: what an interruption at this moment would
leave (the flows say it as they go: "the station login was sent, so the station may be signed
in"). `guard` runs the command; a Ctrl-C (KeyboardInterrupt) or a SIGTERM anywhere inside
becomes a `Stopped` error that `app.main` prints as one line with `status` to run, and its
documented exit code: 130 for Ctrl-C, 143 for SIGTERM, and 0 for SIGTERM to `login --hold`
(a service manager stopping a hold is its normal end, from the command's start).

Every other command (status, auth, teams-auth, diagnose) runs under `whole_run`, which
`app.main` enters: SIGTERM raises `Terminated` there too, and `outside` makes the one line from
what the command said was at risk (`actx.at_risk`), else that it stopped before it finished.
With `--json`, either way, an error document (code INTERRUPTED or TERMINATED) goes to stdout.

Typer turns a KeyboardInterrupt that reaches it into a silent exit 130, so it must be caught
here, inside the command. Where an event loop runs, `run` makes SIGTERM cancel the main task as
asyncio does for Ctrl-C, so every `async with` closes its socket first.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Coroutine, Iterator, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from wxcc_desk.core.errors import ExitCode, WxccError

T = TypeVar("T")
NOTHING_YET = "nothing was sent that changes the station"
STOPPED_EARLY = "the command stopped before it finished; run it again"


class Risk(Protocol):
    """Where the station flows keep what a Ctrl-C or SIGTERM now would leave (the command's
    `AppContext` is one)."""

    at_risk: str


class Terminated(BaseException):
    """SIGTERM arrived (raised where no event loop runs, or after the loop wound down)."""


class Stopped(WxccError):
    """A command ended by Ctrl-C or SIGTERM; `message` is the one line to print."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERRUPTED
    default_code = "INTERRUPTED"


class StoppedBySigterm(Stopped):
    exit_code = ExitCode.TERMINATED
    default_code = "TERMINATED"


class HoldStopped(StoppedBySigterm):
    """SIGTERM to `login --hold`: a clean end (exit 0), still saying what happened."""

    exit_code = ExitCode.OK


@contextlib.contextmanager
def guard(risk: Risk, *, profile_ref: str, hold: bool = False) -> Iterator[None]:
    """Run a station command so that Ctrl-C and SIGTERM end it with one line (module doc)."""
    risk.at_risk = NOTHING_YET
    previous = _install(_raise_terminated)
    try:
        raise_swallowed()
        yield
    except KeyboardInterrupt:
        raise _stopped(Stopped, "interrupted (Ctrl-C)", risk, profile_ref) from None
    except Terminated:
        kind = HoldStopped if hold else StoppedBySigterm
        raise _stopped(kind, "terminated (SIGTERM)", risk, profile_ref) from None
    finally:
        if previous is not None:
            _install(previous)


@contextlib.contextmanager
def whole_run() -> Iterator[None]:
    """SIGTERM anywhere in the run raises Terminated (the default would end the process with
    no line and no JSON); the handler from before is put back after."""
    previous = _install(_raise_terminated)
    try:
        yield
    finally:
        if previous is not None:
            _install(previous)


def outside(risk: Risk, *, ctrl_c: bool) -> Stopped:
    """A Ctrl-C or SIGTERM that ended a command outside a station `guard`: what the command
    said an interruption would leave (its `at_risk`), else that it stopped before it finished."""
    left = risk.at_risk or STOPPED_EARLY
    if ctrl_c:
        return Stopped(f"interrupted (Ctrl-C): {left}")
    return StoppedBySigterm(f"terminated (SIGTERM): {left}")


def _stopped(kind: type[Stopped], how: str, risk: Risk, ref: str) -> Stopped:
    left = risk.at_risk or NOTHING_YET
    return kind(f"{how}: {left}; run `wxcc-desk status{_where(ref)}` to see the station as it is")


def may_have(what: str, command: str, ref: str) -> str:
    """An `at_risk` text for a command that stores or deletes tokens: what may be half done
    and the command that shows it (`auth status -p REF`)."""
    return f"{what}; run `wxcc-desk {command}{_where(ref)}` to see"


def _where(ref: str) -> str:
    import shlex

    return f" -p {shlex.quote(ref)}" if ref else ""  # `ref` is -p as given: paste-safe here


# The signals whose handler ran and whose exception has not been dealt with yet. Python drops an
# exception raised inside a weakref callback (an import's lock: "Exception ignored in ...
# _get_module_lock"): a Ctrl-C or SIGTERM landing there would be lost and the command would run
# on. `raise_swallowed` raises it again where the command's work begins.
_caught: list[int] = []


def _raise_terminated(signum: int, _frame: object) -> None:
    _caught.append(signum)
    raise Terminated


def _raise_interrupt(signum: int, _frame: object) -> None:
    _caught.append(signum)
    raise KeyboardInterrupt


def for_process(noted: Sequence[int] = ()) -> None:
    """The console script's first step (`__main__.run`), before the app is imported: Ctrl-C
    and SIGTERM raise from here on, and are remembered (`raise_swallowed`), as are the `noted`
    ones that came before; Python's report of one it dropped (`Exception ignored in ...` and a
    traceback) is not printed."""
    import sys

    _caught.extend(noted)
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, _raise_interrupt)
        signal.signal(signal.SIGTERM, _raise_terminated)
    shown = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt | Terminated):
            shown(unraisable)

    sys.unraisablehook = quiet


def raise_swallowed() -> None:
    """Raise again a signal whose exception Python dropped (see `_caught`)."""
    if _caught:
        signum = _caught[-1]
        _caught.clear()
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated


def signalled() -> bool:
    """A signal came and was not dealt with: an error now may be its doing (Python turns a
    KeyboardInterrupt inside a class body or a weakref callback into another error)."""
    return bool(_caught)


def by_ctrl_c(stop: BaseException) -> bool:
    """Whether the stop came from Ctrl-C: its exception says so, else the last signal caught."""
    if isinstance(stop, KeyboardInterrupt):
        return True
    if isinstance(stop, Terminated) or not _caught:
        return False
    return _caught[-1] == signal.SIGINT


def dealt_with() -> None:
    """The run has turned the signal into its one line: nothing is left to raise again, and
    the coroutines it left unawaited are no news (Python would warn of each at exit)."""
    import warnings

    _caught.clear()
    warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)


def settle() -> None:
    """The exit code is decided: a signal now would only kill a finished run without a word."""
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _install(handler: Any) -> Any:
    """Set the SIGTERM handler; the one before, or None where signals cannot be set (not the
    main thread: tests run commands in threads too)."""
    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError, AttributeError):
        return None


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` in which SIGTERM and Ctrl-C cancel the main task (so every `async
    with` closes its socket first); when that cancellation ends the run, Terminated or
    KeyboardInterrupt is raised, as asyncio does for Ctrl-C. The loop handles Ctrl-C itself
    because asyncio only does when Python's default handler is set, and the console script
    sets its own (`for_process`). A handler the flow installs itself (`login --hold` ends
    cleanly on SIGTERM) takes precedence."""
    import asyncio

    try:
        raise_swallowed()  # a signal dropped during the imports: stop before any request
    except BaseException:
        main.close()  # never started: no "never awaited" warning
        raise
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    hit: list[int] = []

    async def wrapped() -> T:
        task = asyncio.current_task()

        def on_signal(signum: int) -> None:
            hit.append(signum)
            if task is not None:
                task.cancel()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, on_signal, sig)
        return await main

    try:
        with asyncio.Runner() as runner:
            try:
                return runner.run(wrapped())
            except asyncio.CancelledError:
                if hit:
                    raise KeyboardInterrupt if hit[-1] == signal.SIGINT else Terminated from None
                raise
    finally:
        # Closing the loop reset both signals to Python's defaults: put back the ones before.
        for sig, handler in before.items():
            if handler is not None:
                with contextlib.suppress(ValueError, OSError, AttributeError):
                    signal.signal(sig, handler)
