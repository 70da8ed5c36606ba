"""Keyring fixtures: every test gets its own file-backed keyring (in-process and in subprocess
runs of the CLI); `failing_keyring` and `hanging_keyring` make it unusable in two ways."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from tests.support.file_keyring import ENV_FILE, RELEASE, FileKeyring, HangingKeyring

ROOT = Path(__file__).resolve().parents[2]


def _use(monkeypatch: pytest.MonkeyPatch, backend: object, dotted: str) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", dotted)
    keyring.set_keyring(backend)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def isolated_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    """A fresh keyring file for this test, also seen by `wxcc-desk` subprocesses."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv(ENV_FILE, str(path))
    pythonpath = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), pythonpath])))
    backend = FileKeyring(path)
    _use(monkeypatch, backend, "tests.support.file_keyring.FileKeyring")
    yield backend
    keyring.set_keyring(keyring.backends.fail.Keyring())  # never the developer's real keyring


@pytest.fixture
def failing_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No usable backend: keyring's own `fail.Keyring`, in-process and in subprocesses."""
    _use(monkeypatch, keyring.backends.fail.Keyring(), "keyring.backends.fail.Keyring")


@pytest.fixture
def hanging_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A keyring that never answers; the keyring time box is cut to 0.2 s."""
    RELEASE.clear()
    monkeypatch.setenv("WXCC_TIMEOUT_KEYRING", "0.2")
    _use(monkeypatch, HangingKeyring(), "tests.support.file_keyring.HangingKeyring")
    yield
    RELEASE.set()
