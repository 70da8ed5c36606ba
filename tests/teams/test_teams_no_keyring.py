"""`teams-auth` on a machine without a usable keyring (a typical CI runner): `status` reports
the settings and `not_authenticated` with the alternatives, a waiting `login` signs in for the
run and says nothing was stored, `--no-wait` is refused with the fix, `logout` has nothing to do.
The real entry point against the sandbox over loopback; `failing_keyring` breaks the keyring."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.teams.conftest import Cli, MsSandbox, keyring_values, mint_tokens

pytestmark = pytest.mark.usefixtures("failing_keyring")
ROOT = Path(__file__).resolve().parents[2]


def _status(cli: Cli, profile: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    result = cli("teams-auth", "status", "-p", str(profile), "--json", env=env)
    doc: dict[str, object] = result.json()
    doc["exit"] = result.code
    return doc


def test_status_reports_settings_and_not_authenticated(cli: Cli, profile: Path) -> None:
    doc = _status(cli, profile)
    assert doc["exit"] == 4  # README: not_authenticated is exit 4
    assert doc["state"] == "not_authenticated" and doc["code"] == "KEYRING_UNAVAILABLE"
    assert "no usable keyring to hold the Microsoft tokens" in str(doc["reason"])
    assert "keyring.backends.fail.Keyring" in str(doc["reason"])
    hint = str(doc["hint"])
    assert "WXCC_TEAMS_REFRESH_TOKEN" in hint and "WXCC_TEAMS_ACCESS_TOKEN" in hint
    assert "install and unlock a keyring backend" in hint
    keyring = doc["keyring"]
    assert isinstance(keyring, dict) and keyring["usable"] is False
    assert str(keyring["reason"]).startswith("keyring.backends.fail.Keyring: ")
    connector = doc["connector"]
    assert isinstance(connector, dict) and connector["configured"] is True  # settings still read
    assert doc["graph"] is None  # nothing to probe with


def test_status_table_names_the_keyring_and_the_fix(cli: Cli, profile: Path) -> None:
    result = cli("teams-auth", "status", "-p", str(profile))
    assert result.code == 4
    assert "not usable: keyring.backends.fail.Keyring" in result.out
    assert "fix: set WXCC_TEAMS_REFRESH_TOKEN" in result.err
    assert "Traceback" not in result.err


def test_status_probes_graph_with_the_access_token_from_the_environment(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    tokens = mint_tokens(ms)
    doc = _status(cli, profile, {"WXCC_TEAMS_ACCESS_TOKEN": tokens["access_token"]})
    assert doc["exit"] == 0 and doc["state"] == "succeeded"
    graph = doc["graph"]
    assert isinstance(graph, dict) and graph["ok"] is True
    assert graph["account"] == "sam@example.com" and graph["availability"] == "Available"
    token = doc["token"]
    assert isinstance(token, dict)
    assert token["source"] == "environment WXCC_TEAMS_ACCESS_TOKEN"
    assert doc["keyring"] == {"usable": None, "reason": None}  # never consulted


def test_status_renews_from_the_refresh_token_in_the_environment(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    tokens = mint_tokens(ms)
    result = cli(
        "teams-auth",
        "status",
        "-p",
        str(profile),
        "--json",
        env={"WXCC_TEAMS_REFRESH_TOKEN": tokens["refresh_token"]},
    )
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["state"] == "succeeded" and doc["graph"]["account"] == "sam@example.com"
    assert doc["token"]["source"] == "environment WXCC_TEAMS_REFRESH_TOKEN"
    assert doc["token"]["refresh_token_stored"] is False
    assert "were not stored" in result.err


def test_waiting_login_signs_in_for_the_run_and_warns(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    ms.auto("approve", after=2)
    login = cli("teams-auth", "login", "-p", str(profile), "--json")
    assert login.code == 0, login.err
    assert "enter the code" in login.err
    doc = login.json()
    assert doc["state"] == "succeeded" and doc["graph"]["availability"] == "Available"
    assert doc["token"]["source"].startswith("this run's sign-in (not stored")
    assert doc["token"]["refresh_token_stored"] is False
    assert "tokens of this run were not stored" in login.err
    assert "next run must sign in again" in login.err
    # Nothing kept anywhere: the next run is not signed in.
    assert _status(cli, profile)["code"] == "KEYRING_UNAVAILABLE"


def test_no_wait_is_refused_with_the_fix(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    result = cli("teams-auth", "login", "-p", str(profile), "--no-wait")
    assert result.code == 3
    error = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "--no-wait" in error[0] and "keyring is not usable" in error[0]
    assert "without --no-wait" in result.err and "install and unlock a keyring" in result.err
    assert ms.summary()["pending_user_codes"] == []  # no code was asked for and lost


def test_no_wait_still_renews_from_the_environment(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    tokens = mint_tokens(ms)
    env = {"WXCC_TEAMS_REFRESH_TOKEN": tokens["refresh_token"]}
    result = cli("teams-auth", "login", "-p", str(profile), "--no-wait", "--json", env=env)
    assert result.code == 0, result.err
    assert result.json()["state"] == "succeeded"  # no code needed, so nothing to keep


def test_logout_has_nothing_to_remove(cli: Cli, profile: Path) -> None:
    result = cli("teams-auth", "logout", "-p", str(profile))
    assert result.code == 0
    assert "nothing to remove" in result.err and "keyring is not usable" in result.err
    doc = cli("teams-auth", "logout", "-p", str(profile), "--json").json()
    assert doc["nothing_stored"] is True and doc["keyring"]["usable"] is False
    assert doc["keyring"]["reason"]  # why, as the stderr line says


def test_nothing_reaches_the_test_keyring_file(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object
) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    assert keyring_values(isolated_keyring.path) == {}  # type: ignore[attr-defined]


def test_readme_status_example_without_keyring(
    cli: Cli, ms: MsSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: `wxcc-desk teams-auth status -p sandbox --json` reports instead of exiting 3."""
    monkeypatch.chdir(ROOT)
    result = cli("teams-auth", "status", "-p", "sandbox", "--json", env={"WXCC_BASE_URL": ms.url})
    assert result.code == 4, result.err
    doc = result.json()
    assert doc["state"] == "not_authenticated" and doc["connector"]["configured"] is True


