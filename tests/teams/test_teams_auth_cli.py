"""`wxcc-desk teams-auth` end to end: the real entry point against the sandbox over loopback,
each of the six states, each device-flow error, `--no-wait` then `status`, and CI renewal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.teams.conftest import Cli, MsSandbox, Result, keyring_values, write_profile

NO_CONN = "--no-connector"


def _status(cli: Cli, profile: Path, *extra: str) -> Result:
    return cli("teams-auth", "status", "-p", str(profile), "--json", NO_CONN, *extra)


def _teams_entries(keyring_file: Path) -> dict[str, str]:
    return {k: v for k, v in keyring_values(keyring_file).items() if ":teams_" in k}


def test_not_configured_without_teams_section(cli: Cli, ms: MsSandbox, tmp_path: Path) -> None:
    bare = write_profile(tmp_path, "bare", ms.url, None)
    result = _status(cli, bare)
    assert result.code == 3
    doc = result.json()
    assert doc["state"] == "not_configured" and doc["ok"] is False
    assert "teams.tenant and teams.client_id" in doc["reason"]
    login = cli("teams-auth", "login", "-p", str(bare))
    assert login.code == 3 and "fix:" in login.err and "TEAMS_NOT_CONFIGURED" not in login.out


def test_not_authenticated_then_login_succeeds(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    result = _status(cli, profile)
    assert result.code == 4
    assert result.json()["state"] == "not_authenticated"
    # the profile as -p was given (a path): `-p teams` would look for a profile named teams
    assert f"teams-auth login -p {profile}`" in result.json()["hint"]

    ms.auto("approve", after=2)
    login = cli("teams-auth", "login", "-p", str(profile), "--json")
    assert login.code == 0, login.err
    assert "/_sandbox/microsoft/devicelogin" in login.err and "enter the code" in login.err
    doc = login.json()
    assert doc["state"] == "succeeded"
    assert doc["graph"]["account"] == "sam@example.com"
    assert doc["graph"]["availability"] == "Available"
    assert doc["token"]["source"] == "keyring" and doc["token"]["refresh_token_stored"]

    status = _status(cli, profile)
    assert status.code == 0 and status.json()["state"] == "succeeded"
    assert status.json()["token"]["masked"].endswith("chars)")


def test_no_wait_then_status_completes_the_exchange(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    login = cli("teams-auth", "login", "-p", str(profile), "--no-wait", "--json")
    assert login.code == 0, login.err
    pending = login.json()["pending"]
    assert login.json()["state"] == "pending" and pending["user_code"] in login.err
    keys = _teams_entries(isolated_keyring.path)  # type: ignore[attr-defined]
    assert any(k.endswith(":teams_device_code") for k in keys)

    waiting = _status(cli, profile)
    assert waiting.code == 4 and waiting.json()["state"] == "pending"
    assert waiting.json()["pending"]["user_code"] == pending["user_code"]

    ms.control(f"devicecodes/{pending['user_code']}/approve", {"user": "sam@example.com"})
    done = _status(cli, profile)
    assert done.code == 0, done.err
    assert done.json()["state"] == "succeeded"
    keys = _teams_entries(isolated_keyring.path)  # type: ignore[attr-defined]
    assert not any(k.endswith(":teams_device_code") for k in keys)
    assert any(k.endswith(":teams_refresh_token") for k in keys)


def test_denied_sign_in_fails_with_reason(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("deny")
    login = cli("teams-auth", "login", "-p", str(profile))
    assert login.code == 4
    assert "declined" in login.err and "AADSTS65004" in login.err
    assert "trace_id=" in login.err  # Microsoft's tracking IDs are surfaced
    status = _status(cli, profile)
    assert status.code == 4
    assert status.json()["state"] == "failed" and "declined" in status.json()["reason"]
    assert any(t.startswith("correlation_id=") for t in status.json()["tracking_ids"]["server"])


def test_expired_code_while_waiting(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("expire")
    login = cli("teams-auth", "login", "-p", str(profile), "--json")
    assert login.code == 4
    assert login.json()["error"]["code"] == "EXPIRED_TOKEN"
    status = _status(cli, profile)
    assert status.json()["state"] == "expired"


def test_pending_code_expires_before_status(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    assert cli("teams-auth", "login", "-p", str(profile), "--no-wait").code == 0
    ms.control("clock", {"advance": 901})
    status = _status(cli, profile)
    assert status.code == 4
    assert status.json()["state"] == "expired" and "expired" in status.json()["reason"]


def _signed_in(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    ms.auto(None)  # from here on nobody approves anything


def test_expired_refresh_token(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("clock", {"advance": 91 * 86400})
    status = _status(cli, profile)
    assert status.code == 4
    doc = status.json()
    assert doc["state"] == "expired" and "AADSTS700082" in doc["reason"]
    assert "refresh token has expired" in doc["reason"]


def test_revoked_tokens_fail(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("revoke", {"user": "sam@example.com"})
    status = _status(cli, profile)
    assert status.code == 4
    assert status.json()["state"] == "failed" and "refused" in status.json()["reason"]


def test_expired_access_token_is_renewed_silently(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("clock", {"advance": 3700})  # the access token is now refused by Graph
    status = _status(cli, profile)
    assert status.code == 0, status.err
    assert status.json()["state"] == "succeeded"


def test_ci_renews_without_a_person(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    _signed_in(cli, ms, profile)
    before = _teams_entries(isolated_keyring.path)  # type: ignore[attr-defined]
    again = cli("teams-auth", "retry", "-p", str(profile), "--json")
    assert again.code == 0, again.err
    assert "enter the code" not in again.err  # no device code was asked for
    assert ms.summary()["pending_user_codes"] == []
    assert again.json()["state"] == "succeeded"
    after = _teams_entries(isolated_keyring.path)  # type: ignore[attr-defined]
    token_key = next(k for k in after if k.endswith(":teams_access_token"))
    assert after[token_key] != before[token_key]


def test_ci_refresh_token_from_environment(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    _signed_in(cli, ms, profile)
    refresh = next(
        v
        for k, v in _teams_entries(isolated_keyring.path).items()  # type: ignore[attr-defined]
        if k.endswith(":teams_refresh_token")
    )
    assert cli("teams-auth", "logout", "-p", str(profile)).code == 0
    assert _teams_entries(isolated_keyring.path) == {}  # type: ignore[attr-defined]
    env = {"WXCC_TEAMS_REFRESH_TOKEN": refresh}
    login = cli("teams-auth", "login", "-p", str(profile), env=env)
    assert login.code == 0, login.err
    assert "enter the code" not in login.err
    stored = _teams_entries(isolated_keyring.path)  # type: ignore[attr-defined]
    assert any(k.endswith(":teams_refresh_token") for k in stored)


def test_a_refused_environment_refresh_token_is_named_as_the_variable(
    cli: Cli, profile: Path, isolated_keyring: object
) -> None:
    env = {"WXCC_TEAMS_REFRESH_TOKEN": "bogus-refresh-token-0123"}
    login = cli("teams-auth", "login", "-p", str(profile), "--no-wait", env=env)
    assert "the refresh token in WXCC_TEAMS_REFRESH_TOKEN no longer works" in login.err
    assert "stored refresh token" not in login.err  # nothing was stored: it came from the env
    assert "bogus-refresh-token-0123" not in login.text


def test_logout_removes_tokens(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    out = cli("teams-auth", "logout", "-p", str(profile))
    assert out.code == 0 and "teams_refresh_token" in out.err
    status = _status(cli, profile)
    assert status.code == 4 and status.json()["state"] == "not_authenticated"
    assert "nothing was stored" in cli("teams-auth", "logout", "-p", str(profile)).err


def test_graph_unavailable_fails_with_request_ids(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("faults", {"graph": [503]})
    status = _status(cli, profile)
    assert status.code == 5
    doc = status.json()
    assert doc["state"] == "failed" and "HTTP 503" in doc["reason"]
    assert any(t.startswith("request-id=") for t in doc["tracking_ids"]["server"])


def test_env_access_token_is_reported_as_its_source(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    _signed_in(cli, ms, profile)
    access = next(
        v
        for k, v in _teams_entries(isolated_keyring.path).items()  # type: ignore[attr-defined]
        if k.endswith(":teams_access_token")
    )
    import json

    token = json.loads(access)["token"]
    result = cli(
        "teams-auth",
        "status",
        "-p",
        str(profile),
        "--json",
        NO_CONN,
        env={"WXCC_TEAMS_ACCESS_TOKEN": token},
    )
    assert result.code == 0, result.err
    assert result.json()["token"]["source"] == "environment WXCC_TEAMS_ACCESS_TOKEN"
    assert token not in result.out


def test_status_reads_the_wxcc_connector(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    result = cli("teams-auth", "status", "-p", str(profile), "--json")
    assert result.code == 0, result.err
    connector = result.json()["connector"]
    assert connector["configured"] is True and connector["org_connector"] == "active"
    assert connector["presence_sync"] is True and connector["show_user_details"] is True
    assert connector["desktop_profile"]["name"] == "All Login Options"
    table = cli("teams-auth", "status", "-p", str(profile))
    assert table.code == 0 and "succeeded" in table.out
    rows = {line.split("  ")[0]: line for line in table.out.splitlines()}
    # Each row names the setting it shows: the org connector's (which decides) and the
    # Desktop Profile's own flags, which the sandbox leaves off.
    assert "active: presence sync on, user details on (used)" in rows["org connector"]
    assert (
        "All Login Options: presence sync off (stateSynchronizationMS), user details off "
        "(showUserDetailsMS)" in rows["desktop profile"]
    )
    assert "(used)" not in rows["desktop profile"]


def test_connector_not_configured(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.control("connector", {"microsoftConfig": None})
    result = cli("teams-auth", "status", "-p", str(profile), "--json")
    assert result.code == 3
    doc = result.json()
    assert doc["state"] == "not_configured" and doc["code"] == "CONNECTOR_NOT_CONFIGURED"
    assert "connector is not configured" in doc["reason"] and "Control Hub" in doc["hint"]
    ms.control(
        "connector",
        {
            "microsoftConfig": {
                "active": True,
                "showUserDetails": False,
                "stateSynchronization": False,
            }
        },
    )
    doc = cli("teams-auth", "status", "-p", str(profile), "--json").json()
    assert doc["state"] == "not_configured" and "neither" in doc["reason"]


def test_connector_unreadable_without_webex_token(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    result = cli(
        "teams-auth", "status", "-p", str(profile), "--json", env={"WXCC_ACCESS_TOKEN": ""}
    )
    doc = result.json()
    assert doc["connector"]["configured"] is None
    assert doc["connector"]["detail"].startswith("not read: no token")
    assert doc["state"] == "not_authenticated"  # the Microsoft side is still evaluated


def test_wrong_client_id_and_tenant_are_config_errors(
    cli: Cli, ms: MsSandbox, tmp_path: Path
) -> None:
    for tenant, client, code in (
        ("sandbox.onmicrosoft.com", "not-registered", "UNAUTHORIZED_CLIENT"),
        ("no-such-tenant", "9e5f94bc-e8a4-4e73-b8be-63364c29d753", "INVALID_REQUEST"),
    ):
        teams = {
            "tenant": tenant,
            "client_id": client,
            "authority_url": ms.url,
            "graph_url": ms.url,
        }
        path = write_profile(tmp_path, "wrong", ms.url, teams)
        result = cli("teams-auth", "login", "-p", str(path), "--json")
        assert result.code == 3, result.err
        assert result.json()["error"]["code"] == code
        assert "teams.client_id" in result.err and "correlation_id=" in result.err


def test_renewal_outage_is_a_network_failure(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("clock", {"advance": 3700})
    ms.control("faults", {"token": ["temporarily_unavailable"]})
    status = _status(cli, profile)
    assert status.code == 5
    doc = status.json()
    assert doc["state"] == "failed" and doc["code"] == "MS_UNAVAILABLE"
    assert _status(cli, profile).code == 0  # the outage is over: the refresh token still works


def test_status_polled_too_fast_stays_pending(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    assert cli("teams-auth", "login", "-p", str(profile), "--no-wait").code == 0
    ms.control("faults", {"token": ["slow_down"]})
    status = _status(cli, profile)
    assert status.code == 4 and status.json()["state"] == "pending"


def test_login_with_an_env_access_token_is_refused_before_any_code(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    """That variable wins over whatever a sign-in stores: signing in would change nothing, and
    the run would end telling the user to sign in again."""
    ms.auto("approve")
    res = cli(
        "teams-auth", "login", "-p", str(profile), env={"WXCC_TEAMS_ACCESS_TOKEN": "not-a-token"}
    )
    assert res.code == 3
    assert "WXCC_TEAMS_ACCESS_TOKEN is set" in res.err and "unset" in res.err
    assert "enter the code" not in res.err
    assert _teams_entries(isolated_keyring.path) == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("variable", "said"),
    [
        (
            "WXCC_TEAMS_ACCESS_TOKEN",
            [
                "WXCC_TEAMS_ACCESS_TOKEN holds a token Microsoft refused",
                "teams-auth login -p {profile}`",
            ],
        ),
        (
            "WXCC_TEAMS_REFRESH_TOKEN",
            [
                "refresh token (environment WXCC_TEAMS_REFRESH_TOKEN)",
                "replace WXCC_TEAMS_REFRESH_TOKEN",
            ],
        ),
    ],
)
def test_a_refused_env_token_says_to_replace_it_not_to_sign_in_again(
    cli: Cli, ms: MsSandbox, profile: Path, variable: str, said: list[str]
) -> None:
    res = cli("teams-auth", "status", "-p", str(profile), NO_CONN, env={variable: "refused-1"})
    assert res.code == 4, res.err
    assert all(words.format(profile=profile) in res.err for words in said), res.err
    assert "-p PROFILE" not in res.err


def test_status_json_carries_the_run_id_and_tracking_ids(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    _signed_in(cli, ms, profile)
    doc = cli("teams-auth", "status", "-p", str(profile), "--json").json()
    assert doc["schema"] == "wxcc-desk/teams-auth-status/v1" and doc["ok"] is True
    assert set(doc["tracking_ids"]) == {"sent", "server"}
    sent = doc["tracking_ids"]["sent"]
    assert sent and all(t.startswith(f"WXCCDESK_{doc['run_id']}_") for t in sent)
    assert doc["tracking_ids"]["server"]  # the WxCC connector read and Graph answered with IDs
