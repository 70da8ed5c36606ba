"""Where Teams authentication lives between runs.

Secrets (refresh token, access token, the pending device code) go to the keyring only, through
a `Vault` (the profile's keystore). What is not secret (the last outcome, its reason and
tracking IDs, the account, expiry times) goes to `<state_dir>/teams/<profile>.json` so `status`
can say `failed` with the reason after the secrets are gone. Every secret read or written is
registered with `redact`, so it is masked wherever it might appear. Without a usable keyring
the secrets of a run stay in memory (`KeystoreVault`), never in a file.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from wxcc_desk.api.entra import DeviceAuthorization, TokenSet
from wxcc_desk.core.errors import WxccError
from wxcc_desk.core.keystore import BACKENDS

if TYPE_CHECKING:
    from wxcc_desk.core.keystore import Keystore
from wxcc_desk.core.redact import register_secret
from wxcc_desk.core.statefile import StateFile
from wxcc_desk.http.limits import loads

# Keystore keys (user name `<profile>:<key>` under service `wxcc-desk`).
REFRESH = "teams_refresh_token"
ACCESS = "teams_access_token"
PENDING = "teams_device_code"


class Vault(Protocol):
    """Per-profile secret storage (the keyring). Names are the constants above. `unusable` is
    empty while the keyring works, else why it does not (secrets then live for this run only)."""

    unusable: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> bool: ...


class KeystoreVault:
    """A `Vault` on `wxcc_desk.core.keystore.Keystore` (time-boxed keyring) for one profile.

    An unusable keyring does not stop the Teams flows: from the first failure on, secrets are
    held in memory for this run only and `unusable` says why (backend and reason). Nothing is
    ever written to a file instead; the commands say the tokens were not stored."""

    def __init__(self, keystore: Keystore, profile: str, timeout: float | None = None) -> None:
        self.keystore, self.profile, self.timeout = keystore, profile, timeout
        self.unusable = ""
        self._memory: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        value: str | None = self._call(self.keystore.get, self._memory.get, name)
        return value

    def set(self, name: str, value: str) -> None:
        self._call(self.keystore.set, self._memory.__setitem__, name, value)

    def delete(self, name: str) -> bool:
        return bool(self._call(self.keystore.delete, self._forget, name))

    def _forget(self, name: str) -> bool:
        return self._memory.pop(name, None) is not None

    def _call(self, method: Any, in_memory: Any, *args: str) -> Any:
        from wxcc_desk.core.keystore import KeystoreUnavailable

        if not self.unusable:
            try:
                return method(self.profile, *args, timeout=self.timeout)
            except KeystoreUnavailable as err:
                self.unusable = f"{err.backend}: {err.reason}"
        return in_memory(*args)


KEYRING_ALTERNATIVES = (
    "set WXCC_TEAMS_REFRESH_TOKEN (or WXCC_TEAMS_ACCESS_TOKEN, used as is) for each run, or "
    + BACKENDS
)


@dataclass(frozen=True)
class PendingCode:
    """A device code waiting for a person to sign in (kept for `--no-wait` then `status`)."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_at: float
    interval: float
    message: str = ""

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at

    def public(self) -> dict[str, Any]:
        """What may be shown: everything but the device code."""
        return {
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "expires_at": iso(self.expires_at),
        }


@dataclass(frozen=True)
class CachedToken:
    token: str
    expires_at: float

    @property
    def fresh(self) -> bool:
        return time.time() < self.expires_at - 60  # a minute's margin for clock skew


@dataclass
class LastOutcome:
    """The last authentication outcome, as recorded in the state file (no secrets)."""

    state: str = ""
    reason: str = ""
    code: str = ""
    account: str = ""
    tracking_ids: list[str] = field(default_factory=list)
    at: float = 0.0


def iso(ts: float | None) -> str | None:
    if not ts:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class TeamsStore:
    def __init__(self, vault: Vault, state_dir: Path, profile: str) -> None:
        self.vault = vault
        self.file = StateFile(state_dir / "teams" / f"{profile}.json")

    @property
    def unusable(self) -> str:
        """Why the keyring is not usable (secrets held for this run only), or ""."""
        return self.vault.unusable

    def _get(self, name: str) -> str | None:
        value = self.vault.get(name)
        register_secret(value)
        return value

    def _set(self, name: str, value: str) -> None:
        register_secret(value)
        self.vault.set(name, value)

    # -- pending device code ------------------------------------------------------------------

    def pending(self) -> PendingCode | None:
        raw = self._get(PENDING)
        if not raw:
            return None
        try:
            data = loads(raw)
            register_secret(data.get("device_code"))
            return PendingCode(**data)
        except (ValueError, TypeError):
            self.vault.delete(PENDING)  # unreadable: a fresh login replaces it
            return None

    def save_pending(self, auth: DeviceAuthorization) -> PendingCode:
        now = time.time()
        code = PendingCode(
            device_code=auth.device_code,
            user_code=auth.user_code,
            verification_uri=auth.verification_uri,
            expires_at=now + auth.expires_in,
            interval=float(auth.interval),
            message=auth.message,
        )
        register_secret(code.device_code)
        self._set(PENDING, json.dumps(asdict(code)))
        return code

    def clear_pending(self) -> None:
        self.vault.delete(PENDING)

    # -- tokens -------------------------------------------------------------------------------

    def refresh_token(self) -> str | None:
        return self._get(REFRESH)

    def refresh_kept(self) -> bool:
        """A refresh token is in the keyring (held in memory only does not count)."""
        return bool(self.refresh_token()) and not self.unusable

    def access_token(self) -> CachedToken | None:
        raw = self._get(ACCESS)
        if not raw:
            return None
        try:
            data = loads(raw)
            register_secret(data.get("token"))
            return CachedToken(str(data["token"]), float(data["expires_at"]))
        except (ValueError, KeyError, TypeError):
            return None

    def save_tokens(self, tokens: TokenSet) -> CachedToken:
        cached = CachedToken(tokens.access_token, time.time() + tokens.expires_in)
        register_secret(tokens.access_token)
        self._set(ACCESS, json.dumps(asdict(cached)))
        if tokens.refresh_token:
            self._set(REFRESH, tokens.refresh_token)
        return cached

    def clear_tokens(self) -> list[str]:
        """Delete every stored Microsoft secret; returns the names that were there."""
        return [name for name in (REFRESH, ACCESS, PENDING) if self.vault.delete(name)]

    # -- last outcome (state file, no secrets) --------------------------------------------------

    def last(self) -> LastOutcome:
        try:
            doc = self.file.read() or {}
            return LastOutcome(**doc)
        except (WxccError, TypeError):  # damaged or from another version: no history
            return LastOutcome()

    def record(self, outcome: LastOutcome) -> None:
        outcome.at = time.time()
        self.file.write(asdict(outcome))

    def forget(self) -> None:
        self.file.delete()
