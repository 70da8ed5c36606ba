"""Where the access token comes from, in one documented order, and what is kept in the keyring.

Order (first found wins): `--with-token` (stdin), `WXCC_ACCESS_TOKEN`, the system keyring entry
`<profile>:tokens` (access + refresh token). Expired or rejected tokens are refreshed once by
`RefreshingAuth` (the OAuth refresh grant). Every token is registered with `redact` the moment it
is read or minted. Storing never raises for an unusable keyring: it returns a `StoreResult` saying
whether the value was stored and why not, so callers can report it and carry on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from wxcc_desk.api.tokenform import check_token
from wxcc_desk.api.tokens import TokenSet
from wxcc_desk.core.errors import AuthError
from wxcc_desk.core.keystore import KeystoreUnavailable
from wxcc_desk.core.redact import register_secret
from wxcc_desk.http.limits import loads

if TYPE_CHECKING:
    from wxcc_desk.core.sources import Secrets
    from wxcc_desk.profiles.load import Profile


TOKENS_KEY = "tokens"
STATION_KEY = "station"
CLIENT_SECRET_KEY = "client_secret"


@dataclass(frozen=True)
class StoreResult:
    stored: bool
    reason: str = ""  # why not, when not stored: one sentence naming the backend and the cause
    removed: tuple[str, ...] = ()  # `forget`: what was there and is gone


def _hint_login(profile: Profile) -> str:
    # `auth login` stores tokens without touching the station (as `gh auth login`).
    return (
        f"sign in and store tokens with `wxcc-desk auth login --web -p {profile.cli_ref}`, or "
        f"pipe a token to `wxcc-desk auth login --with-token -p {profile.cli_ref}`, or set "
        "WXCC_ACCESS_TOKEN for this run"
    )


def clean_token(raw: str, where: str) -> str:
    """A token as pasted: surrounding space and a `Bearer ` prefix removed; then it must be one
    printable-ASCII word (`tokenform.check_token`: exit 3, nothing of it shown)."""
    register_secret(raw)
    token = raw.strip(" \t\r\n")
    if token.lower().startswith("bearer "):
        token = token[7:].strip(" \t\r\n")
    return check_token(token, where)


def resolve_tokens(profile: Profile, src: Secrets, stdin_token: str | None) -> TokenSet:
    """The tokens for this run, from the first source that has one (see module doc)."""
    if stdin_token is not None:
        return TokenSet(clean_token(stdin_token, "--with-token (stdin)"), source="stdin")
    env_token = src.env.get("WXCC_ACCESS_TOKEN", "")
    if env_token.strip():
        return TokenSet(clean_token(env_token, "WXCC_ACCESS_TOKEN"), source="env")
    try:
        stored = load_stored_tokens(profile, src)
    except KeystoreUnavailable as err:
        raise AuthError(
            f"no token for profile {profile.name!r}: {err.message}", hint=err.hint, code="NO_TOKEN"
        ) from None
    if stored is None:
        raise AuthError(
            f"no token for profile {profile.name!r} (no --with-token, no WXCC_ACCESS_TOKEN, "
            "nothing in the keyring)",
            hint=_hint_login(profile),
            code="NO_TOKEN",
        )
    if stored.expired(skew=0) and not stored.can_refresh():
        raise AuthError(
            f"the stored token of profile {profile.name!r} has expired and cannot be refreshed",
            hint=_hint_login(profile),
            code="TOKEN_EXPIRED",
        )
    return stored


def load_stored_tokens(profile: Profile, src: Secrets) -> TokenSet | None:
    """The keyring's tokens, or None; raises KeystoreUnavailable when the keyring is unusable."""
    raw = src.keystore.get(profile.name, TOKENS_KEY, timeout=profile.timeouts.keyring)
    doc = _json_object(raw)
    access = doc.get("access_token")
    if not isinstance(access, str) or not access:
        return None
    check_token(access, "the keyring", hint=_hint_login(profile))
    refresh = doc.get("refresh_token")
    return TokenSet(
        access=access,
        refresh=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=_number(doc.get("expires_at")),
        source="keyring",
        refresh_expires_at=_number(doc.get("refresh_expires_at")),
        scopes=_strings(doc.get("scopes")),
    )


