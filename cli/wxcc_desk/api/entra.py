"""Microsoft identity platform (Entra ID, v2.0 endpoints): the device authorization grant.

RFC 8628 on httpx rather than MSAL: MSAL for Python (1.39) refuses any authority that is not
`https://` ("Your given address (http://127.0.0.1:PORT/tenant) should consist of an https url
..."), so it cannot be pointed at the loopback sandbox, and its blocking `requests` calls do not
fit the async flows. See docs/teams.md.

The token endpoint's failures are returned as `MsError` values rather than raised, because a
device-code poll expects most of them (`authorization_pending`, `slow_down`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import ConfigError, NetworkError
from wxcc_desk.http.client import Http
from wxcc_desk.http.limits import loads

if TYPE_CHECKING:
    import httpx

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# offline_access asks for a refresh token; the two Graph permissions are what status probes.
SCOPES = ("offline_access", "User.Read", "Presence.Read")
_CONFIG_HINT = "check `teams.tenant` and `teams.client_id` in the profile (the Entra tenant id or "
_CONFIG_HINT += "domain, and the app registration's client id an Entra admin gives you)"


@dataclass(frozen=True)
class Endpoints:
    authority_url: str
    tenant: str

    @property
    def root(self) -> str:
        return f"{self.authority_url}/{self.tenant}"

    @property
    def device_code(self) -> str:
        return f"{self.root}/oauth2/v2.0/devicecode"

    @property
    def token(self) -> str:
        return f"{self.root}/oauth2/v2.0/token"

    @property
    def openid_configuration(self) -> str:
        return f"{self.root}/v2.0/.well-known/openid-configuration"


@dataclass(frozen=True)
class DeviceAuthorization:
    """The device authorization response (RFC 8628 3.2); `device_code` is a secret."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int
    message: str = ""


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_in: int
    refresh_token: str | None = None
    scope: str = ""


@dataclass(frozen=True)
class MsError:
    """An identity platform error body: OAuth `error`, AADSTS codes and the tracking IDs."""

    error: str
    description: str = ""
    codes: tuple[int, ...] = ()
    trace_id: str = ""
    correlation_id: str = ""
    status: int = 400

    @property
    def summary(self) -> str:
        """The description without its `Trace ID: ...` tail (those are listed separately)."""
        return self.description.split(" Trace ID:")[0].split("\r\n")[0].strip() or self.error

    @property
    def tracking_ids(self) -> tuple[str, ...]:
        pairs = (("trace_id", self.trace_id), ("correlation_id", self.correlation_id))
        return tuple(f"{name}={value}" for name, value in pairs if value)


def parse_error(resp: httpx.Response) -> MsError:
    try:
        body: Any = loads(resp.content)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("error"):
        return MsError(f"http_{resp.status_code}", resp.reason_phrase, status=resp.status_code)
    return MsError(
        error=str(body["error"]),
        description=str(body.get("error_description") or ""),
        codes=tuple(int(c) for c in body.get("error_codes") or [] if str(c).isdigit()),
        trace_id=str(body.get("trace_id") or ""),
        correlation_id=str(body.get("correlation_id") or ""),
        status=resp.status_code,
    )


async def _post_form(http: Http, url: str, form: dict[str, str], what: str) -> httpx.Response:
    import httpx

    try:
        resp = await http.client.post(url, data=form)
    except httpx.HTTPError as err:
        raise NetworkError(
            f"could not {what}: {type(err).__name__}: {err}",
            hint="check the network or proxy and the profile's `teams.authority_url`",
            code="NETWORK",
        ) from None
    tid = resp.headers.get("x-ms-request-id")
    http.tracker.record_server_id(tid)
    return resp


