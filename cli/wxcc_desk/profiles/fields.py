"""Per-key validation of profile values: each checker turns raw YAML/env/flag data into a typed
value or raises a one-line ConfigError that names where the value came from and the fix."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.suggest import did_you_mean
from wxcc_desk.profiles.schema import (
    AFTER_LOGIN_STATES,
    FLAG_OPTIONS,
    MULTI_LOGIN,
    REGIONS,
    ROLES,
    TELEPHONY_OPTIONS,
    is_loopback_host,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Origin:
    """Where one value came from, for error text: a file line, an environment variable, a flag."""

    label: str  # "profiles/x.yaml:4", "environment variable WXCC_TEAM", "command-line option"
    key: str  # dotted key: "telephony.number"
    profile: str  # the profile as `-p` takes it (shell-quoted), for hints that name a command

    def example(self, value: str) -> str:
        """The fix, said where the value came from: a file key, a variable or a flag."""
        variable = self.label.removeprefix("environment variable ")
        if variable != self.label:
            return f"set {variable}={value}"
        if self.label == "command-line option":
            flag = FLAG_OPTIONS.get(self.key)
            return f"pass {flag} {value}" if flag else f"pass a value such as {value}"
        return f"write {self.key}: {value}"

    def fail(self, problem: str, hint: str) -> ConfigError:
        key = self.key if self.key.isprintable() and len(self.key) <= 64 else show(self.key)
        return ConfigError(f"{self.label}: key '{key}' {problem}", hint=hint)


def show(value: object, limit: int = 40) -> str:
    # reprlib bounds the work too: a YAML alias bomb can make a list far too big to repr whole.
    import reprlib

    short = reprlib.Repr()  # attributes, not keywords: Python 3.11 has no keyword form
    short.maxlevel, short.maxlist, short.maxdict = 2, 4, 4
    short.maxtuple, short.maxset, short.maxfrozenset = 4, 4, 4
    short.maxstring = short.maxother = limit
    text = short.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


Checker = Callable[[object, Origin], object]


def text(value: object, at: Origin, *, limit: int = 256) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # ids and extensions that YAML read as numbers
    if not isinstance(value, str):
        raise at.fail(f"must be text, not {_type_name(value)}", hint=at.example("TEXT"))
    value = value.strip()
    if _CONTROL.search(value):
        problem = "must not hold control or escape characters"
    elif not value or len(value) > limit:
        problem = f"must be one line of 1 to {limit} characters"
    else:
        return value
    rule = f" (one line, at most {limit} characters, no control or escape characters)"
    raise at.fail(f"{problem} (got {show(value)})", hint=at.example("TEXT") + rule)


def choice(options: Sequence[str]) -> Checker:
    def check(value: object, at: Origin) -> str:
        word = value.strip().lower() if isinstance(value, str) else value
        if word not in options:
            raise at.fail(
                f"must be one of {', '.join(options)} (got {show(value)})",
                hint=did_you_mean(word, options) + f"set {at.key} to one of: {', '.join(options)}",
            )
        return str(word)

    return check


def email(value: object, at: Origin) -> str:
    address = text(value, at)
    if not _EMAIL.match(address):
        raise at.fail(
            f"must be an e-mail address (got {show(address)})",
            hint=f"set {at.key} to the Webex sign-in e-mail, e.g. agent1@example.com",
        )
    return address


def boolean(value: object, at: Origin) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise at.fail(f"must be true or false (got {show(value)})", hint=at.example("true or false"))


def integer(low: int, high: int) -> Checker:
    def check(value: object, at: Origin) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise at.fail(
                f"must be a whole number from {low} to {high} (got {show(value)})",
                hint=at.example("NUMBER"),
            )
        return value

    return check


def seconds(value: object, at: Origin) -> float:
    number: object = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = value
    ok = isinstance(number, int | float) and not isinstance(number, bool)
    if not ok or not math.isfinite(float(number)) or not 0 < float(number) <= 3600:  # type: ignore[arg-type]
        raise at.fail(
            f"must be a number of seconds above 0 and at most 3600 (got {show(value)})",
            hint=at.example("20"),
        )
    return float(number)  # type: ignore[arg-type]


def url(value: object, at: Origin) -> str:
    raw = text(value, at, limit=2048)
    try:
        parts = urlsplit(raw)
        host, _port = parts.hostname, parts.port
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("https", "http") or not host:
        raise at.fail(
            f"must be an https:// URL (got {show(raw)})",
            hint=at.example("https://HOST") + " (or set region instead)",
        )
    if parts.username is not None or parts.password is not None:
        raise at.fail(
            "must not carry a user name or password",
            hint=f"remove the `user:password@` part of {at.key}; credentials go in the keyring",
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise at.fail(
            f"uses plain http on a non-loopback host ({host})",
            hint=f"use https:// for {at.key}; http is allowed only for 127.0.0.1, ::1, localhost",
        )
    if parts.query or parts.fragment:
        raise at.fail("must not have a query or fragment", hint=at.example("https://HOST"))
    return raw.rstrip("/")


def scopes(value: object, at: Origin) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise at.fail(
            f"must be a list of scopes (got {show(value)})",
            hint=at.example("[cjp:user, cjp:config_read, spark:people_read]"),
        )
    return tuple(text(item, at, limit=128) for item in items)


def expand_user(path: Path) -> Path:
    try:
        return path.expanduser()
    except RuntimeError:  # `~someone/` for a user that does not exist: later checks say so
        return path


def existing_file(base: Path | None) -> Checker:
    """A file path; relative paths in a profile file are relative to that file's folder."""

    def check(value: object, at: Origin) -> Path:
        path = expand_user(Path(text(value, at, limit=4096)))
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            found = path.is_file()
        except (OSError, ValueError):
            found = False
        if not found:
            raise at.fail(
                f"names a file that does not exist: {path}",
                hint=f"point {at.key} at a PEM CA bundle file",
            )
        return path

    return check


def trust(base: Path | None) -> Checker:
    as_file = existing_file(base)

    def check(value: object, at: Origin) -> object:
        if isinstance(value, str) and value.strip().lower() in ("os", "certifi"):
            return value.strip().lower()
        return as_file(value, at)

    return check


ENUMS: dict[str, Sequence[str]] = {
    "region": REGIONS,
    "role": ROLES,
    "telephony.option": TELEPHONY_OPTIONS,
    "after_login.state": AFTER_LOGIN_STATES,
    "multi_login": MULTI_LOGIN,
}


def checkers(base: Path | None) -> dict[str, Checker]:
    """The checker of every leaf key of the schema (dotted), which is also the list of keys."""
    table: dict[str, Checker] = {key: choice(options) for key, options in ENUMS.items()}
    for key in ("api_url", "identity_url", "status_url", "teams.authority_url", "teams.graph_url"):
        table[key] = url
    for key in ("telephony.number", "team", "after_login.idle_code", "oauth.client_id"):
        table[key] = text
    table.update({"teams.tenant": text, "teams.client_id": text})
    table.update({f"timeouts.{key}": seconds for key in ("connect", "request", "outcome")})
    table["timeouts.keyring"] = seconds
    table.update({"user": email, "remember": boolean, "oauth.scopes": scopes})
    table["oauth.redirect_port"] = integer(0, 65535)
    table.update({"tls.ca_bundle": existing_file(base), "tls.trust": trust(base)})
    return table
