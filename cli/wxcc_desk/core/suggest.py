"""Did-you-mean for names a user types: profile names, profile keys, their values, team names.

One rule for all of them, as Click has for options: the closest candidate by difflib's ratio,
compared without case, when it is close enough to be a typo rather than another word.
"""

from __future__ import annotations

from collections.abc import Iterable

CUTOFF = 0.6  # difflib's own default: 'sandbx' -> 'sandbox', 'us2' -> 'us1', 'Suport' -> 'Support'
MAX_CANDIDATES = 10_000  # a listing from a server or a folder; beyond it, no suggestion


def closest(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate `word` is most likely a typo of, or None (also for an exact match)."""
    import difflib

    if not isinstance(word, str) or not word.strip():
        return None
    typed = word.strip().lower()
    by_key: dict[str, str] = {}
    for count, candidate in enumerate(candidates):
        if count >= MAX_CANDIDATES:
            return None
        by_key.setdefault(candidate.lower(), candidate)
    if typed in by_key:
        return None
    found = difflib.get_close_matches(typed, list(by_key), n=1, cutoff=CUTOFF)
    return by_key[found[0]] if found else None


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """`did you mean 'x'? ` when there is a close candidate, else '': hints start with it,
    `hint=did_you_mean(team, names) + "set team to one of ..."`."""
    found = closest(word, candidates)
    return "" if found is None else f"did you mean {found!r}? "
