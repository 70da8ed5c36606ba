"""The system keyring, wrapped: every call time-boxed, every failure one clear error.

Entries live under service `wxcc-desk`, user name `<profile>:<key>` (keys such as `tokens`,
`station`, `client_secret`, `teams_tokens`). There is no plain-text fallback: when no usable
backend exists the caller gets `KeystoreUnavailable` naming the backend, why it is unusable and
the alternatives. A backend from `keyrings.alt` (plain-text or password-prompting files) is used
only when chosen deliberately through `PYTHON_KEYRING_BACKEND` or keyring's config file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.redact import register_secret, scrub

SERVICE = "wxcc-desk"
DEFAULT_TIMEOUT = 5.0
T = TypeVar("T")

BACKENDS = (
    "install and unlock a keyring backend (Secret Service/GNOME Keyring or KWallet on Linux; "
    "macOS Keychain and Windows Credential Manager work out of the box); to keep secrets in a "
    "file on purpose, install keyrings.alt and set PYTHON_KEYRING_BACKEND"
)
ALTERNATIVES = (
    f"pipe a token to `wxcc-desk login --with-token`, set WXCC_ACCESS_TOKEN, or {BACKENDS}"
)


class KeystoreUnavailable(ConfigError):
    """No usable keyring: carries the backend's name and the reason, and names the alternatives."""

    default_code = "KEYRING_UNAVAILABLE"

    def __init__(self, backend: str, reason: str) -> None:
        super().__init__(
            f"the system keyring is not usable (backend {backend}: {reason})",
            hint=ALTERNATIVES,
        )
        self.backend = backend
        self.reason = reason


@dataclass
class Keystore:
    """Generic get/set/delete of secrets per profile. `backend` may be injected (tests); by default
    keyring's own choice is used. After one failure the store stays failed for the run, so a hung
    keyring costs one time box, not one per call."""

    timeout: float = DEFAULT_TIMEOUT
    backend: Any = None
    _broken: KeystoreUnavailable | None = field(default=None, repr=False)

    def get(self, profile: str, key: str, *, timeout: float | None = None) -> str | None:
        value = self._call(lambda kr: kr.get_password(SERVICE, _user(profile, key)), timeout)
        if value is not None and not isinstance(value, str):
            return None
        register_secret(value)
        return value

    def set(self, profile: str, key: str, value: str, *, timeout: float | None = None) -> None:
        register_secret(value)
        self._call(lambda kr: kr.set_password(SERVICE, _user(profile, key), value), timeout)

    def delete(self, profile: str, key: str, *, timeout: float | None = None) -> bool:
        """Remove an entry; False when there was none."""
        import keyring.errors

        def remove(kr: Any) -> bool:
            try:
                kr.delete_password(SERVICE, _user(profile, key))
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._call(remove, timeout)

    def check(self, *, timeout: float | None = None) -> None:
        """Raise KeystoreUnavailable now when nothing could be stored (before a sign-in that
        would be wasted)."""
        self._call(lambda kr: kr, timeout)

    def backend_name(self) -> str:
        """The backend in use, for `status` ("keyring.backends.SecretService.Keyring")."""
        try:
            return _name(self._call(lambda kr: kr, None))
        except KeystoreUnavailable as err:
            return err.backend

    def _call(self, action: Callable[[Any], T], timeout: float | None) -> T:
        if self._broken is not None:
            raise self._broken
        limit = self.timeout if timeout is None else timeout
        try:
            return _time_boxed(lambda: action(self._resolve()), limit)
        except KeystoreUnavailable as err:
            self._broken = err
            raise
        except _Timeout:
            reason = f"no answer within {limit:g} s (locked, or waiting for a prompt?)"
            self._broken = KeystoreUnavailable(self._known_name(), reason)
            raise self._broken from None
        except Exception as err:  # any backend failure (D-Bus, locked, denied) means unusable
            self._broken = KeystoreUnavailable(self._known_name(), _describe(err))
            raise self._broken from None

    def _resolve(self) -> Any:
        if self.backend is None:
            self.backend = _usable_backend()
        return self.backend

    def _known_name(self) -> str:
        return "unknown" if self.backend is None else _name(self.backend)


def _user(profile: str, key: str) -> str:
    return f"{profile}:{key}"


def _name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _usable_backend() -> Any:
    import keyring
    import keyring.backends.fail
    import keyring.core

    backend = keyring.get_keyring()
    name = _name(backend)
    if isinstance(backend, keyring.backends.fail.Keyring):
        raise KeystoreUnavailable(name, "no recommended backend is installed")
    if type(backend).__module__.startswith("keyring.backends.null"):
        raise KeystoreUnavailable(name, "the keyring is disabled")
    chosen = os.environ.get("PYTHON_KEYRING_BACKEND") or _configured()
    if type(backend).__module__.startswith("keyrings.alt") and not chosen:
        raise KeystoreUnavailable(
            name, "a file backend from keyrings.alt was picked automatically, not chosen"
        )
    if "Encrypted" in type(backend).__name__ and not _interactive():
        # keyrings.alt's encrypted file asks for its password on the terminal.
        raise KeystoreUnavailable(name, "it asks for a password and this run is not interactive")
    return backend


def _interactive() -> bool:
    import sys

    if os.environ.get("CI") or os.environ.get("WXCC_DESK_NONINTERACTIVE"):
        return False
    return bool(getattr(sys.stdin, "isatty", lambda: False)())


def _configured() -> bool:
    import keyring.core

    try:
        return keyring.core.load_config() is not None
    except Exception:  # a broken keyringrc is the same as none: we never guess
        return False


class _Timeout(Exception):
    pass


def _time_boxed(action: Callable[[], T], limit: float) -> T:
    """Run `action` in a daemon thread (so a hung backend never blocks exit) and wait `limit` s."""
    done = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = action()
        except BaseException as err:  # handed back to the caller's thread below
            box["error"] = err
        finally:
            done.set()

    threading.Thread(target=run, name="wxcc-desk-keyring", daemon=True).start()
    if not done.wait(limit):
        raise _Timeout
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _describe(err: BaseException) -> str:
    first = (str(err).strip().splitlines() or [""])[0][:200]
    return scrub(f"{type(err).__name__}: {first}" if first else type(err).__name__)
