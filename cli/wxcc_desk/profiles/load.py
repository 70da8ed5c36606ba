"""Find, read and validate a profile: flags > environment > profile file > defaults.

`load_profile` is the one entry point. Every problem is a one-line `ConfigError` naming the file,
line and key (or the environment variable) and the fix; nothing else escapes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.suggest import did_you_mean
from wxcc_desk.profiles.build import build
from wxcc_desk.profiles.fields import Origin, checkers, show
from wxcc_desk.profiles.folders import NAME_RE, default_search_dirs, find_profile, looks_like_path
from wxcc_desk.profiles.schema import (
    DEFAULT_SCOPES,
    REGIONS,
    AfterLogin,
    OAuthSettings,
    Profile,
    TeamsSettings,
    Telephony,
    Timeouts,
    TlsSettings,
)
from wxcc_desk.profiles.yamlfile import KeyPath, parse, read_text

__all__ = [
    "DEFAULT_SCOPES",
    "ENV_KEYS",
    "REGIONS",
    "AfterLogin",
    "OAuthSettings",
    "Profile",
    "TeamsSettings",
    "Telephony",
    "Timeouts",
    "TlsSettings",
    "default_search_dirs",
    "find_profile",
    "load_profile",
    "profile_name",
]

# Environment variable -> dotted key; "base_url" points every service URL at one base.
ENV_KEYS: dict[str, str] = {
    "WXCC_REGION": "region",
    "WXCC_BASE_URL": "base_url",
    "WXCC_API_URL": "api_url",
    "WXCC_IDENTITY_URL": "identity_url",
    "WXCC_STATUS_URL": "status_url",
    "WXCC_USER": "user",
    "WXCC_ROLE": "role",
    "WXCC_TELEPHONY": "telephony.option",
    "WXCC_DIAL_NUMBER": "telephony.number",
    "WXCC_TEAM": "team",
    "WXCC_AFTER_LOGIN": "after_login.state",
    "WXCC_IDLE_CODE": "after_login.idle_code",
    "WXCC_REMEMBER": "remember",
    "WXCC_MULTI_LOGIN": "multi_login",
    "WXCC_CLIENT_ID": "oauth.client_id",
    "WXCC_REDIRECT_PORT": "oauth.redirect_port",
    "WXCC_TIMEOUT_CONNECT": "timeouts.connect",
    "WXCC_TIMEOUT_REQUEST": "timeouts.request",
    "WXCC_TIMEOUT_OUTCOME": "timeouts.outcome",
    "WXCC_TIMEOUT_KEYRING": "timeouts.keyring",
    "WXCC_TRUST": "tls.trust",
    # SSL_CERT_FILE first so the tool-specific WXCC_CA_BUNDLE wins when both are set.
    "SSL_CERT_FILE": "tls.ca_bundle",
    "WXCC_CA_BUNDLE": "tls.ca_bundle",
    "WXCC_TEAMS_TENANT": "teams.tenant",
    "WXCC_TEAMS_CLIENT_ID": "teams.client_id",
}
BASE_URL_KEYS = ("api_url", "identity_url", "status_url", "teams.authority_url", "teams.graph_url")
SECTIONS = ("telephony", "after_login", "oauth", "timeouts", "tls", "teams")
_SECRET_WORDS = ("token", "secret", "password", "passwd", "api_key", "apikey", "credential")

Values = dict[str, tuple[object, Origin]]


def profile_name(flag: str | None, env: Mapping[str, str]) -> str:
    """The profile to use: `-p NAME` or `WXCC_PROFILE`; a ConfigError when neither is set."""
    name = flag or env.get("WXCC_PROFILE", "").strip()
    if not name:
        raise ConfigError(
            "no profile given",
            hint="pass -p NAME or set WXCC_PROFILE=NAME (`wxcc-desk profiles list` shows your "
            "profiles; `wxcc-desk profiles init NAME` creates one)",
        )
    return name


def load_profile(
    name_or_path: str,
    *,
    env: Mapping[str, str],
    overrides: Mapping[str, object] | None = None,
    search_dirs: Sequence[Path] | None = None,
) -> Profile:
    """Load and validate a profile. `overrides` are flag values by dotted key (`team`,
    `telephony.number`, `base_url`...); None values are ignored."""
    import shlex

    dirs = default_search_dirs(env) if search_dirs is None else search_dirs
    path = find_profile(name_or_path, dirs)
    name = _name_of(path)
    # A path is named as it was given (`./nope`, not `nope`, which -p would take for a name),
    # and the commands fixes suggest take `-p` as given too (`Profile.cli_ref`).
    shown = name_or_path if looks_like_path(name_or_path) else _display(path)
    ref = shlex.quote(name_or_path)
    data, lines = parse(read_text(path, shown), shown)
    values = _FileReader(lines, shown, ref).values(data)
    _layer(values, _env_values(env, ref))
    _layer(values, _flag_values(overrides or {}, ref))
    profile = build(name, path, _checked(values, path.parent), shown, ref)
    return dataclasses.replace(profile, ref=name_or_path)


def _name_of(path: Path) -> str:
    name = path.stem
    if not NAME_RE.match(name):
        raise ConfigError(
            f"{show(str(path))}: the file name {show(name)} cannot be a profile name",
            hint="rename the file to letters, digits, '.', '_' or '-' with a .yaml suffix",
        )
    return name


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


class _FileReader:
    """Flattens the file's mapping into dotted keys, each with the line it was written on."""

    def __init__(self, lines: dict[KeyPath, int], shown: str, ref: str) -> None:
        # `ref`: the profile as `-p` takes it, shell-quoted, for the commands hints name
        self.lines, self.shown, self.ref = lines, shown, ref
        self.known = checkers(None)

    def origin(self, path: KeyPath) -> Origin:
        line = self.lines.get(path) or self.lines.get(path[:1])
        label = f"{self.shown}:{line}" if line else self.shown
        return Origin(label, ".".join(path), self.ref)

    def values(self, data: object) -> Values:
        if data is None:
            raise ConfigError(
                f"{self.shown}: the profile is empty",
                hint="write its keys (`wxcc-desk profiles init NAME` writes a commented profile "
                "to start from)",
            )
        if not isinstance(data, dict):
            raise ConfigError(
                f"{self.shown}:1: a profile is a mapping of keys (found {type(data).__name__})",
                hint="write `key: value` lines (`wxcc-desk profiles init NAME` writes a "
                "commented profile to compare with)",
            )
        self.refuse_secrets(data, ())
        values: Values = {}
        for key, value in data.items():
            origin = self.origin((str(key),))
            if key in SECTIONS:
                self.section(values, str(key), value, origin)
            elif str(key) in self.known:
                values[str(key)] = (value, origin)
            else:
                raise _unknown(origin, sorted({k.split(".")[0] for k in self.known}))
        return values

    def section(self, values: Values, section: str, value: object, origin: Origin) -> None:
        allowed = sorted(k.split(".", 1)[1] for k in self.known if k.startswith(section + "."))
        if value is None:
            return
        if not isinstance(value, dict):
            raise origin.fail(
                f"must be a mapping with keys {', '.join(allowed)}",
                hint=f"indent the {section} keys under `{section}:` ({section}: "
                f"{{{allowed[0]}: ...}})",
            )
        for key, item in value.items():
            sub = self.origin((section, str(key)))
            if str(key) not in allowed:
                raise _unknown(sub, allowed)
            values[f"{section}.{key}"] = (item, sub)

    def refuse_secrets(self, data: object, prefix: KeyPath) -> None:
        """Refuse a secret-looking key at any depth: profiles are shared and hold no secrets."""
        if not isinstance(data, dict) or len(prefix) > 3:
            return
        for key, value in data.items():
            path = (*prefix, str(key))
            if any(word in str(key).lower() for word in _SECRET_WORDS):
                raise self.origin(path).fail(
                    "looks like a secret, and profiles must not hold secrets",
                    hint=f"delete that line; use `wxcc-desk login --web -p {self.ref}` "
                    "(keyring), --with-token, WXCC_ACCESS_TOKEN, or WXCC_CLIENT_SECRET for a "
                    "client secret",
                )
            self.refuse_secrets(value, path)


