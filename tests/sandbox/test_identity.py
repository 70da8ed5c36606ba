"""Webex identity: people, and OAuth authorize (PKCE) + token (code and refresh grants)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from tests.sandbox.helpers import assert_spec, client
from wxcc_desk.sandbox import SandboxHandle, parse_tenant

REDIRECT = "http://127.0.0.1:8765/callback"


def _decode(hydra_id: str) -> str:
    return base64.b64decode(hydra_id + "=" * (-len(hydra_id) % 4)).decode()


def test_people_me_gives_hydra_ids_of_the_ci_user_and_org(sandbox: SandboxHandle) -> None:
    alice = sandbox.user("alice@example.com")
    with client(sandbox, "alice@example.com") as c:
        r = c.get("/v1/people/me")
    assert r.status_code == 200
    assert_spec(r)
    me = r.json()
    assert _decode(me["id"]) == f"ciscospark://us/PEOPLE/{alice.ci_user_id}"
    assert _decode(me["orgId"]) == f"ciscospark://us/ORGANIZATION/{sandbox.org_id}"
    assert me["emails"] == ["alice@example.com"]
    assert alice.token.split("_")[2] == sandbox.org_id  # the SAMPLE's token split
    assert alice.id != alice.ci_user_id


def test_people_by_email(sandbox: SandboxHandle) -> None:
    with client(sandbox, "admin@example.com") as c:
        found = c.get("/v1/people", params={"email": "bob@example.com"})
        none = c.get("/v1/people", params={"email": "nobody@example.com"})
        bad = c.get("/v1/people")
    assert_spec(found)
    assert [p["emails"] for p in found.json()["items"]] == [["bob@example.com"]]
    assert none.json()["items"] == []
    assert bad.status_code == 400
    assert_spec(bad)
    assert bad.json()["errors"][0]["description"]


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _authorize(c, challenge: str, **extra: str):  # type: ignore[no-untyped-def]
    params = {
        "response_type": "code",
        "client_id": "wxcc-desk-sandbox",
        "redirect_uri": REDIRECT,
        "scope": "cjp:user spark:people_read",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return c.get("/v1/authorize", params=params, follow_redirects=False)


def test_authorization_code_with_pkce_then_refresh(sandbox: SandboxHandle) -> None:
    verifier, challenge = _pkce()
    with client(sandbox) as c:
        r = _authorize(c, challenge, login_hint="alice@example.com")
        assert r.status_code == 302
        location = urlsplit(r.headers["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["s1"]
        form = {
            "grant_type": "authorization_code",
            "client_id": "wxcc-desk-sandbox",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        }
        tok = c.post("/v1/access_token", data=form)
        assert tok.status_code == 200, tok.text
        body = tok.json()
        assert set(body) == {
            "access_token",
            "expires_in",
            "refresh_token",
            "refresh_token_expires_in",
            "token_type",
            "scope",
        }
        assert body["scope"] == "cjp:user spark:people_read"
        assert body["access_token"].endswith(f"_PF84_{sandbox.org_id}")
        assert c.post("/v1/access_token", data=form).status_code == 400  # codes are single-use
        me = c.get("/v1/people/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["emails"] == ["alice@example.com"]
        sandbox.expire_token(token=body["access_token"])
        assert (
            c.get(
                "/v1/people/me", headers={"Authorization": f"Bearer {body['access_token']}"}
            ).status_code
            == 401
        )
        fresh = c.post(
            "/v1/access_token",
            data={
                "grant_type": "refresh_token",
                "client_id": "wxcc-desk-sandbox",
                "refresh_token": body["refresh_token"],
            },
        )
        assert fresh.status_code == 200
        new = fresh.json()["access_token"]
        assert new != body["access_token"]
        assert c.get("/v1/people/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_wrong_verifier_bad_grant_and_bad_refresh(sandbox: SandboxHandle) -> None:
    _, challenge = _pkce()
    with client(sandbox) as c:
        code = parse_qs(
            urlsplit(
                _authorize(c, challenge, login_hint="bob@example.com").headers["Location"]
            ).query
        )["code"][0]
        bad = c.post(
            "/v1/access_token",
            data={
                "grant_type": "authorization_code",
                "client_id": "wxcc-desk-sandbox",
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": "wrong",
            },
        )
        assert bad.status_code == 400
        assert "code_verifier" in bad.json()["message"]
        assert (
            c.post(
                "/v1/access_token",
                data={"grant_type": "password", "client_id": "wxcc-desk-sandbox"},
            ).status_code
            == 400
        )
        assert (
            c.post(
                "/v1/access_token",
                data={
                    "grant_type": "refresh_token",
                    "client_id": "wxcc-desk-sandbox",
                    "refresh_token": "nope",
                },
            ).status_code
            == 400
        )
        assert (
            c.post(
                "/v1/access_token", data={"grant_type": "refresh_token", "client_id": "other"}
            ).status_code
            == 401
        )


def test_authorize_refusals_and_the_form(sandbox: SandboxHandle) -> None:
    _, challenge = _pkce()
    with client(sandbox) as c:
        assert _authorize(c, challenge, client_id="other").status_code == 400
        assert (
            _authorize(c, challenge, redirect_uri="https://evil.example.com/cb").status_code == 400
        )
        no_pkce = _authorize(c, "", login_hint="alice@example.com")
        assert no_pkce.status_code == 302
        assert "error=invalid_request" in no_pkce.headers["Location"]
        form = _authorize(c, challenge)
        assert form.status_code == 200
        assert form.headers["Content-Type"].startswith("text/html")
        assert "alice@example.com" in form.text
        assert 'name="code_challenge"' in form.text


def test_confidential_client_secret_is_checked(make_sandbox) -> None:
    tenant = parse_tenant(
        "oauth: {client_id: my-app, client_secret: s3cr3t-value}\n"
        "sites: [{key: s, name: S, multimedia_profile: m}]\n"
        "multimedia_profiles: [{key: m, name: M}]\n"
        "users: [{email: a@example.com}]\n",
        "inline.yaml",
    )
    sb = make_sandbox(tenant)
    verifier, challenge = _pkce()
    with client(sb) as c:
        r = _authorize(c, challenge, client_id="my-app", login_hint="a@example.com")
        code = parse_qs(urlsplit(r.headers["Location"]).query)["code"][0]
        form = {
            "grant_type": "authorization_code",
            "client_id": "my-app",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        }
        assert (
            c.post("/v1/access_token", data={**form, "client_secret": "wrong"}).status_code == 401
        )
        assert (
            c.post("/v1/access_token", data={**form, "client_secret": "s3cr3t-value"}).status_code
            == 200
        )


def test_revoked_token_is_401(sandbox: SandboxHandle) -> None:
    sandbox.revoke_token(email="alice@example.com")
    with client(sandbox, "alice@example.com") as c:
        r = c.get("/v1/people/me")
    assert r.status_code == 401
    assert "revoked" in r.json()["message"]
    sandbox.reset()
    with client(sandbox, "alice@example.com") as c:
        assert c.get("/v1/people/me").status_code == 200
