"""Paths the user names for output (reports, the bundle, the job summary), resolved safely.

Linux refuses to follow a symlink in a sticky world-writable folder (`/tmp`) unless the link
belongs to the follower or to the folder's owner (`fs.protected_symlinks`); not every system
has that switched on, and other systems have no such rule. `resolve` applies the same rule
itself, to every symlink on the way, so a link another user planted in a shared folder never
redirects a report onto a file of the victim's. A path that is, or resolves to, a FIFO, a
device or a socket is refused too (a FIFO would hang the run, a device cannot take a rename):
`-` is the only way to name stdout.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wxcc_desk.core.errors import ConfigError

MAX_LINKS = 40  # as the kernel's ELOOP limit


class UnsafePath(ConfigError):
    default_code = "UNSAFE_PATH"


def resolve(path: Path, option: str) -> Path:
    """The real path `path` names, following symlinks only where protected_symlinks would."""
    todo = list(Path(os.path.abspath(path)).parts)
    current = Path(todo.pop(0))
    hops = 0
    while todo:
        name = todo.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = current.parent
            continue
        candidate = current / name
        try:
            info = os.lstat(candidate)
        except OSError:  # missing (to be created) or unreadable: nothing to follow
            current = candidate
            continue
        if not stat.S_ISLNK(info.st_mode):
            current = candidate
            continue
        hops += 1
        if hops > MAX_LINKS:
            raise UnsafePath(
                f"{option} {path}: too many symbolic links on the way",
                hint=f"pass {option} a plain file path",
            )
        _check_link(candidate, info, current, path, option)
        target = Path(os.readlink(candidate))
        if target.is_absolute():
            todo = list(target.parts[1:]) + todo
            current = Path(target.parts[0])
        else:
            todo = list(target.parts) + todo
    return current


def _check_link(link: Path, info: os.stat_result, folder: Path, named: Path, option: str) -> None:
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # Windows: no such folders, no such rule
        return
    parent = os.stat(folder)
    shared = parent.st_mode & stat.S_ISVTX and parent.st_mode & stat.S_IWOTH
    if not shared or info.st_uid in (geteuid(), parent.st_uid):
        return
    raise UnsafePath(
        f"{option} {named}: refusing to follow the symbolic link {link}, which another user "
        f"(uid {info.st_uid}) owns in the shared folder {folder}",
        hint=f"pass {option} a path in a folder of your own (a link planted in a shared "
        "folder could redirect the file onto one of yours)",
    )


def refuse_special(target: Path, option: str, named: Path) -> None:
    """A FIFO, device or socket at `target` (the resolved path) is refused."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
    raise UnsafePath(
        f"{option} {named} is {kind}, not a file",
        hint=f"pass {option} a regular file path",
    )


def append_regular(path: Path, option: str, data: bytes) -> None:
    """Append `data` to a regular file (created 0666 less the umask), resolved by `safe_target`.
    Opened without blocking and re-checked once open, so a FIFO swapped in meanwhile neither
    hangs the run nor gets written."""
    target = safe_target(path, option)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(target, flags | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(
                f"{option} {path} is not a regular file", hint=f"point {option} at a file"
            )
        os.write(fd, data)
    finally:
        os.close(fd)


def safe_target(path: Path, option: str) -> Path:
    """`resolve`, then `refuse_special`: the regular file (or new file) to write."""
    target = resolve(path, option)
    refuse_special(target, option, path)
    return target
