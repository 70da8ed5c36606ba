"""diagnose finds `-p NAME` where login and status do: ./profiles before the config folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diagnose.helpers import run_cli, write_profile


def test_diagnose_reads_the_same_profile_file_as_login(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / "profiles").mkdir(parents=True)
    good = write_profile(tmp_path)
    (work / "profiles" / "desk.yaml").write_text(good.read_text())
    config_profiles = isolated_home / "config" / "profiles"
    config_profiles.mkdir(parents=True)
    (config_profiles / "desk.yaml").write_text("role: [unclosed\n")
    monkeypatch.chdir(work)

    run = run_cli(["diagnose", "-p", "desk", "--json", "--check", "local.profile"])

    check = run.check("local.profile")
    assert check["status"] == "pass", check
    assert str(config_profiles) not in run.stdout
