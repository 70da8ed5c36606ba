"""The versioned JSON documents keep their keys (adding is allowed; removing or renaming is
a new schema version)."""

from __future__ import annotations

from tests.station.conftest import Cli

COMMON = {"schema", "ok", "run_id", "tracking_ids"}
SESSION = {
    "agent_id",
    "session_id",
    "team_id",
    "team",
    "dial_number",
    "device_type",
    "state",
    "idle_code",
    "aux_code_id",
    "since",
    "interaction_ids",
    "roles",
}


def test_login_status_logout_and_error_keys(cli: Cli) -> None:
    login = cli("login", "--json").json()
    assert COMMON | {
        "user",
        "org_id",
        "adopted",
        "already_signed_in",
        "session",
        "warnings",
        "dial_number_notes",
    } <= set(login)
    assert set(login["tracking_ids"]) == {"sent", "server"}
    assert set(login["session"]) >= SESSION
    status = cli("status", "--json").json()
    assert COMMON | {
        "logged_in",
        "token",
        "station",
        "not_logged_in_reason",
        "local_record",
        "service_status",
        "notes",
    } <= set(status)
    assert {"source", "masked", "expires_at", "user", "org_id", "display_name"} <= set(
        status["token"]
    )
    assert {"degraded", "incidents", "error"} <= set(status["service_status"])
    logout = cli("logout", "--json").json()
    assert COMMON | {"user", "session", "reason", "forgotten"} <= set(logout)
    error = cli("logout", "--json").json()
    assert error["schema"] == "wxcc-desk/error/v1" and error["ok"] is False
    assert {"code", "message", "hint", "exit_code", "tracking_ids"} <= set(error["error"])
