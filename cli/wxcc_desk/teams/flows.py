"""Microsoft Teams user authentication: the state Supervisor Desktop shows as "Collaboration
tools - Microsoft Teams", computed and repaired from a script.

States (ours to define, protocol §5): `not_configured` (no Entra tenant/client id in the
profile, or the WxCC Teams connector is off), `not_authenticated` (nothing stored, or no usable
keyring to store it in), `pending` (a device code waits for a person), `succeeded` (a token
that Graph `/me` and `/me/presence` accept), `expired` (the sign-in code or the refresh token
expired), `failed` (declined, revoked, refused by Graph, or unreachable), each with a reason
and the fix. `status` finishes a pending `login --no-wait` when the person has signed in
meanwhile.

Flows never print: `login` hands the code to show to a callback; `teams/login.py` holds it.
"""

from __future__ import annotations

from wxcc_desk.api import entra, graph
from wxcc_desk.core.errors import AuthError, ExitCode, WxccError
from wxcc_desk.core.redact import register_secret
from wxcc_desk.teams.model import (
    STATES,
    Connector,
    Probe,
    TeamsSession,
    TeamsStatus,
    TeamsTarget,
    make_session,
    require_configured,
    target_of,
)
from wxcc_desk.teams.store import KEYRING_ALTERNATIVES, CachedToken, LastOutcome, PendingCode, iso

__all__ = [
    "STATES",
    "Connector",
    "TeamsSession",
    "TeamsStatus",
    "TeamsTarget",
    "make_session",
    "require_configured",
    "status",
    "target_of",
]

ENV_ACCESS = "WXCC_TEAMS_ACCESS_TOKEN"
ENV_REFRESH = "WXCC_TEAMS_REFRESH_TOKEN"
# AADSTS codes of an expired (rather than revoked or refused) refresh token.
EXPIRED_CODES = {70008, 700082, 70043, 700084}


# -- status -----------------------------------------------------------------------------------


async def status(s: TeamsSession, connector: Connector | None = None) -> TeamsStatus:
    """The user's Microsoft authentication state, proven by a live Graph probe when a token
    exists; a pending device code is polled once, so `status` completes `login --no-wait`."""
    st = TeamsStatus(s.target, connector=connector)
    if connector:
        st.tracking_ids.extend(connector.tracking_ids)
    if not s.target.configured:
        return _not_configured_profile(s, st)
    if connector and connector.configured is False:
        return st.finish(
            "not_configured",
            connector.detail,
            _CONNECTOR_HINT,
            code="CONNECTOR_NOT_CONFIGURED",
            exit_code=ExitCode.CONFIG,
        )
    if s.env.get(ENV_ACCESS, "").strip():  # the token is given: the keyring is not needed
        return await probe_tokens(s, st)
    try:
        st.refresh_stored = s.store.refresh_kept()
        pending = s.store.pending()
        if pending is not None:
            done = await complete_pending(s, st, pending)
            if done is not None:
                return done
        return await probe_tokens(s, st)
    finally:
        st.keyring_unusable = s.store.unusable


_CONNECTOR_HINT = (
    "an admin must add the Microsoft Teams connector in Control Hub (Contact Center > Tenant "
    "Settings > Integrations > Connectors > Microsoft Teams) and enable presence sync or user "
    "details in the user's Desktop Profile"
)


def _not_configured_profile(s: TeamsSession, st: TeamsStatus) -> TeamsStatus:
    return st.finish(
        "not_configured",
        f"the profile has no {s.target.missing()}",
        "add `teams.tenant` and `teams.client_id` to the profile (or WXCC_TEAMS_TENANT / "
        "WXCC_TEAMS_CLIENT_ID)",
        exit_code=ExitCode.CONFIG,
    )


async def complete_pending(
    s: TeamsSession, st: TeamsStatus, pending: PendingCode
) -> TeamsStatus | None:
    """Poll a stored device code once. None when it produced tokens (go on to the probe)."""
    async with s.http() as http:
        result = await entra.redeem_device_code(
            http, s.target.endpoints, s.target.client_id or "", pending.device_code
        )
    if isinstance(result, entra.TokenSet):
        s.store.clear_pending()
        s.store.save_tokens(result)
        st.refresh_stored = bool(result.refresh_token)
        return None
    if result.error in ("authorization_pending", "slow_down"):
        st.pending = pending
        return st.finish(
            "pending",
            f"waiting for someone to enter code {pending.user_code} at "
            f"{pending.verification_uri} (until {iso(pending.expires_at)})",
            f"open {pending.verification_uri}, enter {pending.user_code} and sign in, then run "
            f"`wxcc-desk teams-auth status -p {s.profile.cli_ref}` again",
        )
    s.store.clear_pending()
    err = poll_failure(s, result)
    return _from_error(st, err, "expired" if result.error == "expired_token" else "failed")


def poll_failure(s: TeamsSession, err: entra.MsError) -> WxccError:
    """The error a finished (not pending) device-code poll means, recorded for `status`."""
    again = s.login_hint()
    if err.error == "expired_token":
        out = AuthError(
            f"the Microsoft sign-in code expired before anyone signed in ({err.summary})",
            hint=f"{again} and enter the new code in time",
            code="EXPIRED_TOKEN",
            tracking_ids=err.tracking_ids,
        )
    elif err.error in ("access_denied", "authorization_declined"):
        out = AuthError(
            f"the Microsoft sign-in was declined ({err.summary})",
            hint=f"{again} and accept; if the consent screen is blocked, an Entra "
            "admin must grant consent to the app",
            code="ACCESS_DENIED",
            tracking_ids=err.tracking_ids,
        )
    else:
        out = AuthError(
            f"the Microsoft sign-in failed: {err.error} ({err.summary})",
            hint=again,
            code=err.error.upper(),
            tracking_ids=err.tracking_ids,
        )
    state = "expired" if err.error == "expired_token" else "failed"
    record_failure(s, state, out)
    return out


