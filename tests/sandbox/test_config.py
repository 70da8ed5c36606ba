"""WxCC configuration reads, validated against the specs."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import assert_spec, client
from tests.support.spec_validation import validate_response
from wxcc_desk.sandbox import SandboxHandle


def _ids(sb: SandboxHandle, attr: str) -> list[str]:
    return list(getattr(sb.tenant, attr))


def test_own_user_by_ci_user_id_with_the_api_spelling(sandbox: SandboxHandle) -> None:
    alice = sandbox.user("alice@example.com")
    with client(sandbox, "alice@example.com") as c:
        for prefix in ("", "/v2"):
            r = c.get(
                f"/organization/{sandbox.org_id}{prefix}/user/by-ci-user-id/{alice.ci_user_id}"
            )
            assert r.status_code == 200
            assert_spec(r)
            user = r.json()
            assert user["deafultDialledNumber"] == "+14085550101"
            assert "defaultDialledNumber" not in user
            assert user["ciUserId"] == alice.ci_user_id
            assert user["id"] == alice.id
            assert user["agentProfileId"] and user["teamIds"] and user["siteId"]


def test_reading_another_user_needs_admin_or_config_read(sandbox: SandboxHandle) -> None:
    bob = sandbox.user("bob@example.com")
    path = f"/organization/{sandbox.org_id}/user/by-ci-user-id/{bob.ci_user_id}"
    with client(sandbox, "alice@example.com") as c:
        denied = c.get(path)
    assert denied.status_code == 403
    assert_spec(denied)
    with client(sandbox, "admin@example.com") as c:
        assert c.get(path).json()["email"] == "bob@example.com"
        missing = c.get(f"/organization/{sandbox.org_id}/user/by-ci-user-id/nobody")
        assert missing.status_code == 404
        assert_spec(missing)
        assert (
            c.get(f"/organization/{sandbox.org_id}/user/{bob.id}").json()["ciUserId"]
            == bob.ci_user_id
        )


def test_other_org_is_403(sandbox: SandboxHandle) -> None:
    with client(sandbox, "admin@example.com") as c:
        r = c.get("/organization/00000000-0000-0000-0000-000000000000/team")
    assert r.status_code == 403
    assert_spec(r)


@pytest.mark.parametrize(
    ("segment", "attr"),
    [
        ("agent-profile", "desktop_profiles"),
        ("team", "teams"),
        ("site", "sites"),
        ("dial-plan", "dial_plans"),
        ("multimedia-profile", "multimedia_profiles"),
        ("skill-profile", "skill_profiles"),
        ("auxiliary-code", "aux_codes"),
    ],
)
def test_every_collection_one_list_and_v2(sandbox: SandboxHandle, segment: str, attr: str) -> None:
    base = f"/organization/{sandbox.org_id}"
    ids = _ids(sandbox, attr)
    with client(sandbox, "alice@example.com") as c:
        one = c.get(f"{base}/{segment}/{ids[0]}")
        listing = c.get(f"{base}/{segment}")
        v2 = c.get(f"{base}/v2/{segment}", params={"page": 0, "pageSize": 100})
        missing = c.get(f"{base}/{segment}/does-not-exist")
    for r in (one, listing, v2, missing):
        assert_spec(r)
    assert one.json()["id"] == ids[0]
    assert [d["id"] for d in listing.json()] == ids
    assert v2.json()["meta"]["totalRecords"] == len(ids)
    assert missing.status_code == 404


def test_desktop_profiles_carry_login_options_and_dn_validation(sandbox: SandboxHandle) -> None:
    with client(sandbox, "admin@example.com") as c:
        profiles = c.get(f"/organization/{sandbox.org_id}/agent-profile").json()
    by_name = {p["name"]: p for p in profiles}
    assert by_name["All Login Options"]["loginVoiceOptions"] == ["AGENT_DN", "EXTENSION", "BROWSER"]
    assert "BROWSER" not in by_name["Phone Only"]["loginVoiceOptions"]
    assert by_name["Provisioned Number Only"]["agentDNValidation"] == "PROVISIONED_VALUE"
    assert by_name["Retired Profile"]["active"] is False
    assert by_name["All Login Options"]["dialPlanEnabled"] is True


def test_team_filters_and_paging(sandbox: SandboxHandle) -> None:
    base = f"/organization/{sandbox.org_id}/v2/team"
    alice = sandbox.tenant.users["alice@example.com"]
    teams = sandbox.tenant.teams
    with client(sandbox, "alice@example.com") as c:
        some = c.get(base, params={"filter": f"id=in=({','.join(alice.team_ids)})"}).json()
        mine = c.get(base, params={"filter": f"userId=={alice.db_id}"}).json()
        page = c.get(base, params={"page": 1, "pageSize": 2}).json()
        quoted = c.get(base, params={"filter": f'userId=="{alice.db_id}"'})
        junk = c.get(base, params={"filter": "name~~x"})
        bad_page = c.get(base, params={"pageSize": 0})
    assert [t["id"] for t in some["data"]] == alice.team_ids
    assert [t["id"] for t in mine["data"]] == alice.team_ids
    assert page["meta"]["totalPages"] == 3
    assert [t["id"] for t in page["data"]] == list(teams)[2:4]
    assert (quoted.status_code, junk.status_code, bad_page.status_code) == (400, 400, 400)
    statuses = {t.name: (t.active, t.status, t.team_type) for t in teams.values()}
    assert statuses["Legacy Team"][0] is False
    assert statuses["Night Shift"][1] == "NOT_AVAILABLE"
    assert statuses["Overflow Capacity"][2] == "CAPACITY"


def test_org_settings_not_in_spec_but_served(sandbox: SandboxHandle) -> None:
    base = f"/organization/{sandbox.org_id}"
    with client(sandbox, "alice@example.com") as c:
        org = c.get(base, params={"agentView": "true"})
        setting = c.get(f"{base}/v2/organization-setting", params={"agentView": "true"})
        tenant = c.get(f"{base}/v2/tenant-configuration", params={"agentView": "true"})
    assert org.json()["id"] == sandbox.org_id
    assert setting.json()["webRtcEnabled"] is True
    cfg = tenant.json()
    assert cfg["dnDefaultRegex"].startswith("1[0-9]{3}")
    assert cfg["forceDefaultDn"] is False
    assert "dnOtherRegex" in cfg
    for r in (org, setting, tenant):
        check = validate_response("GET", r.request.url.path, 200, dict(r.headers), r.content)
        assert not check.in_spec


def test_dial_plan_fields(sandbox: SandboxHandle) -> None:
    with client(sandbox, "alice@example.com") as c:
        plans = c.get(f"/organization/{sandbox.org_id}/dial-plan").json()
    us = next(p for p in plans if p["name"] == "US")
    assert (us["prefix"], us["strippedChars"], us["active"]) == ("1", "()- .", True)
