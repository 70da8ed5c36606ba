"""Suggested commands name the profile: `wxcc-desk status` in a fix becomes
`wxcc-desk status -p agent7` for the profile the run used.

Many fixes are worded deep below the flows (an HTTP error, a WebSocket outcome), where no
profile is known; the exit boundary applies this one rule to every error it prints instead, so
a user can paste the command as it stands.
"""

from __future__ import annotations

import functools
import re

# Commands that take -p, as they are suggested inside backquotes.
_TAKES_PROFILE = r"login|status|logout|diagnose|(?:teams-auth|auth) [a-z]+"
# Already naming a profile, a form that takes none, or an admin's run for other users (their
# profile is the admin's, not this run's).
_NO_PROFILE = re.compile(
    r"(?:^|\s)(?:-p|--profile)(?:\s|=|$)|--list-checks|--help|--agent|--all-agents"
)


@functools.cache
def _suggested() -> re.Pattern[str]:
    return re.compile(rf"`wxcc-desk ({_TAKES_PROFILE})((?: [^`]*)?)`")


def name_profile(text: str, ref: str) -> str:
    """`text` with ` -p REF` after each suggested command that takes a profile and names none.

    `ref` is what `-p` needs to load the same profile again (`Profile.cli_ref`: the name, or
    the path it was given as, shell-quoted); with no ref the text is left as it is."""
    if not ref or "`wxcc-desk " not in text:
        return text

    def add(match: re.Match[str]) -> str:
        command, rest = match.group(1), match.group(2)
        if _NO_PROFILE.search(rest):
            return match.group(0)
        return f"`wxcc-desk {command} -p {ref}{rest}`"

    return _suggested().sub(add, text)
