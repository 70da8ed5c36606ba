"""Profile errors suggest the key or value that was meant, and name only what a user has: the
`profiles init` command and the config folder, never a checkout's profiles/example.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.profiles.load import load_profile, profile_name

MINIMAL = "region: eu1\nuser: a@example.com\nrole: agent\nteam: Sales\n"


def fails(tmp_path: Path, text: str | bytes, env: dict[str, str] | None = None) -> ConfigError:
    path = tmp_path / "p.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_profile(str(path), env=env or {})
    return info.value


@pytest.mark.parametrize(
    ("text", "env", "hint"),
    [
        (MINIMAL + "remeber: true\n", {}, "did you mean 'remember'? remove it or fix the spelling"),
        (MINIMAL + "telephony:\n  optoin: desktop\n", {}, "did you mean 'option'?"),
        (MINIMAL + "timeouts: {conect: 3}\n", {}, "did you mean 'connect'?"),
        (MINIMAL.replace("eu1", "us-1"), {}, "did you mean 'us1'? set region to one of"),
        (MINIMAL.replace("agent", "agnet"), {}, "did you mean 'agent'? set role to one of"),
        (MINIMAL + "telephony: {option: extention}\n", {}, "did you mean 'extension'?"),
        (MINIMAL + "multi_login: takover\n", {}, "did you mean 'takeover'?"),
        (MINIMAL, {"WXCC_AFTER_LOGIN": "availble"}, "did you mean 'available'?"),
    ],
)
def test_a_mistyped_key_or_value_gets_the_closest(
    tmp_path: Path, text: str, env: dict[str, str], hint: str
) -> None:
    assert hint in fails(tmp_path, text, env).hint


def test_a_key_or_value_far_from_any_gets_the_list_only(tmp_path: Path) -> None:
    err = fails(tmp_path, MINIMAL + "colour: blue\n")
    assert err.hint.startswith("remove it or fix the spelling; keys here: ")
    assert fails(tmp_path, MINIMAL.replace("eu1", "mars")).hint.startswith("set region to one")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "- a\n",
        "region: [x\n",
        MINIMAL + "telephony: desktop\n",
        MINIMAL.replace("Sales", "'   '"),
        b"\xff\xfe garbage",
        b"#" * (256 * 1024 + 1),
    ],
)
def test_hints_name_profiles_init_not_a_checkout_file(tmp_path: Path, text: str | bytes) -> None:
    err = fails(tmp_path, text)
    assert "example.yaml" not in err.hint
    assert "profiles/" not in err.hint


def test_profile_hints_name_the_commands_a_user_has(tmp_path: Path) -> None:
    for text in ("", "- a\n", "region: [x\n"):
        assert "`wxcc-desk profiles init NAME`" in fails(tmp_path, text).hint
    with pytest.raises(ConfigError) as none:
        profile_name(None, {})
    assert "wxcc-desk profiles list" in none.value.hint
    assert "wxcc-desk profiles init NAME" in none.value.hint
