"""The Webex token endpoint (`POST {identity_url}/v1/access_token`), shared by the code exchange
of `login --web` and the refresh grant (protocol §1): building the form, reading the answer, and
turning refusals into one-line errors. Nothing here prints or stores."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from wxcc_desk.core.errors import AuthError, ConfigError, NetworkError
from wxcc_desk.core.redact import mask, register_secret, scrub
from wxcc_desk.http.limits import loads

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.profiles.load import Profile


TokenSource = Literal["stdin", "env", "keyring", "oauth"]
EXPIRY_SKEW = 60.0  # refresh a minute early: clocks drift and requests take time


@dataclass(frozen=True)
class TokenSet:
    access: str
    refresh: str | None = None
    expires_at: float | None = None  # epoch seconds; None = unknown
    source: TokenSource = "keyring"
    refresh_expires_at: float | None = None
    # What the token endpoint said it granted (`scope`, RFC 6749 5.1); None when not known
    # (a token from stdin or the environment: Webex has no public token introspection).
    scopes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        register_secret(self.access)
        register_secret(self.refresh)

    def expired(self, now: float | None = None, skew: float = EXPIRY_SKEW) -> bool:
        """True when the access token has expired, or will within `skew` seconds."""
        moment = time.time() if now is None else now
        return self.expires_at is not None and moment >= self.expires_at - skew

    def can_refresh(self, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        fresh = self.refresh_expires_at is None or moment < self.refresh_expires_at
        return bool(self.refresh) and fresh

    def summary(self) -> dict[str, object]:
        """A display form for `status` and JSON output: masked, never the token."""
        return {
            "source": self.source,
            "access_token": mask(self.access),
            "expires_at": self.expires_at,
            "has_refresh_token": bool(self.refresh),
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access,
                "refresh_token": self.refresh,
                "expires_at": self.expires_at,
                "refresh_expires_at": self.refresh_expires_at,
                "scopes": None if self.scopes is None else list(self.scopes),
            }
        )


def token_url(profile: Profile) -> str:
    return f"{profile.identity_url}/v1/access_token"


def client_id(profile: Profile) -> str:
    if not profile.oauth.client_id:
        raise ConfigError(
            f"profile {profile.name!r} has no oauth.client_id",
            hint="set `oauth: {client_id: ...}` to your Webex integration's client id "
            "(developer.webex.com > My Webex Apps), or set WXCC_CLIENT_ID",
        )
    return profile.oauth.client_id


def token_form(profile: Profile, secret: str | None, **fields: str) -> dict[str, str]:
    """The form-encoded body: grant fields plus client_id and, when configured, client_secret."""
    form = {**fields, "client_id": client_id(profile)}
    if secret:
        form["client_secret"] = secret
    return form


def token_request(profile: Profile, form: dict[str, str]) -> httpx.Request:
    import httpx

    return httpx.Request(
        "POST", token_url(profile), data=form, headers={"Accept": "application/json"}
    )


def tokens_from_response(
    response: httpx.Response,
    profile: Profile,
    *,
    source: TokenSource,
    previous: TokenSet | None = None,
    what: str,
) -> TokenSet:
    """The TokenSet of a 200 answer; an AuthError for a refused grant, NetworkError otherwise.

    `what` finishes "could not ..." (e.g. "refresh the access token")."""
    body = _json(response)
    if response.status_code == 200 and isinstance(body.get("access_token"), str):
        return _token_set(body, source, previous)
    from wxcc_desk.http.client import server_tracking_ids

    ids = server_tracking_ids(response)
    detail = _detail(body)
    status = f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
    if response.status_code in (400, 401, 403):
        raise AuthError(
            f"could not {what}: the identity service refused it ({status})",
            hint=f"sign in again with `wxcc-desk auth login --web -p {profile.cli_ref}`; if it "
            "keeps failing, check oauth.client_id and WXCC_CLIENT_SECRET against the integration",
            code="GRANT_REFUSED",
            tracking_ids=ids,
        )
    raise NetworkError(
        f"could not {what}: the identity service answered {status}",
        hint="try again in a minute; `wxcc-desk diagnose` checks the Webex status page",
        code="IDENTITY_UNAVAILABLE",
        tracking_ids=ids,
    )


def _token_set(body: dict[str, Any], source: TokenSource, previous: TokenSet | None) -> TokenSet:
    now = time.time()
    access = str(body["access_token"])
    refresh = body.get("refresh_token")
    register_secret(access)
    register_secret(refresh if isinstance(refresh, str) else None)
    from wxcc_desk.api.tokenform import token_problem

    problem = token_problem(access)
    if problem:  # it could not go into a header: say so, never show it
        raise NetworkError(
            f"the identity service answered with an access token that {problem}",
            hint="try again in a minute; if it persists, the identity URL may not be Webex's",
            code="BAD_RESPONSE",
        )
    keep = previous.refresh if previous else None  # a refresh answer may omit it: keep the old
    return TokenSet(
        access=access,
        refresh=refresh if isinstance(refresh, str) and refresh else keep,
        expires_at=_after(now, body.get("expires_in")),
        source=source,
        refresh_expires_at=_after(now, body.get("refresh_token_expires_in"))
        or (previous.refresh_expires_at if previous else None),
        # A refresh answer without `scope` granted the same as before (RFC 6749 5.1).
        scopes=_scopes(body.get("scope")) or (previous.scopes if previous else None),
    )


def _scopes(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str) and value.strip():
        return tuple(value.split())
    return None


def _after(now: float, seconds: object) -> float | None:
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
        return now + float(seconds)
    return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = loads(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _detail(body: dict[str, Any]) -> str:
    for key in ("error_description", "message", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return scrub(value)[:200]
    return ""
