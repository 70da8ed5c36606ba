"""The Microsoft token as an `httpx.Auth`: bearer on every Graph call, renewed on a 401.

Renewal is the refresh-token grant, sent from inside the auth flow (httpx sends the extra
request on the same client, with the same trace and tracking hooks). A renewed token is handed
to `on_tokens` (the store) at once, so a rotated refresh token is never lost. Imported only
when a Teams flow runs (it imports httpx at module level).
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import httpx

from wxcc_desk.api.entra import Endpoints, MsError, TokenSet, refresh_request, token_from_response
from wxcc_desk.core.redact import register_secret


class MicrosoftAuth(httpx.Auth):
    requires_response_body = True

    def __init__(
        self,
        ep: Endpoints,
        client_id: str,
        access: str | None,
        refresh: str | None,
        on_tokens: Callable[[TokenSet], None],
    ) -> None:
        self.ep, self.client_id = ep, client_id
        self.access, self.refresh = access, refresh
        self.on_tokens = on_tokens
        self.refresh_error: MsError | None = None
        self.renewed = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.access is None and self.refresh and not self.renewed:
            yield from self._renew()
        if self.access:
            request.headers["Authorization"] = f"Bearer {self.access}"
        response = yield request
        if response.status_code != 401 or not self.refresh or self.renewed:
            return
        yield from self._renew()
        if self.access and self.refresh_error is None:
            request.headers["Authorization"] = f"Bearer {self.access}"
            yield request

    def _renew(self) -> Generator[httpx.Request, httpx.Response, None]:
        assert self.refresh  # guarded by the callers
        self.renewed = True
        response = yield refresh_request(self.ep, self.client_id, self.refresh)
        result = token_from_response(response)
        if isinstance(result, MsError):
            self.refresh_error = result
            return
        register_secret(result.access_token)
        register_secret(result.refresh_token)
        self.access = result.access_token
        self.refresh = result.refresh_token or self.refresh
        self.on_tokens(result)
