"""Profile loading: precedence, defaults, and one-line errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxcc_desk.core.errors import ConfigError, ExitCode
from wxcc_desk.profiles.load import load_profile, profile_name

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "profiles"

MINIMAL = """\
region: eu1
user: a@example.com
role: agent
team: Sales
"""


def write(tmp_path: Path, text: str, name: str = "p") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fails(path: Path | str, env: dict[str, str] | None = None, **overrides: object) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_profile(str(path), env=env or {}, overrides=overrides)
    err = info.value
    assert "\n" not in err.message
    assert err.hint
    assert err.exit_code == ExitCode.CONFIG
    return err


def test_example_documents_every_key_and_loads() -> None:
    profile = load_profile(str(PROFILES / "example.yaml"), env={})
    text = (PROFILES / "example.yaml").read_text()
    from wxcc_desk.profiles.fields import checkers

    for dotted in checkers(None):
        assert dotted.split(".")[-1] + ":" in text, dotted
    assert profile.api_url == "https://api.wxcc-us1.cisco.com"
    assert profile.identity_url == "https://webexapis.com"
    assert profile.status_url == "https://status.webex.com"
    assert profile.telephony.number == "+14085551234"
    assert profile.roles == ["agent"]
    assert profile.includes_agent
    assert not profile.is_loopback


def test_sandbox_profile_points_at_documented_port_and_base_url_overrides() -> None:
    profile = load_profile(str(PROFILES / "sandbox.yaml"), env={})
    assert profile.api_url == "http://127.0.0.1:8642"
    assert profile.is_loopback
    moved = load_profile(
        str(PROFILES / "sandbox.yaml"), env={"WXCC_BASE_URL": "http://127.0.0.1:9000/"}
    )
    urls = {moved.api_url, moved.identity_url, moved.status_url}
    urls |= {moved.teams.authority_url, moved.teams.graph_url}
    assert urls == {"http://127.0.0.1:9000"}
    assert moved.roles == ["agent", "supervisor"]


def test_name_resolves_in_cwd_profiles_then_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    config_profiles = home / "config" / "profiles"
    config_profiles.mkdir(parents=True)
    write(config_profiles, MINIMAL.replace("eu1", "jp1"), "mine")
    monkeypatch.chdir(tmp_path)
    env = {"WXCC_DESK_HOME": str(home)}
    assert load_profile("mine", env=env).api_url == "https://api.wxcc-jp1.cisco.com"
    (tmp_path / "profiles").mkdir()
    write(tmp_path / "profiles", MINIMAL.replace("eu1", "sg1"), "mine")
    assert load_profile("mine", env=env).api_url == "https://api.wxcc-sg1.cisco.com"
    err = fails("nothere", env)
    assert "not found" in err.message
    assert "wxcc-desk profiles init nothere" in err.hint


def test_profile_name_from_flag_or_env() -> None:
    assert profile_name("x", {"WXCC_PROFILE": "y"}) == "x"
    assert profile_name(None, {"WXCC_PROFILE": "y"}) == "y"
    with pytest.raises(ConfigError, match="no profile"):
        profile_name(None, {})


def test_precedence_flags_over_env_over_file_over_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "telephony: {number: '1001', option: extension}\n")
    plain = load_profile(str(path), env={})
    assert (plain.team, plain.telephony.number, plain.multi_login) == ("Sales", "1001", "fail")
    env = {"WXCC_TEAM": "Support", "WXCC_DIAL_NUMBER": "2002", "WXCC_MULTI_LOGIN": "takeover"}
    by_env = load_profile(str(path), env=env)
    assert (by_env.team, by_env.telephony.number, by_env.multi_login) == (
        "Support",
        "2002",
        "takeover",
    )
    assert by_env.sources["team"] == "environment variable WXCC_TEAM"
    by_flag = load_profile(str(path), env=env, overrides={"team": "Night", "remember": None})
    assert by_flag.team == "Night"
    assert by_flag.sources["team"] == "command-line option"
    assert by_flag.remember is False


def test_base_url_layering(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "api_url: https://api.example.net\n")
    env = {"WXCC_BASE_URL": "http://localhost:1234", "WXCC_STATUS_URL": "https://status.x.net"}
    profile = load_profile(str(path), env=env)
    assert profile.api_url == "http://localhost:1234"  # env base beats the file's api_url
    assert profile.status_url == "https://status.x.net"  # a specific env URL beats env base
    flagged = load_profile(str(path), env=env, overrides={"base_url": "http://[::1]:5"})
    assert flagged.status_url == "http://[::1]:5"  # a flag base beats every env URL


def test_env_values_are_coerced(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    env = {"WXCC_REMEMBER": "yes", "WXCC_REDIRECT_PORT": "8765", "WXCC_TIMEOUT_OUTCOME": "2.5"}
    profile = load_profile(str(path), env=env)
    assert profile.remember is True
    assert profile.oauth.redirect_port == 8765
    assert profile.timeouts.outcome == 2.5
    err = fails(path, {"WXCC_REDIRECT_PORT": "99999"})
    assert err.message.startswith("environment variable WXCC_REDIRECT_PORT")


def test_the_fix_is_said_where_the_bad_value_came_from(tmp_path: Path) -> None:
    """A bad variable is fixed by setting the variable, not by a profile key it never used."""
    path = write(tmp_path, MINIMAL)
    err = fails(path, {"WXCC_TIMEOUT_KEYRING": "soon"})
    assert err.hint == "set WXCC_TIMEOUT_KEYRING=20"
    in_file = fails(write(tmp_path, MINIMAL + "timeouts: {keyring: soon}\n"), {})
    assert in_file.hint == "write timeouts.keyring: 20"


def test_ca_bundle_relative_to_file_and_env(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("pem")
    path = write(tmp_path, MINIMAL + "tls: {ca_bundle: ca.pem}\n")
    profile = load_profile(str(path), env={})
    assert profile.tls.trust == "bundle"
    assert profile.tls.ca_bundle == tmp_path / "ca.pem"
    os_trust = load_profile(str(write(tmp_path, MINIMAL + "tls: {trust: os}\n", "o")), env={})
    assert os_trust.tls.trust == "os"
    by_trust = load_profile(str(write(tmp_path, MINIMAL + "tls: {trust: ca.pem}\n", "t")), env={})
    assert (by_trust.tls.trust, by_trust.tls.ca_bundle) == ("bundle", tmp_path / "ca.pem")
    assert load_profile(str(path), env={"WXCC_TRUST": "certifi"}).tls.trust == "bundle"
    err = fails(path, {"WXCC_CA_BUNDLE": str(tmp_path / "missing.pem")})
    assert "WXCC_CA_BUNDLE" in err.message
    assert "missing.pem" in err.message


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("region: us1\nuser: a@example.com\nrole: agent\nteam: [x\n", 5, "YAML syntax"),
        (MINIMAL + "colour: blue\n", 5, "key 'colour' is not a profile key"),
        (MINIMAL + "telephony:\n  optoin: desktop\n", 6, "key 'telephony.optoin'"),
        (MINIMAL + "remember: maybe\n", 5, "key 'remember' must be true or false"),
        (MINIMAL + "timeouts: {request: -1}\n", 5, "key 'timeouts.request'"),
        (MINIMAL + "timeouts: {request: .nan}\n", 5, "key 'timeouts.request'"),
        (MINIMAL + "telephony: desktop\n", 5, "key 'telephony' must be a mapping"),
        (MINIMAL + "role: admin\n", 5, "appears twice"),
        (MINIMAL.replace("agent", "admin"), 3, "key 'role' must be one of"),
        (MINIMAL.replace("a@example.com", "alice"), 2, "key 'user' must be an e-mail"),
        (MINIMAL.replace("eu1", "mars"), 1, "key 'region' must be one of"),
        (MINIMAL + "oauth:\n  client_secret: abcdefgh12345678\n", 6, "key 'oauth.client_secret'"),
        (MINIMAL + "access_token: abcdefgh12345678\n", 5, "looks like a secret"),
        (MINIMAL + "api_url: http://10.0.0.1:8080\n", 5, "plain http on a non-loopback"),
        (MINIMAL + "api_url: https://u:p@host.example\n", 5, "user name or password"),
        (MINIMAL + "after_login: {state: available, idle_code: Lunch}\n", 5, "only to state idle"),
        ("region: us1\nuser: a@example.com\nrole: agent\n", 3, "key 'team' is missing"),
        ("region: us1\nuser: a@example.com\nrole: supervisor_agent\n", 3, "needs a team"),
    ],
)
def test_bad_profiles_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    path = write(tmp_path, text)
    err = fails(path)
    assert f"{path}:{line}" in err.message or f"p.yaml:{line}" in err.message, err.message
    assert needle in err.message


def test_secret_values_never_appear_in_the_error(tmp_path: Path) -> None:
    canary = "CANARYsecret0123456789"
    err = fails(write(tmp_path, MINIMAL + f"teams:\n  password: {canary}\n"))
    assert canary not in err.message + err.hint
    assert "WXCC_CLIENT_SECRET" in err.hint or "keyring" in err.hint


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("- a\n- b\n", "mapping"),
        ("user: a@example.com\nrole: supervisor\n", "key 'region' is missing"),
        ("region: us1\nrole: supervisor\n", "key 'user' is missing"),
        ("region: us1\nuser: a@example.com\n", "key 'role' is missing"),
    ],
)
def test_incomplete_profiles(tmp_path: Path, text: str, needle: str) -> None:
    assert needle in fails(write(tmp_path, text)).message


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert "UTF-8" in fails(path).message
    assert "cannot read" in fails(tmp_path / "absent.yaml").message
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert "cannot read" in fails(folder).message


def test_supervisor_needs_no_team_and_desktop_drops_number(tmp_path: Path) -> None:
    text = "region: ca1\nuser: s@example.com\nrole: supervisor\n"
    text += "telephony: {option: desktop, number: 1}\n"
    profile = load_profile(str(write(tmp_path, text)), env={})
    assert profile.team is None
    assert profile.roles == ["supervisor"]
    assert profile.telephony.number is None
    assert not profile.includes_agent


def test_numbers_written_as_yaml_ints_become_text(tmp_path: Path) -> None:
    profile = load_profile(str(write(tmp_path, MINIMAL + "telephony: {number: 1001}\n")), env={})
    assert profile.telephony.number == "1001"


def test_ssl_context_follows_the_trust_choice(tmp_path: Path) -> None:
    import ssl

    import certifi

    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    path = write(tmp_path, MINIMAL + "tls: {ca_bundle: bundle.pem}\n")
    assert isinstance(load_profile(str(path), env={}).tls.ssl_context(), ssl.SSLContext)
    plain = load_profile(str(write(tmp_path, MINIMAL, "plain")), env={})
    assert isinstance(plain.tls.ssl_context(), ssl.SSLContext)


def test_every_region_of_the_sdk_host_map_is_accepted(tmp_path: Path) -> None:
    # The SDK's host map lists api.wxcc-<dc>.cisco.com for these, India (in1) included.
    for region in ("us1", "eu1", "eu2", "anz1", "ca1", "jp1", "sg1", "in1"):
        write(tmp_path, MINIMAL.replace("eu1", region), region)
        profile = load_profile(str(tmp_path / f"{region}.yaml"), env={})
        assert profile.api_url == f"https://api.wxcc-{region}.cisco.com"


@pytest.mark.parametrize(
    ("env", "overrides", "fix"),
    [
        ({}, {"team": "Sup\x1b[31mport"}, "fix: pass --team TEXT (one line"),
        ({"WXCC_TEAM": "Sup\x1b[31mport"}, {}, "fix: set WXCC_TEAM=TEXT (one line"),
    ],
)
def test_a_team_with_an_escape_code_names_the_option_or_variable_to_fix(
    tmp_path: Path, env: dict[str, str], overrides: dict[str, object], fix: str
) -> None:
    path = write(tmp_path, MINIMAL)
    with pytest.raises(ConfigError) as info:
        load_profile(str(path), env=env, overrides=overrides)
    shown = f"{info.value.message}\nfix: {info.value.hint}"
    assert "must not hold control or escape characters" in info.value.message  # the reason
    assert fix in shown and "no control or escape characters" in shown, shown
    assert "\x1b" not in shown  # the value is shown escaped
