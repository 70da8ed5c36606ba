"""The public Webex status page: which Contact Center components are degraded in a region, and
the Webex Identity ones (sign-in and people/me, which every login needs, in every region).

Statuspage-style JSON (`/api/v2/summary.json`, falling back to `/components.json`), no token.
A banner is advice: a failure to read the page is reported, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wxcc_desk.core.errors import WxccError
from wxcc_desk.http.client import Http

HEALTHY = "operational"
# Words that name a region in component names, per WxCC data centre (protocol §1).
REGION_WORDS = {
    "us1": ("us1", "north america", "united states", "us "),
    "eu1": ("eu1", "united kingdom", "uk"),
    "eu2": ("eu2", "europe", "frankfurt"),
    "anz1": ("anz1", "australia", "anz"),
    "ca1": ("ca1", "canada"),
    "jp1": ("jp1", "japan"),
    "sg1": ("sg1", "singapore"),
    "in1": ("in1", "india"),
}


@dataclass(frozen=True)
class Degraded:
    name: str
    status: str


@dataclass(frozen=True)
class StatusBanner:
    """Degraded components for the region; `error` says why the page could not be read."""

    degraded: tuple[Degraded, ...] = ()
    incidents: tuple[str, ...] = ()
    error: str = ""

    @property
    def clear(self) -> bool:
        return not self.degraded and not self.incidents and not self.error


async def fetch_banner(http: Http, status_url: str, region: str | None) -> StatusBanner:
    try:
        body = await http.get_json(
            f"{status_url}/api/v2/summary.json", what="read the Webex status page"
        )
    except WxccError:
        try:
            body = await http.get_json(
                f"{status_url}/components.json", what="read the Webex status page"
            )
        except WxccError as err:
            return StatusBanner(error=err.message)
    return banner_from(body, region)


def banner_from(body: Any, region: str | None) -> StatusBanner:
    """Pure: pick the region's unhealthy Contact Center (and Webex Identity) components and
    open incidents."""
    comps = body.get("components") if isinstance(body, dict) else body
    rows = [c for c in comps if isinstance(c, dict)] if isinstance(comps, list) else []
    degraded = tuple(
        Degraded(str(c.get("name")), str(c.get("status")))
        for c in rows
        if c.get("status", HEALTHY) != HEALTHY and _relevant(str(c.get("name") or ""), region)
    )
    incidents = body.get("incidents") if isinstance(body, dict) else None
    rows_i = [i for i in incidents if isinstance(i, dict)] if isinstance(incidents, list) else []
    shown = tuple(d.name for d in degraded)
    names = tuple(
        str(i.get("name"))
        for i in rows_i
        if _relevant(str(i.get("name") or ""), region)
        and not str(i.get("name") or "").startswith(shown or ("\0",))
    )
    return StatusBanner(degraded, names)


def _relevant(name: str, region: str | None, *, contact_center_only: bool = True) -> bool:
    low = f" {name.lower()} "
    ours = "contact center" in low or "wxcc" in low or "identity" in low
    if contact_center_only and not ours:
        return False
    if not region:
        return True
    mentioned = [r for r, words in REGION_WORDS.items() if any(w in low for w in words)]
    return not mentioned or region.lower() in mentioned
