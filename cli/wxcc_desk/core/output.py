"""Where text goes: data on stdout, talk on stderr, every line scrubbed of secrets."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TextIO

from wxcc_desk.core.redact import scrub
from wxcc_desk.core.text import strip_controls

_STYLES = {"error": "31", "warn": "33", "ok": "32", "info": "0", "dim": "2"}


def color_wanted(stream: TextIO, no_color_flag: bool = False) -> bool:
    if no_color_flag or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


@dataclass
class Output:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    color: bool = False

    def data(self, text: str) -> None:
        """A result: tables, JSON. Always stdout."""
        self.stdout.write(strip_controls(scrub(text)).rstrip("\n") + "\n")
        self.stdout.flush()

    def say(self, text: str, style: str = "info") -> None:
        """Progress, warnings and errors for a person. Always stderr."""
        line = strip_controls(scrub(text))  # no escape sequence but the tool's own colours
        if self.color and style in _STYLES and style != "info":
            line = f"\x1b[{_STYLES[style]}m{line}\x1b[0m"
        self.stderr.write(line + "\n")
        self.stderr.flush()
