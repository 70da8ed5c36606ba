"""`teams-auth login` and `logout`: the OAuth 2.0 device authorization grant (RFC 8628).

With a stored refresh token (keyring, or `WXCC_TEAMS_REFRESH_TOKEN` for CI) login renews
without a person. Otherwise it asks for a device code, keeps it in the keyring (so `--no-wait`
and a later `status` can finish), hands the code to `on_code` for the command to show, and
polls: `authorization_pending` waits the interval, `slow_down` adds 5 seconds to it for good,
`expired_token` and `access_denied` stop with the reason and the fix.

Without a usable keyring the waiting sign-in still works, for this run only (the store holds
the tokens in memory); `--no-wait` is refused, since nothing would keep the code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from wxcc_desk.api import entra
from wxcc_desk.core.errors import ConfigError, WxccError
from wxcc_desk.core.keystore import BACKENDS
from wxcc_desk.http.client import Http
from wxcc_desk.teams.flows import (
    ENV_ACCESS,
    ENV_REFRESH,
    TeamsSession,
    TeamsStatus,
    poll_failure,
    record_failure,
    require_configured,
    status,
)
from wxcc_desk.teams.store import LastOutcome, PendingCode

Sleep = Callable[[float], Awaitable[None]]
PollResult = entra.TokenSet | entra.MsError
SLOW_DOWN_STEP = 5.0  # RFC 8628 3.5


async def login(
    s: TeamsSession,
    *,
    wait: bool = True,
    on_code: Callable[[PendingCode], None],
    on_note: Callable[[str], None] = lambda _: None,
    sleep: Sleep = asyncio.sleep,
    force_code: bool = False,
) -> TeamsStatus:
    """Authenticate the profile's Microsoft user; ends with a `status` (Graph probed)."""
    require_configured(s)
    if s.env.get(ENV_ACCESS, "").strip():
        # That token is used as is, ahead of anything a sign-in would store: the sign-in would
        # change nothing this run reports.
        raise ConfigError(
            f"{ENV_ACCESS} is set, and it is used as is ahead of any sign-in: `teams-auth login` "
            "would change nothing",
            hint=f"unset {ENV_ACCESS} to sign in and use the stored tokens, or replace it with a "
            f"valid token and run `wxcc-desk teams-auth status -p {s.profile.cli_ref}`",
            code="ENV_TOKEN_SET",
        )
    if not force_code and await _renew(s, on_note):
        return await status(s)
    pending = s.store.pending()
    if not wait and s.store.unusable:
        raise _no_wait_needs_keyring(s)
    if pending is None or pending.expired or force_code:
        pending = await _new_code(s)
    on_code(pending)
    if not wait:
        st = TeamsStatus(s.target, pending=pending)
        return st.finish(
            "pending",
            f"code {pending.user_code} waits for a sign-in",
            f"run `wxcc-desk teams-auth status -p {s.profile.cli_ref}` after signing in",
        )
    tokens = await poll_until_done(s, pending, sleep)
    s.store.clear_pending()
    s.store.save_tokens(tokens)
    return await status(s)


def _no_wait_needs_keyring(s: TeamsSession) -> ConfigError:
    # Without a keyring the device code would die with this process: nothing could finish it.
    return ConfigError(
        f"`teams-auth login --no-wait` keeps the device code in the keyring for a later "
        f"`status`, and the keyring is not usable ({s.store.unusable})",
        hint=f"run `wxcc-desk teams-auth login -p {s.profile.cli_ref}` without --no-wait (it "
        f"waits for the sign-in in this run), or {BACKENDS}",
        code="KEYRING_UNAVAILABLE",
    )


async def _renew(s: TeamsSession, on_note: Callable[[str], None]) -> bool:
    """Re-authenticate from a refresh token, without a person. False: a person is needed."""
    stored = s.store.refresh_token()
    refresh = stored or s.env.get(ENV_REFRESH, "").strip() or None
    if not refresh:
        return False
    where = "the stored refresh token" if stored else f"the refresh token in {ENV_REFRESH}"
    async with s.http() as http:
        result = await entra.redeem_refresh_token(
            http, s.target.endpoints, s.target.client_id or "", refresh
        )
    if isinstance(result, entra.TokenSet):
        if not result.refresh_token:  # keep the one we have: it still works
            result = entra.TokenSet(result.access_token, result.expires_in, refresh, result.scope)
        s.store.save_tokens(result)
        s.store.clear_pending()
        return True
    on_note(f"{where} no longer works ({result.error}: {result.summary}); starting a new sign-in")
    s.store.record(
        LastOutcome(
            state="failed",
            reason=result.summary,
            code=result.error.upper(),
            tracking_ids=list(result.tracking_ids),
        )
    )
    return False


async def _new_code(s: TeamsSession) -> PendingCode:
    async with s.http() as http:
        auth = await entra.request_device_code(http, s.target.endpoints, s.target.client_id or "")
    return s.store.save_pending(auth)


async def poll_until_done(s: TeamsSession, pending: PendingCode, sleep: Sleep) -> entra.TokenSet:
    """Poll the token endpoint until the person signs in, declines, or the code expires."""
    interval = max(0.0, pending.interval)
    async with s.http() as http:
        while True:
            if time.time() > pending.expires_at + 30:  # the server should have said so first
                return _raise(s, entra.MsError("expired_token", "the code's lifetime passed"))
            await sleep(interval)
            result = await _poll_once(s, http, pending)
            if isinstance(result, entra.TokenSet):
                return result
            if result.error == "slow_down":
                interval += SLOW_DOWN_STEP
            elif result.error != "authorization_pending":
                return _raise(s, result)


async def _poll_once(s: TeamsSession, http: Http, pending: PendingCode) -> PollResult:
    # A network failure propagates and leaves the code in the keyring: `status` can finish
    # the exchange once the network is back.
    return await entra.redeem_device_code(
        http, s.target.endpoints, s.target.client_id or "", pending.device_code
    )


def _raise(s: TeamsSession, err: entra.MsError) -> entra.TokenSet:
    if err.status >= 500 or err.error == "temporarily_unavailable":
        # The code may still be good: keep it so `status` can finish later.
        failure: WxccError = entra.as_wxcc_error(err, "finish the Microsoft sign-in")
        record_failure(s, "failed", failure)
        raise failure
    s.store.clear_pending()
    raise poll_failure(s, err)


def logout(s: TeamsSession) -> list[str]:
    """Remove every stored Microsoft secret and the recorded outcome; returns what was removed."""
    removed = s.store.clear_tokens()
    s.store.forget()
    return removed
