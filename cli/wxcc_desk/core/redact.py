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
    """Remember a secret so `scrub` removes it wherever it appears; short values are ignored."""
    if value and len(value) >= 8:
        with _lock:
            _secrets.add(value)


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
