"""Webex identity: who a token belongs to (`GET /v1/people/me`)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from wxcc_desk.core.errors import AuthError
from wxcc_desk.http.client import Http


@dataclass(frozen=True)
class Identity:
    """The token's user. `ci_user_id` is the WxCC agent id; `org_id` the raw org uuid."""

    person_id: str
    ci_user_id: str
    org_id: str
    emails: tuple[str, ...]
    display_name: str
    roles: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    def has_email(self, address: str) -> bool:
        return address.strip().lower() in (e.lower() for e in self.emails)


def decode_hydra(value: str) -> str:
    """`ciscospark://us/PEOPLE/<uuid>` (base64, unpadded) -> `<uuid>`; a raw uuid passes through."""
    padded = value + "=" * (-len(value) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    return text.rsplit("/", 1)[-1] if text.startswith("ciscospark://") else value


def org_from_token(token: str) -> str:
    """WxCC user tokens end `_<ciCluster>_<orgUuid>`; only a hint, people/me is the authority."""
    parts = token.split("_")
    return parts[2] if len(parts) >= 3 else ""


async def get_me(http: Http, identity_url: str) -> Identity:
    body = await http.get_json(
        f"{identity_url}/v1/people/me",
        what="learn who the token belongs to (Webex /v1/people/me)",
        scope="spark:people_read",
        not_found=AuthError,
        not_found_hint="the token's user no longer exists; sign in again",
    )
    if not isinstance(body, dict) or not body.get("id") or not body.get("orgId"):
        raise AuthError(
            "Webex /v1/people/me answered without the user's id and org",
            hint="check the profile's identity_url points at Webex identity (webexapis.com)",
            code="BAD_IDENTITY",
        )
    return _identity(body)


def _identity(body: dict[str, object]) -> Identity:
    def strs(key: str) -> tuple[str, ...]:
        value = body.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    person = str(body["id"])
    return Identity(
        person_id=person,
        ci_user_id=decode_hydra(person),
        org_id=decode_hydra(str(body["orgId"])),
        emails=strs("emails"),
        display_name=str(body.get("displayName") or ""),
        roles=strs("roles"),
        licenses=strs("licenses"),
    )


async def find_person(http: Http, identity_url: str, email: str) -> Identity | None:
    """Another user by e-mail (`GET /v1/people?email=`), for admin diagnose; None if unknown.

    Added by the diagnose engineer (admin mode needs the user's CI id without their token)."""
    body = await http.get_json(
        f"{identity_url}/v1/people",
        what=f"look up {email} in Webex identity (/v1/people)",
        params={"email": email},
        scope="spark:people_read",
    )
    items = body.get("items") if isinstance(body, dict) else None
    rows = [i for i in items if isinstance(i, dict) and i.get("id")] if items else []
    return _identity(rows[0]) if rows and rows[0].get("orgId") else None
