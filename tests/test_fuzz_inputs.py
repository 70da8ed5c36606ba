"""Fuzz: every input the tool reads from outside (service bodies of any status, WebSocket frames,
session records, keyring entries, tenant files) either works or is a `WxccError` (one `error:`
line, a documented exit code): never another exception, so never exit 70.

Bodies reach the real client through its transport (httpx.MockTransport), as a service's bytes
would; records and tenant files through the real readers."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wxcc_desk.api import agents, config, identity, notifications
from wxcc_desk.core.errors import WxccError
from wxcc_desk.core.statefile import StateFile
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import Timeouts, make_http
from wxcc_desk.http.limits import MAX_BODY_BYTES
from wxcc_desk.http.tls import TlsChoice
from wxcc_desk.sandbox import TenantError, parse_tenant

URL = "http://127.0.0.1:9"
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"error":{"message":[' * depth + b"]}}" * depth


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
bodies = st.one_of(
    st.binary(max_size=300),  # not UTF-8, not JSON
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(_deep, st.integers(1, 300_000), st.sampled_from(["list", "object", "error"])),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
)
statuses = st.sampled_from([200, 202, 400, 401, 403, 404, 409, 429, 500, 503])


def _call_all(body: bytes, status: int, headers: dict[str, str] | None = None) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers or {})

    async def go() -> None:
        http = make_http(
            tracker=Tracker(),
            trace=lambda _line: None,
            tls=TlsChoice(True, "test"),
            timeouts=Timeouts(connect=1, read=1, attempts=1, retry_after_cap=0),
            transport=httpx.MockTransport(answer),
        )
        calls: list[Any] = [
            identity.get_me(http, URL),
            config.get_user_by_ci(http, URL, "org", "ci"),
            config.list_aux_codes(http, URL, "org"),
            config.list_teams(http, URL, "org", ["t"]),
            agents.reload(http, URL),
            notifications.subscribe(http, URL, allow_multi_login=True, force=False),
        ]
        async with http:
            for call in calls:
                with contextlib.suppress(WxccError):
                    await call

    asyncio.run(go())


@FAST
@given(body=bodies, status=statuses)
def test_any_service_body_is_an_answer_or_one_error(body: bytes, status: int) -> None:
    _call_all(body, status)


def test_a_body_declared_above_the_bound_is_an_error_not_memory() -> None:
    _call_all(b"[]", 200, {"content-length": str(MAX_BODY_BYTES + 1)})


@FAST
@given(frame=bodies)
def test_any_websocket_frame_parses_or_is_skipped(frame: bytes) -> None:
    env = notifications.parse_frame(frame)
    assert env is None or isinstance(env.data, dict)


@FAST
@given(content=bodies)
def test_any_session_record_reads_or_is_one_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sessions" / "p.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    try:
        doc = StateFile(path).read()
    except WxccError as err:
        assert err.exit_code == 3 and "damaged" in err.message
    else:
        assert isinstance(doc, dict)


def _nested_keys(depth: int) -> str:
    return "org:\n" + "".join("  " * i + "a:\n" for i in range(1, depth))


tenant_texts = st.one_of(
    st.text(max_size=300),
    st.builds(lambda n: "org: " + "[" * n + "]" * n, st.integers(1, 2_000)),
    st.builds(
        lambda n: "org:\n" + "".join("  " * i + "a:\n" for i in range(1, n)), st.integers(1, 2000)
    ),
    st.builds(lambda n: "users: " + "{a: " * n + "1" + "}" * n, st.integers(1, 2_000)),
    json_values.map(lambda v: json.dumps({"org": v, "users": [v]})),
)


@settings(max_examples=15, deadline=None)
@given(text=tenant_texts)
@example(text="org: " + "[" * 100_000 + "]" * 100_000)  # once an internal error (exit 70)
@example(text="users: " + "{a: " * 100_000 + "1" + "}" * 100_000)
def test_any_tenant_file_loads_or_is_one_tenant_error(text: str) -> None:
    try:
        parse_tenant(text, "fuzz.yaml")
    except TenantError as err:
        assert "\n" not in str(err)
