"""The WxCC-side verdict (`teams_connector.decide`): org aggregate first, Desktop Profile flags
on tenants without it."""

from __future__ import annotations

import pytest

from wxcc_desk.teams.connector import decide

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


@pytest.mark.parametrize(
    ("org", "ms", "org_row", "used_row"),
    [
        (
            "active",
            {"stateSynchronization": True, "showUserDetails": True},
            "active: presence sync on, user details on (used)",
            "org connector",
        ),
        ("unknown", {}, "unknown", "desktop profile"),
        ("absent", {}, "absent", None),
    ],
)
def test_status_table_labels_which_setting_each_row_shows(
    org: str, ms: dict[str, object], org_row: str, used_row: str | None
) -> None:
    """`teams-auth status` shows the org connector's and the Desktop Profile's flags on their
    own labelled rows, and marks the one the verdict used."""
    from wxcc_desk.render.teams import _connector_rows

    rows = dict(_connector_rows(decide(org, ms, ON)))  # type: ignore[arg-type]
    assert rows["org connector"] == org_row
    assert rows["desktop profile"].startswith(
        "Agents: presence sync on (stateSynchronizationMS), user details off (showUserDetailsMS)"
    )
    assert [k for k, v in rows.items() if v.endswith("(used)")] == ([used_row] if used_row else [])
