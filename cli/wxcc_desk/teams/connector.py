"""Is Teams enabled on the WxCC side for this user? The org connector and the Desktop Profile.

`read_connector` reads through a WxCC-authenticated `Http`; `decide` is the pure verdict.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wxcc_desk.api import config, identity, wxcc_teams
from wxcc_desk.api.wxcc_teams import OrgState
from wxcc_desk.http.client import Http
from wxcc_desk.teams.model import Connector


async def read_connector(http: Http, identity_url: str, api_url: str) -> Connector:
    me = await identity.get_me(http, identity_url)
    user = await config.get_user_by_ci(http, api_url, me.org_id, me.ci_user_id)
    profile_id = str(user.get("agentProfileId") or "")
    desktop = (
        await config.get_agent_profile(http, api_url, me.org_id, profile_id) if profile_id else {}
    )
    org_state, ms = await wxcc_teams.get_microsoft_config(http, api_url, me.org_id)
    return decide(org_state, ms, desktop)


def _flag(data: dict[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def decide(
    org: OrgState, ms: dict[str, Any], desktop: dict[str, Any], tracking: tuple[str, ...] = ()
) -> Connector:
    p_sync = _flag(desktop, "stateSynchronizationMS")
    p_show = _flag(desktop, "showUserDetailsMS")
    base = Connector(
        None,
        org=org,
        desktop_profile=str(desktop.get("name") or ""),
        profile_presence_sync=p_sync,
        profile_show_user_details=p_show,
        tracking_ids=tracking,
    )
    if org in ("absent", "inactive"):
        word = "is not configured" if org == "absent" else "is inactive"
        return replace(base, configured=False, detail=f"the org's Microsoft Teams connector {word}")
    if org == "active":
        sync, show = _flag(ms, "stateSynchronization"), _flag(ms, "showUserDetails")
    else:
        sync, show = p_sync, p_show
    base = replace(base, presence_sync=sync, show_user_details=show)
    where = "the org's Teams connector" if org == "active" else "the Desktop Profile"
    if sync is False and show is False:
        detail = f"{where} enables neither presence sync nor user details"
        return replace(base, configured=False, detail=detail)
    if sync is None and show is None:
        return replace(base, detail="the Teams settings could not be read")
    on = [n for n, v in (("presence sync", sync), ("user details", show)) if v]
    return replace(base, configured=True, detail=f"{where} enables {' and '.join(on) or 'Teams'}")
