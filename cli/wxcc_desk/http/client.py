"""The HTTP client and the one request function every API module uses (`make_http` builds
it; only the factory, `http/factory.py`, calls that).

It owns what must be the same for every call: TLS choice, `TrackingId: WXCCDESK_<run>_<n>` on
each request, a redacted trace line per exchange, retries (429 with `Retry-After`, and transient
5xx or connection failures on idempotent calls only; see `http/retry.py`) and the mapping of
failures to `WxccError` subclasses that carry the server's tracking IDs. A non-idempotent call
(station login) is never retried blindly: an ambiguous failure raises `UncertainOutcome` so the
caller learns the session state before trying again.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    RejectedError,
    WxccError,
)
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.limits import DeadlineExceeded, cut_text, loads, send_bounded
from wxcc_desk.http.retry import Transient, retry_after, with_retries
from wxcc_desk.http.tls import TlsChoice, is_loopback
from wxcc_desk.profiles.schema import Timeouts

if TYPE_CHECKING:
    import httpx

TRACKING_HEADER = "TrackingId"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_UNCERTAIN_HINT = "check the network, then run `wxcc-desk status`"
_TLS_HINT = (
    "the certificate was not trusted: a proxy doing TLS inspection is the usual cause; set the "
    "profile key `tls.ca_bundle` (or WXCC_CA_BUNDLE) to your corporate CA file, or trust it in "
    "the OS store and set `tls.trust: os`"
)


class UncertainOutcome(NetworkError):
    """A non-idempotent request failed in a way that leaves unknown whether it was processed."""

    default_code = "UNCERTAIN_OUTCOME"


# --------------------------------------------------------------------------- settings


# --------------------------------------------------------------------------- client


@dataclass
class Http:
    """An `httpx.AsyncClient` plus what every call needs: tracker, trace sink, retry policy."""

    client: httpx.AsyncClient
    tracker: Tracker
    trace: Callable[[str], None]
    timeouts: Timeouts = field(default_factory=Timeouts)
    env: Mapping[str, str] = field(default_factory=dict)  # decides proxies (http/proxy.py)
    # The https rule for each request's URL (http/factory.py), raising before anything is sent.
    guard: Callable[[str], None] | None = None

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> Http:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def get_json(self, url: str, *, what: str, **kw: Any) -> Any:
        resp = await self.send("GET", url, what=what, **kw)
        return _json_or_error(resp, what)

    async def send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        scope: str = "",
        not_found: type[WxccError] = ConfigError,
        not_found_hint: str = "",
        idempotent: bool | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request with the retry policy; return a 2xx response or raise a WxccError.

        `what` completes "could not <what>" in messages; `scope` is named on a 403.
        """
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        ctx = _CallContext(what, scope, not_found, not_found_hint, safe)
        request = self.client.build_request(method, url, json=json, params=params, headers=headers)
        return await with_retries(
            lambda: self._once(request, ctx),
            attempts=self.timeouts.attempts,
            cap=self.timeouts.retry_after_cap,
            trace=self.trace,
        )

    async def _once(self, request: httpx.Request, ctx: _CallContext) -> httpx.Response:
        import httpx

        try:
            # Each send runs the request hook again, so every attempt has its own TrackingId.
            resp = await send_bounded(
                self.client, request, what=ctx.what, deadline=self.timeouts.deadline
            )
        except httpx.HTTPError as err:
            raise _transport_error(err, ctx) from None
        except DeadlineExceeded as late:  # sent and maybe processed; a trickle is not retried
            if ctx.idempotent:
                raise
            raise UncertainOutcome(late.message, hint=_UNCERTAIN_HINT) from None
        if resp.is_success:
            return resp
        raise _status_error(resp, ctx)


def make_http(
    *,
    tracker: Tracker,
    trace: Callable[[str], None],
    tls: TlsChoice,
    timeouts: Timeouts | None = None,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    env: Mapping[str, str] | None = None,
    guard: Callable[[str], None] | None = None,
) -> Http:
    """The one factory of HTTP clients. `transport` lets tests run in-process, never patching;
    without one, `env` (default: the process environment) decides proxies (http/proxy.py)."""
    import os

    import httpx

    from wxcc_desk.http.proxy import routed_transport

    t = timeouts or Timeouts()
    environ = os.environ if env is None else env

    async def on_request(request: httpx.Request) -> None:
        if guard is not None:
            guard(str(request.url))
        request.headers[TRACKING_HEADER] = tracker.next_id()
        request.extensions["wxcc_start"] = time.monotonic()

    async def on_response(response: httpx.Response) -> None:
        server_id = response.headers.get("trackingid")
        tracker.record_server_id(server_id)
        trace(_trace_line(response, server_id))

    client = httpx.AsyncClient(
        auth=auth,
        verify=tls.verify,
        transport=transport or routed_transport(tls.verify, environ),
        trust_env=False,  # the proxy rules are ours (http/proxy.py), not the library's
        timeout=httpx.Timeout(t.read, connect=t.connect),
        event_hooks={"request": [on_request], "response": [on_response]},
        headers={"User-Agent": _user_agent(), "Accept": "application/json"},
        follow_redirects=False,
    )
    return Http(client, tracker, trace, t, environ, guard)


def _user_agent() -> str:
    from wxcc_desk import __version__

    return f"wxcc-desk/{__version__}"


