"""A keyring backend for tests: one JSON file per test, so subprocess runs of the CLI share it.

Selected with PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring and the file named by
WXCC_TEST_KEYRING_FILE (the autouse fixture in credential_fixtures.py sets both). Never use it
outside tests: it stores secrets in plain text on purpose.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from filelock import FileLock
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

ENV_FILE = "WXCC_TEST_KEYRING_FILE"


class _OnlyWhenChosen(KeyringBackend):
    """keyring instantiates every backend class it can see while auto-detecting; these are viable
    only when PYTHON_KEYRING_BACKEND names them, so detection never picks one by accident."""

    @properties.classproperty
    def priority(cls) -> float:
        if not os.environ.get("PYTHON_KEYRING_BACKEND", "").endswith("." + cls.__name__):
            raise RuntimeError("test backend: only when chosen")
        return 1


class FileKeyring(_OnlyWhenChosen):
    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._path = path

    @property
    def path(self) -> Path:
        return self._path or Path(os.environ[ENV_FILE])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return dict(data)

    def _save(self, data: dict[str, str]) -> None:
        self.path.write_text(json.dumps(data, indent=1, sort_keys=True))

    def _lock(self) -> FileLock:
        return FileLock(str(self.path) + ".lock")

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock():
            return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock():
            data = self._load()
            data[f"{service}|{username}"] = password
            self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock():
            data = self._load()
            if data.pop(f"{service}|{username}", None) is None:
                raise PasswordDeleteError("not found")
            self._save(data)


RELEASE = threading.Event()


class HangingKeyring(_OnlyWhenChosen):
    """Never answers (until the test releases it), like a locked keyring waiting for a prompt."""

    def _hang(self) -> None:
        RELEASE.wait(30)
        raise RuntimeError("released")

    def get_password(self, service: str, username: str) -> str | None:
        self._hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hang()

    def delete_password(self, service: str, username: str) -> None:
        self._hang()
