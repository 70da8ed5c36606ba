"""What the `teams-auth` commands share: building the session from a profile and reading the WxCC
connector settings (`render/teams.py` formats the results).

Imported only when a `teams-auth` command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wxcc_desk.core.errors import WxccError
from wxcc_desk.teams.model import Connector, TeamsSession, make_session
from wxcc_desk.teams.store import KeystoreVault

if TYPE_CHECKING:
    from wxcc_desk.core.sources import RunSources, SignIn
    from wxcc_desk.http.client import Http
    from wxcc_desk.profiles.schema import Profile


def load(src: RunSources, profile_flag: str | None) -> tuple[Profile, TeamsSession]:
    """The profile and a Teams session on the profile's keyring entries."""
    from wxcc_desk.http.factory import tls_for
    from wxcc_desk.profiles.load import load_profile, profile_name

    profile = load_profile(profile_name(profile_flag, src.env), env=src.env)
    vault = KeystoreVault(src.keystore, profile.name, profile.timeouts.keyring)
    session = make_session(
        profile,
        vault,
        state_dir=src.state_dir,
        tracker=src.tracker,
        trace=src.trace_line,
        tls=tls_for(profile),
        env=src.env,
    )
    return profile, session


async def connector(src: SignIn, profile: Profile, session: TeamsSession) -> Connector:
    """The WxCC side, read with the profile's Webex token (the credentials module's order).
    Never fails the status: when it cannot be read the verdict is unknown and says why."""
    from wxcc_desk.teams.connector import read_connector

    try:
        async with _wxcc_http(src, profile, session) as http:
            return await read_connector(http, profile.identity_url, profile.api_url)
    except WxccError as err:
        from wxcc_desk.core.hints import name_profile

        detail = f"not read: {err.message}" + (f" ({err.hint})" if err.hint else "")
        # not an error of the run, so the exit boundary's `-p` rule never sees it: apply it here
        return Connector(
            None, detail=name_profile(detail, profile.cli_ref), tracking_ids=err.tracking_ids
        )


def _wxcc_http(src: SignIn, profile: Profile, session: TeamsSession) -> Http:
    from wxcc_desk.auth import credentials
    from wxcc_desk.auth.refresh import RefreshingAuth
    from wxcc_desk.http.factory import client_for

    tokens = credentials.resolve_tokens(profile, src, None)
    return client_for(
        profile,
        tracker=src.tracker,
        trace=src.trace_line,
        env=src.env,
        urls=("api_url", "identity_url"),
        tls=session.tls,
        auth=RefreshingAuth(profile, src, tokens),
    )
