"""Ctrl-C and SIGTERM outside the command itself, in a real process started as the console script
starts (`wxcc_desk.__main__.run`): while Python imports the app, after the command has ended,
and one Python drops (raised inside a weakref callback, as in an import's lock). Each ends with
the one line and exit 130 or 143 (with `--json`, the error document), never a traceback, a
Python "Exception ignored" report or a death by the signal (exit -2 or -15).

Deterministic: the signal is sent by the process to itself at the exact point under test (an
import hook on `wxcc_desk.app`, a wrapper around `app.main`, a weakref callback), so no timing
decides where it lands.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.profiles import write_profile

WORDS = {"INT": "interrupted (Ctrl-C): ", "TERM": "terminated (SIGTERM): "}
CODES = {"INT": (130, "INTERRUPTED"), "TERM": (143, "TERMINATED")}

# Each harness runs the console script's entry with `sys.argv` set, after arranging the signal.
DURING_IMPORT = """
import importlib.abc, os, signal, sys
class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "wxcc_desk.app":
            os.kill(os.getpid(), getattr(signal, "SIG" + os.environ["SIG"]))
        return None
sys.meta_path.insert(0, Hook())
import wxcc_desk.__main__ as entry
entry.run()
"""
AFTER_MAIN = """
import os, signal, sys
import wxcc_desk.__main__ as entry
import wxcc_desk.app as app
real = app.main
def main(*args, **kw):
    try:
        real(*args, **kw)
    finally:  # the command has ended and printed; the signal lands on its way out
        os.kill(os.getpid(), getattr(signal, "SIG" + os.environ["SIG"]))
app.main = main
entry.run()
"""
BEFORE_RUN = """
import os, signal
import wxcc_desk.__main__ as entry
# The console script's own lines run between this import and run(): a signal there is noted.
os.kill(os.getpid(), getattr(signal, "SIG" + os.environ["SIG"]))
entry.run()
"""
DECIDED = """
import os, signal
import wxcc_desk.__main__ as entry
try:
    entry.run()
except SystemExit:  # the exit code is decided; the signal lands before the process ends
    os.kill(os.getpid(), getattr(signal, "SIG" + os.environ["SIG"]))
    raise
"""
DROPPED = """
import gc, os, signal, sys, weakref
import wxcc_desk.__main__ as entry
from wxcc_desk.core import interrupt
def run():
    interrupt.for_process()
    class Thing: pass
    thing = Thing()
    handler = signal.getsignal(signal.SIGINT)
    keep = weakref.ref(thing, lambda _ref: handler(signal.SIGINT, None))
    del thing; gc.collect()  # the handler's KeyboardInterrupt is dropped inside the callback
    entry_run()
entry_run = entry.run
run()
"""


def _run(harness: str, sig: str, argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WXCC_")}
    env |= {"SIG": sig, "WXCC_DESK_HOME": str(home), "WXCC_ACCESS_TOKEN": "x" * 40}
    code = f"import sys; sys.argv = {['wxcc-desk', *argv]!r}\n{harness}"
    argv_ = [sys.executable, "-c", code]
    return subprocess.run(argv_, check=False, capture_output=True, text=True, env=env, timeout=60)


def _one_line(res: subprocess.CompletedProcess[str], sig: str) -> str:
    assert res.returncode == CODES[sig][0], (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.startswith(tuple(WORDS.values()))]
    assert len(lines) == 1 and lines[0].startswith(WORDS[sig]), res.stderr
    return lines[0]


@pytest.mark.parametrize("sig", ["INT", "TERM"])
@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
def test_a_signal_while_the_app_is_imported(tmp_path: Path, sig: str, json_out: bool) -> None:
    argv = ["profiles", "list", *(["--json"] if json_out else [])]
    res = _run(DURING_IMPORT, sig, argv, tmp_path)
    line = _one_line(res, sig)
    assert line.endswith("the command stopped before it finished; run it again")
    if json_out:
        doc = json.loads(res.stdout)
        assert doc["schema"] == "wxcc-desk/error/v1"
        assert doc["error"]["code"] == CODES[sig][1] and doc["error"]["message"] == line
    else:
        assert res.stdout == ""


@pytest.mark.parametrize("sig", ["INT", "TERM"])
@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
def test_a_signal_before_run_is_noted_and_stops_it(
    tmp_path: Path, sig: str, json_out: bool
) -> None:
    argv = ["profiles", "list", *(["--json"] if json_out else [])]
    res = _run(BEFORE_RUN, sig, argv, tmp_path)
    _one_line(res, sig)
    if json_out:
        assert json.loads(res.stdout)["error"]["code"] == CODES[sig][1]


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_a_signal_after_the_command_ended_is_one_line_not_a_death(tmp_path: Path, sig: str) -> None:
    res = _run(AFTER_MAIN, sig, ["profiles", "list"], tmp_path)
    _one_line(res, sig)
    assert res.returncode not in (-signal.SIGINT, -signal.SIGTERM)


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_a_signal_once_the_exit_code_is_decided_changes_nothing(tmp_path: Path, sig: str) -> None:
    res = _run(DECIDED, sig, ["profiles", "list"], tmp_path)
    assert res.returncode == 0, (res.returncode, res.stderr)  # not -2 or -15
    assert not [x for x in res.stderr.splitlines() if x.startswith(tuple(WORDS.values()))]
    assert "Traceback" not in res.stderr


def test_a_ctrl_c_python_dropped_still_stops_the_command_before_any_request(
    tmp_path: Path,
) -> None:
    profile = write_profile(tmp_path, "lab")  # its API is a closed port: no request can succeed
    res = _run(DROPPED, "INT", ["status", "-p", str(profile)], tmp_path)
    line = _one_line(res, "INT")
    assert "stopped before it finished" in line
    assert "error:" not in res.stderr  # it stopped before the request, not after it failed
