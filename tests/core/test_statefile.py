"""State files: atomic, private, and safe under real concurrent processes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.statefile import StateFile, StateLockedError, folder_fix, session_file

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import sys
from pathlib import Path
from wxcc_desk.core.statefile import StateFile

store = StateFile(Path(sys.argv[1]))
me = sys.argv[2]
for _ in range(int(sys.argv[3])):
    def bump(doc):
        doc = doc or {"count": 0, "by": {}}
        doc["count"] += 1
        doc["by"][me] = doc["by"].get(me, 0) + 1
        doc["padding"] = "x" * 20000  # big enough that a torn write would show
        return doc
    store.update(bump)
    assert store.read()["count"] >= 1
"""


def test_concurrent_processes_never_lose_or_tear_updates(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "shared.json"
    workers, rounds = 4, 25
    env = {**os.environ, "PYTHONPATH": str(ROOT / "cli")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), f"w{n}", str(rounds)],
            env=env,
            stderr=subprocess.PIPE,
        )
        for n in range(workers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=50)
        assert proc.returncode == 0, err.decode()
    doc = StateFile(path).read()
    assert doc is not None
    assert doc["count"] == workers * rounds
    assert doc["by"] == {f"w{n}": rounds for n in range(workers)}
    leftovers = [
        p.name
        for p in path.parent.iterdir()
        if p.name.endswith(".tmp") or ".shared.json." in p.name
    ]
    assert leftovers == []


def test_files_and_folders_are_private(tmp_path: Path) -> None:
    store = session_file(tmp_path / "state", "sandbox")
    store.write({"a": 1})
    assert store.path == tmp_path / "state" / "sessions" / "sandbox.json"
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
        lock = Path(str(store.path) + ".lock")
        if lock.exists():
            assert stat.S_IMODE(lock.stat().st_mode) & 0o077 == 0


def test_read_update_delete_roundtrip(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "s.json")
    assert store.read() is None
    assert store.update(lambda doc: {"n": 1} if doc is None else None) == {"n": 1}
    assert store.read() == {"n": 1}
    assert store.update(lambda doc: None) is None
    assert not store.path.exists()
    store.write({"n": 2})
    assert store.delete() is True
    assert store.delete() is False


def test_nested_locking_reenters(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "s.json", lock_timeout=1)
    with store.locked():
        store.update(lambda doc: {"inner": True})
    assert store.read() == {"inner": True}


def test_a_failed_change_leaves_the_old_document(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "st" / "s.json")
    store.write({"keep": True})

    def boom(doc: object) -> dict[str, object]:
        raise RuntimeError("change failed")

    with pytest.raises(RuntimeError):
        store.update(boom)
    assert store.read() == {"keep": True}
    with pytest.raises(TypeError):
        store.write({"bad": object()})
    assert store.read() == {"keep": True}
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["s.json", "s.json.lock"]


def test_damaged_file_is_a_clear_config_error(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "s.json")
    store.path.write_text("{half")
    with pytest.raises(ConfigError) as info:
        store.read()
    assert str(store.path) in info.value.message
    assert "delete" in info.value.hint


def test_lock_held_by_another_process_times_out_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom pathlib import Path\n"
            "from wxcc_desk.core.statefile import StateFile\n"
            "with StateFile(Path(sys.argv[1])).locked():\n    print('held', flush=True)\n"
            "    sys.stdin.read()\n",
            str(path),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "cli")},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(StateLockedError) as info:
            StateFile(path, lock_timeout=0.1).write({"x": 1})
        assert "another wxcc-desk run" in info.value.message
    finally:
        holder.communicate(b"", timeout=10)
    StateFile(path, lock_timeout=5).write({"x": 2})
    assert StateFile(path).read() == {"x": 2}


def test_unsafe_names_are_refused(tmp_path: Path) -> None:
    for bad in ("../x", ".hidden", "", "a/b"):
        with pytest.raises(ValueError):
            session_file(tmp_path, bad)


def test_written_json_is_plain_and_sorted(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "s.json")
    store.write({"b": 1, "a": 2})
    assert json.loads(store.path.read_text()) == {"a": 2, "b": 1}


# --------------------------------------------------------------------------- unwritable folder


@pytest.mark.parametrize("platform", ["linux", "freebsd14"])
def test_the_fix_of_an_unwritable_state_folder_moves_only_the_state(platform: str) -> None:
    """Not WXCC_DESK_HOME, which moves the config folder (the profiles) too."""
    folder = Path("/srv/state/wxcc-desk/sessions")
    fix = folder_fix(folder, {}, platform)
    assert fix.startswith(f"make {folder} a folder you can write to"), fix
    assert "set XDG_STATE_HOME to a writable folder" in fix and "profiles stay" in fix
    assert "WXCC_DESK_HOME" not in fix


@pytest.mark.parametrize(
    ("env", "platform"),
    [({"WXCC_DESK_HOME": "/h"}, "linux"), ({}, "darwin"), ({}, "win32")],
    ids=["WXCC_DESK_HOME set", "macOS", "Windows"],
)
def test_where_xdg_state_home_moves_nothing_it_is_not_suggested(
    env: dict[str, str], platform: str
) -> None:
    folder = Path("/h/state/sessions")
    fix = folder_fix(folder, env, platform)
    assert fix.startswith(f"make {folder} a folder you can write to"), fix
    assert "XDG_STATE_HOME" not in fix and "set WXCC_DESK_HOME" not in fix


def test_a_folder_that_cannot_be_made_names_what_is_in_the_way(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file, not a folder")
    with pytest.raises(ConfigError) as info:
        StateFile(blocker / "wxcc-desk" / "sessions" / "p.json").check_writable()
    err = info.value
    assert f"cannot create the state folder {blocker / 'wxcc-desk' / 'sessions'}" in err.message
    assert err.hint.startswith(f"make {blocker} a folder you can write to"), err.hint
    assert "set WXCC_DESK_HOME" not in err.hint


def test_a_folder_that_takes_no_file_is_named_in_the_fix(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.write_text("a file where the folder should be")
    with pytest.raises(ConfigError) as info:
        StateFile(sessions / "p.json").check_writable()
    assert info.value.code == "STATE_NOT_WRITABLE"
    assert info.value.hint.startswith(f"make {sessions} a folder you can write to")
    assert "set WXCC_DESK_HOME" not in info.value.hint


def test_a_record_under_a_file_is_not_told_to_delete_the_record(tmp_path: Path) -> None:
    """`sessions` a file: deleting `sessions/p.json` is no fix; making `sessions` a folder is."""
    sessions = tmp_path / "sessions"
    sessions.write_text("x")
    with pytest.raises(ConfigError) as info:
        StateFile(sessions / "p.json").read()
    assert info.value.hint.startswith(f"make {sessions} a folder you can write to")


def test_the_fix_of_an_unwritable_config_folder_moves_only_the_profiles() -> None:
    folder = Path("/home/u/.config/wxcc-desk/profiles")
    fix = folder_fix(folder, {}, "linux", kind="config")
    assert fix.startswith(f"make {folder} a folder you can write to"), fix
    assert "set XDG_CONFIG_HOME to a writable folder" in fix and "the state stays" in fix
    assert "XDG_STATE_HOME" not in fix and "WXCC_DESK_HOME" not in fix
