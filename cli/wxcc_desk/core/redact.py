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


_KEYS = r"(?:access_token|refresh_token|id_token|client_secret|code_verifier|password|device_code)"
_VALUE = r"[^\s\"'&,}]+"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on the first scrub, not at import: `--help` never needs them."""
    return (
        re.compile(r"(?i)(authorization\s*[:=]\s*\"?)(bearer\s+)?[^\s\",;]+"),
        # `access_token=...` (a form, a query, a shell line) and `"access_token": ...` (JSON).
        re.compile(rf"(?i)({_KEYS}\s*=\s*[\"']?){_VALUE}"),
        re.compile(rf"(?i)({_KEYS}[\"']\s*:\s*[\"']?){_VALUE}"),
        re.compile(rf"(?i)({_KEYS}:\s*[\"']){_VALUE}"),
        # An OAuth authorization code travels as `code=` in a query or form; a JSON key merely
        # ending in "code" (`"exit_code": 3`, `"user_code"`) is not a secret.
        re.compile(r"(?i)((?<![\w\"])code=)[^\s\"'&,}]+"),
        re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    )


@functools.cache
def _prose_pattern() -> re.Pattern[str]:
    """`access_token: VALUE` unquoted (YAML, a log line) is also the way prose names a variable
    (`unset WXCC_ACCESS_TOKEN: while it is set...`): the value goes only when it looks like a
    secret (`_secretish`)."""
    return re.compile(rf"(?i)({_KEYS}:\s*)({_VALUE})")


def _secretish(value: str) -> bool:
    """A token-like word: 8 characters or more with a digit or a token symbol (every Webex,
    JWT and Microsoft token has one), or 20 or more of anything. Shorter secrets are not
    registered either (`register_secret`)."""
    if len(value) >= 20:
        return True
    return len(value) >= 8 and any(ch.isdigit() or ch in "._~+/=" for ch in value)


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
    return _prose_pattern().sub(
        lambda m: m.group(1) + (_MASK if _secretish(m.group(2)) else m.group(2)), text
    )
