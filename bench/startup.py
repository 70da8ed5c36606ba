"""Figure 1: start-up cost of `wxcc-desk --help` against `python -c "import typer"`."""

from __future__ import annotations

from pathlib import Path

from bench.common import BIN, Figure, bench_env, interleaved_medians


def help_ratio(home: Path, runs: int = 21) -> Figure:
    commands = {
        "typer": [str(BIN / "python"), "-c", "import typer"],
        "help": [str(BIN / "wxcc-desk"), "--help"],
    }
    med = interleaved_medians(commands, runs, bench_env(home))
    ratio = med["help"] / med["typer"]
    detail = f"help {med['help'] * 1000:.0f} ms / import typer {med['typer'] * 1000:.0f} ms"
    return Figure("start-up: --help", ratio, "<= 1.30", ratio <= 1.30, detail)


# The libraries `status` cannot run without: Typer (the CLI), httpx with httpcore's async pool
# and anyio (its asyncio backend), PyYAML (the profile), asyncio, and websockets (the service
# reports the station session only as an event on the notification socket). Importing just these
# is the floor under figure 1b; tests/bench checks that `status` really imports each of them.
STATUS_FLOOR = (
    "typer",
    "httpx",
    "httpcore._async.connection_pool",
    "anyio._backends._asyncio",
    "yaml",
    "asyncio",
    "websockets.asyncio.client",
)


def status_ratio(home: Path, runs: int = 21) -> Figure:
    """`status --json` in a fresh process against a loopback sandbox whose user is signed in:
    the import cost of the whole status flow (its few loopback round trips cost ~1 ms each).
    The same run times the floor: a process that only imports `STATUS_FLOOR`."""
    from bench.common import PROFILE, SAM, cli_inproc, sandbox_env
    from wxcc_desk.sandbox import run_sandbox

    with run_sandbox() as sb:
        creds = sandbox_env(sb.url, sb.token(SAM))
        signed_in = cli_inproc(["login", "-p", str(PROFILE)], creds)
        if signed_in.code:
            raise RuntimeError(f"login for figure 1b exited {signed_in.code}: {signed_in.err}")
        commands = {
            "typer": [str(BIN / "python"), "-c", "import typer"],
            "status": [str(BIN / "wxcc-desk"), "status", "--json", "-p", str(PROFILE)],
            "floor": [str(BIN / "python"), "-c", "import " + ", ".join(STATUS_FLOOR)],
        }
        med = interleaved_medians(commands, runs, {**bench_env(home), **creds})
    ratio = med["status"] / med["typer"]
    detail = (
        f"status --json {med['status'] * 1000:.0f} ms / import typer {med['typer'] * 1000:.0f} ms"
        f"; importing only the libraries status needs: {med['floor'] / med['typer']:.2f}x"
    )
    return Figure("start-up: status --json", ratio, "<= 2.50", ratio <= 2.50, detail)
