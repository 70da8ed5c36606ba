"""Preflight: each check refuses its own bad input, names the fix, and sends nothing."""

from __future__ import annotations

import pytest

from tests.station.conftest import run_cli
from tests.station.profiles import PROFILE_BOB, PROFILE_CAROL
from wxcc_desk.api.config import AgentConfig, AuxCode, Team
from wxcc_desk.api.identity import Identity
from wxcc_desk.core.dialnumber import DnPolicy
from wxcc_desk.core.errors import AuthError, ConfigError
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.station.model import StationSpec
from wxcc_desk.station.preflight import (
    after_login_state,
    check_identity,
    check_telephony,
    preflight,
    resolve_team,
)

TEAMS = (
    Team("t1", "Support"),
    Team("t2", "support"),
    Team("t3", "Legacy", active=False),
    Team("t4", "Night", status="NOT_AVAILABLE"),
    Team("t5", "Overflow", team_type="CAPACITY"),
    Team("t6", "Sales"),
)


def _config(**kw: object) -> AgentConfig:
    base: dict[str, object] = {
        "org_id": "o",
        "ci_user_id": "agent-1",
        "user_id": "u",
        "email": "a@example.com",
        "user_active": True,
        "contact_center_enabled": True,
        "site_id": "s",
        "agent_profile_id": "p",
        "login_voice_options": ("AGENT_DN", "EXTENSION"),
        "webrtc_enabled": False,
        "dn_policy": DnPolicy(),
        "teams": (Team("t6", "Sales"),),
        "idle_codes": (),
    }
    return AgentConfig(**{**base, **kw})  # type: ignore[arg-type]


def _spec(**kw: object) -> StationSpec:
    base: dict[str, object] = {
        "user": "a@example.com",
        "role": "agent",
        "telephony": "dial_number",
        "number": "+14085551234",
        "team": "sales",
    }
    return StationSpec(**{**base, **kw})  # type: ignore[arg-type]


def test_team_by_name_is_case_insensitive_and_by_id() -> None:
    assert resolve_team("SALES", TEAMS, required=True) == TEAMS[5]
    assert resolve_team("t1", TEAMS, required=True) == TEAMS[0]


def test_ambiguous_team_lists_the_candidates() -> None:
    with pytest.raises(ConfigError) as err:
        resolve_team("SUPPORT", TEAMS, required=True)
    assert err.value.code == "TEAM_AMBIGUOUS"
    assert "t1" in err.value.message and "t2" in err.value.message


@pytest.mark.parametrize("name", ["Legacy", "Night", "Overflow"])
def test_unusable_teams_are_refused_with_usable_ones_listed(name: str) -> None:
    with pytest.raises(ConfigError) as err:
        resolve_team(name, TEAMS, required=True)
    assert err.value.code == "TEAM_UNUSABLE" and "Sales" in err.value.hint


def test_missing_team_and_supervisor_without_team() -> None:
    with pytest.raises(ConfigError, match="not one of the user's teams"):
        resolve_team("Nope", TEAMS, required=True)
    assert resolve_team(None, TEAMS, required=False) is None
    with pytest.raises(ConfigError):
        resolve_team(None, TEAMS, required=True)


def test_a_mistyped_team_or_idle_code_gets_the_closest_name() -> None:
    with pytest.raises(ConfigError) as err:
        resolve_team("Sals", TEAMS, required=True)
    assert err.value.code == "TEAM_NOT_FOUND"
    assert err.value.hint.startswith("did you mean 'Sales'? give one of those as the team")
    with pytest.raises(ConfigError) as far:
        resolve_team("Marketing", TEAMS, required=True)
    assert "did you mean" not in far.value.hint
    codes = (AuxCode("i1", "Meeting", "IDLE_CODE"), AuxCode("i2", "Lunch", "IDLE_CODE"))
    with pytest.raises(ConfigError) as idle:
        after_login_state(_spec(idle_code="Meting"), _config(idle_codes=codes))
    assert idle.value.code == "IDLE_CODE_NOT_FOUND"
    assert idle.value.hint.startswith("did you mean 'Meeting'?")


