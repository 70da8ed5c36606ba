"""`RefreshingAuth`: Bearer tokens on every request, refreshed when they expire or are refused.

The refresh is the OAuth refresh grant (`POST {identity_url}/v1/access_token`,
`grant_type=refresh_token`), sent through the same client so it gets the same TLS, TrackingId
and trace. One refresh per token: a token the refresh just minted that is refused before the
service ever accepted it is an AuthError, so a revoked grant never loops; a refreshed token that
worked and later expires (a multi-day `login --hold`) is refreshed again. A refused refresh grant
is not retried in the same run. Concurrent requests that meet a 401 together wait for one refresh
(a lock) rather than racing several. New tokens are stored in the keyring when the old ones came
from it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING

import httpx

from wxcc_desk.api.tokens import TokenSet, token_form, token_request, tokens_from_response
from wxcc_desk.auth.credentials import StoreResult, client_secret, store_tokens
from wxcc_desk.core.errors import AuthError
from wxcc_desk.http.limits import read_bounded

if TYPE_CHECKING:
    from wxcc_desk.core.sources import Secrets
    from wxcc_desk.profiles.load import Profile


_REFRESH = "refresh the access token"


class RefreshingAuth(httpx.Auth):
    """Use as `httpx.AsyncClient(auth=RefreshingAuth(profile, src, tokens))`.

    After the run, `tokens` holds the current tokens, `refreshed` says whether a refresh
    happened and `store_result` whether the refreshed tokens reached the keyring."""

    def __init__(self, profile: Profile, src: Secrets, tokens: TokenSet) -> None:
        self.profile, self.src, self.tokens = profile, src, tokens
        self.refreshed = False
        # The access token the last refresh minted, until the service first accepts it: a 401
        # for it means refreshing did not help, so it ends the run instead of refreshing again.
        self._unproven: str | None = None
        # A minted token already inside the expiry skew is not refreshed early again (that
        # would refresh before every request); a 401 still refreshes it.
        self._born_stale: str | None = None
        self._grant_refused = False
        self.store_result: StoreResult | None = None
        self._sync_lock = threading.Lock()
        self._async_lock = asyncio.Lock()

    # ------------------------------------------------------------------ flows

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self._wants_early_refresh():
            with self._sync_lock:
                if self._wants_early_refresh():
                    answer = yield self._refresh_request()
                    answer.read()
                    self._accept(answer)
                    self._persist()
        sent = self._authorize(request)
        response = yield request
        if response.status_code != 401:
            self._note_accepted(sent, response)
            return
        with self._sync_lock:
            if self.tokens.access == sent:
                self._check_refreshable(sent, response)
                answer = yield self._refresh_request()
                answer.read()
                self._accept(answer)
                self._persist()
        yield from self._retry(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._wants_early_refresh():
            async with self._async_lock:
                if self._wants_early_refresh():
                    answer = yield self._refresh_request()
                    await read_bounded(answer, _REFRESH)
                    self._accept(answer)
                    await asyncio.to_thread(self._persist)
        sent = self._authorize(request)
        response = yield request
        if response.status_code != 401:
            self._note_accepted(sent, response)
            return
        await read_bounded(response, "authorize the request")  # httpx would read it unbounded
        async with self._async_lock:
            if self.tokens.access == sent:
                self._check_refreshable(sent, response)
                answer = yield self._refresh_request()
                await read_bounded(answer, _REFRESH)
                self._accept(answer)
                await asyncio.to_thread(self._persist)
        sent = self._authorize(request)
        retried = yield request
        if retried.status_code == 401:
            raise self._refused_again(retried)
        self._note_accepted(sent, retried)

    def _retry(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sent = self._authorize(request)
        retried = yield request
        if retried.status_code == 401:
            raise self._refused_again(retried)
        self._note_accepted(sent, retried)

    # ------------------------------------------------------------------ steps

    def _authorize(self, request: httpx.Request) -> str:
        access = self.tokens.access
        request.headers["Authorization"] = f"Bearer {access}"
        return access

    def _wants_early_refresh(self) -> bool:
        tokens = self.tokens
        if self._grant_refused or tokens.access == self._born_stale:
            return False
        return tokens.expired() and tokens.can_refresh()

    def _note_accepted(self, sent: str, response: httpx.Response) -> None:
        # 5xx may come from a gateway before any token check, so it proves nothing.
        if sent == self._unproven and response.status_code < 500:
            self._unproven = None

    def _check_refreshable(self, sent: str, response: httpx.Response) -> None:
        if self._grant_refused or sent == self._unproven:
            raise self._refused_again(response)
        if not self.tokens.can_refresh():
            raise AuthError(
                f"the access token ({self._source()}) was refused by {_host(response)} (HTTP "
                "401: expired or revoked) and there is no refresh token to renew it",
                hint=self._hint(),
                code="TOKEN_REJECTED",
                tracking_ids=_ids(response),
            )

    def _refresh_request(self) -> httpx.Request:
        assert self.tokens.refresh is not None  # checked by can_refresh()
        secret = client_secret(self.profile, self.src)
        form = token_form(
            self.profile, secret, grant_type="refresh_token", refresh_token=self.tokens.refresh
        )
        return token_request(self.profile, form)

    def _accept(self, answer: httpx.Response) -> None:
        self.refreshed = True
        self._grant_refused = True  # until the answer proves otherwise: never retry a refusal
        self.tokens = tokens_from_response(
            answer,
            self.profile,
            source="oauth",
            previous=self.tokens,
            what="refresh the access token",
        )
        self._grant_refused = False
        self._unproven = self.tokens.access
        self._born_stale = self.tokens.access if self.tokens.expired() else None

    def _persist(self) -> None:
        self.store_result = store_tokens(self.profile, self.src, self.tokens)

    def _refused_again(self, response: httpx.Response) -> AuthError:
        return AuthError(
            f"the access token was refused by {_host(response)} (HTTP 401: expired or revoked) "
            "even after a refresh",
            hint=self._hint(),
            code="TOKEN_REJECTED",
            tracking_ids=_ids(response),
        )

    def _source(self) -> str:
        return {"stdin": "from --with-token", "env": "from WXCC_ACCESS_TOKEN"}.get(
            self.tokens.source, f"from the {self.tokens.source}"
        )

    def _hint(self) -> str:
        """The fix for a refused token depends on where it came from: while WXCC_ACCESS_TOKEN
        is set it wins over the keyring, so signing in again cannot help."""
        ref, user = self.profile.cli_ref, self.profile.user
        if self.tokens.source == "env":
            return (
                "replace or unset WXCC_ACCESS_TOKEN: while it is set it is used before the "
                f"keyring, so signing in again cannot help; check it belongs to {user}"
            )
        if self.tokens.source == "stdin":
            return (
                f"pipe a fresh token of {user} to this command's --with-token (or store one "
                f"with `wxcc-desk auth login --with-token -p {ref}`)"
            )
        return (
            f"sign in again with `wxcc-desk auth login --web -p {ref}` (or pipe a fresh token "
            f"to `wxcc-desk auth login --with-token -p {ref}`); check the token belongs to {user}"
        )


def _host(response: httpx.Response) -> str:
    """`host[:port]` of the refused request: the token may be good for another host."""
    try:
        url = response.request.url
    except RuntimeError:  # a response built without a request (tests)
        return "the server"
    return url.netloc.decode("ascii", "replace") or "the server"


def _ids(response: httpx.Response) -> list[str]:
    value = response.headers.get("trackingid", "")
    return [value] if value else []
