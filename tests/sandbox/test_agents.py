"""Agents API over real loopback sockets: 202 + the §3 WebSocket outcome."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import Desk, assert_log_valid, assert_spec, client
from wxcc_desk.sandbox import SandboxHandle, parse_tenant

# Inferred reasons (docs/sandbox.md): by the sandbox's own names, not their text.
from wxcc_desk.sandbox import station as st


def test_login_success_carries_the_session(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            r = await desk.call(
                "POST",
                "/v1/agents/login",
                {
                    "dialNumber": "+14085550101",
                    "teamId": desk.team(),
                    "roles": ["agent"],
                    "deviceType": "AGENT_DN",
                    "isExtension": False,
                    "deviceId": "+14085550101",
                },
                headers={"TrackingId": "WXCCDESK_test_1"},
            )
            assert r.status_code == 202
            assert r.headers["TrackingID"] == "WXCCDESK_test_1"
            frame = await desk.event()
            assert frame["type"] == "StationLogin"
            assert frame["trackingId"].startswith("notifs_")
            assert frame["orgId"] == sandbox.org_id
            data = frame["data"]
            assert data["type"] == "AgentStationLoginSuccess"
            assert data["trackingId"] == "WXCCDESK_test_1"
            assert data["agentId"] == desk.user.ci_user_id
            assert data["dialNumber"] == "+14085550101"
            assert data["deviceType"] == "AGENT_DN"
            assert data["teamId"] == desk.team()
            assert data["roles"] == ["agent"]
            assert data["subStatus"] == "Idle"
            assert data["status"] == "LoggedIn"
            assert set(data["channelsMap"]) == {"telephony", "chat", "email", "social"}
            assert data["lastStateChangeTimestamp"] > 0

    run(go())
    assert assert_log_valid(sandbox) >= 2


def test_duplicate_location_between_two_agents(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "alice@example.com") as alice,
            Desk(sandbox, "bob@example.com") as bob,
        ):
            assert (await alice.login("+1 (408) 555-0101"))["data"][
                "type"
            ] == "AgentStationLoginSuccess"
            failed = (await bob.login("+14085550101"))["data"]
            assert failed["type"] == "AgentStationLoginFailed"
            assert failed["reason"] == "DUPLICATE_LOCATION"
            assert isinstance(failed["reasonCode"], int)
            # The same number as an extension is a different location.
            ok = (await bob.login("0101", device="EXTENSION"))["data"]
            assert ok["type"] == "AgentStationLoginSuccess"

    run(go())


def test_extension_in_use_is_a_duplicate_location(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "alice@example.com") as alice,
            Desk(sandbox, "bob@example.com") as bob,
        ):
            await alice.login("4001", device="EXTENSION")
            assert (await bob.login("4001", device="EXTENSION"))["data"][
                "reason"
            ] == "DUPLICATE_LOCATION"

    run(go())


@pytest.mark.parametrize(
    ("email", "dial", "device"),
    [
        ("alice@example.com", "4085550101", "AGENT_DN"),  # neither US (needs 1) nor other rule
        ("alice@example.com", "call-me", "AGENT_DN"),
        ("carol@example.com", "+14085550199", "AGENT_DN"),  # PROVISIONED_VALUE: must be default
        ("alice@example.com", "12a", "EXTENSION"),
    ],
)
def test_invalid_dial_number(
    sandbox: SandboxHandle, run, email: str, dial: str, device: str
) -> None:
    async def go() -> dict:
        async with Desk(sandbox, email) as desk:
            return (await desk.login(dial, device=device))["data"]

    data = run(go())
    assert data["type"] == "AgentStationLoginFailed"
    assert data["reason"] == "INVALID_DIAL_NUMBER"


def test_provisioned_default_and_other_format_numbers_pass(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "carol@example.com") as carol,
            Desk(sandbox, "alice@example.com") as alice,
        ):
            assert (await carol.login("+1 408 555 0103"))["data"][
                "type"
            ] == "AgentStationLoginSuccess"
            assert (await alice.login("+442071234567"))["data"][
                "type"
            ] == "AgentStationLoginSuccess"

    run(go())


def test_second_login_of_same_agent_is_refused(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            again = (await desk.login("+14085550111"))["data"]
            assert again["type"] == "AgentStationLoginFailed"
            assert again["reason"] == st.ALREADY_LOGGED_IN

    run(go())


def test_login_option_team_and_browser_rules(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "bob@example.com") as bob,
            Desk(sandbox, "alice@example.com") as alice,
        ):
            # Bob's desktop profile has no BROWSER option.
            assert (await bob.login(bob.user.ci_user_id, device="BROWSER"))["data"][
                "reason"
            ] == st.INVALID_LOGIN_OPTION
            legacy = next(t.id for t in sandbox.tenant.teams.values() if not t.active)
            assert (await alice.login(teamId=legacy))["data"]["reason"] == st.INVALID_TEAM
            web = (await alice.login(alice.user.ci_user_id, device="BROWSER"))["data"]
            assert web["type"] == "AgentStationLoginSuccess"
            assert web["deviceType"] == "BROWSER"

    run(go())


def test_supervisor_only_login_needs_no_team(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "sue@example.com") as sue:
            r = await sue.call(
                "POST", "/v1/agents/login", {"dialNumber": "+14085550120", "roles": ["supervisor"]}
            )
            assert r.status_code == 202
            return (await sue.event())["data"]

    data = run(go())
    assert data["type"] == "AgentStationLoginSuccess"
    assert data["roles"] == ["supervisor"]
    assert "supervisorSessionId" in data


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_logout_by_put_and_post(sandbox: SandboxHandle, run, method: str) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            r = await desk.call(
                method, "/v1/agents/logout", {"logoutReason": "User requested logout"}
            )
            assert r.status_code == 202
            return await desk.event()

    frame = run(go())
    assert frame["type"] == "Logout"
    assert frame["data"]["type"] == "AgentLogoutSuccess"
    assert frame["data"]["status"] == "LoggedOut"
    assert sandbox.sessions()["sessions"] == []


def test_logout_refused_during_interaction_then_allowed(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            call_id = sandbox.add_interaction("alice@example.com")
            await desk.call("PUT", "/v1/agents/logout", {"logoutReason": "done"})
            refused = (await desk.event())["data"]
            assert refused["type"] == "AgentLogoutFailed"
            assert refused["reason"] == st.ACTIVE_INTERACTION
            assert refused["interactionIds"] == [call_id]
            sandbox.end_interaction(call_id)
            await desk.call("PUT", "/v1/agents/logout", {"logoutReason": "done"})
            assert (await desk.event())["data"]["type"] == "AgentLogoutSuccess"

    run(go())


def test_supervisor_monitoring_also_blocks_logout(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "sam@example.com") as sam:
            await sam.login()
            sandbox.add_interaction("sam@example.com", monitoring=True)
            await sam.call("PUT", "/v1/agents/logout", {"logoutReason": "done"})
            return (await sam.event())["data"]

    data = run(go())
    assert data["type"] == "AgentLogoutFailed"
    assert data["monitoring"] is True


def test_logout_when_not_logged_in_fails_on_the_socket(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.call("PUT", "/v1/agents/logout", {"logoutReason": "x"})
            return (await desk.event())["data"]

    assert run(go())["reason"] == st.NOT_LOGGED_IN


def test_supervisor_logs_out_an_agent_but_an_agent_cannot(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "alice@example.com") as alice,
            Desk(sandbox, "sue@example.com") as sue,
        ):
            await alice.login()
            bob = Desk(sandbox, "bob@example.com")
            r = await bob.call(
                "PUT", "/v1/agents/logout", {"logoutReason": "x", "agentId": alice.user.ci_user_id}
            )
            assert r.status_code == 403
            await bob.http.aclose()
            r = await sue.call(
                "PUT",
                "/v1/agents/logout",
                {"logoutReason": "shift over", "agentId": alice.user.ci_user_id},
            )
            assert r.status_code == 202
            seen = (await alice.event())["data"]
            assert seen["type"] == "AgentLogoutSuccess"
            assert seen["loggedOutBy"] == sue.user.ci_user_id

    run(go())


def test_state_change_and_bad_aux_code(sandbox: SandboxHandle, run) -> None:
    lunch = next(a.id for a in sandbox.tenant.aux_codes.values() if a.name == "Lunch")
    inactive = next(a.id for a in sandbox.tenant.aux_codes.values() if not a.active)

    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            await desk.call(
                "PUT", "/v1/agents/session/state", {"state": "Available", "auxCodeId": "0"}
            )
            ok = await desk.event()
            assert ok["type"] == "AgentStateChange"
            assert ok["data"]["type"] == "AgentStateChangeSuccess"
            assert ok["data"]["subStatus"] == "Available"
            await desk.call(
                "PUT",
                "/v1/agents/session/state",
                {"state": "Idle", "auxCodeId": lunch, "lastStateChangeReason": "Lunch"},
            )
            idle = (await desk.event())["data"]
            assert (idle["subStatus"], idle["auxCodeId"]) == ("Idle", lunch)
            await desk.call(
                "PUT", "/v1/agents/session/state", {"state": "Idle", "auxCodeId": inactive}
            )
            bad = (await desk.event())["data"]
            assert bad["type"] == "AgentStateChangeFailed"
            assert bad["reason"] == st.INVALID_AUX_CODE

    run(go())


def test_state_change_when_logged_out_fails(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.call(
                "PUT", "/v1/agents/session/state", {"state": "Available", "auxCodeId": "0"}
            )
            return (await desk.event())["data"]

    assert run(go())["type"] == "AgentStateChangeFailed"


def test_reload_success_and_agent_not_found(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            assert (await desk.call("POST", "/v1/agents/reload", {})).status_code == 202
            missing = await desk.event()
            assert missing["type"] == "AgentReloginFailed"
            assert missing["data"]["reason"] == "AGENT_NOT_FOUND"
            await desk.login("+14085550155")
            assert (
                await desk.call("POST", "/v1/agents/reload")
            ).status_code == 202  # no body: SPEC
            back = await desk.event()
            assert back["type"] == "AgentReloginSuccess"
            data = back["data"]
            assert data["dn"] == "+14085550155"
            assert data["deviceType"] == "AGENT_DN"
            assert data["teamId"] == desk.team()
            assert data["subStatus"] == "Idle"
            assert data["interactionIds"] == []
            assert data["auxCodeId"]
            assert data["lastStateChangeTimestamp"] > 0

    run(go())


def test_buddy_list(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with (
            Desk(sandbox, "alice@example.com") as alice,
            Desk(sandbox, "sam@example.com") as sam,
        ):
            await sam.login()
            profile = sandbox.tenant.users["alice@example.com"].desktop_profile_id
            r = await alice.call(
                "POST",
                "/v1/agents/buddyList",
                {"agentProfileId": profile, "mediaType": "telephony"},
            )
            assert r.status_code == 202
            return await alice.event()

    frame = run(go())
    assert frame["data"]["type"] == "BuddyAgents"
    assert [a["agentId"] for a in frame["data"]["agentList"]] == [
        sandbox.user("sam@example.com").ci_user_id
    ]


def test_activities_show_who_holds_which_number(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as alice:
            await alice.login("+14085550101")

    run(go())
    with client(sandbox, "admin@example.com") as admin:
        r = admin.get("/v1/agents/activities", params={"from": 0})
        assert r.status_code == 200
        assert_spec(r)
        rows = r.json()["data"]
        assert [(x["agentLogin"], x["agentDn"], x["isLogin"]) for x in rows] == [
            ("alice@example.com", "+14085550101", 1)
        ]
        alice_id = sandbox.user("alice@example.com").ci_user_id
        assert (
            admin.get("/v1/agents/activities", params={"from": 0, "agentIds": "nobody"}).json()[
                "data"
            ]
            == []
        )
        assert (
            len(
                admin.get("/v1/agents/activities", params={"from": 0, "agentIds": alice_id}).json()[
                    "data"
                ]
            )
            == 1
        )
        both = admin.get(
            "/v1/agents/activities",
            params=[("from", "0"), ("agentIds", "x"), ("agentIds", alice_id)],
        )
        assert [row["agentId"] for row in both.json()["data"]] == [alice_id]
        missing = admin.get("/v1/agents/activities")
        assert missing.status_code == 400
        assert_spec(missing)
    with client(sandbox, "alice@example.com") as agent:
        denied = agent.get("/v1/agents/activities", params={"from": 0})
        assert denied.status_code == 403
        assert_spec(denied)


def test_unknown_agent_id_is_a_bad_request(sandbox: SandboxHandle) -> None:
    with client(sandbox, "sue@example.com") as c:
        r = c.put("/v1/agents/logout", json={"logoutReason": "x", "agentId": "nobody"})
    assert r.status_code == 400
    assert_spec(r)


def test_supervisor_acts_only_within_their_teams(make_sandbox) -> None:
    tenant = parse_tenant(
        "multimedia_profiles: [{key: m, name: M}]\n"
        "sites: [{key: s, name: S, multimedia_profile: m}]\n"
        "teams: [{key: a, name: A, site: s}, {key: b, name: B, site: s}]\n"
        "users:\n"
        "  - {email: boss@example.com, roles: [supervisor], teams: [a]}\n"
        "  - {email: near@example.com, teams: [a]}\n"
        "  - {email: far@example.com, teams: [b]}\n"
        "  - {email: root@example.com, admin: true, roles: []}\n",
        "teams.yaml",
    )
    sb = make_sandbox(tenant)
    body = {"logoutReason": "x"}
    with client(sb, "boss@example.com") as boss, client(sb, "root@example.com") as root:
        near = boss.put(
            "/v1/agents/logout", json={**body, "agentId": sb.user("near@example.com").ci_user_id}
        )
        far = boss.put(
            "/v1/agents/logout", json={**body, "agentId": sb.user("far@example.com").ci_user_id}
        )
        admin = root.put(
            "/v1/agents/logout", json={**body, "agentId": sb.user("far@example.com").ci_user_id}
        )
    assert (near.status_code, far.status_code, admin.status_code) == (202, 403, 202)