def _trace_line(response: httpx.Response, server_id: str | None) -> str:
    req = response.request
    start = req.extensions.get("wxcc_start")
    took = f" {1000 * (time.monotonic() - start):.0f} ms" if isinstance(start, float) else ""
    url = req.url.copy_with(query=None)  # queries may carry emails; paths are enough to debug
    return (
        f"http: {req.method} {url} -> {response.status_code}{took} "
        f"TrackingId={req.headers.get(TRACKING_HEADER, '-')} server={server_id or '-'}"
    )


# --------------------------------------------------------------------------- per call


@dataclass(frozen=True)
class _CallContext:
    what: str
    scope: str
    not_found: type[WxccError]
    not_found_hint: str
    idempotent: bool


# --------------------------------------------------------------------------- error mapping


def _transport_error(err: Exception, ctx: _CallContext) -> Exception:
    import httpx

    text = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or isinstance(err.__context__, ssl.SSLError):
        return NetworkError(
            f"could not {ctx.what}: TLS verification failed ({text})", hint=_TLS_HINT, code="TLS"
        )
    sent = not isinstance(err, httpx.ConnectError | httpx.ConnectTimeout)
    where, loopback = _target(err)
    msg = f"could not {ctx.what}: {type(err).__name__} from {where}: {text}"
    if sent and not ctx.idempotent:
        return UncertainOutcome(msg, hint=_UNCERTAIN_HINT)
    hint = "check the network or proxy (HTTPS_PROXY) and that the profile's URLs are right"
    if loopback and not sent:
        port = where.rsplit(":", 1)[-1]
        hint = (
            f"nothing answers on {where}: is the sandbox running (`wxcc-desk sandbox --port "
            f"{port}`)? Otherwise check WXCC_BASE_URL and the profile's URLs"
        )
    return Transient(NetworkError(msg, hint=hint, code="NETWORK"))


def _target(err: Exception) -> tuple[str, bool]:
    """`host:port` the failed request went to, and whether that is this machine."""
    try:
        url = err.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):  # httpx raises RuntimeError when no request is set
        return "the server", False
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.host}:{port}", is_loopback(str(url))


def _status_error(resp: httpx.Response, ctx: _CallContext) -> Exception:
    ids = server_tracking_ids(resp)
    detail = server_message(resp)
    code = resp.status_code
    base = f"could not {ctx.what}: HTTP {code}" + (f" ({detail})" if detail else "")
    if code == 429:
        err = NetworkError(
            base + "; still rate limited after retries",
            hint="wait a minute; the service allows about 300 requests per minute per client",
            code="RATE_LIMITED",
            tracking_ids=ids,
        )
        return Transient(err, retry_after=retry_after(resp), base=base)
    if code >= 500:
        err = NetworkError(
            base,
            hint="the service is unavailable; try again later (`wxcc-desk status` shows "
            "the Webex status page)",
            code=f"HTTP_{code}",
            tracking_ids=ids,
        )
        if ctx.idempotent:
            return Transient(err, retry_after=retry_after(resp))
        return UncertainOutcome(base, hint=err.hint, tracking_ids=ids)
    if code == 401:
        return AuthError(
            base,
            hint="the token is expired or revoked: sign in again with "
            "`wxcc-desk login --web` or pass a fresh one with `--with-token`",
            code="TOKEN_REJECTED",
            tracking_ids=ids,
        )
    if code == 403:
        return AuthError(base, hint=_forbidden_hint(ctx.scope), code="FORBIDDEN", tracking_ids=ids)
    if code == 404:
        return ctx.not_found(base, hint=ctx.not_found_hint, code="NOT_FOUND", tracking_ids=ids)
    return RejectedError(
        base, hint="check the values the profile sends", code=f"HTTP_{code}", tracking_ids=ids
    )


def _forbidden_hint(scope: str) -> str:
    if scope:
        return (
            f"the token lacks the `{scope}` scope or the user lacks the role: add `{scope}` to "
            "the integration's scopes (developer.webex.com > My Webex Apps) and sign in again, "
            "or ask a Control Hub admin to grant the user's role"
        )
    return "ask a Control Hub admin to grant the user the needed role"


def _json_or_error(resp: httpx.Response, what: str) -> Any:
    try:
        return loads(resp.content)
    except ValueError:
        raise NetworkError(
            f"could not {what}: the service answered HTTP {resp.status_code} with a body that "
            "is not JSON",
            hint="check the profile's api_url: a proxy or login page may be answering",
            code="BAD_RESPONSE",
            tracking_ids=server_tracking_ids(resp),
        ) from None


def server_tracking_ids(resp: httpx.Response) -> list[str]:
    """Tracking IDs the server put in the `TrackingID` header and in the error body."""
    ids = [resp.headers.get("trackingid", "")]
    body = _body(resp)
    if isinstance(body, dict):
        ids.append(str(body.get("trackingId") or ""))
    return [i for i in dict.fromkeys(ids) if i]


def server_message(resp: httpx.Response) -> str:
    """The human text of the three error body shapes (WxCC ApiErrorResponse, Webex, AQM), cut
    to `cut_text`'s bound: a service may answer an error with megabytes of description."""
    return cut_text(_server_message(resp))


def _server_message(resp: httpx.Response) -> str:
    body = _body(resp)
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        msgs = error.get("message")
        if isinstance(msgs, list):
            texts = [str(m.get("description")) for m in msgs if isinstance(m, dict)]
            if any(texts):
                return "; ".join(t for t in texts if t)
        return str(error.get("reason") or error.get("key") or "")
    for key in ("errorMessage", "message", "errorType"):
        if body.get(key):
            return str(body[key])
    return ""


def _body(resp: httpx.Response) -> Any:
    try:
        return loads(resp.content)
    except ValueError:
        return None
