"""A profile given to `-p` as a path is named as it was given, in errors and in the commands
their fixes suggest: `./nope` stays `./nope` (a bare `nope` would be a name, looked up in the
profile folders, so a pasted fix would load another profile or none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import CliRun, invoke
from tests.support.profiles import write_profile


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    (folder / "my dir").mkdir(parents=True)
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def env(isolated_home: Path, work: Path) -> dict[str, str]:
    return {"WXCC_DESK_HOME": str(isolated_home), "NO_COLOR": "1"}


def error_lines(result: CliRun, code: int) -> tuple[str, str]:
    assert result.code == code, result.text
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[1].startswith("  fix: "), result.stderr
    return lines[0], lines[1]


@pytest.mark.parametrize("given", ["./nope", "./nope.yaml", "./my dir/../nope"])
@pytest.mark.parametrize("command", ["status", "login", "profiles show"])
def test_a_missing_path_is_named_as_given(env: dict[str, str], command: str, given: str) -> None:
    error, _fix = error_lines(invoke([*command.split(), "-p", given], env), 3)
    assert error.startswith(f"error: {given}: cannot read the profile"), error


def test_diagnose_names_a_missing_path_as_given(env: dict[str, str]) -> None:
    error, _fix = error_lines(invoke(["diagnose", "-p", "./nope"], env), 3)
    assert error == "error: profile file ./nope not found", error


def _without_team(folder: Path, name: str) -> Path:
    path = write_profile(folder, name, role="agent")
    path.write_text(path.read_text(encoding="utf-8").replace("team: Support\n", ""), "utf-8")
    return path


def _with_a_secret(folder: Path, name: str) -> Path:
    path = write_profile(folder, name)
    path.write_text(path.read_text(encoding="utf-8") + "access_token: x\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("given", "ref"),
    [("./p.yaml", "./p.yaml"), ("./my dir/p.yaml", "'./my dir/p.yaml'"), ("p", "p")],
)
def test_fixes_of_a_bad_profile_name_it_as_given(
    env: dict[str, str], work: Path, isolated_home: Path, given: str, ref: str
) -> None:
    folder = isolated_home / "config" / "profiles" if given == "p" else work / Path(given).parent
    folder.mkdir(parents=True, exist_ok=True)
    _without_team(folder, "p")
    error, fix = error_lines(invoke(["login", "-p", given], env), 3)
    assert "key 'team' is missing" in error
    assert f"`wxcc-desk diagnose -p {ref}` lists your teams" in fix, fix
    _with_a_secret(folder, "p")
    error, fix = error_lines(invoke(["status", "-p", given], env), 3)
    assert "looks like a secret" in error
    assert f"`wxcc-desk login --web -p {ref}`" in fix, fix
    shown = invoke(["profiles", "show", "-p", given], env)
    assert f"`wxcc-desk login --web -p {ref}`" in error_lines(shown, 3)[1]


def test_a_stop_names_the_profile_as_a_pastable_argument() -> None:
    """Ctrl-C's line says `status -p REF` with the path quoted as the shell needs it."""
    from wxcc_desk.core.interrupt import Stopped, guard

    class Risk:
        at_risk = ""

    with pytest.raises(Stopped) as stop, guard(Risk(), profile_ref="./my dir/p.yaml"):
        raise KeyboardInterrupt
    assert "run `wxcc-desk status -p './my dir/p.yaml'` to see the station" in stop.value.message
