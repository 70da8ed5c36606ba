"""`diagnose --team` names a team that is there but has nothing to diagnose: it says so (exit 3)
instead of passing over zero users or claiming the team does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diagnose.helpers import run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox


@pytest.mark.parametrize(
    ("team", "code", "words"),
    [
        ("Legacy Team", "TEAM_EMPTY", "has no agents and is inactive"),
        ("overflow capacity", "TEAM_NOT_AGENT", "is a CAPACITY team"),
        ("No Such Team", "TEAM_NOT_FOUND", "no agent team named"),
    ],
)
def test_a_team_without_agents_is_a_clear_error(
    tmp_path: Path, team: str, code: str, words: str
) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        run = run_cli(["diagnose", "-p", str(prof), "--team", team, "--json"], env=env)
    assert run.code == 3, run.stderr
    assert run.doc["error"]["code"] == code
    assert words in run.doc["error"]["message"]


def test_a_mistyped_team_gets_the_closest_name(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        run = run_cli(["diagnose", "-p", str(prof), "--team", "Suport", "--json"], env=env)
    assert run.code == 3, run.stderr
    assert run.doc["error"]["code"] == "TEAM_NOT_FOUND"
    assert run.doc["error"]["hint"].startswith("did you mean 'Support'? pass --team")
