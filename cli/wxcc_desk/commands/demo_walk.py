"""`wxcc-desk demo`: the sandbox in-process, and login, status and logout against it with the
shipped sandbox profile. Nothing is stored in the keyring or the state folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from wxcc_desk.station.model import DemoReport, EventSink, Station, spec_from_profile
from wxcc_desk.station.run import build_station, load, token_view

if TYPE_CHECKING:
    from wxcc_desk.core.context import AppContext
    from wxcc_desk.profiles.load import Profile
    from wxcc_desk.station.login import LoginResult
    from wxcc_desk.station.status import LogoutReport, StatusReport


def run_demo(actx: AppContext, on_event: EventSink) -> DemoReport:
    """One event loop for the three steps; session state goes to a temporary folder so a real
    `sandbox` profile's record is left alone."""
    import tempfile

    from wxcc_desk.api.tokens import TokenSet, TokenSource
    from wxcc_desk.core import interrupt
    from wxcc_desk.profiles.packaged import packaged_path
    from wxcc_desk.sandbox import run_sandbox

    # A Ctrl-C or SIGTERM says so, not what the sandbox's station was left in.
    actx.at_risk = "the demo's own sandbox stops with it; nothing else was changed"
    # The sandbox profile shipped in the package: the demo needs no checkout and no profile
    # of the user's (a `sandbox` profile of their own is left alone).
    with (
        run_sandbox() as sandbox,
        tempfile.TemporaryDirectory() as state,
        packaged_path("sandbox") as shipped,
    ):
        profile = load(actx.env, str(shipped), {"base_url": sandbox.url})
        on_event_step(
            on_event,
            f"sandbox running at {sandbox.url}; profile {profile.name}, user {profile.user}",
        )
        tokens = TokenSet(sandbox.token(profile.user), source=cast(TokenSource, "sandbox"))
        st = build_station(actx, profile, tokens, on_event, state_dir=Path(state))
        st.on_risk = lambda _text: None
        login, status, logout = interrupt.run(_walk(st, profile))
        return DemoReport(sandbox.url, login, status, token_view(tokens), logout)


async def _walk(st: Station, profile: Profile) -> tuple[LoginResult, StatusReport, LogoutReport]:
    from wxcc_desk.station import login as station_login
    from wxcc_desk.station import status as station_status

    async with st.http:
        on_event_step(st.on_event, "step 1/3: wxcc-desk login")
        login = await station_login.login(st, spec_from_profile(profile))
        on_event_step(st.on_event, "step 2/3: wxcc-desk status")
        status = await station_status.status(st)
        on_event_step(st.on_event, "step 3/3: wxcc-desk logout")
        logout = await station_status.logout(st, reason="wxcc-desk demo")
    return login, status, logout


def on_event_step(on_event: EventSink, text: str) -> None:
    import time

    from wxcc_desk.station.model import StationEvent

    on_event(StationEvent("step", text, {}, time.time()))
