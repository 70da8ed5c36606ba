"""The `teams-auth` commands' output: the status table or `wxcc-desk/teams-auth-status/v1`,
its warnings, the sign-in prompt, and what `logout` removed (`teams-auth-logout/v1`).

Imported only when a `teams-auth` command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wxcc_desk.core.redact import mask
from wxcc_desk.render.document import document
from wxcc_desk.teams.model import Connector, TeamsStatus
from wxcc_desk.teams.store import PendingCode, iso

if TYPE_CHECKING:
    from wxcc_desk.core.output import Output
    from wxcc_desk.core.tracking import Tracker


def code_prompt(pending: PendingCode) -> str:
    minutes = max(1, round((pending.expires_at - _now()) / 60))
    return (
        f"To sign in to Microsoft Teams, open {pending.verification_uri} and enter the code "
        f"{pending.user_code} (valid for about {minutes} min)."
    )


def prompt(out: Output, pending: PendingCode) -> None:
    out.say(code_prompt(pending))


def note(out: Output, text: str) -> None:
    out.say(text, "warn")


def logged_out(
    out: Output,
    profile: str,
    removed: list[str],
    unusable: str,
    tracker: Tracker,
    *,
    as_json: bool = False,
) -> None:
    """`teams-auth logout`: what was removed, or why nothing could have been stored, on stderr;
    with `as_json`, `wxcc-desk/teams-auth-logout/v1` on stdout as well."""
    if as_json:
        out.data(
            document(
                "teams-auth-logout",
                tracker,
                profile=profile,
                removed=list(removed),
                nothing_stored=not removed,
                keyring={"usable": not unusable, "reason": unusable or None},
            )
        )
    if unusable:
        out.say(
            f"teams: nothing to remove for profile {profile}: the keyring is not usable "
            f"({unusable}), so no Microsoft token was stored",
            "ok",
        )
        return
    what = ", ".join(removed) if removed else "nothing was stored"
    out.say(f"teams: removed the Microsoft tokens of profile {profile} ({what})", "ok")


def _now() -> float:
    import time

    return time.time()


def status_json(st: TeamsStatus, tracker: Tracker) -> str:
    """`wxcc-desk/teams-auth-status/v1`: the common keys (the Microsoft IDs among the server's
    tracking IDs) and the status."""
    return document(
        "teams-auth-status", tracker, st.state == "succeeded", server=st.tracking_ids, **_body(st)
    )


def _body(st: TeamsStatus) -> dict[str, Any]:
    t = st.target
    return {
        "profile": t.profile,
        "state": st.state,
        "reason": st.reason,
        "hint": st.hint,
        "code": st.code,
        "connector": st.connector.as_dict() if st.connector else None,
        "microsoft": {
            "tenant": t.tenant,
            "client_id": t.client_id,
            "authority_url": t.authority_url,
            "graph_url": t.graph_url,
        },
        "token": {
            "source": st.token_source or None,
            "masked": mask(st.token),
            "expires_at": iso(st.token_expires_at),
            "refresh_token_stored": st.refresh_stored,
        },
        "keyring": {
            "usable": None if st.keyring_unusable is None else not st.keyring_unusable,
            "reason": st.keyring_unusable or None,
        },
        "pending": st.pending.public() if st.pending else None,
        "graph": st.probe.__dict__ if st.probe else None,
    }


def render(out: Output, st: TeamsStatus, tracker: Tracker, as_json: bool) -> None:
    """The status on stdout (table or JSON), and on stderr what is wrong and its fix."""
    out.data(status_json(st, tracker) if as_json else "\n".join(_lines(st)))
    if st.state != "succeeded" and st.hint:
        out.say(f"teams: {st.state}: {st.reason}", "warn")
        out.say(f"  fix: {st.hint}")
    if st.state == "succeeded" and st.keyring_unusable and st.token_source != "keyring":
        out.say(
            f"teams: the Microsoft tokens of this run were not stored: the keyring is not usable "
            f"({st.keyring_unusable}); the next run must sign in again unless "
            "WXCC_TEAMS_REFRESH_TOKEN is set or a keyring backend is installed",
            "warn",
        )


def _onoff(value: bool | None) -> str:
    return {True: "on", False: "off", None: "unknown"}[value]


def _lines(st: TeamsStatus) -> list[str]:
    t = st.target
    rows = [
        ("Microsoft Teams", f"profile {t.profile}"),
        ("state", st.state),
        ("reason", st.reason),
    ]
    if st.connector is not None:
        rows += _connector_rows(st.connector)
    rows += [("tenant", t.tenant or "(not set)"), ("client id", t.client_id or "(not set)")]
    if st.keyring_unusable:
        rows.append(("keyring", f"not usable: {st.keyring_unusable}"))
    rows += _token_rows(st)
    if st.pending:
        rows.append(
            (
                "pending code",
                f"{st.pending.user_code} at {st.pending.verification_uri} "
                f"until {iso(st.pending.expires_at)}",
            )
        )
    if st.probe:
        p = st.probe
        me = f"ok: {p.account} ({p.display_name})" if p.account else f"failed: {p.error}"
        rows.append(("graph /me", me))
        pres = f"ok: {p.availability} / {p.activity}" if p.ok else (p.error or "not probed")
        rows.append(("graph /me/presence", pres))
    if st.tracking_ids:
        rows.append(("tracking", ", ".join(st.tracking_ids)))
    width = max(len(k) for k, _ in rows)
    return [f"{k.ljust(width)}  {v}" for k, v in rows if v]


def _connector_rows(c: Connector) -> list[tuple[str, str]]:
    """Both places Teams is switched on, each labelled, and which one the verdict used: the
    org connector when it is active, the Desktop Profile when the org's settings are unknown."""
    verdict = {True: "configured", False: "not configured", None: "unknown"}[c.configured]
    org = c.org
    if org == "active":
        org += (
            f": presence sync {_onoff(c.presence_sync)}, user details "
            f"{_onoff(c.show_user_details)} (used)"
        )
    name = c.desktop_profile or "(not read)"
    used = " (used)" if c.org == "unknown" and c.configured is not None else ""
    desktop = (
        f"{name}: presence sync {_onoff(c.profile_presence_sync)} (stateSynchronizationMS), "
        f"user details {_onoff(c.profile_show_user_details)} (showUserDetailsMS){used}"
    )
    return [
        ("connector", f"{verdict}: {c.detail}"),
        ("org connector", org),
        ("desktop profile", desktop),
    ]


def _token_rows(st: TeamsStatus) -> list[tuple[str, str]]:
    from wxcc_desk.core.redact import mask

    if not st.token_source:
        return [("token", "(none)")]
    expiry = iso(st.token_expires_at) or "unknown"
    return [
        ("token", f"{mask(st.token)} from {st.token_source}, expires {expiry}"),
        ("refresh token", _refresh_row(st)),
    ]


def _refresh_row(st: TeamsStatus) -> str:
    if st.refresh_stored:
        return "stored in the keyring"
    return "not stored (no usable keyring)" if st.keyring_unusable else "none"
