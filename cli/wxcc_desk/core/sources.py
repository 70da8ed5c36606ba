"""What a layer below the commands takes of a run, instead of the whole `AppContext`.

Each is a read-only view: the command's `AppContext` satisfies all of them, tests may pass any
object with the same members, and a lower layer cannot flip output modes or swap the tracker.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from wxcc_desk.core.keystore import Keystore
    from wxcc_desk.core.tracking import Tracker


class Secrets(Protocol):
    """Where credentials come from: the run's environment and the keyring."""

    @property
    def env(self) -> Mapping[str, str]: ...

    @property
    def keystore(self) -> Keystore: ...


class Traced(Protocol):
    """The run's TrackingId source and its redacted trace sink."""

    @property
    def tracker(self) -> Tracker: ...

    def trace_line(self, line: str) -> None: ...


class SignIn(Secrets, Traced, Protocol):
    """What a sign-in needs: credentials' sources, and a client's tracker and trace."""


class RunSources(SignIn, Protocol):
    """What a flow's clients and stores need: the above, and the state folder."""

    @property
    def state_dir(self) -> Path: ...
