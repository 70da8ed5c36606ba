"""Identity checks: token present and its source; token user and org match the profile.

The token comes from `WXCC_ACCESS_TOKEN` until `credentials.resolve_tokens` lands (then the
keyring and refresh sources follow its documented order). Requests go through the run's
token-bearing client (`state.extras["authed"]`), made by `wxcc_desk.http.make_http`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wxcc_desk.checks.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.errors import AuthError

if TYPE_CHECKING:
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.http import Http

TOKEN_ENV = "WXCC_ACCESS_TOKEN"
SIGN_IN = "pass a token with WXCC_ACCESS_TOKEN (or sign in with `wxcc-desk login --web -p PROFILE`)"


@dataclass(frozen=True)
class TokenInfo:
    token: str
    source: str


def authed(ctx: CheckContext) -> Http:
    client: Http | None = ctx.state.extras.get("authed")
    if client is None:
        raise AuthError("no access token", hint=SIGN_IN, code="NO_TOKEN")
    return client


async def _load_me(ctx: CheckContext) -> Identity:
    from wxcc_desk.api.identity import get_me

    return await get_me(authed(ctx), ctx.state.hosts["identity"])


ME = Resource("people/me", _load_me, Scope.RUN, host_role="identity")


@check("identity.token", Layer.IDENTITY, "Access token present", requires=("local.profile",))
async def token_present(ctx: CheckContext) -> Outcome:
    info: TokenInfo | None = ctx.state.extras.get("token")
    if info is None:
        return Outcome.fail("no access token found", SIGN_IN)
    from wxcc_desk.redact import mask

    return Outcome.ok(
        f"token {mask(info.token)} from {info.source}; expiry not known for this source",
        source=info.source,
    )


@check("identity.user", Layer.IDENTITY, "Token user matches", requires=("identity.token",))
async def token_user(ctx: CheckContext) -> Outcome:
    me = await ctx.get(ME)
    profile_user = ctx.state.profile.user
    if me.has_email(profile_user):
        return Outcome.ok(
            f"token belongs to {me.email} ({me.display_name})", ci_user_id=me.ci_user_id
        )
    return Outcome.fail(
        f"token belongs to {me.email}, the profile is for {profile_user}",
        f"sign in as {profile_user}, or set the profile key `user: {me.email}`",
    )


@check("identity.org", Layer.IDENTITY, "Token org matches", requires=("identity.token",))
async def token_org(ctx: CheckContext) -> Outcome:
    from wxcc_desk.api.identity import org_from_token

    me = await ctx.get(ME)
    info: TokenInfo = ctx.state.extras["token"]
    hinted = org_from_token(info.token)
    if hinted and hinted != me.org_id:
        return Outcome.fail(
            f"token names org {hinted} but Webex says the user is in {me.org_id}",
            "the token was issued for another organisation: sign in again with the right account",
        )
    return Outcome.ok(f"org {me.org_id}", org_id=me.org_id)
