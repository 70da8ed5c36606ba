"""Shell completion (bash, zsh, fish): the scripts `--show-completion` prints, what
`--install-completion` writes, and the completions the tool answers when a shell asks.

Each case runs `python -m wxcc_desk` in a subprocess, as a shell would run the tool. Typer picks
the shell by looking at the parent process; `bash -c` gives it a real bash parent. zsh and fish
are not on every machine, so for them Typer's documented switch
`_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION` makes the option take the shell's name instead.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "wxcc_desk"]
NAMED = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


def _run(args: list[str], env: dict[str, str] | None = None, home: Path | None = None) -> str:
    full = {**os.environ, **(env or {})}
    if home is not None:
        full["HOME"] = str(home)
    done = subprocess.run(
        [*CLI, *args], env=full, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _complete(shell: str, words: str) -> list[str]:
    """What the tool answers when `shell` asks it to complete the command line `words`."""
    env = {"_WXCC_DESK_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words}
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return _run([], env).splitlines()


def test_help_lists_both_completion_options() -> None:
    text = _run(["--help"])
    assert "--install-completion" in text
    assert "--show-completion" in text


def test_show_completion_detects_bash_from_the_parent_shell() -> None:
    line = " ".join(shlex.quote(a) for a in [*CLI, "--show-completion"])
    done = subprocess.run(
        ["bash", "-c", line], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "complete -o default -F _wxcc_desk_completion wxcc-desk" in done.stdout
    assert "_WXCC_DESK_COMPLETE=complete_bash" in done.stdout


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "_WXCC_DESK_COMPLETE=complete_bash"),
        ("zsh", "#compdef wxcc-desk"),
        ("fish", "complete --command wxcc-desk"),
    ],
)
def test_show_completion_prints_each_shells_script(shell: str, marker: str) -> None:
    script = _run(["--show-completion", shell], NAMED)
    assert marker in script
    assert f"complete_{shell}" in script


@pytest.mark.parametrize(
    ("shell", "written"),
    [
        ("bash", ".bash_completions/wxcc-desk.sh"),
        ("zsh", ".zfunc/_wxcc-desk"),
        ("fish", ".config/fish/completions/wxcc-desk.fish"),
    ],
)
def test_install_completion_writes_the_script_under_home(
    shell: str, written: str, tmp_path: Path
) -> None:
    said = _run(["--install-completion", shell], NAMED, home=tmp_path)
    assert f"{shell} completion installed in" in said
    script = (tmp_path / written).read_text()
    assert f"complete_{shell}" in script
    if shell == "bash":  # bash and zsh are told where to find it in their rc file
        assert ".bash_completions/wxcc-desk.sh" in (tmp_path / ".bashrc").read_text()
    if shell == "zsh":
        assert "compinit" in (tmp_path / ".zshrc").read_text()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_commands_complete_by_prefix(shell: str) -> None:
    answer = "\n".join(_complete(shell, "wxcc-desk lo"))
    assert "login" in answer and "logout" in answer
    assert "status" not in answer and "diagnose" not in answer


def test_options_of_a_command_complete() -> None:
    assert "--profile" in _complete("bash", "wxcc-desk login --pro")
    assert _complete("bash", "wxcc-desk teams-auth st") == ["status"]
