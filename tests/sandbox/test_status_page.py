"""The Statuspage-shaped status endpoints and a degraded component."""

from __future__ import annotations

import httpx
import pytest

from wxcc_desk.sandbox import SandboxHandle

PATHS = [
    "/api/v2/summary.json",
    "/index.json",
    "/api/v2/components.json",
    "/components.json",
    "/api/v2/status.json",
    "/status.json",
    "/api/v2/incidents/unresolved.json",
    "/unresolved-incidents.json",
]


@pytest.mark.parametrize("path", PATHS)
def test_status_endpoints_need_no_token(sandbox: SandboxHandle, path: str) -> None:
    r = httpx.get(sandbox.url + path, trust_env=False)
    assert r.status_code == 200
    assert "page" in r.json()


def test_operational_summary(sandbox: SandboxHandle) -> None:
    doc = httpx.get(sandbox.url + "/api/v2/summary.json", trust_env=False).json()
    assert doc["status"]["indicator"] == "none"
    names = [c["name"] for c in doc["components"]]
    assert "Webex Contact Center - US1" in names
    assert all({"id", "name", "status", "group_id"} <= set(c) for c in doc["components"])
    assert doc["incidents"] == []


def test_degraded_component(make_sandbox) -> None:
    sb = make_sandbox(faults=["status=degraded:contact center - us1"])
    doc = httpx.get(sb.url + "/api/v2/summary.json", trust_env=False).json()
    us1 = next(c for c in doc["components"] if c["name"] == "Webex Contact Center - US1")
    eu1 = next(c for c in doc["components"] if c["name"] == "Webex Contact Center - EU1")
    assert (us1["status"], eu1["status"]) == ("degraded_performance", "operational")
    assert doc["status"]["indicator"] == "minor"
    assert [i["components"][0]["name"] for i in doc["incidents"]] == ["Webex Contact Center - US1"]
    sb.add_fault("status=major:EU1")
    assert (
        httpx.get(sb.url + "/api/v2/status.json", trust_env=False).json()["status"]["indicator"]
        == "critical"
    )
