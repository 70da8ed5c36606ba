"""The WxCC-side verdict (`teams_connector.decide`): org aggregate first, Desktop Profile flags
on tenants without it."""

from __future__ import annotations

import pytest

from wxcc_desk.teams_connector import decide

ON = {"stateSynchronizationMS": True, "showUserDetailsMS": False, "name": "Agents"}
OFF = {"stateSynchronizationMS": False, "showUserDetailsMS": False, "name": "Agents"}


@pytest.mark.parametrize(
    ("org", "ms", "desktop", "configured", "words"),
    [
        ("absent", {}, ON, False, "is not configured"),
        ("inactive", {"active": False}, ON, False, "is inactive"),
        (
            "active",
            {"stateSynchronization": True, "showUserDetails": False},
            OFF,
            True,
            "enables presence sync",
        ),
        ("active", {"stateSynchronization": False, "showUserDetails": False}, ON, False, "neither"),
        ("unknown", {}, ON, True, "the Desktop Profile enables presence sync"),
        ("unknown", {}, OFF, False, "the Desktop Profile enables neither"),
        ("unknown", {}, {}, None, "could not be read"),
    ],
)
def test_verdicts(
    org: str, ms: dict[str, object], desktop: dict[str, object], configured: bool | None, words: str
) -> None:
    verdict = decide(org, ms, desktop)  # type: ignore[arg-type]
    assert verdict.configured is configured
    assert words in verdict.detail
    assert verdict.as_dict()["desktop_profile"]["name"] == desktop.get("name")