def test_canary_nothing_falls_back_to_a_file(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_home: Path
) -> None:
    """No keyring is no excuse for a plain-text copy: the environment's tokens appear in no
    output, trace or file, and no token of the run's own sign-in reaches a file."""
    tokens = mint_tokens(ms)
    assert tokens["access_token"].startswith("eyJ0")  # the shape the last assert looks for
    texts: list[str] = []
    for env in ({"WXCC_TEAMS_REFRESH_TOKEN": tokens["refresh_token"]}, {}):
        ms.auto("approve")
        result = cli("-v", "teams-auth", "login", "-p", str(profile), "--json", env=env)
        assert result.code == 0, result.err
        texts += [result.out, result.err, *result.trace]
    files = [f.read_text(errors="replace") for f in isolated_home.rglob("*") if f.is_file()]
    assert files  # the state file with the last outcome is there
    for secret in (tokens["refresh_token"], tokens["access_token"]):
        assert not [t[:200] for t in texts + files if secret in t]
    assert not [f[:200] for f in files if "eyJ0" in f]  # every sandbox token starts so


def test_a_keyring_that_never_answers_is_unusable_too(
    cli: Cli, profile: Path, hanging_keyring: None
) -> None:
    """A locked keyring waiting on a prompt costs one time box (0.2 s here), then the same
    report as no keyring at all."""
    args = ("teams-auth", "status", "-p", str(profile), "--json", "--no-connector")
    result = cli(*args, env={"WXCC_TIMEOUT_KEYRING": "0.2"})  # `cli` copied os.environ earlier
    assert result.code == 4, result.err
    doc = result.json()
    assert doc["code"] == "KEYRING_UNAVAILABLE" and "no answer within 0.2 s" in doc["reason"]


def test_unreadable_connector_names_the_profile_in_its_fix(cli: Cli, profile: Path) -> None:
    # no keyring and no WXCC_ACCESS_TOKEN: the connector cannot be read, and the keyring's fix
    # (a command) is not an error of the run, so the -p rule is applied to the detail itself
    doc = _status(cli, profile, env={"WXCC_ACCESS_TOKEN": ""})
    connector = doc["connector"]
    assert isinstance(connector, dict) and connector["configured"] is None
    detail = str(connector["detail"])
    suggested = re.findall(r"`(wxcc-desk [^`]+)`", detail)
    assert suggested, detail
    assert all(f"-p {shlex.quote(str(profile))}" in c for c in suggested), suggested
