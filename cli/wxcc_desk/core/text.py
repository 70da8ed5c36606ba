"""Text from a service made safe for a terminal: no escape or control sequences.

A display name, team name or `subStatus` is the service's (or whoever configured it) to choose;
printed raw, `\\x1b[2J` clears the screen, an OSC sequence retitles the terminal or plants a
link, and a newline or carriage return forges a line of output (an event line in `--hold`).
`plain` makes one line of it: escape sequences removed, every other control or format character
(C0, C1, DEL, bidirectional overrides) removed, line breaks and tabs turned into spaces.
`strip_controls` is the net under every line the tool prints (core/output.py): the same, but
it keeps line breaks, which tables and documents of the tool's own use.
"""

from __future__ import annotations

import functools
import re


@functools.cache
def _sequences() -> re.Pattern[str]:
    # CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC-introduced pairs, and the C1
    # forms of CSI/OSC (U+009B, U+009D).
    return re.compile(
        r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
        r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
        r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
        r"|\x1b[ -/]*[0-~]?"
    )


def plain(text: str) -> str:
    """One printable line: sequences removed, breaks and tabs as spaces, other controls gone."""
    return _clean(text, "")


def strip_controls(text: str) -> str:
    """`plain`, keeping line breaks and tabs: for whole blocks the tool prints."""
    if text.isprintable():
        return text
    return "\n".join(_clean(line, "\t") for line in text.replace("\r\n", "\n").split("\n"))


def _clean(text: str, keep: str) -> str:
    if text.isprintable():
        return text
    text = _sequences().sub("", text)
    return "".join(
        ch if ch.isprintable() or ch in keep else (" " if ch.isspace() else "") for ch in text
    )
