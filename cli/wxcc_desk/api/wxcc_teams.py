"""The WxCC side of the Teams integration (protocol §5): the org's `microsoftConfig`.

The new SDK reads it from the undocumented `organization/{org}/desktop-login` aggregate, where it
is absent when the connector is not configured. Older tenants (and the published specs) have no
such endpoint; then only the Desktop Profile's `showUserDetailsMS`/`stateSynchronizationMS`
(read through `api.config.get_agent_profile`) say anything.
"""

from __future__ import annotations

from typing import Any, Literal

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.http.client import Http

OrgState = Literal["active", "inactive", "absent", "unknown"]


async def get_microsoft_config(
    http: Http, api_url: str, org_id: str
) -> tuple[OrgState, dict[str, Any]]:
    """(`active`|`inactive`|`absent`, the config) or (`unknown`, {}) when the aggregate is not
    served (HTTP 404)."""
    try:
        body = await http.get_json(
            f"{api_url}/organization/{org_id}/desktop-login",
            what="read the org's desktop settings (desktop-login)",
            scope="cjp:config_read",
            not_found=ConfigError,
        )
    except ConfigError as err:
        if err.code == "NOT_FOUND":
            return "unknown", {}
        raise
    cfg = body.get("microsoftConfig") if isinstance(body, dict) else None
    if not isinstance(cfg, dict):
        return "absent", {}
    return ("active" if cfg.get("active", True) else "inactive"), cfg
