"""`diagnose` as one typed async function: profile, clients, runner, report.

The command only parses options and renders the `Report` this returns.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.diagnose.base import Check, Subject
from wxcc_desk.diagnose.options import DiagnoseOptions, Progress
from wxcc_desk.diagnose.report import Report
from wxcc_desk.diagnose.runner import CheckTracker, Runner, select
from wxcc_desk.diagnose.state import RunState

if TYPE_CHECKING:
    from wxcc_desk.core.context import AppContext
    from wxcc_desk.profiles.schema import Profile


def load_for_diagnose(actx: AppContext, name: str) -> tuple[Profile | None, ConfigError | None]:
    """The profile, or the reason it is invalid. A profile that cannot be found is a usage
    problem (exit 3); one that is found but invalid is what `local.profile` reports."""
    from wxcc_desk.profiles.load import default_search_dirs, find_profile, load_profile

    # The same search order as login and status (./profiles first), so an admin diagnoses the
    # very file that the failing command reads.
    dirs = list(dict.fromkeys([*default_search_dirs(actx.env), actx.config_dir / "profiles"]))
    path = find_profile(name, dirs)
    if not path.is_file():
        raise ConfigError(
            f"profile file {name} not found",  # as given: `./nope`, not `nope`
            hint="check the path, or pass -p NAME with a name `wxcc-desk profiles list` shows",
        )
    import shlex

    actx.profile_ref = shlex.quote(name)
    try:
        # The name as given, not the path found: fixes then say `-p lab` as the user typed it.
        return load_profile(name, env=actx.env, search_dirs=dirs), None
    except ConfigError as err:
        return None, err


def _state(env: Mapping[str, str], opts: DiagnoseOptions, profile: Profile | None) -> RunState:
    state = RunState(env=env, deadline_s=opts.deadline_s)
    if profile is not None:
        state.profile = profile
        state.hosts = {
            "api": profile.api_url,
            "identity": profile.identity_url,
            "status": profile.status_url,
        }
        state.connect_timeout = profile.timeouts.connect
    return state


async def diagnose(actx: AppContext, opts: DiagnoseOptions, progress: Progress) -> Report:
    """Run the selected checks for the profile's user, one other user, or many users."""
    from wxcc_desk import __version__
    from wxcc_desk.diagnose import clients
    from wxcc_desk.diagnose.checks import load_checks

    opts.validate()
    load_checks()
    checks = select(opts.check_ids)
    profile, error = load_for_diagnose(actx, opts.profile)
    tracker = actx.tracker
    if not isinstance(tracker, CheckTracker):  # commands/diagnose.py sets one before the run
        raise TypeError("diagnose needs a CheckTracker on the context")
    state = _state(actx.env, opts, profile)
    state.profile_error = error
    state.admin_mode = opts.mode != "self"
    state.keystore = actx.keystore  # for diagnose/checks/teams.py
    report = Report(opts.profile, tracker.run_id, opts.mode, tool_version=__version__)
    started = time.monotonic()
    async with clients.open_clients(actx, state, opts):
        await _run(state, checks, opts, report, progress)
    report.duration_ms = (time.monotonic() - started) * 1000
    report.tracking = tracker.summary() if not report.many else _short_tracking(tracker)
    last = -5 if report.many else 0  # thousands in a many-user run: the newest, as errors do
    report.tracking_ids = {"sent": tracker.sent[last:], "server": tracker.received[last:]}
    return report


async def _run(
    state: RunState, checks: list[Check], opts: DiagnoseOptions, report: Report, progress: Progress
) -> None:
    import asyncio

    runner = Runner(state, checks)
    if opts.mode in ("self", "agent"):
        email = opts.agent or (state.profile.user if state.profile else "")
        subject = Subject(email, admin=bool(opts.agent)) if email else None
        users, run = await asyncio.gather(runner.run_subject(subject), runner.finish_run_scope())
        report.results = [*run, *users]
        return
    from wxcc_desk.diagnose.many import run_many

    report.results = await run_many(runner, state, opts, report, progress)


def _short_tracking(tracker: CheckTracker) -> dict[str, object]:
    # Many-user runs send thousands of requests: keep the IDs that matter (on results) only.
    return {"run_id": tracker.run_id, "sent_count": len(tracker.sent)}
