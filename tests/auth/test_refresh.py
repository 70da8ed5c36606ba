"""RefreshingAuth against the sandbox: one refresh on expiry or 401, never a loop."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import httpx
import pytest

from tests.auth.test_browser_login import browser
from tests.support.file_keyring import FileKeyring
from wxcc_desk.api.tokens import TokenSet
from wxcc_desk.auth.browser import login_web
from wxcc_desk.auth.credentials import store_tokens
from wxcc_desk.auth.refresh import RefreshingAuth
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import AuthError
from wxcc_desk.core.keystore import SERVICE
from wxcc_desk.profiles.load import Profile, load_profile
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]


def sandbox_profile(sandbox: SandboxHandle) -> Profile:
    env = {**os.environ, "WXCC_BASE_URL": sandbox.url}
    return load_profile(str(ROOT / "profiles" / "sandbox.yaml"), env=env)


def signed_in(sandbox: SandboxHandle) -> tuple[Profile, AppContext, TokenSet]:
    profile, actx = sandbox_profile(sandbox), AppContext()
    result = asyncio.run(login_web(profile, actx, browser=browser(), deadline=10))
    return profile, actx, result.tokens


def token_posts(sandbox: SandboxHandle) -> int:
    return sum(1 for r in sandbox.requests if r.path == "/v1/access_token")


async def get_me(sandbox: SandboxHandle, auth: RefreshingAuth, n: int = 1) -> list[int]:
    async with httpx.AsyncClient(auth=auth, trust_env=False) as client:
        answers = await asyncio.gather(
            *(client.get(f"{sandbox.url}/v1/people/me") for _ in range(n))
        )
    return [a.status_code for a in answers]


def test_rejected_token_is_refreshed_once_and_stored(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.revoke_token(token=tokens.access)
    before = token_posts(sandbox)
    auth = RefreshingAuth(profile, actx, tokens)
    assert asyncio.run(get_me(sandbox, auth, n=5)) == [200] * 5
    assert token_posts(sandbox) - before == 1  # five 401s, one refresh
    assert auth.refreshed
    assert auth.tokens.access != tokens.access
    assert auth.store_result is not None and auth.store_result.stored
    kept = json.loads(isolated_keyring.get_password(SERVICE, "sandbox:tokens") or "{}")
    assert kept["access_token"] == auth.tokens.access


def test_known_expiry_refreshes_before_the_first_request(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    stale = TokenSet(tokens.access, tokens.refresh, time.time() - 5, "keyring")
    auth = RefreshingAuth(profile, actx, stale)
    assert asyncio.run(get_me(sandbox, auth)) == [200]
    paths = [r.path for r in sandbox.requests]
    assert paths[-2:] == ["/v1/access_token", "/v1/people/me"]


def test_sync_clients_refresh_too(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.expire_token(token=tokens.access)
    auth = RefreshingAuth(profile, actx, tokens)
    with httpx.Client(auth=auth, trust_env=False) as client:
        assert client.get(f"{sandbox.url}/v1/people/me").status_code == 200
    assert auth.refreshed


def test_a_second_401_is_an_auth_error_not_a_loop(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.add_fault("error=401,path=/v1/people/me,times=5")
    before = token_posts(sandbox)
    auth = RefreshingAuth(profile, actx, tokens)
    with pytest.raises(AuthError) as info:
        asyncio.run(get_me(sandbox, auth))
    assert "even after a refresh" in info.value.message
    assert f"login --web -p {profile.cli_ref}" in info.value.hint
    assert token_posts(sandbox) - before == 1
    with pytest.raises(AuthError):  # later requests do not refresh again
        asyncio.run(get_me(sandbox, auth))
    assert token_posts(sandbox) - before == 1


def test_each_expiry_of_a_long_run_is_refreshed(sandbox: SandboxHandle) -> None:
    """A multi-day hold: the refreshed token expires too, and is refreshed again."""
    profile, actx, tokens = signed_in(sandbox)
    before = token_posts(sandbox)
    auth = RefreshingAuth(profile, actx, tokens)

    async def run() -> list[int]:
        codes = []
        async with httpx.AsyncClient(auth=auth, trust_env=False) as client:
            for _ in range(3):
                sandbox.expire_token(token=auth.tokens.access)
                answers = await asyncio.gather(
                    *(client.get(f"{sandbox.url}/v1/people/me") for _ in range(3))
                )
                codes += [a.status_code for a in answers]
        return codes

    assert asyncio.run(run()) == [200] * 9
    assert token_posts(sandbox) - before == 3  # one refresh per expiry, shared by 3 requests


def test_a_known_expiry_of_a_refreshed_token_refreshes_again(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    stale = TokenSet(tokens.access, tokens.refresh, time.time() - 5, "keyring")
    auth = RefreshingAuth(profile, actx, stale)
    assert asyncio.run(get_me(sandbox, auth)) == [200]
    first = auth.tokens
    # the stored expiry of the refreshed token passes (hours later in a real hold)
    auth.tokens = TokenSet(first.access, first.refresh, time.time() - 5, first.source)
    before = token_posts(sandbox)
    assert asyncio.run(get_me(sandbox, auth)) == [200]
    assert token_posts(sandbox) - before == 1
    assert auth.tokens.access != first.access


def test_a_token_minted_already_stale_is_not_refreshed_before_every_request(
    sandbox: SandboxHandle,
) -> None:
    sandbox.tenant.users["sam@example.com"].token_lifetime = 30  # inside the 60 s expiry skew
    profile, actx, tokens = signed_in(sandbox)
    auth = RefreshingAuth(profile, actx, tokens)
    before = token_posts(sandbox)
    assert asyncio.run(get_me(sandbox, auth, n=1)) == [200]
    assert asyncio.run(get_me(sandbox, auth, n=1)) == [200]
    assert token_posts(sandbox) - before == 1  # the early refresh, then none


def test_a_refused_refresh_token_says_sign_in_again(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.revoke_token(token=tokens.access)
    auth = RefreshingAuth(profile, actx, TokenSet(tokens.access, "bogus-refresh-token-1234"))
    with pytest.raises(AuthError) as info:
        asyncio.run(get_me(sandbox, auth))
    assert info.value.code == "GRANT_REFUSED"
    assert "HTTP 400" in info.value.message


def test_env_token_without_refresh_is_reported_by_source(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.revoke_token(token=tokens.access)
    auth = RefreshingAuth(profile, actx, TokenSet(tokens.access, source="env"))
    with pytest.raises(AuthError) as info:
        asyncio.run(get_me(sandbox, auth))
    assert "WXCC_ACCESS_TOKEN" in info.value.message
    assert "no refresh token" in info.value.message


@pytest.mark.usefixtures("failing_keyring")
def test_refresh_works_when_the_new_tokens_cannot_be_stored(sandbox: SandboxHandle) -> None:
    profile, actx, tokens = signed_in(sandbox)
    sandbox.revoke_token(token=tokens.access)
    auth = RefreshingAuth(profile, actx, tokens)
    assert asyncio.run(get_me(sandbox, auth)) == [200]
    assert auth.store_result is not None
    assert not auth.store_result.stored


def test_client_secret_comes_from_env_or_keyring_never_the_file(
    sandbox: SandboxHandle, isolated_keyring: FileKeyring
) -> None:
    sandbox.tenant.oauth.client_secret = "sandbox-secret-0123456789"
    profile, actx, tokens = signed_in_with_secret(
        sandbox, {"WXCC_CLIENT_SECRET": "sandbox-secret-0123456789"}
    )
    sandbox.revoke_token(token=tokens.access)
    isolated_keyring.set_password(SERVICE, "sandbox:client_secret", "sandbox-secret-0123456789")
    auth = RefreshingAuth(profile, AppContext(), tokens)  # no env: the keyring has it
    assert asyncio.run(get_me(sandbox, auth)) == [200]
    isolated_keyring.delete_password(SERVICE, "sandbox:client_secret")
    sandbox.revoke_token(token=auth.tokens.access)
    without = RefreshingAuth(profile, AppContext(), auth.tokens)
    with pytest.raises(AuthError, match="refused"):
        asyncio.run(get_me(sandbox, without))
    del actx


def signed_in_with_secret(
    sandbox: SandboxHandle, env: dict[str, str]
) -> tuple[Profile, AppContext, TokenSet]:
    profile, actx = sandbox_profile(sandbox), AppContext(env={**os.environ, **env})
    result = asyncio.run(login_web(profile, actx, browser=browser(), deadline=10))
    store_tokens(profile, actx, result.tokens)
    return profile, actx, result.tokens