def store_tokens(profile: Profile, src: Secrets, tokens: TokenSet) -> StoreResult:
    """Keep the tokens in the keyring for the next run; never raises for an unusable keyring."""
    return _store(profile, src, TOKENS_KEY, tokens.to_json())


def forget(profile: Profile, src: Secrets) -> StoreResult:
    """Delete the profile's tokens and station credentials from the keyring.

    `stored` is True when the keyring answered; `removed` names what was there."""
    names = {TOKENS_KEY: "tokens", STATION_KEY: "station credentials"}
    try:
        removed = tuple(
            name
            for key, name in names.items()
            if src.keystore.delete(profile.name, key, timeout=profile.timeouts.keyring)
        )
    except KeystoreUnavailable as err:
        return StoreResult(False, err.message)
    return StoreResult(True, removed=removed)


def client_secret(profile: Profile, src: Secrets) -> str | None:
    """The OAuth client secret: WXCC_CLIENT_SECRET, else the keyring; never the profile file."""
    value = src.env.get("WXCC_CLIENT_SECRET", "").strip()
    if value:
        register_secret(value)
        return value
    try:
        stored = src.keystore.get(profile.name, CLIENT_SECRET_KEY, timeout=profile.timeouts.keyring)
    except KeystoreUnavailable:
        return None  # public clients (PKCE) need none; the token endpoint says if it does
    return stored or None


def _store(profile: Profile, src: Secrets, key: str, value: str) -> StoreResult:
    try:
        src.keystore.set(profile.name, key, value, timeout=profile.timeouts.keyring)
    except KeystoreUnavailable as err:
        return StoreResult(False, err.message)
    return StoreResult(True)


def _json_object(raw: str | None) -> dict[str, Any]:
    try:
        doc = loads(raw) if raw else {}
    except ValueError:
        return {}  # a damaged entry is the same as none: the user signs in again
    return doc if isinstance(doc, dict) else {}


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None  # not recorded (entries written before scopes were kept)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


# --------------------------------------------------------------------------- station credentials


@dataclass(frozen=True)
class StationCredentials:
    """What `remember: true` keeps for the next login: how calls reach the agent, and the team."""

    option: str
    number: str | None
    team: str | None


@dataclass(frozen=True)
class Recalled:
    station: StationCredentials | None
    reason: str = ""  # why nothing could be read, when the keyring is unusable


def remember_station(profile: Profile, src: Secrets, station: StationCredentials) -> StoreResult:
    """Store the station credentials under `<profile>:station`; says whether and why not."""
    doc = {"option": station.option, "number": station.number, "team": station.team}
    return _store(profile, src, STATION_KEY, json.dumps(doc))


def recall_station(profile: Profile, src: Secrets) -> Recalled:
    try:
        raw = src.keystore.get(profile.name, STATION_KEY, timeout=profile.timeouts.keyring)
    except KeystoreUnavailable as err:
        return Recalled(None, err.message)
    doc = _json_object(raw)
    option = doc.get("option")
    if option not in ("dial_number", "extension", "desktop"):
        return Recalled(None)
    number, team = doc.get("number"), doc.get("team")
    return Recalled(
        StationCredentials(
            str(option),
            number if isinstance(number, str) else None,
            team if isinstance(team, str) else None,
        )
    )


def with_remembered(profile: Profile, station: StationCredentials | None) -> Profile:
    """The profile with remembered values filled in where the file, environment and flags set
    nothing (`profile.sources` tells which keys were set)."""
    if station is None:
        return profile
    sources = dict(profile.sources)
    telephony = profile.telephony
    option_set, number_set = "telephony.option" in sources, "telephony.number" in sources
    if not option_set and not number_set:
        option: Any = station.option
        number = None if option == "desktop" else station.number
        telephony = replace(telephony, option=option, number=number)
        sources.update({"telephony.option": "remembered", "telephony.number": "remembered"})
    elif not number_set and station.option == telephony.option and telephony.option != "desktop":
        telephony = replace(telephony, number=station.number)  # same option, number left out
        sources["telephony.number"] = "remembered"
    team = profile.team
    if team is None and station.team:
        team = station.team
        sources["team"] = "remembered"
    return replace(profile, telephony=telephony, team=team, sources=sources)
