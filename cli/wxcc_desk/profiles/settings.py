"""Every effective setting of a loaded profile with where it came from, for `profiles show`
(as `aws configure list` does): a default, a `file:line`, a `WXCC_*` variable or a flag."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wxcc_desk.profiles.schema import Profile

SourceKind = Literal["default", "file", "env", "flag", "derived"]

# Every key of the schema, in the order the example profile documents them.
KEYS = (
    "region",
    "api_url",
    "identity_url",
    "status_url",
    "user",
    "role",
    "telephony.option",
    "telephony.number",
    "team",
    "after_login.state",
    "after_login.idle_code",
    "remember",
    "multi_login",
    "oauth.client_id",
    "oauth.scopes",
    "oauth.redirect_port",
    "timeouts.connect",
    "timeouts.request",
    "timeouts.outcome",
    "timeouts.keyring",
    "tls.trust",
    "tls.ca_bundle",
    "teams.tenant",
    "teams.client_id",
    "teams.authority_url",
    "teams.graph_url",
)
_ATTRIBUTE = {"timeouts.request": "timeouts.read"}  # the key's name on `Profile`
_DERIVED_FROM = {"api_url": "region", "tls.trust": "tls.ca_bundle"}
_ENV = "environment variable "
_FLAG = "command-line option"

# Profiles hold no secrets (the loader refuses secret-looking keys), but a value pasted into
# the wrong key is masked all the same: a JWT, a WxCC access token (`<opaque>_<ci>_<org uuid>`),
# or anything that says Bearer.
_TOKENISH = (
    re.compile(r"^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*$"),
    re.compile(r"^[A-Za-z0-9]{16,}_[A-Za-z0-9]+_[0-9a-fA-F-]{36}$"),
    re.compile(r"(?i)\bbearer\s+\S{8,}"),
)


@dataclass(frozen=True)
class Setting:
    """One effective setting: its value (JSON-ready), where it came from, and whether the
    value shown is masked."""

    key: str
    value: object
    kind: SourceKind
    source: str  # "default", "profiles/x.yaml:4", "WXCC_TEAM", "--team", "region (x.yaml:3)"
    masked: bool = False


def effective_settings(profile: Profile, flags: Mapping[str, str] | None = None) -> list[Setting]:
    """Every key of `KEYS`; `flags` names the command-line option of each override key."""
    return [_setting(profile, key, flags or {}) for key in KEYS]


def _setting(profile: Profile, key: str, flags: Mapping[str, str]) -> Setting:
    value = _plain(_value(profile, key))
    kind, source = _source(profile.sources, key, flags)
    if isinstance(value, str) and looks_like_token(value):
        from wxcc_desk.core.redact import mask

        return Setting(key, mask(value), kind, source, masked=True)
    return Setting(key, value, kind, source)


def _value(profile: Profile, key: str) -> object:
    value: object = profile
    for part in _ATTRIBUTE.get(key, key).split("."):
        value = getattr(value, part)
    return value


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _source(
    sources: Mapping[str, str], key: str, flags: Mapping[str, str]
) -> tuple[SourceKind, str]:
    label = sources.get(key)
    if label is None:
        base = _DERIVED_FROM.get(key)
        if base is not None and base in sources:
            return "derived", f"{base} ({_source(sources, base, flags)[1]})"
        return "default", "default"
    if label.startswith(_ENV):
        return "env", label.removeprefix(_ENV)
    if label == _FLAG:
        return "flag", flags.get(key, "option")
    return "file", label


# The WXCC_* variables read elsewhere than the profile (tokens, folders, debugging, hidden
# timings); with the loader's ENV_KEYS, every one the tool reads (a test keeps the list whole).
OTHER_VARIABLES = (
    "WXCC_PROFILE",
    "WXCC_ACCESS_TOKEN",
    "WXCC_CLIENT_SECRET",
    "WXCC_TEAMS_ACCESS_TOKEN",
    "WXCC_TEAMS_REFRESH_TOKEN",
    "WXCC_DESK_HOME",
    "WXCC_DESK_DEBUG",
    "WXCC_DESK_NONINTERACTIVE",
    "WXCC_KEEPALIVE_SECONDS",
    "WXCC_HOLD_TIMINGS",
)


def unknown_variables(env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """Each set `WXCC_*` variable the tool never reads (a typo sets nothing, silently), with
    the closest one it does read. Names only: a value may be anything, a token included."""
    from wxcc_desk.core.suggest import closest
    from wxcc_desk.profiles.load import ENV_KEYS

    known = [*ENV_KEYS, *OTHER_VARIABLES]
    unknown = sorted(n for n in env if n.upper().startswith("WXCC_") and n not in known)
    return [(name, closest(name, known)) for name in unknown]


def looks_like_token(value: str) -> bool:
    return any(pattern.search(value) for pattern in _TOKENISH)
