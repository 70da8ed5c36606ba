"""Token sources in order, keyring storage with honest results, remembered station values."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.support.file_keyring import FileKeyring
from wxcc_desk.api.tokenform import BadToken
from wxcc_desk.api.tokens import TokenSet
from wxcc_desk.auth.credentials import (
    StationCredentials,
    forget,
    recall_station,
    remember_station,
    resolve_tokens,
    store_tokens,
    with_remembered,
)
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import AuthError, ExitCode
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.profiles.load import Profile, load_profile

ROOT = Path(__file__).resolve().parents[2]


def profile(env: dict[str, str] | None = None, **overrides: object) -> Profile:
    merged = {**os.environ, **(env or {})}
    return load_profile(str(ROOT / "profiles" / "sandbox.yaml"), env=merged, overrides=overrides)


def ctx(env: dict[str, str] | None = None) -> AppContext:
    return AppContext(env={**os.environ, **(env or {})})


def stored(keyring: FileKeyring, name: str = "sandbox", key: str = "tokens") -> dict[str, object]:
    raw = keyring.get_password(SERVICE, f"{name}:{key}")
    assert raw is not None
    return dict(json.loads(raw))


def test_order_stdin_then_env_then_keyring() -> None:
    p = profile()
    actx = ctx({"WXCC_ACCESS_TOKEN": "env-token-123456"})
    assert store_tokens(p, actx, TokenSet("keyring-token-123456", "r" * 20)).stored
    assert resolve_tokens(p, actx, " Bearer stdin-token-123456\n").source == "stdin"
    assert resolve_tokens(p, actx, "stdin-token-123456").access == "stdin-token-123456"
    from_env = resolve_tokens(p, actx, None)
    assert (from_env.source, from_env.access) == ("env", "env-token-123456")
    from_keyring = resolve_tokens(p, ctx(), None)
    assert (from_keyring.source, from_keyring.access) == ("keyring", "keyring-token-123456")
    assert from_keyring.refresh == "r" * 20


@pytest.mark.parametrize("bad", ["", "   \n", "two words"])
def test_bad_stdin_token_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(BadToken, match="--with-token") as info:
        resolve_tokens(profile(), ctx(), bad)
    assert info.value.exit_code == ExitCode.CONFIG


def test_nothing_found_names_the_fixes() -> None:
    with pytest.raises(AuthError) as info:
        resolve_tokens(profile(), ctx(), None)
    err = info.value
    assert err.exit_code == ExitCode.AUTH
    assert f"wxcc-desk auth login --web -p {profile().cli_ref}" in err.hint
    assert "--with-token" in err.hint
    assert "WXCC_ACCESS_TOKEN" in err.hint


@pytest.mark.usefixtures("failing_keyring")
def test_unusable_keyring_says_so_and_env_still_works() -> None:
    with pytest.raises(AuthError) as info:
        resolve_tokens(profile(), ctx(), None)
    assert "keyring.backends.fail.Keyring" in info.value.message
    assert "WXCC_ACCESS_TOKEN" in info.value.hint
    env_tokens = resolve_tokens(profile(), ctx({"WXCC_ACCESS_TOKEN": "env-token-abcdef"}), None)
    assert env_tokens.source == "env"
    result = store_tokens(profile(), ctx(), TokenSet("stdin-token-abcdef", source="stdin"))
    assert not result.stored
    assert "keyring.backends.fail.Keyring" in result.reason


@pytest.mark.usefixtures("hanging_keyring")
def test_hung_keyring_is_time_boxed() -> None:
    p = profile()
    assert p.timeouts.keyring == 0.2
    with pytest.raises(AuthError, match=r"no answer within 0\.2 s"):
        resolve_tokens(p, ctx(), None)
    assert resolve_tokens(p, ctx({"WXCC_ACCESS_TOKEN": "env-token-abcdef"}), None).source == "env"


def test_stored_tokens_roundtrip_and_forget(isolated_keyring: FileKeyring) -> None:
    p, actx = profile(), ctx()
    expires = time.time() + 3600
    tokens = TokenSet("access-1234567890", "refresh-1234567890", expires, "oauth", expires + 99)
    assert store_tokens(p, actx, tokens).stored
    assert stored(isolated_keyring)["refresh_token"] == "refresh-1234567890"
    back = resolve_tokens(p, actx, None)
    assert (back.access, back.refresh, back.expires_at) == (tokens.access, tokens.refresh, expires)
    assert remember_station(p, actx, StationCredentials("extension", "1001", "Sales")).stored
    result = forget(p, actx)
    assert result.stored
    assert isolated_keyring.get_password(SERVICE, "sandbox:tokens") is None
    assert isolated_keyring.get_password(SERVICE, "sandbox:station") is None
    assert forget(p, actx).stored  # nothing left is fine


def test_expired_without_refresh_asks_to_sign_in_again() -> None:
    p, actx = profile(), ctx()
    store_tokens(p, actx, TokenSet("old-access-123456", None, time.time() - 10))
    with pytest.raises(AuthError) as info:
        resolve_tokens(p, actx, None)
    assert info.value.code == "TOKEN_EXPIRED"
    store_tokens(p, actx, TokenSet("old-access-123456", "refresh-123456789", time.time() - 10))
    assert resolve_tokens(p, actx, None).expired()  # refreshable: RefreshingAuth renews it


def test_damaged_keyring_entry_counts_as_none(isolated_keyring: FileKeyring) -> None:
    isolated_keyring.set_password(SERVICE, "sandbox:tokens", "{not json")
    with pytest.raises(AuthError, match="no token"):
        resolve_tokens(profile(), ctx(), None)


def test_summary_masks_the_token() -> None:
    tokens = TokenSet("abcdSECRETTOKENVALUE", source="env")
    summary = tokens.summary()
    assert "SECRETTOKENVALUE" not in json.dumps(summary)
    assert summary["source"] == "env"


def test_remembered_station_fills_only_unset_values(tmp_path: Path) -> None:
    text = "region: us1\nuser: a@example.com\nrole: agent\nremember: true\n"
    (tmp_path / "r.yaml").write_text(text)
    p = load_profile(str(tmp_path / "r.yaml"), env={})
    assert p.team is None  # allowed with remember: true
    actx = ctx()
    assert recall_station(p, actx).station is None
    assert remember_station(p, actx, StationCredentials("extension", "1001", "Sales")).stored
    recalled = recall_station(p, actx)
    assert recalled.station == StationCredentials("extension", "1001", "Sales")
    filled = with_remembered(p, recalled.station)
    assert (filled.telephony.option, filled.telephony.number, filled.team) == (
        "extension",
        "1001",
        "Sales",
    )
    assert filled.sources["team"] == "remembered"
    flagged = load_profile(str(tmp_path / "r.yaml"), env={}, overrides={"team": "Night"})
    kept = with_remembered(flagged, recalled.station)
    assert kept.team == "Night"
    same_option = load_profile(
        str(tmp_path / "r.yaml"), env={"WXCC_TELEPHONY": "extension"}, overrides={}
    )
    assert with_remembered(same_option, recalled.station).telephony.number == "1001"
    other_option = load_profile(str(tmp_path / "r.yaml"), env={"WXCC_TELEPHONY": "dial_number"})
    assert with_remembered(other_option, recalled.station).telephony.number is None
    explicit = load_profile(str(tmp_path / "r.yaml"), env={"WXCC_DIAL_NUMBER": "+14085551234"})
    assert with_remembered(explicit, recalled.station).telephony.number == "+14085551234"


@pytest.mark.usefixtures("failing_keyring")
def test_remember_reports_why_not_stored() -> None:
    p, actx = profile(), ctx()
    result = remember_station(p, actx, StationCredentials("dial_number", "+14085550100", "S"))
    assert not result.stored
    assert "not usable" in result.reason
    recalled = recall_station(p, actx)
    assert recalled.station is None
    assert "not usable" in recalled.reason


def test_a_profile_given_as_a_path_is_suggested_back_as_that_path(tmp_path: Path) -> None:
    from wxcc_desk.profiles.load import load_profile

    path = tmp_path / "my desk" / "noteam.yaml"
    path.parent.mkdir()
    path.write_text("api_url: http://127.0.0.1:9\nuser: a@example.com\nrole: supervisor\n")
    loaded = load_profile(str(path), env={})
    with pytest.raises(AuthError) as info:
        resolve_tokens(loaded, ctx(), None)
    assert f"login --web -p '{path}'" in info.value.hint  # quoted: the folder has a space
