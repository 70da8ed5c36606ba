"""The local session record, `<state_dir>/sessions/<profile>.json`: what the last login of a
profile produced. Written atomically under a lock (`statefile`); never holds a token."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from wxcc_desk.core.statefile import session_file
from wxcc_desk.station.model import SessionInfo

SCHEMA = "wxcc-desk/session/v1"


def save(
    state_dir: Path,
    profile: str,
    *,
    user: str,
    session: SessionInfo,
    run_id: str,
    tracking_ids: list[str],
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "profile": profile,
        "user": user,
        "agent_id": session.agent_id,
        "session_id": session.session_id,
        "team_id": session.team_id,
        "team": session.team_name,
        "dial_number": session.dial_number,
        "device_type": session.device_type,
        "logged_in_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "run_id": run_id,
        "tracking_ids": tracking_ids[-20:],
    }
    session_file(state_dir, profile).write(doc)
    return doc


def load(state_dir: Path, profile: str) -> dict[str, Any] | None:
    return session_file(state_dir, profile).read()


def clear(state_dir: Path, profile: str) -> bool:
    return session_file(state_dir, profile).delete()
