"""`station_match`: a found session against the plan, and what `remember` may store."""

from __future__ import annotations

from wxcc_desk.api.agents import LoginRequest
from wxcc_desk.api.config import Team
from wxcc_desk.core.dialnumber import DialVerdict
from wxcc_desk.station.match import mismatches, team_name, used_station
from wxcc_desk.station.model import session_from
from wxcc_desk.station.preflight import LoginPlan

TEAMS = (Team("t-support", "Support"), Team("t-sales", "Sales"))


def _plan(number: str, device: str = "AGENT_DN", team: Team | None = TEAMS[1]) -> LoginPlan:
    request = LoginRequest(number, device, team.id if team else "", ("agent",))
    return LoginPlan(request, team, DialVerdict(True, "e164", "ok"), "Idle", None)


def _session(number: str, device: str = "AGENT_DN", team_id: str = "t-sales") -> dict[str, object]:
    return {"teamId": team_id, "dialNumber": number, "deviceType": device}


def test_same_station_written_differently_is_no_mismatch() -> None:
    found = session_from(_session("+1 (408) 555-0199"))
    assert mismatches(found, _plan("+14085550199"), TEAMS) == []
    browser = session_from(_session("agent-uuid", "BROWSER"))
    assert mismatches(browser, _plan("other", "BROWSER"), TEAMS) == []


def test_every_difference_is_named_with_what_was_asked() -> None:
    found = session_from(_session("+14085550100", team_id="t-support"))
    assert mismatches(found, _plan("+14085550199"), TEAMS) == [
        "team Support (asked: Sales)",
        "dial number +14085550100 (asked: +14085550199)",
    ]
    ext = session_from(_session("1234", "EXTENSION"))
    assert mismatches(ext, _plan("+14085550199"), TEAMS) == [
        "device type EXTENSION (asked: AGENT_DN)"
    ]
    # a supervisor-only plan asks for no team: any team is fine
    assert mismatches(found, _plan("+14085550100", team=None), TEAMS) == []


def test_team_named_from_the_session_and_remembered_as_used() -> None:
    assert team_name("t-support", TEAMS) == "Support"
    assert team_name("t-unknown", TEAMS) == "t-unknown"
    used = used_station(session_from(_session("+14085550100", team_id="t-support"), "Support"))
    assert used is not None
    assert (used.option, used.number, used.team) == ("dial_number", "+14085550100", "Support")
    desktop = used_station(session_from(_session("agent-uuid", "BROWSER"), "Sales"))
    assert desktop is not None and (desktop.option, desktop.number) == ("desktop", None)
    assert used_station(session_from(_session("x", "PHONE"))) is None
