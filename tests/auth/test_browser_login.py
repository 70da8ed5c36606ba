"""`login --web`: PKCE on a loopback redirect, driven against the sandbox's authorize endpoint."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.support.file_keyring import FileKeyring
from wxcc_desk.auth.browser import Pkce, WebLogin, login_web
from wxcc_desk.auth.credentials import resolve_tokens
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import AuthError, ConfigError
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.profiles.load import Profile, load_profile
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]


def sandbox_profile(sandbox: SandboxHandle, **overrides: object) -> Profile:
    env = {**os.environ, "WXCC_BASE_URL": sandbox.url}
    return load_profile(str(ROOT / "profiles" / "sandbox.yaml"), env=env, overrides=overrides)


def browser(tamper: dict[str, str] | None = None, seen: list[str] | None = None):  # type: ignore[no-untyped-def]
    """A scripted browser: follow the authorize redirect to our loopback callback."""

    async def browse(url: str) -> None:
        if seen is not None:
            seen.append(url)
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.get(url)
            assert answer.status_code == 302, answer.text
            location = answer.headers["location"]
            if tamper is not None:
                parts = urlsplit(location)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()} | tamper
                location = parts._replace(query=urlencode(query)).geturl()
            await client.get(location)

    return browse


def run(coro: object) -> WebLogin:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_web_login_gets_stores_and_uses_tokens(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    profile, actx = sandbox_profile(sandbox), AppContext()
    seen: list[str] = []
    result = run(login_web(profile, actx, browser=browser(seen=seen), deadline=10))
    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["login_hint"] == ["sam@example.com"]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert result.tokens.source == "oauth"
    assert result.tokens.refresh
    assert result.stored.stored
    assert isolated_keyring.get_password(SERVICE, "sandbox:tokens") is not None
    again = resolve_tokens(profile, AppContext(), None)
    assert (again.source, again.access) == ("keyring", result.tokens.access)
    me = httpx.get(
        f"{sandbox.url}/v1/people/me",
        headers={"Authorization": f"Bearer {again.access}"},
        trust_env=False,
    )
    assert me.status_code == 200
    assert me.json()["emails"] == ["sam@example.com"]
    form = next(r for r in sandbox.requests if r.path == "/v1/access_token")
    assert form.method == "POST"


@pytest.mark.usefixtures("failing_keyring")
def test_web_login_without_keyring_still_returns_tokens(sandbox: SandboxHandle) -> None:
    result = run(login_web(sandbox_profile(sandbox), AppContext(), browser=browser(), deadline=10))
    assert result.tokens.access
    assert not result.stored.stored
    assert "keyring.backends.fail.Keyring" in result.stored.reason


def test_only_answers_with_another_state_end_in_a_state_mismatch(sandbox: SandboxHandle) -> None:
    profile = sandbox_profile(sandbox)
    with pytest.raises(AuthError) as info:
        run(login_web(profile, AppContext(), browser=browser({"state": "x"}), deadline=0.3))
    assert info.value.code == "STATE_MISMATCH"
    assert "1 answer(s) that did not match" in info.value.message
    assert "close other sign-in tabs" in info.value.hint


def test_a_stray_answer_is_refused_and_the_real_redirect_still_signs_in(
    sandbox: SandboxHandle,
) -> None:
    strays: list[int] = []

    async def with_stray(url: str) -> None:
        callback = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        async with httpx.AsyncClient(trust_env=False) as client:
            for query in ("state=junk&code=x", "state=junk&error=access_denied", ""):
                strays.append((await client.get(f"{callback}?{query}")).status_code)
        await browser()(url)

    profile = sandbox_profile(sandbox)
    result = run(login_web(profile, AppContext(), browser=with_stray, deadline=10))
    assert strays == [400, 400, 400]
    assert result.tokens.access


def test_loopback_serves_the_matching_answer_once_after_strays() -> None:
    from wxcc_desk.auth.loopback import Loopback

    async def go() -> tuple[list[int], str]:
        async with Loopback(0, "the-state") as lb:
            async with httpx.AsyncClient(trust_env=False) as client:
                statuses = [
                    (await client.get(f"{lb.redirect_uri}?{query}")).status_code
                    for query in ("state=junk&code=x", "state=the-state&code=good", "state=x")
                ]
            return statuses, await lb.wait(5)

    assert asyncio.run(go()) == ([400, 200, 410], "good")


def test_refused_sign_in_says_why(sandbox: SandboxHandle) -> None:
    tamper = {"error": "access_denied", "error_description": "user said no", "code": ""}
    with pytest.raises(AuthError) as info:
        run(login_web(sandbox_profile(sandbox), AppContext(), browser=browser(tamper)))
    assert "access_denied" in info.value.message
    assert "user said no" in info.value.message


def test_a_code_the_server_refuses_is_an_auth_error(sandbox: SandboxHandle) -> None:
    with pytest.raises(AuthError) as info:
        prof = sandbox_profile(sandbox)
        run(login_web(prof, AppContext(), browser=browser({"code": "bogus"})))
    assert info.value.code == "GRANT_REFUSED"
    assert f"login --web -p {prof.cli_ref}" in info.value.hint


def test_no_answer_before_the_deadline(sandbox: SandboxHandle) -> None:
    async def idle(url: str) -> None:
        return None

    with pytest.raises(AuthError) as info:
        run(login_web(sandbox_profile(sandbox), AppContext(), browser=idle, deadline=0.2))
    assert info.value.code == "SIGN_IN_TIMEOUT"


def test_missing_client_id_and_busy_port_are_config_errors(sandbox: SandboxHandle) -> None:
    profile = sandbox_profile(sandbox)
    from dataclasses import replace

    no_client = replace(profile, oauth=replace(profile.oauth, client_id=None))
    with pytest.raises(ConfigError, match=r"oauth\.client_id"):
        run(login_web(no_client, AppContext(), browser=browser()))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = sandbox_profile(sandbox, **{"oauth.redirect_port": port})
        with pytest.raises(ConfigError, match="cannot listen") as info:
            run(login_web(taken, AppContext(), browser=browser()))
        assert "oauth.redirect_port" in info.value.hint


def test_loopback_ignores_strangers_and_serves_the_callback_once(sandbox: SandboxHandle) -> None:
    async def nosy(url: str) -> None:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        base = redirect.rsplit("/", 1)[0]
        async with httpx.AsyncClient(trust_env=False) as client:
            assert (await client.get(f"{base}/favicon.ico")).status_code == 404
            assert (await client.post(redirect)).status_code == 404
        await browser()(url)

    result = run(login_web(sandbox_profile(sandbox), AppContext(), browser=nosy, deadline=10))
    assert result.tokens.access


def test_pkce_pair_matches_rfc7636() -> None:
    import base64
    import hashlib

    pair = Pkce.new()
    assert 43 <= len(pair.verifier) <= 128
    digest = hashlib.sha256(pair.verifier.encode()).digest()
    assert pair.challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert Pkce.new().verifier != pair.verifier


def test_identity_outage_during_the_exchange_is_a_network_error(sandbox: SandboxHandle) -> None:
    from wxcc_desk.core.errors import NetworkError

    sandbox.add_fault("error=503,path=/v1/access_token")
    with pytest.raises(NetworkError) as info:
        run(login_web(sandbox_profile(sandbox), AppContext(), browser=browser(), deadline=10))
    assert info.value.code == "IDENTITY_UNAVAILABLE"
    assert "HTTP 503" in info.value.message


def test_unreachable_identity_service_is_a_network_error(sandbox: SandboxHandle) -> None:
    from wxcc_desk.core.errors import NetworkError

    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{spare.getsockname()[1]}"
    profile = sandbox_profile(sandbox, identity_url=dead)

    async def via_sandbox(url: str) -> None:
        await browser()(url.replace(dead, sandbox.url))

    with pytest.raises(NetworkError, match="exchange the sign-in code"):
        run(login_web(profile, AppContext(), browser=via_sandbox, deadline=10))