def test_telephony_option_must_be_allowed_and_webrtc_on() -> None:
    with pytest.raises(ConfigError) as err:
        check_telephony(_spec(telephony="desktop"), _config())
    assert err.value.code == "TELEPHONY_NOT_ALLOWED" and "Voice Options" in err.value.hint
    with pytest.raises(ConfigError) as err:
        check_telephony(_spec(telephony="desktop"), _config(login_voice_options=("BROWSER",)))
    assert err.value.code == "WEBRTC_DISABLED"


def test_identity_must_be_the_profile_user() -> None:
    me = Identity("p", "ci", "org", ("b@example.com",), "B")
    with pytest.raises(AuthError):
        check_identity(_spec(), me)
    check_identity(_spec(user="B@Example.com"), me)


def test_dial_number_rule_is_named() -> None:
    with pytest.raises(ConfigError) as err:
        preflight(_spec(number="12"), _config())
    assert err.value.code == "INVALID_DIAL_NUMBER" and "e164" in err.value.message


def test_disabled_user_is_refused() -> None:
    with pytest.raises(ConfigError, match="not enabled"):
        preflight(_spec(), _config(contact_center_enabled=False))


def _login_sent(sandbox: SandboxHandle) -> int:
    # The session probe (subscribe without force, reload) runs beside the configuration reads,
    # so it may have been sent; nothing that changes the station may be.
    changing = ("/v1/agents/login", "/v1/agents/session/state", "/v1/agents/logout")
    forced = [r for r in sandbox.requests if r.path == "/v1/notification/subscribe"
              and isinstance(r.body, dict) and r.body.get("force")]  # fmt: skip
    return sum(1 for r in sandbox.requests if r.path in changing) + len(forced)


@pytest.mark.parametrize(
    ("profile", "email", "env", "code"),
    [
        (PROFILE_CAROL, "carol@example.com", {"WXCC_DIAL_NUMBER": "+14085550199"}, "provisioned"),
        (
            PROFILE_BOB,
            "bob@example.com",
            {"WXCC_TELEPHONY": "desktop", "WXCC_DIAL_NUMBER": ""},
            "TELEPHONY_NOT_ALLOWED",
        ),
        (PROFILE_BOB, "bob@example.com", {"WXCC_TEAM": "Night Shift"}, "TEAM_UNUSABLE"),
        (PROFILE_BOB, "bob@example.com", {"WXCC_DIAL_NUMBER": "+1 408 555"}, "e164"),
    ],
)
def test_preflight_failures_end_to_end(
    sandbox: SandboxHandle, profile: str, email: str, env: dict[str, str], code: str
) -> None:
    res = run_cli(sandbox, "login", "-p", profile, "--json", email=email, env=env)
    assert res.code == 3, res.err
    doc = res.json()["error"]
    assert code in doc["code"] + doc["message"]
    assert doc["hint"]
    assert _login_sent(sandbox) == 0


def test_desktop_option_logs_in_with_the_agent_id(sandbox: SandboxHandle) -> None:
    from tests.station.conftest import PROFILE

    res = run_cli(sandbox, "login", "-p", PROFILE, "--json", env={"WXCC_TELEPHONY": "desktop"})
    assert res.code == 0, res.err
    session = res.json()["session"]
    assert session["device_type"] == "BROWSER"
    assert session["dial_number"] == sandbox.user("sam@example.com").ci_user_id


def test_token_org_must_match_the_users_org() -> None:
    from wxcc_desk.station.preflight import check_token_org

    me = Identity("p", "ci", "org-a", ("a@example.com",), "A")
    check_token_org("", me)  # not a WxCC-shaped token: nothing to compare
    check_token_org("ORG-A", me)
    with pytest.raises(AuthError) as err:
        check_token_org("org-b", me)
    assert err.value.code == "WRONG_ORG"
