"""`wxcc-desk sandbox`'s lines: where it listens, one line per user (e-mail, roles, token), and
that it serves or stopped. The sandbox's own types stay in its room: the command hands plain
values across."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wxcc_desk.core.output import Output


@dataclass(frozen=True)
class SandboxUser:
    email: str
    roles: Sequence[str]
    admin: bool
    token: str


def listening(out: Output, url: str, users: Sequence[SandboxUser]) -> None:
    """Stdout first: the URL, then a tab-separated line per user, for scripts to read."""
    out.data(f"sandbox listening on {url}")
    for user in users:
        roles = ",".join([*user.roles, *(["admin"] if user.admin else [])]) or "-"
        out.data(f"{user.email}\t{roles}\t{user.token}")
    out.say("serving; press Ctrl-C to stop", "dim")


def stopped(out: Output) -> None:
    out.say("sandbox stopped", "dim")


def stdout_closed(out: Output, url: str) -> None:
    out.say(f"stdout was closed; still serving on {url}; press Ctrl-C to stop", "dim")
