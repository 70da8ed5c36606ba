"""Suggested commands name the run's profile, so a fix can be pasted as it stands."""

from __future__ import annotations

import pytest

from wxcc_desk.core.hints import name_profile


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("run `wxcc-desk status`", "run `wxcc-desk status -p agent7`"),
        (
            "run `wxcc-desk login --takeover` to take that session over, or `wxcc-desk logout` "
            "first",
            "run `wxcc-desk login -p agent7 --takeover` to take that session over, or "
            "`wxcc-desk logout -p agent7` first",
        ),
        ("`wxcc-desk diagnose` checks it", "`wxcc-desk diagnose -p agent7` checks it"),
        ("run `wxcc-desk teams-auth login`", "run `wxcc-desk teams-auth login -p agent7`"),
        ("run `wxcc-desk auth status --json`", "run `wxcc-desk auth status -p agent7 --json`"),
        # already named, or a form that takes no profile: as it was
        ("run `wxcc-desk status -p other`", "run `wxcc-desk status -p other`"),
        ("run `wxcc-desk logout --profile=x`", "run `wxcc-desk logout --profile=x`"),
        ("run `wxcc-desk diagnose --list-checks`", "run `wxcc-desk diagnose --list-checks`"),
        ("run `wxcc-desk sandbox --port 8642`", "run `wxcc-desk sandbox --port 8642`"),
        ("`wxcc-desk diagnose --agent EMAIL`", "`wxcc-desk diagnose --agent EMAIL`"),  # admin's
        ("`wxcc-desk profiles init NAME`", "`wxcc-desk profiles init NAME`"),
        ("run wxcc-desk status", "run wxcc-desk status"),  # not a quoted command
        ("`wxcc-desk statusx`", "`wxcc-desk statusx`"),
    ],
)
def test_each_suggested_command_gets_the_profile(hint: str, expected: str) -> None:
    assert name_profile(hint, "agent7") == expected


def test_no_profile_leaves_the_text_alone() -> None:
    assert name_profile("run `wxcc-desk status`", "") == "run `wxcc-desk status`"


def test_a_path_ref_is_pasted_as_given() -> None:
    ref = "'/tmp/my profile.yaml'"
    assert name_profile("run `wxcc-desk status`", ref) == f"run `wxcc-desk status -p {ref}`"
