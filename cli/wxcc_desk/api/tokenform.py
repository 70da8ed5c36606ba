"""What a usable access token looks like, checked before the token is used anywhere.

An OAuth bearer token (RFC 6750 `b64token`) is printable ASCII with no whitespace. A token that
is not (a NUL from a binary file, a UTF-16 or BOM-prefixed file, a stray byte, two words) would
be refused by the HTTP library with an exception whose text holds the header value; it is
refused here instead, with one line that names the problem and never any part of the token
(exit 3, code `BAD_TOKEN`).
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.redact import register_secret

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HINT = (
    "pass exactly one access token as plain ASCII text (e.g. `wxcc-desk login --with-token "
    "< token.txt`, the file saved as UTF-8 without BOM)"
)


# Far above any Webex or JWT access token (a few hundred to a few thousand characters), and
# below the 8 KiB header lines common servers take: a longer one is a wrong file, refused here
# rather than as the service's HTTP 400.
MAX_TOKEN = 8000


class BadToken(ConfigError):
    default_code = "BAD_TOKEN"


def read_stdin_token(stream: TextIO) -> str:
    """The token text on stdin, read as bytes so that no encoding can fail on it.

    A byte-order mark is refused here (it is the one problem only the bytes show); the rest is
    decoded byte for byte (latin-1) so that `check_token` names any byte that is not ASCII."""
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is None:  # a text stream without bytes beneath (tests): the text as it is
        return stream.read()
    raw = buffer.read()
    if raw.lstrip(b" \t\r\n").startswith(_BOMS):
        register_secret(raw.decode("latin-1"))
        raise BadToken(
            "the token from --with-token (stdin) starts with a byte-order mark: the file was "
            "saved as UTF-16 or as UTF-8 with BOM",
            hint=_HINT,
        )
    return raw.decode("latin-1")


def check_token(token: str, where: str, hint: str = _HINT) -> str:
    """`token` when it is one printable-ASCII word; else BadToken naming what is wrong (never
    the token). Call it after surrounding whitespace was removed."""
    register_secret(token)
    problem = token_problem(token)
    if problem:
        raise BadToken(f"the token from {where} {problem}", hint=hint)
    return token


def token_problem(token: str) -> str:
    """What makes `token` unusable in a header, as words after "the token"; "" when fine."""
    if not token:
        return "is empty"
    if len(token) > MAX_TOKEN:
        return f"is {len(token)} characters long, more than any access token ({MAX_TOKEN} at most)"
    for index, ch in enumerate(token, 1):
        code = ord(ch)
        if 0x21 <= code <= 0x7E:
            continue
        if ch == "\ufeff":
            return "starts with a byte-order mark" if index == 1 else "holds a byte-order mark"
        if ch.isspace():
            return f"is not one word (whitespace at character {index})"
        if code < 0x20 or code == 0x7F:
            return f"holds a control character (U+{code:04X} at character {index})"
        return f"holds a character that is not ASCII (at character {index})"
    return ""
