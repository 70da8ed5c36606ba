"""The one client factory: the profile's TLS choice, timeouts and the https rule on every client."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.factory import TEAMS_URLS, client_for
from wxcc_desk.profiles.schema import Profile, TeamsSettings, Timeouts


def _profile(**kw: object) -> Profile:
    base: dict[str, object] = {
        "name": "t",
        "path": None,
        "user": "a@example.com",
        "role": "agent",
        "api_url": "http://127.0.0.1:9",
        "identity_url": "http://127.0.0.1:9",
        "status_url": "http://127.0.0.1:9",
    }
    return Profile(**{**base, **kw})  # type: ignore[arg-type]


def _get(profile: Profile, url: str, **kw: object) -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def go() -> None:
        async with client_for(
            profile,
            tracker=Tracker(run_id="run1"),
            trace=[].append,
            env={},
            transport=httpx.MockTransport(handler),
            **kw,  # type: ignore[arg-type]
        ) as http:
            await http.get_json(url, what="read it")

    asyncio.run(go())
    return seen


def test_a_client_from_a_profile_sends_tracking_ids_and_uses_its_timeouts() -> None:
    profile = _profile(timeouts=Timeouts(connect=1.5, read=2.5))
    seen = _get(profile, "http://127.0.0.1:9/v1/people/me")
    assert seen[0].headers["TrackingId"].startswith("WXCCDESK_run1_")
    assert seen[0].extensions["timeout"] == {"connect": 1.5, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_a_plain_http_profile_url_off_loopback_is_refused_before_a_client_exists() -> None:
    with pytest.raises(ConfigError) as err:
        _get(_profile(status_url="http://status.example.com"), "http://127.0.0.1:9/x")
    assert err.value.code == "INSECURE_URL"
    assert "status_url" in err.value.message


def test_every_request_obeys_the_https_rule() -> None:
    teams = TeamsSettings(authority_url="https://login.example.com")
    with pytest.raises(ConfigError) as err:
        _get(_profile(teams=teams), "http://login.example.com/t/oauth2/v2.0/token", urls=TEAMS_URLS)
    assert err.value.code == "INSECURE_URL"
    assert "the request URL" in err.value.message  # http://... is under no profile URL
    with pytest.raises(ConfigError) as err:
        _get(_profile(), "http://api.example.com/v1/x")
    assert "is not HTTPS" in err.value.message