def record_failure(s: TeamsSession, state: str, err: WxccError) -> None:
    s.store.record(
        LastOutcome(
            state=state, reason=err.message, code=err.code, tracking_ids=list(err.tracking_ids)
        )
    )


def _from_error(st: TeamsStatus, err: WxccError, state: str) -> TeamsStatus:
    st.tracking_ids.extend(err.tracking_ids)
    return st.finish(state, err.message, err.hint, code=err.code, exit_code=err.exit_code)


def _sources(s: TeamsSession) -> tuple[CachedToken | None, str | None, str]:
    """(access token, refresh token, source label), in the documented order."""
    env_access = s.env.get(ENV_ACCESS, "").strip()
    if env_access:
        register_secret(env_access)
        return CachedToken(env_access, 0.0), None, f"environment {ENV_ACCESS}"
    cached, refresh = s.store.access_token(), s.store.refresh_token()
    if cached or refresh:
        where = "this run's sign-in (not stored: no usable keyring)" if s.store.unusable else ""
        return cached, refresh, where or "keyring"
    env_refresh = s.env.get(ENV_REFRESH, "").strip()
    if env_refresh:
        register_secret(env_refresh)
        return None, env_refresh, f"environment {ENV_REFRESH}"
    return None, None, ""


async def probe_tokens(s: TeamsSession, st: TeamsStatus) -> TeamsStatus:
    cached, refresh, source = _sources(s)
    if not source and s.store.unusable:
        return st.finish(
            "not_authenticated",
            f"no usable keyring to hold the Microsoft tokens ({s.store.unusable})",
            f"{KEYRING_ALTERNATIVES}; without either, `wxcc-desk teams-auth login -p "
            f"{s.profile.cli_ref}` signs in for that one run",
            code="KEYRING_UNAVAILABLE",
        )
    if not source:
        last = s.store.last()
        if last.state in ("failed", "expired"):
            st.tracking_ids.extend(last.tracking_ids)
            return st.finish(last.state, last.reason, s.login_hint(), code=last.code)
        return st.finish(
            "not_authenticated", "no Microsoft token is stored for this profile", s.login_hint()
        )
    st.token_source = source
    access = cached.token if cached and (cached.fresh or not refresh) else None
    return await _probe(s, st, access, refresh, cached)


async def _probe(
    s: TeamsSession,
    st: TeamsStatus,
    access: str | None,
    refresh: str | None,
    cached: CachedToken | None,
) -> TeamsStatus:
    from wxcc_desk.teams.tokens import MicrosoftAuth

    saved: list[CachedToken] = []
    auth = MicrosoftAuth(
        s.target.endpoints,
        s.target.client_id or "",
        access,
        refresh,
        lambda tokens: saved.append(s.store.save_tokens(tokens)),
    )
    st.probe = Probe()
    try:
        async with s.http(auth) as http:
            me = await graph.get_me(http, s.target.graph_url)
            st.probe.account, st.probe.display_name = me.user_principal_name, me.display_name
            presence = await graph.get_presence(http, s.target.graph_url)
    except WxccError as err:
        return _probe_failed(s, st, auth.refresh_error, err)
    finally:
        current = saved[-1] if saved else cached
        st.token = auth.access or (current.token if current else None)
        st.token_expires_at = current.expires_at if current and current.expires_at else None
        st.refresh_stored = st.refresh_stored or bool(saved and s.store.refresh_kept())
    st.probe.ok = True
    st.probe.availability, st.probe.activity = presence.availability, presence.activity
    s.store.record(LastOutcome(state="succeeded", account=me.user_principal_name))
    return st.finish(
        "succeeded",
        f"signed in to Microsoft as {me.user_principal_name}; Graph "
        f"answers /me and /me/presence ({presence.availability})",
    )


def _probe_failed(
    s: TeamsSession, st: TeamsStatus, refresh_error: entra.MsError | None, err: WxccError
) -> TeamsStatus:
    assert st.probe is not None
    if refresh_error is not None:
        state, err = _refresh_failure(s, refresh_error, st.token_source)
    else:
        state = "expired" if "expired" in err.message else "failed"
    if err.code == "GRAPH_TOKEN_REJECTED" and st.token_source == f"environment {ENV_ACCESS}":
        # A sign-in cannot help: this variable wins over whatever it would store.
        err = AuthError(
            err.message,
            hint=f"{ENV_ACCESS} holds a token Microsoft refused: replace it with a valid one, "
            f"or unset it and run `wxcc-desk teams-auth login -p {s.profile.cli_ref}`",
            code=err.code,
            tracking_ids=err.tracking_ids,
        )
    st.probe.error = err.message
    record_failure(s, state, err)
    return _from_error(st, err, state)


def _refresh_failure(s: TeamsSession, e: entra.MsError, source: str) -> tuple[str, WxccError]:
    if e.status >= 500 or e.error == "temporarily_unavailable":
        return "failed", entra.as_wxcc_error(e, "renew the Microsoft token")
    expired = bool(EXPIRED_CODES & set(e.codes))
    what = "has expired" if expired else "was refused"
    from_env = source == f"environment {ENV_REFRESH}"
    hint = (
        f"replace {ENV_REFRESH} with a current refresh token, or unset it and {s.login_hint()}"
        if from_env
        else s.login_hint()
    )
    err = AuthError(
        f"the Microsoft refresh token ({source or 'keyring'}) {what}: {e.error} ({e.summary})",
        hint=hint,
        code=e.error.upper(),
        tracking_ids=e.tracking_ids,
    )
    return ("expired" if expired else "failed"), err
