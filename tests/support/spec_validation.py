"""Validate requests and responses against the published OpenAPI files with openapi-core.

The specs live in `<repo>/../shared/specs/` (CI clones `shared/` beside the repo), or in the
folder `WXCC_DESK_SPECS` names (a test run from an unpacked sdist, which does not ship them:
`tasks.py smoke` points it at the checkout's copy). Each path is
mapped to its spec file; the people spec's paths lack the `/v1` the live URLs carry. Paths no spec
describes (see `NOT_IN_SPEC` and docs/sandbox.md) come back as "not in spec", never as a pass.

    check = validate_response("GET", "/v1/people/me", 200, headers, body)
    check.raise_for_problems()      # AssertionError unless in a spec and valid
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

REPO = Path(__file__).resolve().parents[2]
SPECS_DIR = Path(os.environ.get("WXCC_DESK_SPECS") or REPO.parent / "shared" / "specs")
HOST = "http://sandbox.invalid"

_ORG = r"^/organization/[^/]+(?:/v2)?/"
# (pattern, spec file, path rewrite) in match order.
_ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/v1/agents/"), "webex-agents-api-openapi.yml"),
    (re.compile(r"^/v1/notification/subscribe$"), "webex-notification-api-openapi.yml"),
    (re.compile(r"^/v1/people(?:/|$)"), "webex-people-api-openapi.yml"),
    (re.compile(_ORG + r"auxiliary-code(?:/|$)"), "webex-auxiliary-code-api-openapi.yml"),
    (re.compile(_ORG + r"agent-profile(?:/|$)"), "webex-desktop-profile-api-openapi.yml"),
    (re.compile(_ORG + r"dial-plan(?:/|$)"), "webex-dial-plan-api-openapi.yml"),
    (re.compile(_ORG + r"multimedia-profile(?:/|$)"), "webex-multimedia-profile-api-openapi.yml"),
    (re.compile(_ORG + r"site(?:/|$)"), "webex-site-api-openapi.yml"),
    (re.compile(_ORG + r"skill-profile(?:/|$)"), "webex-skill-profile-api-openapi.yml"),
    (re.compile(_ORG + r"team(?:/|$)"), "webex-team-api-openapi.yml"),
    (re.compile(_ORG + r"user(?:/|$)"), "webex-users-api-openapi.yml"),
]
# The spec has PUT logout; the SDK and the sample send POST (protocol §3): check POST as PUT.
METHOD_ALIASES = {("POST", "/v1/agents/logout"): "PUT"}
# Served by the sandbox (and used by the SDK) but described by no spec file.
NOT_IN_SPEC = (
    "GET /organization/{orgId}",
    "GET /organization/{orgId}/v2/organization-setting",
    "GET /organization/{orgId}/v2/tenant-configuration",
    "GET /organization/{orgId}/desktop-login (sandbox/microsoft/wxcc.py)",
    "GET /v1/authorize",
    "POST /v1/access_token",
    "GET /v1/notification/subscription/{subscriptionId} (WebSocket)",
    "status page: /api/v2/*.json, /index.json, /components.json, ...",
    "Microsoft identity and Graph paths",
    "control API: /_sandbox/...",
)


@dataclass(frozen=True)
class SpecCheck:
    """The outcome of one validation: which spec (None = not in any spec) and the problems."""

    method: str
    path: str
    spec: str | None
    errors: tuple[str, ...] = ()

    @property
    def in_spec(self) -> bool:
        return self.spec is not None

    @property
    def ok(self) -> bool:
        return self.in_spec and not self.errors

    def raise_for_problems(self) -> None:
        if not self.in_spec:
            raise AssertionError(
                f"{self.method} {self.path}: not in spec (no OpenAPI file covers it)"
            )
        if self.errors:
            joined = "\n  ".join(self.errors)
            raise AssertionError(
                f"{self.method} {self.path} does not match {self.spec}:\n  {joined}"
            )


def spec_for(path: str) -> tuple[str, str] | None:
    """(spec file, path as the spec writes it) or None when no spec covers the path."""
    for pattern, name in _ROUTES:
        if pattern.search(path):
            return name, path[3:] if name.startswith("webex-people") else path
    return None


@cache
def _openapi(name: str) -> OpenAPI:
    path = SPECS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: clone the shared specs beside the repo (../shared/specs) "
            "or set WXCC_DESK_SPECS to their folder"
        )
    data = _normalise(yaml.safe_load(path.read_text(encoding="utf-8")))
    # The users spec has a pattern Python's `re` rejects: skip the spec self-check, as advised.
    # Several config specs declare their JSON bodies as `*/*`; decode those as JSON too.
    config = Config(spec_validator_cls=None, extra_media_type_deserializers={"*/*": json.loads})
    return OpenAPI.from_dict(data, config=config)


_CLASS_RANGE = re.compile(r"(\\[dws])-")


def _normalise(node: Any, key: str = "") -> Any:
    """Undo two generator artefacts in memory (the files stay unchanged; docs/sandbox.md):
    - patterns such as `[\\d-_]` that ECMA-262 reads as a literal `-` but Python's `re` rejects;
    - `meta` maps typed `additionalProperties: {type: object}` (Java `Map<String, Object>`,
      i.e. any value), which would reject the numbers real responses carry (`totalPages`...).
    """
    if isinstance(node, dict):
        out = {k: _normalise(v, k) for k, v in node.items()}
        pattern = out.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error:
                out["pattern"] = _CLASS_RANGE.sub(r"\1\\-", pattern)
        if key == "meta" and out.get("additionalProperties") == {"type": "object"}:
            out["additionalProperties"] = {}
        return out
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def _bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def _content_type(headers: dict[str, str] | None, default: str = "application/json") -> str:
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            return value.split(";")[0].strip()
    return default


def _errors(exc: BaseException) -> tuple[str, ...]:
    found = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__
    for err in getattr(cause, "schema_errors", ()) or ():
        where = "/".join(str(p) for p in err.absolute_path) or "(body)"
        found.append(f"{where}: {err.message}")
    if cause is not None and not getattr(cause, "schema_errors", None):
        found.append(f"{type(cause).__name__}: {cause}")
    return tuple(found)


def _request(method: str, path: str, query: Any, headers: Any, body: Any) -> MockRequest:
    return MockRequest(
        HOST,
        method.lower(),
        path,
        args=dict(query or {}),
        headers=dict(headers or {}),
        data=_bytes(body),
        content_type=_content_type(headers),
    )


def validate_request(
    method: str, path: str, query: Any = None, headers: Any = None, body: Any = None
) -> SpecCheck:
    """Check a request (as the client sent it) against its spec."""
    found = spec_for(path)
    if found is None:
        return SpecCheck(method.upper(), path, None)
    name, spec_path = found
    method = METHOD_ALIASES.get((method.upper(), path), method)
    try:
        _openapi(name).validate_request(_request(method, spec_path, query, headers, body))
    except Exception as exc:  # openapi-core raises one of many error types; report them all
        return SpecCheck(method.upper(), path, name, _errors(exc))
    return SpecCheck(method.upper(), path, name)


def validate_response(
    method: str, path: str, status: int, headers: Any = None, body: Any = None
) -> SpecCheck:
    """Check a response (as the sandbox answered) against the spec of its path."""
    found = spec_for(path)
    if found is None:
        return SpecCheck(method.upper(), path, None)
    name, spec_path = found
    request = _request(
        METHOD_ALIASES.get((method.upper(), path), method), spec_path, None, None, None
    )
    response = MockResponse(
        _bytes(body),
        status_code=status,
        headers=dict(headers or {}),
        content_type=_content_type(headers),
    )
    try:
        _openapi(name).validate_response(request, response)
    except Exception as exc:
        return SpecCheck(method.upper(), path, name, _errors(exc))
    return SpecCheck(method.upper(), path, name)


def validate_recorded(record: Any) -> tuple[SpecCheck, SpecCheck]:
    """Both checks for one entry of `SandboxHandle.requests`."""
    req = validate_request(
        record.method, record.path, record.query, record.headers, record.raw_body
    )
    resp = validate_response(
        record.method, record.path, record.status, record.response_headers, record.response_body
    )
    return req, resp
