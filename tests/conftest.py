"""Root fixtures. Each area keeps its shared fixtures in `tests/support/<area>_fixtures.py`,
listed here so every test module sees them; area-only fixtures live in `tests/<area>/conftest.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.support.sandbox_fixtures",
    "tests.support.credential_fixtures",
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every directory the tool writes at a temp dir and drop the caller's WxCC settings,
    so no test reads or writes the developer's real profile, state or tokens."""
    home = tmp_path / "wxcc-home"
    home.mkdir()
    monkeypatch.setenv("WXCC_DESK_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("WXCC_DESK_NONINTERACTIVE", "1")
    for name in (
        "WXCC_ACCESS_TOKEN",
        "WXCC_PROFILE",
        "WXCC_CLIENT_SECRET",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "https_proxy",
        "http_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home
