"""A Statuspage-shaped Webex status page; `status=LEVEL:NAME` faults degrade a component."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.faults import STATUS_LEVELS
from wxcc_desk.sandbox.model import stable_id
from wxcc_desk.sandbox.world import WORLD, World

REGIONS = ("US1", "EU1", "EU2", "ANZ1", "JP1", "SG1", "CA1")
GROUPS = {"cc": "Webex Contact Center", "id": "Webex Identity"}
UPDATED = "2024-01-01T00:00:00.000Z"
_INDICATOR = {
    "operational": "none",
    "under_maintenance": "maintenance",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
_RANK = ["none", "maintenance", "minor", "major", "critical"]


def _names() -> list[tuple[str, str]]:
    identity = ["Webex Identity - Authentication", "Webex Identity - People API"]
    return [(f"Webex Contact Center - {r}", "cc") for r in REGIONS] + [(n, "id") for n in identity]


def matching(needle: str) -> list[str]:
    """The components a `status=LEVEL:NAME` fault degrades (NAME in the name, any case)."""
    return [name for name, _ in _names() if needle.lower() in name.lower()]


def components(world: World) -> list[dict[str, Any]]:
    names = _names()
    out = [_component(g, gid, None, True) for gid, g in GROUPS.items()]
    out += [_component(name, name, gid, False) for name, gid in names]
    for fault in world.faults:
        if fault.kind != "status":
            continue
        level, _, needle = fault.value.partition(":")
        hit = set(matching(needle))  # the rule the fault's validation uses too
        for comp in out:
            if not comp["group"] and comp["name"] in hit:
                comp["status"] = STATUS_LEVELS[level]
    return out


def _component(name: str, key: str, group: str | None, is_group: bool) -> dict[str, Any]:
    return {
        "id": stable_id("component", key)[:12],
        "name": name,
        "status": "operational",
        "group_id": stable_id("component", group)[:12] if group else None,
        "group": is_group,
        "position": 1,
        "updated_at": UPDATED,
        "only_show_if_degraded": False,
    }


def incidents(comps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bad = [c for c in comps if c["status"] != "operational" and not c["group"]]
    return [
        {
            "id": stable_id("incident", c["id"])[:12],
            "name": f"{c['name']}: {c['status'].replace('_', ' ')}",
            "status": "investigating",
            "impact": _INDICATOR[c["status"]]
            if c["status"] != "under_maintenance"
            else "maintenance",
            "created_at": UPDATED,
            "updated_at": UPDATED,
            "components": [c],
            "incident_updates": [
                {"status": "investigating", "body": "We are investigating.", "created_at": UPDATED}
            ],
        }
        for c in bad
    ]


def _status(comps: list[dict[str, Any]]) -> dict[str, str]:
    worst = max((_INDICATOR[c["status"]] for c in comps), key=_RANK.index, default="none")
    text = {
        "none": "All Systems Operational",
        "maintenance": "Service Under Maintenance",
        "minor": "Minor Service Outage",
        "major": "Partial System Outage",
        "critical": "Major System Outage",
    }[worst]
    return {"indicator": worst, "description": text}


def _page() -> dict[str, str]:
    return {"id": "webexsandbox", "name": "Webex (sandbox)", "url": "", "updated_at": UPDATED}


async def summary(request: web.Request) -> web.Response:
    comps = components(request.app[WORLD])
    return web.json_response(
        {
            "page": _page(),
            "status": _status(comps),
            "components": comps,
            "incidents": incidents(comps),
            "scheduled_maintenances": [],
        }
    )


async def components_json(request: web.Request) -> web.Response:
    return web.json_response({"page": _page(), "components": components(request.app[WORLD])})


async def status_json(request: web.Request) -> web.Response:
    return web.json_response({"page": _page(), "status": _status(components(request.app[WORLD]))})


async def unresolved(request: web.Request) -> web.Response:
    comps = components(request.app[WORLD])
    return web.json_response({"page": _page(), "incidents": incidents(comps)})


def register(app: web.Application) -> None:
    r = app.router
    for path, handler in (
        ("/api/v2/summary.json", summary),
        ("/index.json", summary),
        ("/api/v2/components.json", components_json),
        ("/components.json", components_json),
        ("/api/v2/status.json", status_json),
        ("/status.json", status_json),
        ("/api/v2/incidents/unresolved.json", unresolved),
        ("/unresolved-incidents.json", unresolved),
    ):
        r.add_get(path, handler)
