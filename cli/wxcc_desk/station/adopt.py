"""Session adoption before a station login, as the SDK's `register()` does.

`cc.ts` `connectWebsocket` runs `silentRelogin()` (a reload) before any `stationLogin`, so an
existing session is found and adopted instead of a second login being sent and refused. Here
the reload chain (subscribe -> WebSocket + Welcome -> POST reload -> its outcome) runs beside
the configuration reads, so it costs the login no round trip: people/me, then the longer of
the two chains (4 round trips), then login and its outcome: 7 in all, as before adoption.

`--takeover` is the exception: its subscribe has `force`, which closes the user's other
wxcc-desk sockets, so it waits until preflight has passed (a refused profile must not close
another run's `--hold`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from wxcc_desk.api.config import AgentConfig, load_agent_config
from wxcc_desk.api.identity import Identity
from wxcc_desk.api.notifications import Envelope, NotificationSocket
from wxcc_desk.core.errors import NetworkError, RejectedError
from wxcc_desk.core.hints import name_profile
from wxcc_desk.station.match import mismatches
from wxcc_desk.station.model import Station, StationSpec, session_from
from wxcc_desk.station.preflight import LoginPlan, preflight
from wxcc_desk.station.socket import connect, learn_session, logged_in


@dataclass
class Opening:
    """What a login knows before it sends anything that changes the station."""

    config: AgentConfig
    plan: LoginPlan
    sock: NotificationSocket
    existing: Envelope  # the reload's answer: signed in (and how) or not

    @property
    def signed_in(self) -> bool:
        return logged_in(self.existing)


async def _configure(st: Station, me: Identity, spec: StationSpec) -> tuple[AgentConfig, LoginPlan]:
    config = await load_agent_config(st.http, st.api_url, me.org_id, me.ci_user_id)
    return config, preflight(spec, config)


async def _probe(st: Station, *, force: bool) -> tuple[NotificationSocket, Envelope]:
    sock = await connect(st, allow_multi_login=False, force=force)
    try:
        return sock, await learn_session(st, sock)
    except NetworkError as err:
        await sock.close()
        if err.code != "OUTCOME_TIMEOUT":
            raise
        # As the SDK's register() fails when its relogin does: without the answer, a login
        # could be a second one. Nothing was changed yet.
        raise NetworkError(
            f"{err.message}; the station login was not sent (whether the user is signed in "
            "already is unknown)",
            hint="the notification service may be slow or degraded: try again, or raise "
            "`timeouts.outcome` in the profile",
            code=err.code,
            tracking_ids=err.tracking_ids,
        ) from None
    except BaseException:
        await sock.close()
        raise


async def _discard(task: asyncio.Task[tuple[NotificationSocket, Envelope]]) -> None:
    """The probe of a login that failed before it: stop it, close its socket if it has one."""
    task.cancel()
    with contextlib.suppress(BaseException):
        sock, _ = await task
        await sock.close()


async def open_for_login(st: Station, me: Identity, spec: StationSpec) -> Opening:
    """Configuration, preflight and the station session, side by side (not with --takeover).

    A configuration or preflight error wins over a socket error: it names the fix the user
    needs first, and it is what the login reported before adoption existed."""
    if spec.takeover:
        config, plan = await _configure(st, me, spec)
        st.step("preflight passed; subscribing to notifications (taking over)")
        sock, env = await _probe(st, force=True)
        return Opening(config, plan, sock, env)
    probe = asyncio.create_task(_probe(st, force=False))
    try:
        config, plan = await _configure(st, me, spec)
    except BaseException:
        await _discard(probe)
        raise
    sock, env = await probe
    return Opening(config, plan, sock, env)


def adopt(st: Station, spec: StationSpec, opening: Opening) -> list[str]:
    """The existing session, when it may be adopted; its warnings. Another station raises
    (exit 1, naming both) unless `--takeover` asked to adopt whatever is there."""
    teams = opening.config.teams
    diff = mismatches(session_from(opening.existing.data), opening.plan, teams)
    if spec.takeover:
        st.step("took over the existing station session")
        return [name_profile(w, st.cli_ref) for w in _takeover_warnings(diff)]
    if diff:
        ref = f" -p {st.cli_ref}" if st.cli_ref else ""
        raise RejectedError(
            "the user is already signed in with another station: it uses " + ", ".join(diff),
            hint=f"run `wxcc-desk login --takeover{ref}` to adopt that session as it is, or "
            f"`wxcc-desk logout{ref}` and log in again for the profile's station",
            code="ALREADY_LOGGED_IN",
            tracking_ids=list(filter(None, [opening.existing.tracking_id])),
        )
    st.step("already signed in with this station; no second login sent")
    return []


def _takeover_warnings(diff: Sequence[str]) -> list[str]:
    """--takeover adopts the session as it is; say so when it is not what the profile asks."""
    if not diff:
        return []
    return [
        "the session taken over differs from the profile: it uses "
        + ", ".join(diff)
        + "; calls reach that station. To use the profile's values, run `wxcc-desk logout` "
        "and log in again"
    ]


def from_request(plan: LoginPlan, data: dict[str, object]) -> dict[str, object]:
    """Login success data completed from the request that caused it: the SDK's
    `StationLoginSuccess` (`services/agent/types.ts`) has no deviceType, deviceId, dn or
    isExtension, so what the service leaves out is what we asked for. Sent values win."""
    req = plan.request
    asked: dict[str, object] = {
        "deviceType": req.device_type,
        "deviceId": req.device_id if req.device_type else "",
        "dialNumber": req.dial_number,
        "isExtension": req.device_type == "EXTENSION",
        "teamId": req.team_id,
    }
    return {**asked, **{k: v for k, v in data.items() if v not in (None, "")}}
