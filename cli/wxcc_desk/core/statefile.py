"""Small JSON state files that two runs at once cannot corrupt.

Writes go to a temp file in the same folder, are fsynced and then `os.replace`d over the target,
so a reader sees the old or the new document, never half of one. Read-modify-write happens under
a `filelock` lock (`<file>.lock`), so concurrent updates do not lose each other's changes. Files,
locks and folders are private to the user (0600 / 0700). State files never hold secrets.

    store = session_file(actx.state_dir, profile.name)
    store.update(lambda doc: {**(doc or {}), "agentSessionId": sid})
    store.read()      # the document, or None
    store.delete()
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from wxcc_desk.core.errors import ConfigError, WxccError

JsonDict = dict[str, Any]
Kind = Literal["state", "config"]  # which folder: its words and the variable that moves it
LOCK_TIMEOUT = 10.0
MAX_BYTES = 1024 * 1024  # a state document is a few hundred bytes; more is damage


class StateLockedError(WxccError):
    default_code = "STATE_LOCKED"


@dataclass(frozen=True)
class StateFile:
    path: Path
    lock_timeout: float = LOCK_TIMEOUT

    def read(self) -> JsonDict | None:
        """The document, or None when there is none. A damaged file is a ConfigError."""
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            return None
        except NotADirectoryError as err:  # the folder is a file: deleting the record is no fix
            raise ConfigError(
                f"cannot read {self.path} ({err.strerror or err})",
                hint=folder_fix(self.path.parent),
            ) from None
        except OSError as err:
            raise self._error(f"cannot read {self.path} ({err.strerror or err})") from None
        try:
            doc = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_BYTES else None
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested too deep
            doc = None
        if not isinstance(doc, dict):
            raise self._error(f"{self.path} is damaged (not a JSON object)")
        return doc

    def update(self, change: Callable[[JsonDict | None], JsonDict | None]) -> JsonDict | None:
        """Read, apply `change` and write back, all under the lock. `change` returning None
        deletes the file. Returns what was written."""
        with self.locked():
            new = change(self.read())
            if new is None:
                self._remove()
            else:
                self._write(new)
            return new

    def check_writable(self) -> None:
        """Raise ConfigError unless the folder exists (it is made 0700) and takes a new file:
        proved by creating and removing one (mode bits say nothing for root, ACLs or a full
        or read-only file system)."""
        folder = self.path.parent
        _private_dir(folder)
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.probe.")
            try:
                os.write(fd, b"{}\n")
                os.fsync(fd)
            finally:
                os.close(fd)
                os.unlink(probe)
        except OSError as err:
            raise ConfigError(
                f"cannot write the state folder {folder} ({err.strerror or err}); nothing was "
                "sent to the service",
                hint=folder_fix(folder),
                code="STATE_NOT_WRITABLE",
            ) from None

    async def acquire(self) -> HeldLock:
        """Take the file's lock without blocking the event loop (polled, so Ctrl-C still
        works); StateLockedError after `lock_timeout`. Release with `HeldLock.release`."""
        import asyncio
        import time

        import filelock

        _private_dir(self.path.parent)
        lock = filelock.FileLock(str(self.path) + ".lock", mode=0o600, is_singleton=True)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                lock.acquire(timeout=0)
                return HeldLock(lock)
            except filelock.Timeout:
                if time.monotonic() >= deadline:
                    raise self._locked() from None
                await asyncio.sleep(0.05)

    def write(self, doc: JsonDict) -> None:
        with self.locked():
            self._write(doc)

    def delete(self) -> bool:
        """Remove the file; False when there was none."""
        with self.locked():
            return self._remove()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's lock (reentrant in this process) for a longer read-modify-write."""
        import filelock

        _private_dir(self.path.parent)
        # One lock object per path in this process, so nested use re-enters instead of
        # deadlocking on a second descriptor of the same file.
        lock = filelock.FileLock(str(self.path) + ".lock", mode=0o600, is_singleton=True)
        try:
            with lock.acquire(timeout=self.lock_timeout):
                yield
        except filelock.Timeout:
            raise self._locked() from None

    def _locked(self) -> StateLockedError:
        return StateLockedError(
            f"another wxcc-desk run has held {self.path.name} for {self.lock_timeout:g} s",
            hint="wait for the other run on this profile to finish, then try again",
        )

    def _write(self, doc: JsonDict) -> None:
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp made it 0600
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _fsync_dir(self.path.parent)

    def _remove(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(self.path.parent)
        return True

    def _error(self, message: str) -> ConfigError:
        return ConfigError(
            message, hint=f"delete {self.path} (wxcc-desk recreates it on the next login)"
        )


class HeldLock:
    """A lock taken by `StateFile.acquire`; `release` is safe to call more than once."""

    def __init__(self, lock: Any) -> None:
        self._lock: Any = lock

    def release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()


def session_file(state_dir: Path, profile: str) -> StateFile:
    """`<state_dir>/sessions/<profile>.json`: the station session record of one profile."""
    return StateFile(state_dir / "sessions" / f"{_safe(profile)}.json")


def _safe(name: str) -> str:
    # Profile names are already restricted (profiles.NAME_RE); refuse anything that could escape.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"unsafe state file name {name!r}")
    return name


def _private_dir(folder: Path) -> None:
    private_folder(folder)


def private_folder(folder: Path, kind: Kind = "state", *, tighten: bool = True) -> None:
    """Make `folder` and every missing folder above it 0700 (a plain `mkdir(parents=True)`
    gives the parents the umask's 0755) and, with `tighten`, `folder` itself when it is ours.
    The one folder maker for the state and the config (profiles) folders."""
    here = folder  # the nearest folder that exists: what is in the way when a mkdir fails
    try:
        missing: list[Path] = []
        while not here.exists() and here != here.parent:
            missing.append(here)
            here = here.parent
        for item in reversed(missing):
            item.mkdir(mode=0o700, exist_ok=True)
        if tighten:
            _tighten(folder)
    except OSError as err:
        what = "state folder" if kind == "state" else "profiles folder"
        raise ConfigError(
            f"cannot create the {what} {folder} ({err.strerror or err})",
            hint=folder_fix(here, kind=kind),
        ) from None


def folder_fix(
    folder: Path,
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    *,
    kind: Kind = "state",
) -> str:
    """The fix for a folder that takes no file: what frees or moves that folder only.
    WXCC_DESK_HOME would move both the config folder (the profiles) and the state folder.
    XDG_STATE_HOME / XDG_CONFIG_HOME move one of them where platformdirs places it (Linux and
    the BSDs, and only while WXCC_DESK_HOME is unset: `core/context.py` chooses the folders)."""
    env = os.environ if env is None else env
    fix = f"make {folder} a folder you can write to (its permissions, or space on its disk)"
    if platform not in ("darwin", "win32") and not env.get("WXCC_DESK_HOME"):
        var, moved, kept = (
            ("XDG_STATE_HOME", "the state then lives", "the profiles stay")
            if kind == "state"
            else ("XDG_CONFIG_HOME", "the profiles then live", "the state stays")
        )
        fix += (
            f", or set {var} to a writable folder ({moved} in ${var}/wxcc-desk; "
            f"{kept} where {'they are' if kind == 'state' else 'it is'})"
        )
    return fix


def _tighten(folder: Path) -> None:
    info = folder.stat()
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and info.st_uid == geteuid() and info.st_mode & 0o077:
        os.chmod(folder, 0o700)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and needs no fsync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
