"""`login --web`: the OAuth authorization-code flow with PKCE (S256) on a loopback redirect.

1. listen once on `http://127.0.0.1:<oauth.redirect_port>/callback` (0 = a free port);
2. hand the `/v1/authorize` URL to a "browser" (a callable: the real one opens `webbrowser` and
   shows the URL; tests drive the sandbox's authorize endpoint with httpx);
3. wait, with a deadline, for the redirect carrying `code` and the same `state`;
4. exchange the code at `/v1/access_token` (protocol §1) and store the tokens in the keyring.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from wxcc_desk.api.tokens import (
    TokenSet,
    client_id,
    token_form,
    token_request,
    tokens_from_response,
)
from wxcc_desk.auth.credentials import StoreResult, client_secret, store_tokens
from wxcc_desk.auth.loopback import Loopback
from wxcc_desk.core.errors import NetworkError
from wxcc_desk.core.redact import register_secret

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.core.sources import SignIn
    from wxcc_desk.profiles.load import Profile

Browser = Callable[[str], Awaitable[object] | object]
DEFAULT_DEADLINE = 300.0  # seconds a person gets to sign in


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
        register_secret(verifier)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("="))


@dataclass(frozen=True)
class WebLogin:
    tokens: TokenSet
    stored: StoreResult


def authorize_url(profile: Profile, *, redirect_uri: str, state: str, challenge: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id(profile),
        "redirect_uri": redirect_uri,
        "scope": " ".join(profile.oauth.scopes),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_hint": profile.user,
    }
    return f"{profile.identity_url}/v1/authorize?{urlencode(params)}"


async def login_web(
    profile: Profile,
    src: SignIn,
    *,
    browser: Browser,
    deadline: float = DEFAULT_DEADLINE,
    transport: httpx.AsyncBaseTransport | None = None,
) -> WebLogin:
    """Sign in through the browser and keep the tokens; `stored` says whether the keyring took
    them (the tokens are usable for this run either way)."""
    tokens = await sign_in_web(
        profile, src, browser=browser, deadline=deadline, transport=transport
    )
    stored = await asyncio.to_thread(store_tokens, profile, src, tokens)
    return WebLogin(tokens, stored)


async def sign_in_web(
    profile: Profile,
    src: SignIn,
    *,
    browser: Browser,
    deadline: float = DEFAULT_DEADLINE,
    transport: httpx.AsyncBaseTransport | None = None,
) -> TokenSet:
    """The browser sign-in alone: the tokens, not stored (`auth login --web` stores them only
    once they are proved to be the profile user's)."""
    client_id(profile)  # fail on a missing client id before opening anything
    pkce, state = Pkce.new(), secrets.token_urlsafe(32)
    async with Loopback(profile.oauth.redirect_port, state) as loop_back:
        url = authorize_url(
            profile, redirect_uri=loop_back.redirect_uri, state=state, challenge=pkce.challenge
        )
        opened = browser(url)
        if inspect.isawaitable(opened):
            await opened
        code = await loop_back.wait(deadline)
    return await _exchange(
        profile,
        src,
        code=code,
        redirect_uri=loop_back.redirect_uri,
        pkce=pkce,
        transport=transport,
    )


async def _exchange(
    profile: Profile,
    src: SignIn,
    *,
    code: str,
    redirect_uri: str,
    pkce: Pkce,
    transport: httpx.AsyncBaseTransport | None,
) -> TokenSet:
    import httpx

    from wxcc_desk.http.factory import client_for
    from wxcc_desk.http.limits import send_bounded

    secret = await asyncio.to_thread(client_secret, profile, src)
    form = token_form(
        profile,
        secret,
        grant_type="authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=pkce.verifier,
    )
    timeouts = profile.timeouts
    what = "exchange the sign-in code for tokens"
    async with client_for(
        profile,
        tracker=src.tracker,
        trace=src.trace_line,
        env=src.env,
        urls=("identity_url",),
        transport=transport,
    ) as http:
        try:
            response = await send_bounded(
                http.client, token_request(profile, form), what=what, deadline=timeouts.deadline
            )
        except httpx.HTTPError as err:
            raise NetworkError(
                f"could not {what}: {type(err).__name__}: {err}",
                hint="check the network and the profile's identity_url, then sign in again",
            ) from None
    return tokens_from_response(response, profile, source="oauth", what=what)


def default_browser(say: Callable[[str], None], *, interactive: bool) -> Browser:
    """What `login --web` uses: show the URL through `say` (always, in case no browser opens)
    and open it when a person is at the keyboard."""

    def open_url(url: str) -> None:
        say(f"Sign in at: {url}")
        say(f"waiting up to {DEFAULT_DEADLINE:.0f} s for the sign-in to finish")
        if interactive:
            import webbrowser

            webbrowser.open(url)

    return open_url
