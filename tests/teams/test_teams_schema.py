"""`teams-auth status` and `login` (and `retry`) print wxcc-desk/teams-auth-status/v1 documents
that match the published schema in each state a run can end in; `logout --json` prints
wxcc-desk/teams-auth-logout/v1 (and nothing on stdout without `--json`)."""

from __future__ import annotations

from pathlib import Path

from tests.support.documents import check_output
from tests.teams.conftest import Cli, MsSandbox, write_profile

STATUS = ["teams-auth-status"]


def test_every_state_a_run_ends_in_matches_the_schema(
    cli: Cli, ms: MsSandbox, profile: Path, tmp_path: Path, isolated_keyring: object
) -> None:
    bare = write_profile(tmp_path, "bare", ms.url, None)
    seen = {}
    runs = [
        cli("teams-auth", "status", "-p", str(bare), "--json"),  # not_configured
        cli("teams-auth", "status", "-p", str(profile), "--json"),  # not_authenticated
        cli("teams-auth", "login", "-p", str(profile), "--no-wait", "--json"),  # pending
    ]
    ms.auto("approve")
    runs.append(cli("teams-auth", "status", "-p", str(profile), "--json"))  # succeeded
    runs.append(cli("teams-auth", "retry", "-p", str(profile), "--json", "--new-code"))
    for run in runs:
        assert check_output(run.out) == STATUS, run.err
        seen[run.json()["state"]] = run.json()
    assert set(seen) == {"not_configured", "not_authenticated", "pending", "succeeded"}
    assert runs[3].json()["connector"] is not None  # status read the WxCC side: described too
    assert seen["pending"]["pending"]["user_code"]


def test_logout_prints_its_document_with_json_only(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    plain = cli("teams-auth", "logout", "-p", str(profile))  # without --json: no document
    assert plain.code == 0 and check_output(plain.out) == [] and "removed" in plain.err
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0  # stored again
    first = cli("teams-auth", "logout", "-p", str(profile), "--json")
    assert first.code == 0 and check_output(first.out) == ["teams-auth-logout"], first.err
    doc = first.json()
    assert doc["ok"] is True and doc["nothing_stored"] is False
    assert "teams_refresh_token" in doc["removed"] and doc["keyring"]["usable"] is True
    again = cli("teams-auth", "logout", "-p", str(profile), "--json").json()
    assert again["removed"] == [] and again["nothing_stored"] is True
