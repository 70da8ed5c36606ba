"""Identity checks: token present (source, expiry); token user and org match the profile;
scopes required versus evidently granted; Contact Center licence.

Tokens come from `credentials.resolve_tokens` (stdin, WXCC_ACCESS_TOKEN, keyring, in that
order). Webex has no public token introspection, so granted scopes are judged by what the
token could read: people/me (spark:people_read), the configuration (cjp:config_read).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import AuthError, NetworkError
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Resource, Scope, Status, check
from wxcc_desk.diagnose.data import AGENT_CONFIG, ME, ORG, SIGN_IN, authed

if TYPE_CHECKING:
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.api.tokens import TokenSet

EXPIRY_WARN_S = 15 * 60
REQUIRED_SCOPES = ("spark:people_read", "cjp:config_read", "cjp:user")


@check("identity.token", Layer.IDENTITY, "Access token", requires=("local.profile",))
async def token_present(ctx: CheckContext) -> Outcome:
    """The token is there, not past its expiry, and accepted: people/me answers with it (or
    refuses it a scope, 403, which is identity.scopes' verdict). A refused token fails here;
    the checks that use it (the WebSocket's subscribe, the user, the configuration) are then
    skipped instead of each filing the 401 as their own."""
    from wxcc_desk.core.redact import mask

    authed(ctx)  # raises the resolver's own error (no token, keyring unusable, expired)
    tokens = ctx.state.need(ctx.state.tokens, "the tokens")
    verdict = _expiry(f"token {mask(tokens.access)} from {tokens.source}", tokens)
    if verdict.status is Status.FAIL:
        return verdict
    try:
        await ctx.get(ME)  # a refused token (401) raises its AuthError here
    except AuthError as err:
        if err.code != "FORBIDDEN":
            raise
        # 403: the token is accepted but may not read people/me; identity.scopes says which
        # scope it lacks.
    except NetworkError as err:  # the network.identity checks say why: not a second failure
        return Outcome.skip(
            f"{verdict.summary}; not proved: identity could not be reached "
            "(see network.identity.*)",
            detail=err.message,
        )
    return verdict


def _expiry(head: str, tokens: TokenSet) -> Outcome:
    facts: dict[str, Any] = {"source": tokens.source, "expires_at": tokens.expires_at}
    if tokens.expires_at is None:
        return Outcome.ok(f"{head}; expiry not known for this source", **facts)
    left = tokens.expires_at - time.time()
    if left <= 0:
        if tokens.can_refresh():
            return Outcome.ok(f"{head}; expired, will be refreshed", **facts)
        return Outcome.fail(f"{head} expired {-left / 60:.0f} min ago", SIGN_IN, **facts)
    if left < EXPIRY_WARN_S and not tokens.can_refresh():
        return Outcome.warn(
            f"{head} expires in {left / 60:.0f} min and cannot be refreshed", SIGN_IN, **facts
        )
    return Outcome.ok(f"{head}; valid for {left / 3600:.1f} h", **facts)


@check("identity.user", Layer.IDENTITY, "Token user matches", requires=("identity.token",))
async def token_user(ctx: CheckContext) -> Outcome:
    from wxcc_desk.station.model import spec_from_profile
    from wxcc_desk.station.preflight import check_identity

    me = await ctx.get(ME)
    if ctx.state.admin_mode:
        return _admin(me)
    tokens = ctx.state.need(ctx.state.tokens, "the tokens")
    check_identity(spec_from_profile(ctx.state.known_profile), me, tokens.source)  # login's rule
    return Outcome.ok(f"token belongs to {me.email} ({me.display_name})", ci_user_id=me.ci_user_id)


def _admin(me: Identity) -> Outcome:
    if not me.roles:
        return Outcome.warn(
            f"diagnosing other users with the token of {me.email}, who has no admin role: "
            "reads of other users may be refused",
            "use the token of a Control Hub administrator (full or Contact Center admin)",
        )
    return Outcome.ok(f"admin token of {me.email} ({len(me.roles)} admin roles)")


@check("identity.org", Layer.IDENTITY, "Token org matches", requires=("identity.token",))
async def token_org(ctx: CheckContext) -> Outcome:
    from wxcc_desk.api.identity import org_from_token
    from wxcc_desk.station.preflight import check_token_org

    me = await ctx.get(ME)
    tokens = ctx.state.need(ctx.state.tokens, "the tokens")
    check_token_org(org_from_token(tokens.access), me)
    await ctx.get(ORG)  # the org has a Contact Center tenant at this region's API
    return Outcome.ok(f"org {me.org_id} has a Contact Center tenant", org_id=me.org_id)


@check("identity.scopes", Layer.IDENTITY, "Scopes", requires=("identity.token",))
async def scopes(ctx: CheckContext) -> Outcome:
    from wxcc_desk.diagnose.checks.websocket import SUBSCRIPTION

    probes: tuple[tuple[str, Resource[Any]], ...] = (
        ("spark:people_read", ME),
        ("cjp:config_read", ORG),
        ("cjp:user", SUBSCRIPTION),
    )
    answers = await asyncio.gather(*(ctx.get(r) for _, r in probes), return_exceptions=True)
    granted: list[str] = []
    missing: list[str] = []
    for (scope, _), answer in zip(probes, answers, strict=True):
        if isinstance(answer, AuthError) and answer.code == "FORBIDDEN":
            # Configuration reads need the org from people/me: its 403 is not theirs.
            if scope == "cjp:config_read" and answer is answers[0]:
                continue
            missing.append(scope)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            granted.append(scope)
    if missing:
        return Outcome.fail(
            f"token lacks {', '.join(missing)} (403); required: {', '.join(REQUIRED_SCOPES)}",
            f"add {', '.join(missing)} to the integration's scopes (developer.webex.com > My "
            "Webex Apps) and the profile key `oauth.scopes`, then sign in again",
            granted=granted,
            missing=missing,
        )
    return Outcome.ok(
        "people/me, configuration reads and notification subscribe all work",
        granted=granted,
    )


@check("identity.licence", Layer.IDENTITY, "Contact Center licence",
       requires=("identity.token",), scope=Scope.USER)  # fmt: skip
async def licence(ctx: CheckContext) -> Outcome:
    from wxcc_desk.api.identity import decode_hydra

    subject = ctx.subject
    if subject is not None and subject.admin:
        await ctx.get(AGENT_CONFIG)  # a user record exists only for licensed users
        return Outcome.ok(f"{subject.email} has a Contact Center user record")
    me = await ctx.get(ME)
    codes = [decode_hydra(x) for x in me.licenses]
    cc = [c for c in codes if "CJP" in c.upper()]
    if not cc:
        return Outcome.fail(
            f"{me.email} has no Contact Center licence ({len(codes)} other licences)",
            "Control Hub > Users > the user > Licenses: assign a Contact Center agent or "
            "supervisor licence",
        )
    name = next((p for p in cc[0].split("_") if "CJP" in p.upper()), cc[0])
    return Outcome.ok(f"Contact Center licence {name}", licences=cc)
