"""The one error base of the tool and the exit codes it maps to.

Flows and checks raise these; only `app.main` prints them and turns them into an exit code.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """Exit codes, documented in the README; stable across releases."""

    OK = 0
    FAILED = 1  # the service rejected the request, or a diagnose check failed
    USAGE = 2  # bad command-line usage
    CONFIG = 3  # profile or configuration problem
    AUTH = 4  # authentication or permission
    NETWORK = 5  # network problem or service unavailable
    NOT_LOGGED_IN = 6  # the station is not logged in
    INTERNAL = 70  # a bug in wxcc-desk
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (login --hold ends with 0 instead)


def printable_line(text: str) -> str:
    """One printable line: user-supplied names (paths, profile names, server text) may carry
    control characters or newlines, which must neither break the one-line contract nor reach
    the terminal as escape sequences."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


MAX_MESSAGE = 2000  # characters: a message or hint is one line a person reads


def _bounded(text: str) -> str:
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[:MAX_MESSAGE]}… ({len(text) - MAX_MESSAGE} more characters)"


class WxccError(Exception):
    """An expected failure: a one-line message, the fix, and the tracking IDs support needs.

    `code` is a stable machine-readable name (for example `DUPLICATE_LOCATION`) that JSON output
    carries; `message` and `hint` are for people and must never contain a secret.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED
    default_code: ClassVar[str] = "FAILED"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        code: str | None = None,
        tracking_ids: tuple[str, ...] | list[str] = (),
    ) -> None:
        message, hint = printable_line(_bounded(message)), printable_line(_bounded(hint))
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code or self.default_code
        self.tracking_ids = tuple(tracking_ids)

    def with_tracking(self, *ids: str) -> WxccError:
        """Add tracking IDs (deduplicated, order kept) and return self, for re-raising."""
        self.tracking_ids = tuple(dict.fromkeys((*self.tracking_ids, *ids)))
        return self

    def also(self, note: str) -> WxccError:
        """Add what else happened to the message (`logout --forget` after a failed logout) and
        return self, for re-raising; the message stays one bounded line."""
        self.message = printable_line(_bounded(f"{self.message}; {note}"))
        self.args = (self.message,)
        return self

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "exit_code": int(self.exit_code),
            "tracking_ids": list(self.tracking_ids),
        }


class RejectedError(WxccError):
    """The service answered and said no (duplicate dial number, already logged in...)."""

    exit_code = ExitCode.FAILED
    default_code = "REJECTED"


class UsageError(WxccError):
    exit_code = ExitCode.USAGE
    default_code = "USAGE"


class ConfigError(WxccError):
    exit_code = ExitCode.CONFIG
    default_code = "CONFIG"


class AuthError(WxccError):
    exit_code = ExitCode.AUTH
    default_code = "AUTH"


class NetworkError(WxccError):
    exit_code = ExitCode.NETWORK
    default_code = "NETWORK"


class NotLoggedInError(WxccError):
    exit_code = ExitCode.NOT_LOGGED_IN
    default_code = "NOT_LOGGED_IN"
