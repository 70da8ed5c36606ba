"""Typed reading of one tenant-file mapping, with errors that name file, line and key."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from wxcc_desk.sandbox.yamlmarks import Marked, TenantError

T = TypeVar("T")
_MISSING: Any = ...  # "required": callers pass ... or omit the default


class Fields:
    """Reads keys of one YAML mapping; every error is `FILE:LINE: KEYPATH: problem`."""

    def __init__(self, data: object, source: str, where: str, line: int = 0) -> None:
        if not isinstance(data, dict):
            raise TenantError(f"{source}:{line}: {where}: expected a mapping")
        self.data: dict[str, Any] = data
        self.source = source
        self.where = where
        self.line = data.line if isinstance(data, Marked) else line
        self._seen: set[str] = set()

    def line_of(self, key: str) -> int:
        lines = getattr(self.data, "key_lines", {})
        return int(lines.get(key, self.line))

    def fail(self, key: str, problem: str) -> TenantError:
        path = f"{self.where}.{key}" if self.where else key
        return TenantError(f"{self.source}:{self.line_of(key)}: {path}: {problem}")

    def _get(self, key: str, default: Any) -> Any:
        self._seen.add(key)
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if default is _MISSING:
            raise self.fail(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING, max_len: int = 255) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(key, f"expected text, got {type(value).__name__}")
        text = str(value)
        if len(text) > max_len:
            raise self.fail(key, f"is longer than {max_len} characters")
        return text

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def number(self, key: str, default: Any = _MISSING, lo: int = 0, hi: int = 10**9) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "expected a whole number")
        if not lo <= value <= hi:
            raise self.fail(key, f"must be between {lo} and {hi}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)} (got {value!r})")
        return value

    def texts(self, key: str, default: Any = _MISSING) -> list[str]:
        value = self._get(key, default)
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise self.fail(key, "expected a list of text values")
        return [str(v) for v in value]

    def mapping(self, key: str) -> Fields | None:
        value = self._get(key, None)
        if value is None:
            return None
        where = f"{self.where}.{key}" if self.where else key
        return Fields(value, self.source, where, self.line_of(key))

    def items(self, key: str) -> list[Fields]:
        value = self._get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        base = f"{self.where}.{key}" if self.where else key
        return [
            Fields(item, self.source, f"{base}[{i}]", self.line_of(key))
            for i, item in enumerate(value)
        ]

    def done(self) -> None:
        """Refuse keys nobody read: a typo must not be silently ignored."""
        for key in self.data:
            if key not in self._seen:
                raise self.fail(key, self._unknown(str(key)))

    def _unknown(self, key: str) -> str:
        """`unknown key`, the nearest key this mapping reads, and all it reads (`_seen` is
        complete here: strict() runs after every read of the mapping)."""
        close = difflib.get_close_matches(key, sorted(self._seen), n=1)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(sorted(self._seen)) or "none"
        whole = "a whole file: `wxcc-desk sandbox --show-tenant`"
        return f"unknown key{guess} (keys here: {known}; {whole})"
