"""The keyring wrapper: isolated per test, time-boxed, and loud when unusable."""

from __future__ import annotations

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from tests.support.file_keyring import FileKeyring
from wxcc_desk.core.errors import ExitCode
from wxcc_desk.core.keystore import SERVICE, Keystore, KeystoreUnavailable
from wxcc_desk.core.redact import scrub


def test_roundtrip_in_the_isolated_keyring(isolated_keyring: FileKeyring) -> None:
    store = Keystore()
    assert store.get("p", "tokens") is None
    store.set("p", "tokens", "value-123456789")
    assert store.get("p", "tokens") == "value-123456789"
    assert isolated_keyring.get_password(SERVICE, "p:tokens") == "value-123456789"
    assert scrub("x value-123456789 y") == "x *** y"  # what the keyring returns is registered
    assert store.delete("p", "tokens") is True
    assert store.delete("p", "tokens") is False
    assert store.backend_name() == "tests.support.file_keyring.FileKeyring"


@pytest.mark.usefixtures("failing_keyring")
def test_no_backend_names_backend_reason_and_alternatives() -> None:
    with pytest.raises(KeystoreUnavailable) as info:
        Keystore().get("p", "tokens")
    err = info.value
    assert err.backend == "keyring.backends.fail.Keyring"
    assert "keyring.backends.fail.Keyring" in err.message
    assert "no recommended backend" in err.message
    for alternative in ("--with-token", "WXCC_ACCESS_TOKEN", "keyrings.alt", "Secret Service"):
        assert alternative in err.hint
    assert err.exit_code == ExitCode.CONFIG


@pytest.mark.usefixtures("hanging_keyring")
def test_a_hung_backend_is_cut_off_once_per_run() -> None:
    store = Keystore(timeout=0.2)
    with pytest.raises(KeystoreUnavailable) as first:
        store.get("p", "tokens")
    assert "no answer within 0.2 s" in first.value.message
    assert "HangingKeyring" in first.value.message
    with pytest.raises(KeystoreUnavailable) as second:
        store.set("p", "tokens", "x" * 20)
    assert second.value is first.value  # failed for the run: no second wait


class _Locked(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def test_backend_errors_become_one_clear_error_without_the_secret() -> None:
    with pytest.raises(KeystoreUnavailable) as info:
        Keystore(backend=_Locked()).get("p", "tokens")
    assert "KeyringLocked: the collection is locked" in info.value.message
    with pytest.raises(KeystoreUnavailable) as setting:
        Keystore(backend=_Locked()).set("p", "tokens", "CANARY-keystore-0123456789")
    assert "CANARY" not in setting.value.message


def _alt_backend() -> KeyringBackend:
    plain = type("PlaintextKeyring", (FileKeyring,), {"__module__": "keyrings.alt.file"})
    return plain()  # type: ignore[no-any-return]


def test_plain_text_backends_are_never_picked_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-wxcc")
    keyring.set_keyring(_alt_backend())
    with pytest.raises(KeystoreUnavailable) as info:
        Keystore().get("p", "tokens")
    assert "keyrings.alt.file.PlaintextKeyring" in info.value.message
    assert "not chosen" in info.value.message


def test_plain_text_backends_work_when_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    keyring.set_keyring(_alt_backend())
    store = Keystore()
    store.set("p", "k", "chosen-on-purpose")
    assert store.get("p", "k") == "chosen-on-purpose"


def test_password_prompting_backends_are_refused_when_not_interactive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.EncryptedKeyring")
    encrypted = type("EncryptedKeyring", (FileKeyring,), {"__module__": "keyrings.alt.file"})
    keyring.set_keyring(encrypted())
    with pytest.raises(KeystoreUnavailable) as info:
        Keystore().get("p", "tokens")  # conftest marks every test run non-interactive
    assert "not interactive" in info.value.message
