"""The spec validator itself: it catches real mismatches and never passes unknown paths."""

from __future__ import annotations

from tests.support.spec_validation import spec_for, validate_request, validate_response

ORG = "/organization/0f0e0d0c-0000-4000-8000-000000000000"


def test_paths_map_to_their_spec_files() -> None:
    assert spec_for("/v1/people/me") == ("webex-people-api-openapi.yml", "/people/me")
    assert spec_for(f"{ORG}/v2/team")[0] == "webex-team-api-openapi.yml"  # type: ignore[index]
    assert spec_for(f"{ORG}/agent-profile/x")[0] == "webex-desktop-profile-api-openapi.yml"  # type: ignore[index]
    assert spec_for(f"{ORG}/v2/organization-setting") is None
    assert spec_for("/_sandbox/reset") is None


def test_not_in_spec_is_reported_not_passed() -> None:
    check = validate_response("GET", f"{ORG}/v2/tenant-configuration", 200, {}, {"a": 1})
    assert not check.in_spec
    assert not check.ok
    try:
        check.raise_for_problems()
    except AssertionError as err:
        assert "not in spec" in str(err)
    else:
        raise AssertionError("not-in-spec must not pass")


def test_wrong_types_and_enums_are_caught() -> None:
    bad_team = {"id": "t", "teamType": "ROBOT", "active": "yes"}
    check = validate_response(
        "GET", f"{ORG}/team/t", 200, {"Content-Type": "application/json"}, bad_team
    )
    assert check.in_spec and not check.ok
    text = " ".join(check.errors)
    assert "ROBOT" in text and "yes" in text


def test_request_validation_catches_a_missing_required_field() -> None:
    ok = validate_request(
        "PUT", "/v1/agents/logout", {}, {"Content-Type": "application/json"}, {"logoutReason": "x"}
    )
    missing = validate_request(
        "PUT", "/v1/agents/logout", {}, {"Content-Type": "application/json"}, {"agentId": "a"}
    )
    post = validate_request(
        "POST", "/v1/agents/logout", {}, {"Content-Type": "application/json"}, {"logoutReason": "x"}
    )
    assert ok.ok and post.ok
    assert not missing.ok and "logoutReason" in " ".join(missing.errors)


def test_undocumented_status_is_caught() -> None:
    check = validate_response("POST", "/v1/agents/login", 418, {}, None)
    assert not check.ok
