"""Ambiguous failures of the login POST and of subscribe never sign in twice or block the next
run, and an adopted session is reported as the service has it, not as the profile asks."""

from __future__ import annotations

from tests.station.conftest import PROFILE, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from tests.support.waiting import until
from wxcc_desk.core.keystore import Keystore
from wxcc_desk.sandbox import SandboxHandle

LOGIN = "/v1/agents/login"
SUBSCRIBE = "/v1/notification/subscribe"
OTHER_STATION = {"WXCC_TEAM": "Sales", "WXCC_DIAL_NUMBER": "+14085550199"}


def _count(sandbox: SandboxHandle, method: str, path: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path == path)


# --------------------------------------------------------------------------- login POST


def test_login_answer_lost_to_a_read_timeout_waits_for_its_outcome(
    make_sandbox: MakeSandbox,
) -> None:
    # The service answers (and processes) the login after the client gave up on the request:
    # the outcome still arrives on the socket, so no second reload and no second login are sent
    # (the one reload is the session probe every login makes before it sends anything).
    sb = make_sandbox(faults=[f"latency=1500,path={LOGIN},times=1"])
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_REQUEST": "1"})
    assert res.code == 0, res.err
    assert _count(sb, "POST", LOGIN) == 1
    assert _count(sb, "POST", "/v1/agents/reload") == 1
    assert "waiting for the first attempt's outcome" in res.err
    (session,) = sb.sessions()["sessions"]
    assert res.json()["session"]["session_id"] == session["session_id"]


def test_another_station_in_place_is_refused_before_any_login(
    make_sandbox: MakeSandbox,
) -> None:
    # The session probe before the login finds the first run's station: refused, naming both,
    # and no second login is sent (before adoption, the login went out and was refused).
    sb = make_sandbox()
    assert run_cli(sb, "login", "-p", PROFILE).code == 0  # Support, +14085550100
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env=OTHER_STATION)
    assert res.code == 1, res.out
    err = res.json()["error"]
    assert err["code"] == "ALREADY_LOGGED_IN"
    assert "+14085550100" in err["message"] and "+14085550199" in err["message"]
    assert "Support" in err["message"] and "Sales" in err["message"]
    assert f"--takeover -p {PROFILE}" in err["hint"]
    assert _count(sb, "POST", LOGIN) == 1  # the first run's only
    (session,) = sb.sessions()["sessions"]
    assert session["dial_number"] == "+14085550100"


def test_unknown_session_after_an_ambiguous_failure_is_uncertain_not_a_second_login(
    make_sandbox: MakeSandbox,
) -> None:
    # The session probe's reload is answered; the one after the ambiguous login is not.
    faults = [f"error=503,path={LOGIN},times=1", "ws-withhold=AgentReloginFailed,after=1"]
    sb = make_sandbox(faults=faults)
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_OUTCOME": "0.3"})
    assert res.code == 5
    err = res.json()["error"]
    assert err["code"] == "UNCERTAIN_OUTCOME"
    assert "wxcc-desk status" in err["hint"]
    assert _count(sb, "POST", LOGIN) == 1


# --------------------------------------------------------------------------- subscribe


def test_subscribe_timeout_resubscribes_once_with_force_and_the_next_run_works(
    make_sandbox: MakeSandbox,
) -> None:
    # The first subscribe is processed after the client timed out (1 s) but before a blind retry
    # would have gone out (0.25 s later): its subscription would refuse that retry. The forced
    # one is processed first here; the late one then meets it and is refused (the short hold
    # keeps the run open until then: one landing after the run ended is the documented race).
    # 1.4 s, not just over the 1 s timeout: a loaded machine may fire the client's timer late
    # (the session probe now subscribes while the configuration reads run).
    sb = make_sandbox(faults=[f"latency=1400,path={SUBSCRIBE},times=1"])
    env = {"WXCC_TIMEOUT_REQUEST": "1"}
    first = run_cli(sb, "login", "-p", PROFILE, "--hold", "--duration", "0.6", env=env)
    assert first.code == 0, first.err
    subs = [r for r in sb.requests if r.path == SUBSCRIBE]
    assert len(subs) == 2
    assert subs[0].body["force"] is False and subs[1].body["force"] is True
    assert sb.sessions()["subscriptions"] == []  # no orphan left to refuse the next run
    assert run_cli(sb, "logout", "-p", PROFILE).code == 0
    again = run_cli(sb, "login", "-p", PROFILE)
    assert again.code == 0, again.err


def test_subscribe_uncertain_twice_names_the_fix_and_takeover_works(
    make_sandbox: MakeSandbox,
) -> None:
    sb = make_sandbox(faults=[f"latency=1150,path={SUBSCRIBE},times=2"])
    first = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_REQUEST": "1"})
    assert first.code == 5
    err = first.json()["error"]
    assert err["code"] == "UNCERTAIN_OUTCOME" and "--takeover" in err["hint"]
    assert _count(sb, "POST", SUBSCRIBE) == 2
    assert _count(sb, "POST", LOGIN) == 0
    # The takeover must come after the service made both late subscriptions: one made later
    # would close the takeover's own socket (a race of the test, not of the tool).
    until(
        lambda: not [r for r in sb.requests if r.path == SUBSCRIBE and not r.status],
        "the delayed subscribes were never answered",
    )
    again = run_cli(sb, "login", "-p", PROFILE, "--takeover")
    assert again.code == 0, again.err


# --------------------------------------------------------------------------- --takeover


def test_takeover_of_another_station_reports_the_session_as_it_is(
    make_sandbox: MakeSandbox,
) -> None:
    sb = make_sandbox()
    assert run_cli(sb, "login", "-p", PROFILE).code == 0  # Support, +14085550100
    env = {**OTHER_STATION, "WXCC_REMEMBER": "true"}
    res = run_cli(sb, "login", "-p", PROFILE, "--takeover", "--json", env=env)
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["adopted"] is True
    assert doc["session"]["team"] == "Support"
    assert doc["session"]["dial_number"] == "+14085550100"
    warning = " ".join(doc["warnings"])
    assert "Sales" in warning and "+14085550199" in warning and "logout" in warning
    record = (res.actx.state_dir / "sessions" / "sandbox.json").read_text()
    assert '"team": "Support"' in record and "+14085550199" not in record
    stored = Keystore().get("sandbox", "station") or ""
    assert "Support" in stored and "+14085550100" in stored
    assert "Sales" not in stored and "+14085550199" not in stored
    assert _count(sb, "POST", LOGIN) == 1


def test_takeover_of_the_same_station_warns_of_nothing(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox()
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    res = run_cli(sb, "login", "-p", PROFILE, "--takeover", "--json")
    assert res.code == 0, res.err
    assert res.json()["adopted"] is True
    assert not [w for w in res.json()["warnings"] if "differs" in w]
