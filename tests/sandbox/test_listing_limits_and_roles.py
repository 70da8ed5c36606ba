"""What the second wave added to the sandbox: the paged user listing, Retry-After on injected
429s, minted tokens naming another org, task rows in agent activities, sites without a
multimedia profile, user profile types that decide login roles, and a reset that covers the
Microsoft side."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers import Desk, assert_spec, client
from wxcc_desk.sandbox import ControlError, SandboxHandle, TenantError, parse_fault, parse_tenant

BASE = (
    "multimedia_profiles: [{key: m, name: M}]\n"
    "sites: [{key: s, name: S, multimedia_profile: m}]\n"
    "teams: [{key: t, name: T, site: s}]\n"
    "desktop_profiles: [{key: d, name: D}]\n"
)


def _users(sb: SandboxHandle, path: str = "v2/user", **params: object) -> httpx.Response:
    with client(sb, "admin@example.com") as admin:
        return admin.get(f"/organization/{sb.org_id}/{path}", params=params)


def test_v2_user_listing_pages_with_meta(sandbox: SandboxHandle) -> None:
    first = _users(sandbox, pageSize=4)
    assert first.status_code == 200
    assert_spec(first)
    body = first.json()
    assert body["meta"] == {
        "orgid": sandbox.org_id, "page": 0, "pageSize": 4, "totalPages": 2, "totalRecords": 6,
    }  # fmt: skip
    second = _users(sandbox, pageSize=4, page=1).json()
    emails = [u["email"] for u in body["data"] + second["data"]]
    assert sorted(emails) == sorted(u.email for u in sandbox.users)
    assert second["meta"]["page"] == 1 and len(second["data"]) == 2
    assert _users(sandbox, pageSize=4, page=5).json()["data"] == []
    # the spec: a size above the maximum is lowered to it, not refused
    assert _users(sandbox, pageSize=5000).json()["meta"]["pageSize"] == 1000
    assert _users(sandbox).json()["meta"]["pageSize"] == 100  # the spec's default


def test_v2_user_listing_filter_attributes_and_plain_array(sandbox: SandboxHandle) -> None:
    enabled = _users(sandbox, filter="contactCenterEnabled==true").json()
    assert "admin@example.com" not in [u["email"] for u in enabled["data"]]
    assert enabled["meta"]["totalRecords"] == 5
    record = next(u for u in enabled["data"] if u["email"] == "sam@example.com")
    assert record["userProfileType"] == "SUPERVISOR"
    assert record["ciUserId"] == sandbox.user("sam@example.com").ci_user_id
    picked = _users(sandbox, "user", attributes="id,email")
    assert picked.status_code == 200
    assert_spec(picked)
    assert all(set(u) == {"id", "email"} for u in picked.json())
    assert _users(sandbox, search="sam").status_code == 400
    assert _users(sandbox, pageSize=0).status_code == 400


def test_user_listing_needs_an_admin(sandbox: SandboxHandle) -> None:
    with client(sandbox, "alice@example.com") as alice:
        r = alice.get(f"/organization/{sandbox.org_id}/v2/user")
    assert r.status_code == 403
    assert_spec(r)


def test_injected_429_carries_retry_after(sandbox: SandboxHandle) -> None:
    sandbox.add_fault("error=429,path=/v1/people/me,times=1")
    sandbox.add_fault("error=503,path=/v1/people,retry-after=7,times=1")
    with client(sandbox, "alice@example.com") as c:
        limited = c.get("/v1/people/me")
        unavailable = c.get("/v1/people", params={"email": "bob@example.com"})
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")
    assert (unavailable.status_code, unavailable.headers["Retry-After"]) == (503, "7")
    assert parse_fault("error=429,retry-after=0").headers == {"Retry-After": "0"}
    assert parse_fault("error=500").headers == {}
    for bad, needle in (
        ("drop,retry-after=1", "error faults only"),
        ("error=429,retry-after=-1", "whole"),
    ):
        with pytest.raises(ValueError, match=needle):
            parse_fault(bad)


def test_minted_token_of_another_org(sandbox: SandboxHandle) -> None:
    other = "11111111-2222-4333-8444-555555555555"
    token = sandbox.mint_token("alice@example.com", org_id=other)
    assert token.endswith(f"_{other}") and token != sandbox.token("alice@example.com")
    me = httpx.get(f"{sandbox.url}/v1/people/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["emails"] == ["alice@example.com"]
    same = sandbox.mint_token("alice@example.com")
    assert same.endswith(f"_{sandbox.org_id}")
    with pytest.raises(ControlError) as info:
        sandbox.control("POST", "tokens/mint", {"email": "alice@example.com", "org_id": "a_b"})
    assert info.value.status == 400
    sandbox.reset()  # minted tokens are gone after a reset
    gone = httpx.get(f"{sandbox.url}/v1/people/me", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_activities_list_task_and_monitoring_rows(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as alice:
            await alice.login("+14085550101")

    run(go())
    call = sandbox.add_interaction("alice@example.com")
    watch = sandbox.add_interaction("alice@example.com", monitoring=True)
    with client(sandbox, "admin@example.com") as admin:
        r = admin.get("/v1/agents/activities", params={"from": 0})
    assert_spec(r)
    rows = r.json()["data"]
    assert [x["isLogin"] for x in rows] == [1, 0, 0]
    tasks = {x["taskId"]: x for x in rows[1:]}
    assert tasks[call]["currentState"] == "connected"
    assert tasks[watch]["currentState"] == "monitoring"
    assert {x["agentSessionId"] for x in rows} == {rows[0]["agentSessionId"]}
    assert all(x["endTime"] == 0 and x["active"] for x in rows)


def test_site_without_multimedia_profile(make_sandbox) -> None:
    tenant = parse_tenant(
        BASE.replace(
            "sites: [{key: s, name: S, multimedia_profile: m}]", "sites: [{key: s, name: S}]"
        )
        + "users: [{email: a@corp.example, teams: [t], desktop_profile: d}]\n",
        "bare.yaml",
    )
    sb = make_sandbox(tenant)
    site_id = next(iter(sb.tenant.sites))
    with client(sb, "a@corp.example") as c:
        r = c.get(f"/organization/{sb.org_id}/site/{site_id}")
    assert r.status_code == 200
    assert_spec(r)
    assert r.json()["multimediaProfileId"] == ""


def test_user_profile_type_decides_roles() -> None:
    users = parse_tenant(
        BASE + "users:\n"
        "  - {email: a@corp.example}\n"
        "  - {email: s@corp.example, roles: [supervisor]}\n"
        "  - {email: x@corp.example, roles: [], admin: true}\n"
        "  - {email: p@corp.example, user_profile_type: STANDARD_AGENT}\n",
        "t.yaml",
    ).users
    types = {e: u.user_profile_type for e, u in users.items()}
    assert types == {
        "a@corp.example": "PREMIUM_AGENT",
        "s@corp.example": "SUPERVISOR",
        "x@corp.example": "ADMINISTRATOR_ONLY",
        "p@corp.example": "STANDARD_AGENT",
    }
    with pytest.raises(TenantError, match="supervisor is not granted by user_profile_type"):
        parse_tenant(
            BASE + "users: [{email: a@corp.example, roles: [supervisor], "
            "user_profile_type: PREMIUM_AGENT}]\n",
            "t.yaml",
        )
    with pytest.raises(TenantError, match="user_profile_type: must be one of"):
        parse_tenant(BASE + "users: [{email: a@corp.example, user_profile_type: BOSS}]\n", "t.yaml")


def test_reset_also_resets_the_microsoft_side(sandbox: SandboxHandle) -> None:
    sandbox.control("POST", "microsoft/settings", {"interval": 9})
    sandbox.control("POST", "microsoft/clock", {"advance": 3600})
    assert sandbox.control("GET", "microsoft")["clock_offset"] == 3600
    sandbox.reset()
    summary = sandbox.control("GET", "microsoft")
    assert summary["clock_offset"] == 0
    assert summary["interval"] != 9


def test_websocket_url_base_knob(sandbox: SandboxHandle) -> None:
    sandbox.websocket(url_base="wss://ws.example.invalid:8443")
    with client(sandbox, "alice@example.com") as c:
        url = c.post("/v1/notification/subscribe", json={"clientType": "WxccDesk"}).json()
    assert url["webSocketUrl"].startswith("wss://ws.example.invalid:8443/v1/notification/")
    for bad in ({"url_base": "http://x"}, {"url_base": 3}, {"welcome": "yes"}, {"nope": 1}):
        with pytest.raises(ControlError) as info:
            sandbox.control("POST", "websocket", bad)
        assert info.value.status == 400
    sandbox.reset()
    with client(sandbox, "alice@example.com") as c:
        url = c.post("/v1/notification/subscribe", json={"clientType": "WxccDesk"}).json()
    assert url["webSocketUrl"].startswith(f"ws://127.0.0.1:{sandbox.url.rsplit(':', 1)[1]}/")


def test_user_listing_filters_as_the_spec_examples(sandbox: SandboxHandle) -> None:
    sam, alice = sandbox.user("sam@example.com"), sandbox.user("alice@example.com")

    def emails(rsql: str) -> list[str]:
        r = _users(sandbox, filter=rsql)
        assert r.status_code == 200, r.text
        return sorted(u["email"] for u in r.json()["data"])

    assert emails(f'id=="{sam.id}"') == ["sam@example.com"]
    assert emails(f'id=in=("{sam.id}","{alice.id}")') == ["alice@example.com", "sam@example.com"]
    assert "sam@example.com" not in emails(f'id!="{sam.id}"')
    out = emails(f"id=out=({sam.id},{alice.id})")
    assert len(out) == 4 and "alice@example.com" not in out
    assert _users(sandbox, filter="id>5").status_code == 400
    # other listings keep the SDK's rule: a quoted value answers 400
    with client(sandbox, "admin@example.com") as admin:
        team = admin.get(f"/organization/{sandbox.org_id}/v2/team", params={"filter": 'id=="x"'})
    assert team.status_code == 400
