"""Tenant files: the shipped default, generated agents, and one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.helpers import Desk, client
from wxcc_desk.sandbox import TenantError, default_tenant, load_tenant, parse_tenant

# Inferred reasons (docs/sandbox.md): by the sandbox's own names, not their text.
from wxcc_desk.sandbox import station as st

BASE = (
    "multimedia_profiles: [{key: m, name: M}]\n"
    "sites: [{key: s, name: S, multimedia_profile: m}]\n"
    "teams: [{key: t, name: T, site: s}]\n"
    "desktop_profiles: [{key: d, name: D}]\n"
)


def test_default_tenant_has_what_the_flows_need() -> None:
    t = default_tenant()
    assert {
        "sam@example.com",
        "alice@example.com",
        "bob@example.com",
        "sue@example.com",
        "admin@example.com",
    } <= set(t.users)
    assert any(not team.active for team in t.teams.values())
    assert any(team.status == "NOT_AVAILABLE" for team in t.teams.values())
    assert any(team.team_type == "CAPACITY" for team in t.teams.values())
    options = [p.login_voice_options for p in t.desktop_profiles.values()]
    assert ["AGENT_DN", "EXTENSION", "BROWSER"] in options
    assert any("BROWSER" not in o for o in options)
    assert any(p.dn_validation == "PROVISIONED_VALUE" for p in t.desktop_profiles.values())
    assert any(p.stripped_chars and p.prefix for p in t.dial_plans.values())
    assert t.org.webrtc_enabled
    assert any(a.name == "RONA" and a.work_type == "IDLE_CODE" for a in t.aux_codes.values())
    assert t.skill_profiles and t.multimedia_profiles and t.sites


def test_ids_are_stable_across_loads() -> None:
    a, b = default_tenant(), default_tenant()
    assert list(a.teams) == list(b.teams)
    assert a.users["alice@example.com"].ci_user_id == b.users["alice@example.com"].ci_user_id


def test_generated_agents_at_scale(make_sandbox, run) -> None:
    text = BASE + "generate: {agents: 2000, team: t, desktop_profile: d, site: s}\n"
    tenant = parse_tenant(text, "big.yaml")
    assert len(tenant.users) == 2000
    dns = {u.default_dn for u in tenant.users.values()}
    assert len(dns) == 2000
    sb = make_sandbox(tenant)
    email = "agent01999@example.com"

    async def go() -> str:
        async with Desk(sb, email) as desk:
            return (await desk.login())["data"]["type"]

    assert run(go()) == "AgentStationLoginSuccess"
    with client(sb, email) as c:
        assert c.get("/v1/people/me").json()["emails"] == [email]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("users: [\n  - {email: a@example.com\n", "bad.yaml:2: not valid YAML"),
        ("- just\n- a list\n", "bad.yaml:1: the tenant file must be a mapping"),
        (
            BASE + "users:\n  - email: a@example.com\n    colour: red\n",
            "bad.yaml:7: users[0].colour: unknown key",
        ),
        (
            BASE + "users:\n  - email: a@example.com\n    teams: [nope]\n",
            "bad.yaml:7: users[0].teams: no teams entry with key 'nope'",
        ),
        (
            BASE + "users:\n  - email: a@example.com\n  - email: A@example.com\n",
            "users[1].email: duplicate user",
        ),
        (
            BASE + "users:\n  - email: not-an-address\n",
            "users[0].email: 'not-an-address' is not an e-mail",
        ),
        (
            BASE + "users:\n  - {email: a@example.com, roles: [boss]}\n",
            "users[0].roles: 'boss' must be agent or supervisor",
        ),
        (
            BASE + "org: {dn_default_regex: '([0-9'}\n",
            "org.dn_default_regex: not a valid regular expression",
        ),
        (BASE + "org: {region: mars1}\n", "org.region: must be one of"),
        (BASE + "org: {webrtc_enabled: maybe}\n", "org.webrtc_enabled: expected true or false"),
        (
            BASE.replace(
                "teams: [{key: t, name: T, site: s}]",
                "teams: [{key: t, name: T, site: s, type: CAPACITY}]",
            ),
            "teams[0].dialed_number: is required for a CAPACITY team",
        ),
        (
            BASE.replace(
                "desktop_profiles: [{key: d, name: D}]",
                "desktop_profiles: [{key: d, name: D, login_voice_options: [PIGEON]}]",
            ),
            "desktop_profiles[0].login_voice_options: 'PIGEON' is not one of",
        ),
        (BASE + "dial_plans: [{key: x, name: X}]\n", "dial_plans[0].regex: is required"),
        (
            BASE + "generate: {agents: 2, team: t, desktop_profile: d, site: s,"
            " email: 'fixed@example.com'}\n",
            "generate.email: generated address fixed@example.com clashes",
        ),
        (
            BASE + "generate: {agents: -1, team: t, desktop_profile: d, site: s}\n",
            "generate.agents: must be between",
        ),
        (
            BASE + "users: [{email: a@example.com, token: abc}]\n",
            "users[0].token: must end with _PF84_",
        ),
        (BASE + "teams2: []\n", "bad.yaml:5: teams2: unknown key; did you mean 'teams'?"),
        (
            BASE + "multimedia_profiles: [{key: m, name: M, chat: 9}]\n",
            "bad.yaml:5: multimedia_profiles",
        ),
    ],
)
def test_bad_tenant_files_give_one_line_errors(text: str, expected: str) -> None:
    with pytest.raises(TenantError) as info:
        parse_tenant(text, "bad.yaml")
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_missing_file_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(TenantError, match="cannot read the tenant file"):
        load_tenant(tmp_path / "missing.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TenantError, match="not UTF-8"):
        load_tenant(binary)


def test_custom_tenant_is_served(tmp_path: Path, make_sandbox) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        BASE + "org: {force_default_dn: true, webrtc_enabled: false}\n"
        "users: [{email: me@corp.example.com, teams: [t], desktop_profile: d,"
        " default_dn: '+14085551000'}]\n"
    )
    sb = make_sandbox(path)

    async def go() -> list[str]:
        async with Desk(sb, "me@corp.example.com") as desk:
            wrong = (await desk.login("+14085551001"))["data"]["reason"]
            web = (await desk.login(desk.user.ci_user_id, device="BROWSER"))["data"]["reason"]
            ok = (await desk.login("+14085551000"))["data"]["type"]
            return [wrong, web, ok]

    assert run_sync(go()) == [
        "INVALID_DIAL_NUMBER",
        st.INVALID_LOGIN_OPTION,
        "AgentStationLoginSuccess",
    ]


def run_sync(coro):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(coro)


def test_a_word_list_may_be_one_string_of_words() -> None:
    """docs/sandbox.md: `roles: agent supervisor` is the list [agent, supervisor]."""
    text = BASE + "users:\n  - {email: a@example.com, roles: agent supervisor}\n"
    user = parse_tenant(text, "t.yaml").users["a@example.com"]
    assert list(user.roles) == ["agent", "supervisor"]
