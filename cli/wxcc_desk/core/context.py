"""The one context object commands receive: what they need, in fields tests can replace."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wxcc_desk.core.keystore import Keystore
from wxcc_desk.core.output import Output
from wxcc_desk.core.tracking import Tracker


def _default_dir(kind: str) -> Path:
    # WXCC_DESK_HOME puts every directory under one root (tests, CI, portable use).
    home = os.environ.get("WXCC_DESK_HOME")
    if home:
        return Path(home) / kind
    import platformdirs

    getter = {"config": platformdirs.user_config_path, "state": platformdirs.user_state_path}
    return Path(getter[kind]("wxcc-desk", appauthor=False))


@dataclass
class AppContext:
    tracker: Tracker = field(default_factory=Tracker)
    out: Output = field(default_factory=Output)
    verbose: int = 0
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    config_dir: Path = field(default_factory=lambda: _default_dir("config"))
    state_dir: Path = field(default_factory=lambda: _default_dir("state"))
    # Set by a command that was asked for --json, so the exit boundary renders errors as JSON too.
    json_output: bool = False
    # Set by `login --hold --json`, whose stdout is JSON Lines: the error document on one line too.
    json_lines: bool = False
    # What a Ctrl-C or SIGTERM now would leave, kept current by the station flows
    # (core/interrupt.py prints it when one comes).
    at_risk: str = ""
    # Lines of the redacted HTTP/WebSocket trace (printed with -v, included in bundles).
    trace: list[str] = field(default_factory=list)
    # What `-p` needs to load this run's profile again (`Profile.cli_ref`), once one is loaded:
    # the exit boundary adds it to the commands a fix suggests (core/hints.py).
    profile_ref: str = ""
    # The keyring wrapper (time-boxed, no plain-text fallback); tests may give it a backend.
    keystore: Keystore = field(default_factory=Keystore)

    @property
    def interactive(self) -> bool:
        """A person is at the keyboard: stdin is a TTY and no CI marker is set."""
        if self.env.get("CI") or self.env.get("WXCC_DESK_NONINTERACTIVE"):
            return False
        return bool(getattr(sys.stdin, "isatty", lambda: False)())

    def trace_line(self, line: str) -> None:
        from wxcc_desk.core.redact import scrub

        clean = scrub(line)
        self.trace.append(clean)
        if self.verbose:
            self.out.say(clean, "dim")
