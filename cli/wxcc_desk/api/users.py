"""The paged Contact Center user listing, `GET /organization/{orgid}/v2/user` (users spec
`getAllConfigWithPagedMetaData_1`): `{meta: {page, pageSize, totalPages, totalRecords}, data}`.

Added by the diagnose engineer for `diagnose --all-agents`, which streams the pages: one page
in hand at a time, whatever the number of users (`diagnose/many.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wxcc_desk.core.errors import ConfigError, NetworkError
from wxcc_desk.http.client import Http

READ_SCOPE = "cjp:config_read"
PAGE_SIZE = 100  # the spec's default
CONTACT_CENTER_USERS = "contactCenterEnabled==true"

Json = dict[str, Any]


@dataclass(frozen=True)
class UserPage:
    page: int
    total_pages: int
    total_records: int
    users: list[Json]


async def get_user_page(
    http: Http, api_url: str, org_id: str, page: int, *, page_size: int = PAGE_SIZE,
    rsql: str = CONTACT_CENTER_USERS,
) -> UserPage:  # fmt: skip
    """One page of users (by default only those enabled for Contact Center)."""
    params = {"page": str(page), "pageSize": str(page_size)}
    if rsql:
        params["filter"] = rsql
    body = await http.get_json(
        f"{api_url}/organization/{org_id}/v2/user",
        what="list the Contact Center users",
        params=params,
        scope=READ_SCOPE,
        not_found=ConfigError,
        not_found_hint="check the profile's api_url and region",
    )
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise NetworkError(
            "could not list the Contact Center users: the answer is not {meta, data}",
            hint="check the profile's api_url",
            code="BAD_RESPONSE",
        )
    meta = body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    rows = [r for r in body["data"] if isinstance(r, dict)]
    pages = _int(meta.get("totalPages"), 1)
    return UserPage(page, pages, _int(meta.get("totalRecords"), len(rows)), rows)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and value >= 0 else default
