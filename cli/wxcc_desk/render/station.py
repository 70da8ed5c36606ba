"""The station commands' tables for people and versioned JSON for programs.

Every JSON document is built by `render.document.document` (schema, ok, run id, tracking IDs).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.text import plain
from wxcc_desk.render.document import document, document_dict, dumps

if TYPE_CHECKING:
    from wxcc_desk.api.status_page import StatusBanner
    from wxcc_desk.core.output import Output
    from wxcc_desk.core.tracking import Tracker
    from wxcc_desk.station.login import LoginResult
    from wxcc_desk.station.model import DemoReport, EventSink, SessionInfo, StationEvent
    from wxcc_desk.station.status import LogoutReport, StatusReport, TokenView


def _expiry(token: TokenView) -> str:
    if token.expires_at is None:
        return "unknown"
    left = token.expires_at - time.time()
    when = _iso(token.expires_at)
    return f"{when} (expired)" if left <= 0 else f"{when} (in {_span(left)})"


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _since(ms: int) -> str:
    return _iso(ms / 1000) if ms else "unknown"


def _table(rows: list[tuple[str, str]]) -> str:
    from tabulate import tabulate

    # Cells carry the service's text (names, states): one printable line each (core/text.py).
    return tabulate([(plain(k), plain(v)) for k, v in rows], tablefmt="plain")


def session_dict(s: SessionInfo | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "agent_id": s.agent_id,
        "session_id": s.session_id,
        "team_id": s.team_id,
        "team": s.team_name,
        "dial_number": s.dial_number,
        "device_type": s.device_type,
        "state": s.sub_status,
        "idle_code": s.idle_code_name or None,
        "aux_code_id": s.aux_code_id,
        "since": _since(s.since_ms),
        "interaction_ids": list(s.interaction_ids),
        "roles": list(s.roles),
    }


def _session_rows(s: SessionInfo, record: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    signed_in = (
        record.get("logged_in_at") if record and record.get("session_id") == s.session_id else None
    )
    rows = [("signed in at", str(signed_in))] if signed_in else []
    return [
        *rows,
        ("state", s.state_label),
        ("team", s.team_name or s.team_id or "-"),
        ("dial number", s.dial_number or "-"),
        ("device type", s.device_type or "-"),
        ("state since", _since(s.since_ms)),
        ("session id", s.session_id),
    ]


# --------------------------------------------------------------------------- login


def login_json(result: LoginResult, tracker: Tracker, *, compact: bool = False) -> str:
    """With `--hold --json` everything on stdout is one JSON object per line: compact."""
    return dumps(login_doc(result, tracker), compact=compact)


def login_doc(result: LoginResult, tracker: Tracker) -> dict[str, Any]:
    # `ok` true: printed only for a sign-in (a failure is an error document). With --hold the
    # stream's last line, not this first one, agrees with the exit code.
    return document_dict(
        "login",
        tracker,
        True,
        user=result.identity.email,
        org_id=result.identity.org_id,
        adopted=result.adopted,
        already_signed_in=result.already,
        session=session_dict(result.session),
        warnings=result.warnings,
        dial_number_notes=list(result.plan.verdict.notes),
    )


def login_table(result: LoginResult) -> str:
    head = "taken over" if result.adopted else "signed in"
    if result.already:
        head = "already signed in"
    return _table(
        [("station", head), ("user", result.identity.email), *_session_rows(result.session)]
    )


# --------------------------------------------------------------------------- status


def banner_lines(banner: StatusBanner) -> list[str]:
    if banner.error:
        return [plain(f"status page: not available ({banner.error})")]
    lines = [f"service status: {d.name} {_has(d.status)}" for d in banner.degraded]
    return [plain(line) for line in lines + [f"service incident: {n}" for n in banner.incidents]]


def status_json(report: StatusReport, token: TokenView, tracker: Tracker) -> str:
    return dumps(status_doc(report, token, tracker))


def status_doc(report: StatusReport, token: TokenView, tracker: Tracker) -> dict[str, Any]:
    me = report.identity
    return document_dict(
        "status",
        tracker,
        report.exit_code == 0,  # `ok` is true exactly when the command exits 0
        logged_in=report.logged_in,
        token={
            "source": token.source,
            "masked": token.masked,
            "expires_at": _iso(token.expires_at) if token.expires_at else None,
            "user": me.email,
            "org_id": me.org_id,
            "display_name": me.display_name,
        },
        station=session_dict(report.session),
        not_logged_in_reason=report.reason or None,
        local_record=report.record,
        service_status={
            "degraded": [{"name": d.name, "status": d.status} for d in report.banner.degraded],
            "incidents": list(report.banner.incidents),
            "error": report.banner.error or None,
        },
        notes=report.notes,
    )


def status_table(report: StatusReport, token: TokenView) -> str:
    me = report.identity
    rows = [
        ("token source", token.source),
        ("token", token.masked),
        ("expires", _expiry(token)),
        ("user", f"{me.email} ({me.display_name})"),
        ("org", me.org_id),
    ]
    if report.session is None:
        rows.append(("station", f"not logged in ({report.reason or 'no session'})"))
    else:
        rows += [("station", "logged in"), *_session_rows(report.session, report.record)]
    return _table(rows)


# --------------------------------------------------------------------------- logout


def logout_json(report: LogoutReport, tracker: Tracker) -> str:
    return dumps(logout_doc(report, tracker))


def logout_doc(report: LogoutReport, tracker: Tracker) -> dict[str, Any]:
    return document_dict(
        "logout",
        tracker,
        True,  # printed only for a logout that worked (exit 0); a failure is an error document
        user=report.identity.email,
        session=session_dict(report.session),
        reason=report.reason,
        forgotten=report.forgotten,
        warnings=report.warnings,
    )


def logout_table(report: LogoutReport) -> str:
    rows = [
        ("station", "signed out"),
        ("user", report.identity.email),
        ("session id", report.session.session_id),
        ("reason", report.reason),
    ]
    if report.forgotten:
        rows.append(("forgotten", ", ".join(report.forgotten)))
    return _table(rows)


# --------------------------------------------------------------------------- events


def event_json(event: StationEvent, tracker: Tracker) -> str:
    """One NDJSON line per `--hold` event (an event, not a result: no `ok`)."""
    at = _iso(event.at) if event.at else None
    return document(
        "event",
        tracker,
        None,
        compact=True,
        kind=event.kind,
        text=event.text,
        at=at,
        data=event.data,
    )


def event_line(event: StationEvent) -> str:
    stamp = time.strftime("%H:%M:%S", time.localtime(event.at or time.time()))
    # The text holds the service's words (a subStatus, a reason): a line break or an escape
    # sequence in them must not forge another event line or reach the terminal.
    return f"{stamp}  {plain(event.kind):<11} {plain(event.text)}"


def event_printer(out: Output, tracker: Tracker, json_out: bool) -> EventSink:
    """How station commands show progress and `--hold` events: steps on stderr, events on
    stdout (lines, or one `event/v1` document per line with `--json`)."""

    def show(event: StationEvent) -> None:
        if event.kind == "step":
            out.say(event.text, "dim")
        elif json_out:
            out.data(event_json(event, tracker))
        else:
            out.data(event_line(event))

    return show


# --------------------------------------------------------------------------- the commands' output


def _warnings(out: Output, warnings: list[str]) -> None:
    for warning in warnings:
        out.say(f"warning: {warning}", "warn")


def show_login(
    out: Output, result: LoginResult, tracker: Tracker, *, json_out: bool, compact: bool
) -> None:
    _warnings(out, result.warnings)
    out.data(login_json(result, tracker, compact=compact) if json_out else login_table(result))


def show_status(
    out: Output, report: StatusReport, token: TokenView, tracker: Tracker, *, json_out: bool
) -> None:
    for line in banner_lines(report.banner):
        out.say(line, "warn")
    for note in report.notes:
        out.say(f"note: {note}", "dim")
    out.data(status_json(report, token, tracker) if json_out else status_table(report, token))


def show_logout(out: Output, report: LogoutReport, tracker: Tracker, *, json_out: bool) -> None:
    _warnings(out, report.warnings)
    out.data(logout_json(report, tracker) if json_out else logout_table(report))


def show_demo(out: Output, report: DemoReport, tracker: Tracker, *, json_out: bool) -> None:
    """`wxcc-desk/demo/v1` nests the three steps' own documents; the text form their tables."""
    if json_out:
        out.data(
            document(
                "demo",
                tracker,
                sandbox_url=report.sandbox_url,
                login=login_doc(report.login, tracker),
                status=status_doc(report.status, report.token, tracker),
                logout=logout_doc(report.logout, tracker),
            )
        )
        return
    out.data("== login ==\n" + login_table(report.login))
    out.data("\n== status ==\n" + status_table(report.status, report.token))
    out.data("\n== logout ==\n" + logout_table(report.logout))


_STATUS_WORDS = {
    "degraded_performance": "has degraded performance",
    "partial_outage": "has a partial outage",
    "major_outage": "has a major outage",
    "under_maintenance": "is under maintenance",
}


def _has(status: str) -> str:
    """A Statuspage component status as the end of a sentence ("has a major outage")."""
    return _STATUS_WORDS.get(status, f"is {status.replace('_', ' ')}")
