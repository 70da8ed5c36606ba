"""Every request diagnose sends that a published spec covers matches it (openapi-core)."""

from __future__ import annotations

from pathlib import Path

from tests.diagnose.helpers import run_cli, write_profile
from tests.support.spec_validation import validate_request
from wxcc_desk.sandbox import run_sandbox


def test_diagnose_requests_match_the_specs(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--agent", "sam@example.com"], env=env
        )
        records = [r for r in sbx.requests if r.headers.get("Authorization")]
    assert run.doc["mode"] == "agent"
    checked = 0
    for r in records:
        check = validate_request(r.method, r.path, r.query, r.headers, r.raw_body)
        if check.in_spec:
            check.raise_for_problems()
            checked += 1
    assert checked >= 8


def test_all_agents_user_listing_matches_the_users_spec(tmp_path: Path) -> None:
    from tests.support.spec_validation import validate_recorded

    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        run = run_cli(["diagnose", "-p", str(prof), "--json", "--all-agents"], env=env)
        listing = [r for r in sbx.requests if r.path.endswith("/v2/user")]
    assert run.doc["mode"] == "all-agents"
    assert len(run.doc["users"]) == 5  # every Contact Center user; admin is not enabled
    assert len(listing) == 1
    request, response = validate_recorded(listing[0])
    assert request.spec == "webex-users-api-openapi.yml"
    request.raise_for_problems()
    response.raise_for_problems()
