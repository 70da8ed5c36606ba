"""The one-shot loopback HTTP listener that receives the OAuth redirect (RFC 8252 §7.3).

It answers only `GET /callback`, accepts the first answer whose `state` matches, shows a short
page, and is closed as soon as the flow has its code. Anything else gets a 404. An answer with
another `state` (an old sign-in tab, a web page or program poking the port) gets a 400 and is
otherwise ignored: the wait goes on for the real redirect, so a stray request cannot end the
sign-in. If none comes before the deadline, the error says how many strays were refused.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from wxcc_desk.core.errors import AuthError, ConfigError
from wxcc_desk.core.redact import register_secret

_HOST = "127.0.0.1"
_PATH = "/callback"
_MAX_LINE = 8192
_PAGES = {
    200: "Signed in to wxcc-desk. You can close this tab.",
    400: "This sign-in answer does not belong to the running wxcc-desk. Nothing was changed.",
    404: "Not found.",
    410: "This sign-in is already finished. You can close this tab.",
}


class Loopback:
    """`async with Loopback(port, state) as lb: ... await lb.wait(deadline)` -> the code."""

    def __init__(self, port: int, state: str) -> None:
        self.port, self.state = port, state
        self._server: asyncio.Server | None = None
        self._code: asyncio.Future[str] | None = None
        self._strays = 0  # answers refused for another `state`

    @property
    def redirect_uri(self) -> str:
        return f"http://{_HOST}:{self.port}{_PATH}"

    async def __aenter__(self) -> Loopback:
        self._code = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(self._serve, _HOST, self.port)
        except OSError as err:
            raise ConfigError(
                f"cannot listen on {_HOST}:{self.port} for the sign-in redirect "
                f"({err.strerror or err})",
                hint="set oauth.redirect_port to a free port (the integration must list "
                f"http://{_HOST}:PORT{_PATH} as a redirect URI), or 0 for any free port",
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        if self._code is not None and not self._code.done():
            self._code.cancel()

    async def wait(self, deadline: float) -> str:
        assert self._code is not None, "use `async with Loopback(...)`"
        try:
            return await asyncio.wait_for(asyncio.shield(self._code), deadline)
        except TimeoutError:
            raise self._timed_out(deadline) from None

    def _timed_out(self, deadline: float) -> AuthError:
        message = f"no sign-in answer reached {self.redirect_uri} within {deadline:g} s"
        if self._strays:
            return AuthError(
                f"{message}; {self._strays} answer(s) that did not match this request (state "
                "mismatch) were refused",
                hint="close other sign-in tabs, run the command again and finish signing in "
                "in the tab it opens",
                code="STATE_MISMATCH",
            )
        return AuthError(
            message,
            hint="run the command again and finish signing in in time, or pipe a token to "
            "its --with-token",
            code="SIGN_IN_TIMEOUT",
        )

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await self._handle(reader)
        except (TimeoutError, ValueError, ConnectionError, asyncio.IncompleteReadError):
            status = 400
        try:
            body = f"<!doctype html><title>wxcc-desk</title><p>{_PAGES[status]}</p>".encode()
            head = (
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Done'}\r\n"
                "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode("ascii") + body)
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader) -> int:
        line = await asyncio.wait_for(reader.readline(), 10)
        await _skip_headers(reader)
        parts = line.decode("latin-1").split()
        if len(parts) < 2 or parts[0] != "GET":
            return 404
        target = urlsplit(parts[1])
        if target.path != _PATH:
            return 404
        assert self._code is not None
        if self._code.done():
            return 410
        return self._answer({k: v[0] for k, v in parse_qs(target.query).items()})

    def _answer(self, query: dict[str, str]) -> int:
        assert self._code is not None
        register_secret(query.get("code"))
        if query.get("state") != self.state:
            # Not ours, whatever it says (even `error=`): refuse it and keep waiting, or any
            # local program or web page could end the sign-in.
            self._strays += 1
            return 400
        if "error" in query or not query.get("code"):
            reason = query.get("error", "no code")
            detail = query.get("error_description", "")
            self._code.set_exception(
                AuthError(
                    f"the sign-in was refused: {reason}" + (f" ({detail[:200]})" if detail else ""),
                    hint="sign in again with the right account, and check the integration's "
                    "scopes and redirect URI at developer.webex.com",
                    code="SIGN_IN_REFUSED",
                )
            )
            return 200
        self._code.set_result(query["code"])
        return 200


async def _skip_headers(reader: asyncio.StreamReader) -> None:
    for _ in range(100):
        line = await asyncio.wait_for(reader.readline(), 10)
        if len(line) > _MAX_LINE:
            raise ValueError("header too long")
        if line in (b"\r\n", b"\n", b""):
            return
    raise ValueError("too many headers")
