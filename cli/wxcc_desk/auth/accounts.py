"""`wxcc-desk auth`: the profile's tokens apart from the station, as `gh auth` keeps them.

`login` proves a token (stdin or the browser) belongs to the profile's user with Webex
`people/me`, then stores it; `status` shows each profile's token as the service sees it;
`logout` deletes what the keyring holds. Nothing here reaches the Contact Center API or the
station: the only remote call is identity's `people/me` (and a refresh when a stored token has
expired). Flows return typed results or raise `WxccError`; they never print.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wxcc_desk.api.tokens import TokenSet
from wxcc_desk.auth import credentials
from wxcc_desk.core.errors import AuthError, ConfigError, ExitCode, WxccError
from wxcc_desk.core.keystore import ALTERNATIVES, KeystoreUnavailable

if TYPE_CHECKING:
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.auth.browser import Browser
    from wxcc_desk.core.sources import Secrets, SignIn
    from wxcc_desk.profiles.load import Profile

# Why a profile is not signed in: each is exit 4 for `auth status`.
NOT_SIGNED_IN = {"no_token", "invalid", "wrong_user"}
_INVALID = {"BAD_TOKEN", "TOKEN_REJECTED", "TOKEN_EXPIRED", "GRANT_REFUSED"}


@dataclass(frozen=True)
class Account:
    """One profile's token as `auth status` shows it (`tokens` is rendered masked only).

    `state`: `valid`, `no_token`, `invalid` (malformed, expired, refused), `wrong_user` (another
    user's token) or `error` (the profile cannot be read, the service cannot be reached)."""

    name: str
    ref: str
    user: str
    state: str
    tokens: TokenSet | None = None
    identity: Identity | None = None
    problem: WxccError | None = None
    notes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        if self.state == "valid":
            return int(ExitCode.OK)
        if self.state in NOT_SIGNED_IN or self.problem is None:
            return int(ExitCode.AUTH)
        return int(self.problem.exit_code)


@dataclass(frozen=True)
class AuthStatus:
    accounts: tuple[Account, ...]

    @property
    def ok(self) -> bool:
        return all(a.state == "valid" for a in self.accounts)

    @property
    def exit_code(self) -> int:
        """0 when every profile has a valid token of its user; 4 when any has none (or an
        invalid or another user's one); else the first other problem's (3 profile, 5 network)."""
        codes = [a.exit_code for a in self.accounts if a.exit_code]
        if int(ExitCode.AUTH) in codes:
            return int(ExitCode.AUTH)
        return codes[0] if codes else int(ExitCode.OK)


@dataclass(frozen=True)
class AuthLogin:
    name: str
    ref: str
    identity: Identity
    tokens: TokenSet
    web: bool
    backend: str


@dataclass(frozen=True)
class AuthLogout:
    name: str
    ref: str
    removed: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- identity


async def whoami(profile: Profile, src: SignIn, tokens: TokenSet) -> tuple[Identity, TokenSet]:
    """The token's user (`people/me`) and the tokens in use afterwards (a stored token past its
    expiry is refreshed, and the refresh stored, by `RefreshingAuth`)."""
    from wxcc_desk.api.identity import get_me
    from wxcc_desk.auth.refresh import RefreshingAuth
    from wxcc_desk.http.factory import client_for

    auth = RefreshingAuth(profile, src, tokens)
    async with client_for(
        profile,
        tracker=src.tracker,
        trace=src.trace_line,
        env=src.env,
        auth=auth,
        urls=("identity_url",),
    ) as http:
        me = await get_me(http, profile.identity_url)
    return me, auth.tokens


def check_user(profile: Profile, me: Identity, outcome: str) -> None:
    """The token must be the profile user's (a profile without `user` takes any)."""
    if profile.user and not me.has_email(profile.user):
        raise AuthError(
            f"the token belongs to {me.email or me.display_name or 'another user'}, not to the "
            f"profile's user {profile.user}; {outcome}",
            hint=f"sign in as {profile.user} (`wxcc-desk auth login --web -p {profile.cli_ref}`)"
            " or fix `user` in the profile",
            code="WRONG_USER",
        )


# --------------------------------------------------------------------------- login


async def login_with_token(profile: Profile, src: SignIn, raw: str) -> AuthLogin:
    """`auth login --with-token`: the token from stdin, checked, proved, then stored."""
    tokens = TokenSet(credentials.clean_token(raw, "--with-token (stdin)"), source="stdin")
    await _keyring_first(profile, src)
    return await _prove_and_store(profile, src, tokens, web=False)


async def login_in_browser(profile: Profile, src: SignIn, browser: Browser) -> AuthLogin:
    """`auth login --web`: the PKCE sign-in (auth/browser.py), proved, then stored."""
    from wxcc_desk.auth.browser import sign_in_web

    await _keyring_first(profile, src)  # before the person signs in, not after
    tokens = await sign_in_web(profile, src, browser=browser)
    return await _prove_and_store(profile, src, tokens, web=True)


async def _keyring_first(profile: Profile, src: SignIn) -> None:
    """Storing is the command's whole point: without a usable keyring, say so at once."""
    try:
        await asyncio.to_thread(src.keystore.check, timeout=profile.timeouts.keyring)
    except KeystoreUnavailable as err:
        raise ConfigError(
            f"{err.message}: the token cannot be stored, so nothing was asked of identity",
            hint=ALTERNATIVES,
            code="KEYRING_UNAVAILABLE",
        ) from None


async def _prove_and_store(
    profile: Profile, src: SignIn, tokens: TokenSet, *, web: bool
) -> AuthLogin:
    me, tokens = await whoami(profile, src, tokens)
    check_user(profile, me, "nothing was stored")
    saved = await asyncio.to_thread(credentials.store_tokens, profile, src, tokens)
    if not saved.stored:
        raise ConfigError(
            f"the token of {me.email} is good but was not stored: {saved.reason}",
            hint=ALTERNATIVES,
            code="KEYRING_UNAVAILABLE",
        )
    backend = await asyncio.to_thread(src.keystore.backend_name)
    return AuthLogin(profile.name, profile.cli_ref, me, tokens, web, backend)


# --------------------------------------------------------------------------- status


def load(ref: str, env: Mapping[str, str]) -> Profile:
    from wxcc_desk.profiles.load import load_profile

    return load_profile(ref, env=env)


def profile_refs(flag: str | None, env: Mapping[str, str]) -> list[str] | None:
    """The profiles `auth status` shows: `-p` (or WXCC_PROFILE), else every profile file in the
    search folders that `-p NAME` would read (`profiles list`'s files, hidden ones left out).
    None: one profile was named."""
    if flag or env.get("WXCC_PROFILE", "").strip():
        return None
    from wxcc_desk.profiles.folders import default_search_dirs, profile_files

    return [f.name for f in profile_files(default_search_dirs(env)) if f.shadowed_by is None]


async def status_all(src: SignIn, refs: Sequence[str]) -> AuthStatus:
    """Every profile's account, checked side by side; a profile that cannot be read is an
    `error` row, not the end of the listing."""
    accounts = await asyncio.gather(*(_status_ref(src, ref) for ref in refs))
    return AuthStatus(tuple(accounts))


async def _status_ref(src: SignIn, ref: str) -> Account:
    try:
        profile = await asyncio.to_thread(load, ref, src.env)
    except ConfigError as err:
        return Account(ref, ref, "", "error", problem=err)
    return await status_of(profile, src)


async def status_of(profile: Profile, src: SignIn) -> Account:
    """One profile: where its token comes from, whose it is, and whether it is still good."""
    try:
        tokens = await asyncio.to_thread(credentials.resolve_tokens, profile, src, None)
    except WxccError as err:
        state = "invalid" if err.code in _INVALID else "no_token"
        return _account(profile, state, problem=err)
    notes = await asyncio.to_thread(_shadowed, profile, src, tokens)
    try:
        me, tokens = await whoami(profile, src, tokens)
    except WxccError as err:
        state = "invalid" if isinstance(err, AuthError) else "error"
        return _account(profile, state, tokens=tokens, problem=err, notes=notes)
    try:
        check_user(profile, me, "commands with this profile refuse it")
    except AuthError as err:
        return _account(
            profile, "wrong_user", tokens=tokens, identity=me, problem=err, notes=notes
        )
    return _account(profile, "valid", tokens=tokens, identity=me, notes=notes)


def _account(
    profile: Profile,
    state: str,
    *,
    tokens: TokenSet | None = None,
    identity: Identity | None = None,
    problem: WxccError | None = None,
    notes: tuple[str, ...] = (),
) -> Account:
    if problem is not None:  # a row's fix is pasted as it stands: its commands get `-p REF`
        from wxcc_desk.core.hints import name_profile

        problem.message = name_profile(problem.message, profile.cli_ref)
        problem.hint = name_profile(problem.hint, profile.cli_ref)
    return Account(
        profile.name, profile.cli_ref, profile.user, state, tokens, identity, problem, notes
    )


def _shadowed(profile: Profile, src: Secrets, tokens: TokenSet) -> tuple[str, ...]:
    """A keyring token hidden by WXCC_ACCESS_TOKEN is worth saying: it is not the one used."""
    if tokens.source != "env":
        return ()
    try:
        stored = credentials.load_stored_tokens(profile, src)
    except (KeystoreUnavailable, ConfigError):
        return ()
    if stored is None:
        return ()
    return ("the keyring also holds a token for this profile; it is used once "
            "WXCC_ACCESS_TOKEN is unset",)  # fmt: skip


# --------------------------------------------------------------------------- logout


def logout(profile: Profile, src: Secrets) -> AuthLogout:
    """Delete the stored tokens and remembered station credentials; the station is not asked."""
    done = credentials.forget(profile, src)
    if not done.stored:
        raise ConfigError(
            f"the stored tokens of profile {profile.name!r} could not be deleted: {done.reason}",
            hint="unlock or fix the keyring and run this again",
            code="KEYRING_UNAVAILABLE",
        )
    notes: list[str] = []
    if src.env.get("WXCC_ACCESS_TOKEN", "").strip():
        notes.append(
            "WXCC_ACCESS_TOKEN is still set in this environment and is used before the "
            "keyring; unset it too"
        )
    return AuthLogout(profile.name, profile.cli_ref, done.removed, tuple(notes))


def no_profiles(env: Mapping[str, str]) -> ConfigError:
    from wxcc_desk.profiles.folders import default_search_dirs

    looked = ", ".join(str(folder) for folder in default_search_dirs(env))
    return ConfigError(
        f"no profiles found (looked in {looked}), so no tokens to show",
        hint="create one with `wxcc-desk profiles init NAME`, then `wxcc-desk auth login -p NAME`",
        code="NO_PROFILES",
    )