def _unknown(origin: Origin, allowed: Sequence[str]) -> ConfigError:
    typed = origin.key.rsplit(".", 1)[-1]
    return origin.fail(
        "is not a profile key",
        hint=did_you_mean(typed, allowed)
        + f"remove it or fix the spelling; keys here: {', '.join(allowed)}",
    )


def _env_values(env: Mapping[str, str], ref: str) -> Values:
    values: Values = {}
    for variable, key in ENV_KEYS.items():
        raw = env.get(variable, "").strip()
        if raw:
            values[key] = (raw, Origin(f"environment variable {variable}", key, ref))
    return values


def _flag_values(overrides: Mapping[str, object], ref: str) -> Values:
    known = checkers(None)
    values: Values = {}
    for key, value in overrides.items():
        if key != "base_url" and key not in known:
            raise ValueError(f"unknown profile override key {key!r}")  # a bug in the caller
        if value is not None:
            values[key] = (value, Origin("command-line option", key, ref))
    return values


def _layer(values: Values, higher: Values) -> None:
    """Apply a higher-priority layer; its base_url first, so its specific URLs still win."""
    base = higher.pop("base_url", None)
    if base is not None:
        for key in BASE_URL_KEYS:
            values[key] = base
    values.update(higher)


def _checked(values: Values, base: Path) -> dict[str, tuple[object, Origin]]:
    table = checkers(base)
    plain = checkers(None)  # env and flag paths are relative to the working directory
    checked: dict[str, tuple[object, Origin]] = {}
    for key, (raw, origin) in values.items():
        in_file = not origin.label.startswith(("environment", "command-line"))
        check = (table if in_file else plain)[key]
        checked[key] = (None if raw is None else check(raw, origin), origin)
    return checked
