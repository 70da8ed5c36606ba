"""The profile schema (`wxcc-desk schema profile`) and the loader agree: the same keys (taken
from the loader's own field table, so the two cannot drift), the same enum values, unknown
and secret-looking keys refused by both, and, for every key, sample values that both accept
or both refuse. Every profile in profiles/ and the packaged copies matches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from tests.support.cli import invoke
from tests.support.documents import check_output
from wxcc_desk.core.errors import ConfigError
from wxcc_desk.profiles.fields import ENUMS, checkers
from wxcc_desk.profiles.load import ENV_KEYS, SECTIONS, load_profile
from wxcc_desk.render import contracts

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "cli" / "wxcc_desk" / "profiles" / "data"
FILES = sorted([*(ROOT / "profiles").glob("*.yaml"), *PACKAGED.glob("*.yaml")])
SCHEMA = contracts.schema("profile")
VALIDATOR = Draft202012Validator(SCHEMA)
# Editors through yaml-language-server check instances with draft-07 rules: the schema uses only
# keywords that mean the same in both drafts, and every verdict below is asked of both.
DRAFT7 = Draft7Validator(SCHEMA)


def _valid(data: object) -> bool:
    verdict = VALIDATOR.is_valid(data)
    assert DRAFT7.is_valid(data) == verdict, ("draft-07 and 2020-12 disagree", data)
    return verdict
KEYS = sorted(checkers(None))
BASE: dict[str, Any] = {
    "region": "us1",
    "api_url": "http://127.0.0.1:8642",
    "user": "sam@example.com",
    "role": "supervisor_agent",
    "team": "Support",
}


def _leaves(schema: dict[str, Any]) -> set[str]:
    keys = set()
    for key, sub in schema["properties"].items():
        if "properties" in sub:
            keys |= {f"{key}.{leaf}" for leaf in sub["properties"]}
        else:
            keys.add(key)
    return keys


def _property(key: str) -> dict[str, Any]:
    node = SCHEMA
    for part in key.split("."):
        node = node["properties"][part]
    return node


def _with(key: str, value: object) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in BASE.items() if k != key}
    head, _, leaf = key.partition(".")
    if leaf:
        data[head] = {leaf: value}
    else:
        data[head] = value
    return data


def _loads(data: dict[str, Any], folder: Path, env: dict[str, str] | None = None) -> bool:
    path = folder / "p.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_profile(str(path), env=env or {})
    except ConfigError:
        return False
    return True


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_profile_matches(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in VALIDATOR.iter_errors(data)]
    assert not errors, errors
    assert _valid(data)


DRAFT7_KEYWORDS = {
    "$schema", "title", "description", "type", "enum", "properties", "additionalProperties",
    "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "anyOf",
    "items", "minItems",
}  # fmt: skip


def _keywords(schema: object) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(_keywords(s) for s in schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key == "properties":
            found |= set().union(*(_keywords(v) for v in value.values()))
        elif key in ("anyOf", "items", "additionalProperties"):
            found |= _keywords(value)
    return found


def test_only_keywords_that_mean_the_same_in_draft_07() -> None:
    """No $defs/$ref, prefixItems, unevaluated* or dependent*: an editor on draft-07 rules
    checks a profile exactly as this 2020-12 schema says."""
    assert _keywords(SCHEMA) <= DRAFT7_KEYWORDS
    Draft7Validator.check_schema({k: v for k, v in SCHEMA.items() if k != "$schema"})


def test_the_schema_has_exactly_the_loaders_keys() -> None:
    assert _leaves(SCHEMA) == set(KEYS)
    sections = {k for k, v in SCHEMA["properties"].items() if "properties" in v}
    assert sections == set(SECTIONS)
    assert SCHEMA["additionalProperties"] is False
    assert all(SCHEMA["properties"][s]["additionalProperties"] is False for s in sections)


@pytest.mark.parametrize("key", sorted(ENUMS))
def test_enum_values_are_the_loaders(key: str) -> None:
    assert [v for v in _property(key)["enum"] if v is not None] == list(ENUMS[key])


@pytest.mark.parametrize(
    "key", ["colour", "telephony.colour", "teams.color", "token", "oauth.client_secret", "tls.x"]
)
def test_a_key_the_loader_refuses_the_schema_refuses(key: str, tmp_path: Path) -> None:
    data = _with(key, "x")
    assert not _loads(data, tmp_path)
    assert not _valid(data)


URLS_GOOD: list[object] = ["https://example.com", "https://h.example:8443/base"]
URLS_GOOD += ["http://127.0.0.1:8642", "http://localhost:1", "http://[::1]:9"]
URLS_BAD: list[object] = ["ftp://x", "not a url", "https://x/?q=1", "https://x/#f"]
URLS_BAD += ["https://u:p@x", "http://example.com", 5]

# Sample values per kind of checker in the loader's table: (accepted by both, refused by both).
# A checker kind with no samples fails the test below: add its samples when adding a kind.
SAMPLES: dict[str, tuple[list[object], list[object]]] = {
    "text": (["Sales", "+14085550100", 1001], ["", [1], {"a": 1}, "x" * 300]),
    "email": (["a@b.co"], ["nope", "a@b", 5]),
    "boolean": ([True, False], ["maybe", 3]),
    "url": (URLS_GOOD, URLS_BAD),
    "seconds": ([5, 0.5, 3600], [0, -1, 3601, "x", True]),
    "scopes": ([["cjp:user", "spark:people_read"], "cjp:user spark:people_read"], [[], 5]),
    "integer": ([0, 8765, 65535], [-1, 65536, "x", 1.5]),
    "choice": ([], ["nope", 5]),  # valid values: every enum value, below
    "existing_file": (["ca.pem"], [[], 5]),
    "trust": (["os", "certifi", "ca.pem"], [5, ["os"]]),
}


def _kind(checker: object) -> str:
    return getattr(checker, "__qualname__", "").split(".")[0]


@pytest.mark.parametrize("key", KEYS)
def test_both_accept_and_refuse_the_same_samples(key: str, tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("not checked here\n")
    kind = _kind(checkers(tmp_path)[key])
    assert kind in SAMPLES, f"no samples for the loader's checker {kind!r} of {key}"
    good, bad = SAMPLES[kind]
    for value in [*good, *ENUMS.get(key, ())]:
        data = _with(key, value)
        assert _loads(data, tmp_path), (key, value, "loader")
        assert _valid(data), (key, value, "schema")
    # An empty value means the default, or what the environment gives (user, role, team).
    variable = {k: v for v, k in ENV_KEYS.items()}.get(key, "")
    env = {variable: str(BASE[key])} if key in ("user", "role", "team") else {}
    assert _loads(_with(key, None), tmp_path, env) and _valid(_with(key, None))
    for value in bad:
        data = _with(key, value)
        assert not _loads(data, tmp_path), (key, value, "loader")
        assert not _valid(data), (key, value, "schema")


def test_profiles_list_and_show_documents(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`profiles list --json` (a broken profile included) and `profiles show --json` match
    their schemas, and `show` has one setting per key of the loader's table."""
    monkeypatch.chdir(tmp_path)  # not the checkout: its ./profiles would be listed first
    env = {"WXCC_DESK_HOME": str(isolated_home), "NO_COLOR": "1"}
    assert invoke(["profiles", "init", "agent7"], env).code == 0
    (isolated_home / "config" / "profiles" / "broken.yaml").write_text("colour: red\n")
    listed = invoke(["profiles", "list", "--json"], env)
    assert listed.code == 0 and check_output(listed.out) == ["profiles-list"]
    assert any(p["error"] for p in listed.json()["profiles"])
    shown = invoke(["profiles", "show", "agent7", "--json"], env)
    assert shown.code == 0 and check_output(shown.out) == ["profiles-show"]
    assert set(shown.json()["settings"]) == set(KEYS)
    described = contracts.schema("profiles-show")["properties"]["settings"]["properties"]
    assert set(described) == set(KEYS)
