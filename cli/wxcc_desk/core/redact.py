"""Keep secrets out of everything the tool writes.

Every token the tool learns is registered here; `scrub` replaces registered secrets and anything
that looks like a credential in a header, form or JSON body. Output, traces, bundles and error
text all pass through `scrub`, so one mechanism guards them all.
"""

from __future__ import annotations

import functools
import re
import threading

_MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on the first scrub, not at import: `--help` never needs them."""
    return (
        re.compile(r"(?i)(authorization\s*[:=]\s*\"?)(bearer\s+)?[^\s\",;]+"),
        re.compile(
            r"(?i)((?:access_token|refresh_token|id_token|client_secret|code_verifier|password|"
            r"device_code)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
        ),
        # An OAuth authorization code travels as `code=` in a query or form; a JSON key merely
        # ending in "code" (`"exit_code": 3`, `"user_code"`) is not a secret.
        re.compile(r"(?i)((?<![\w\"])code=)[^\s\"'&,}]+"),
        re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    )


def register_secret(value: str | None) -> None:
    """Remember a secret so `scrub` removes it wherever it appears; short values are ignored.

    What gets printed is not always the value itself: an exception or `printable_line` may show
    it escaped (`\\x00`, `\\ufeff`, a bytes repr), and text may be cut at a control character.
    Each of those forms is remembered too, and so is every run of printable characters between
    control characters in a one-word secret, so redaction holds whatever bytes it carries."""
    if not value or len(value) < 8:
        return
    forms = {f for f in _printed_forms(value) if len(f) >= 8}
    with _lock:
        _secrets.update(forms)


def _printed_forms(value: str) -> set[str]:
    forms = {value, value.strip()}
    if all("!" <= ch <= "~" for ch in value):  # one printable-ASCII word prints as it is
        return forms
    escaped = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in value)
    raw = value.encode("utf-8", "surrogateescape" if _has_surrogates(value) else "strict")
    forms |= {escaped, repr(value)[1:-1], repr(raw)[2:-1], raw.decode("latin-1")}
    if " " not in value:  # a token-like value (not a document of words): its printable pieces
        forms.update(re.split(r"[^\x21-\x7e]+", value))
    return forms


def _has_surrogates(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def mask(token: str | None) -> str:
    """A display form that identifies a token without revealing it: `abcd…(84 chars)`."""
    if not token:
        return "(none)"
    return f"{token[:4]}…({len(token)} chars)"


def scrub(text: str) -> str:
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, _MASK)
    for pattern in _patterns():
        text = pattern.sub(lambda m: m.group(1) + _MASK, text)
    return text