async def request_device_code(
    http: Http, ep: Endpoints, client_id: str, scopes: tuple[str, ...] = SCOPES
) -> DeviceAuthorization:
    """Start the grant; configuration mistakes (tenant, client id) raise ConfigError."""
    form = {"client_id": client_id, "scope": " ".join(scopes)}
    resp = await _post_form(http, ep.device_code, form, "start the Microsoft sign-in")
    if resp.status_code != 200:
        err = parse_error(resp)
        raise as_wxcc_error(err, "start the Microsoft sign-in")
    body = json_object(resp, "start the Microsoft sign-in")
    return DeviceAuthorization(
        device_code=str(body["device_code"]),
        user_code=str(body["user_code"]),
        verification_uri=str(body.get("verification_uri") or body.get("verification_url")),
        expires_in=_int(body.get("expires_in"), 900),
        interval=_int(body.get("interval"), 5),  # RFC 8628: 5 s when absent; 0 is valid
        message=str(body.get("message") or ""),
    )


async def redeem_device_code(
    http: Http, ep: Endpoints, client_id: str, device_code: str
) -> TokenSet | MsError:
    """One poll of the token endpoint (RFC 8628 3.4)."""
    form = {"grant_type": DEVICE_CODE_GRANT, "client_id": client_id, "device_code": device_code}
    return await _token(http, ep, form, "finish the Microsoft sign-in")


async def redeem_refresh_token(
    http: Http, ep: Endpoints, client_id: str, refresh_token: str, scopes: tuple[str, ...] = SCOPES
) -> TokenSet | MsError:
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": refresh_token,
        "scope": " ".join(scopes),
    }
    return await _token(http, ep, form, "renew the Microsoft token")


async def _token(http: Http, ep: Endpoints, form: dict[str, str], what: str) -> TokenSet | MsError:
    resp = await _post_form(http, ep.token, form, what)
    return token_from_response(resp)


def refresh_request(ep: Endpoints, client_id: str, refresh_token: str) -> httpx.Request:
    """The refresh request as a value, for the `httpx.Auth` flow that renews on a 401."""
    import httpx

    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": refresh_token,
        "scope": " ".join(SCOPES),
    }
    return httpx.Request("POST", ep.token, data=form)


def token_from_response(resp: httpx.Response) -> TokenSet | MsError:
    if resp.status_code != 200:
        return parse_error(resp)
    try:
        body: Any = loads(resp.content)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("access_token"):
        return MsError(
            "invalid_response",
            "the token endpoint answered without an access_token",
            status=resp.status_code,
        )
    return TokenSet(
        access_token=str(body["access_token"]),
        expires_in=int(body.get("expires_in") or 3600),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        scope=str(body.get("scope") or ""),
    )


async def get_openid_configuration(http: Http, ep: Endpoints) -> dict[str, Any]:
    """The tenant's discovery document: proves the tenant exists and the authority answers."""
    import httpx

    what = "read the Entra tenant's OpenID configuration"
    try:
        resp = await http.client.get(ep.openid_configuration)
    except httpx.HTTPError as err:
        raise NetworkError(
            f"could not {what}: {type(err).__name__}: {err}",
            hint="check the network or proxy and the profile's `teams.authority_url`",
        ) from None
    if resp.status_code != 200:
        raise as_wxcc_error(parse_error(resp), what)
    return json_object(resp, what)


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def json_object(
    resp: httpx.Response,
    what: str,
    *,
    key: str = "teams.authority_url",
    tracking_ids: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """The JSON object a Microsoft endpoint answered, or a NetworkError naming the profile key
    whose URL answered something else (often a proxy or a login page)."""
    try:
        body = loads(resp.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise NetworkError(
            f"could not {what}: the answer was not JSON (HTTP {resp.status_code})",
            hint=f"check `{key}`: a proxy or login page may be answering",
            code="BAD_RESPONSE",
            tracking_ids=tracking_ids,
        )
    return body


def as_wxcc_error(err: MsError, what: str) -> ConfigError | NetworkError:
    """Errors outside the token poll: a wrong tenant or client id, or the service failing."""
    text = f"could not {what}: {err.error} ({err.summary})"
    if err.status >= 500 or err.error == "temporarily_unavailable":
        return NetworkError(
            text,
            hint="Microsoft's sign-in service is unavailable; try again later",
            code="MS_UNAVAILABLE",
            tracking_ids=err.tracking_ids,
        )
    return ConfigError(
        text, hint=_CONFIG_HINT, code=err.error.upper(), tracking_ids=err.tracking_ids
    )
