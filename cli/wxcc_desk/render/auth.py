"""Tables and versioned JSON of `wxcc-desk auth login|status|logout`.

Documents: `wxcc-desk/auth-login/v1`, `auth-status/v1`, `auth-logout/v1`, each with `ok`, the
run id and `tracking_ids {sent, server}` as every document (render/document.py). Tokens appear
only masked (`abcd…(84 chars)`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.redact import mask
from wxcc_desk.core.text import plain
from wxcc_desk.render.document import document

if TYPE_CHECKING:
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.api.tokens import TokenSet
    from wxcc_desk.auth.accounts import Account, AuthLogin, AuthLogout, AuthStatus
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.core.output import Output
    from wxcc_desk.core.tracking import Tracker

_SOURCES = {
    "stdin": "--with-token (stdin)",
    "env": "WXCC_ACCESS_TOKEN",
    "keyring": "keyring",
    "oauth": "keyring (signed in just now)",
}
NO_SCOPES = "not known (recorded only for tokens from a sign-in; `diagnose` probes them)"


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _expiry(expires_at: float | None) -> str:
    if expires_at is None:
        return "not known for this source"
    left = expires_at - time.time()
    if left <= 0:
        return f"{_iso(expires_at)} (expired)"
    minutes = int(left // 60)
    span = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    return f"{_iso(expires_at)} (in {span})"


def _table(rows: list[tuple[str, str]]) -> str:
    from tabulate import tabulate

    # Cells carry the service's and the files' text: one printable line each (core/text.py).
    return tabulate([(plain(k), plain(v)) for k, v in rows], tablefmt="plain")


def token_dict(tokens: TokenSet | None) -> dict[str, Any] | None:
    if tokens is None:
        return None
    return {
        "source": tokens.source,
        "masked": mask(tokens.access),
        "expires_at": _iso(tokens.expires_at) if tokens.expires_at else None,
        "can_refresh": bool(tokens.refresh),  # a key ending in refresh_token is scrubbed
        "scopes": list(tokens.scopes) if tokens.scopes is not None else None,
    }


def identity_dict(me: Identity | None) -> dict[str, Any] | None:
    if me is None:
        return None
    return {"email": me.email, "display_name": me.display_name, "org_id": me.org_id}


def problem_dict(err: WxccError | None) -> dict[str, object] | None:
    return None if err is None else err.as_dict()


def _token_rows(tokens: TokenSet) -> list[tuple[str, str]]:
    scopes = " ".join(tokens.scopes) if tokens.scopes is not None else NO_SCOPES
    return [
        ("token source", _SOURCES.get(tokens.source, tokens.source)),
        ("token", mask(tokens.access)),
        ("expires", _expiry(tokens.expires_at)),
        ("refresh token", "yes" if tokens.refresh else "no"),
        ("scopes", scopes or "(none)"),
    ]


def _who(me: Identity) -> str:
    name = f" ({me.display_name})" if me.display_name else ""
    return f"{me.email}{name}"


# --------------------------------------------------------------------------- login


def login_json(result: AuthLogin, tracker: Tracker) -> str:
    return document(
        "auth-login",
        tracker,
        profile=result.name,
        user=identity_dict(result.identity),
        token=token_dict(result.tokens),
        stored=True,
        keyring_backend=result.backend,
        web=result.web,
    )


def login_table(result: AuthLogin) -> str:
    return _table(
        [
            ("profile", result.name),
            ("signed in as", _who(result.identity)),
            ("org", result.identity.org_id),
            *_token_rows(result.tokens),
            ("stored in", f"the keyring ({result.backend}), entry {result.name}:tokens"),
        ]
    )


# --------------------------------------------------------------------------- status


def _account_dict(a: Account) -> dict[str, Any]:
    return {
        "profile": a.name,
        "profile_user": a.user,
        "state": a.state,
        "logged_in": a.state == "valid",
        "user": identity_dict(a.identity),
        "token": token_dict(a.tokens),
        "problem": problem_dict(a.problem),
        "notes": list(a.notes),
        "exit_code": a.exit_code,
    }


def status_json(report: AuthStatus, tracker: Tracker) -> str:
    return document(
        "auth-status",
        tracker,
        ok=report.ok,
        exit_code=report.exit_code,
        profiles=[_account_dict(a) for a in report.accounts],
    )


_HEADS = {
    "valid": "logged in",
    "no_token": "not logged in: no token",
    "invalid": "not logged in: the token is not usable",
    "wrong_user": "not logged in: another user's token",
    "error": "not checked",
}


def _account_rows(a: Account) -> list[tuple[str, str]]:
    rows = [("profile", a.name), ("state", _HEADS.get(a.state, a.state))]
    if a.identity is not None:
        rows += [("user", _who(a.identity)), ("org", a.identity.org_id)]
    if a.user and (a.identity is None or a.state == "wrong_user"):
        rows.append(("profile user", a.user))
    if a.tokens is not None:
        rows += _token_rows(a.tokens)
    if a.problem is not None:
        rows.append(("problem", a.problem.message))
        if a.problem.hint:
            rows.append(("fix", a.problem.hint))
    rows += [("note", note) for note in a.notes]
    return rows


def status_table(report: AuthStatus) -> str:
    return "\n\n".join(_table(_account_rows(a)) for a in report.accounts)


# --------------------------------------------------------------------------- logout


def logout_json(result: AuthLogout, tracker: Tracker) -> str:
    return document(
        "auth-logout",
        tracker,
        profile=result.name,
        removed=list(result.removed),
        nothing_stored=not result.removed,
        notes=list(result.notes),
    )


def logout_table(result: AuthLogout) -> str:
    nothing = "nothing: no tokens or station credentials were stored"
    removed = " and ".join(result.removed) or nothing
    rows = [("profile", result.name), ("deleted", removed)]
    return _table(rows + [("note", note) for note in result.notes])


def show_logout(out: Output, result: AuthLogout, tracker: Tracker, *, json_out: bool) -> None:
    """Notes on stderr (a token variable still set...), then the result on stdout."""
    for note in result.notes:
        out.say(f"note: {note}", "warn")
    out.data(logout_json(result, tracker) if json_out else logout_table(result))
