"""The installed package stands alone: `demo` needs no checkout, and the profiles it ships are
the ones the repository documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.station.conftest import run_cli
from wxcc_desk.profiles.packaged import PACKAGED, packaged_path, packaged_text
from wxcc_desk.sandbox import SandboxHandle

REPO_PROFILES = Path(__file__).resolve().parents[2] / "profiles"


def test_packaged_profiles_equal_the_documented_ones() -> None:
    documented = sorted(p.stem for p in REPO_PROFILES.glob("*.yaml"))
    assert documented == sorted(PACKAGED)
    for name in PACKAGED:
        assert packaged_text(name) == (REPO_PROFILES / f"{name}.yaml").read_text("utf-8"), name
        with packaged_path(name) as path:
            assert path.is_file() and "profiles" in path.parts and path.parent.name == "data"


def test_demo_runs_in_an_empty_folder(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    res = run_cli(sandbox, "demo", email=None)
    assert res.code == 0, res.err
    assert "profile sandbox, user sam@example.com" in res.err
    assert "== logout ==" in res.out
    assert list(empty.iterdir()) == []  # nothing written where it ran


def test_demo_ignores_a_sandbox_profile_of_the_users(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    (here / "profiles").mkdir(parents=True)
    (here / "profiles" / "sandbox.yaml").write_text("user: [broken\n", "utf-8")
    monkeypatch.chdir(here)
    res = run_cli(sandbox, "demo", email=None)
    assert res.code == 0, res.err
    assert "user sam@example.com" in res.err


def test_demo_from_a_copy_of_the_package_alone(tmp_path: Path) -> None:
    """The package copied away from the checkout (as a wheel installs it): no `profiles/` next
    to it, none in the working folder, and the demo still walks all three steps."""
    import os
    import shutil
    import subprocess
    import sys

    package = Path(__file__).resolve().parents[2] / "cli" / "wxcc_desk"
    site = tmp_path / "site"
    shutil.copytree(package, site / "wxcc_desk", ignore=shutil.ignore_patterns("__pycache__"))
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    code = (
        "import sys, wxcc_desk; print('from', wxcc_desk.__file__, file=sys.stderr); "
        "from wxcc_desk.app import main; main(['demo'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"from {site / 'wxcc_desk'}" in done.stderr  # the copy ran, not the checkout
    assert "step 3/3: wxcc-desk logout" in done.stderr and "== logout ==" in done.stdout
    assert list(empty.iterdir()) == []
