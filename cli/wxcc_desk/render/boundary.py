"""What the exit boundary (`app.main`) prints: the error document and lines with the fix and the
tracking IDs, how an interrupted run closed, a bug report line, and the version."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from wxcc_desk.core.redact import scrub
from wxcc_desk.render.document import document_dict, dumps

if TYPE_CHECKING:
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.core.interrupt import Stopped
    from wxcc_desk.core.output import Output
    from wxcc_desk.core.tracking import Tracker


def version_line(version: str) -> str:
    return f"wxcc-desk {version}"


def _error_doc(err: WxccError, tracker: Tracker, server: list[str]) -> dict[str, object]:
    doc = document_dict("error", tracker, False, error=err.as_dict())
    doc["tracking_ids"] = {"sent": tracker.sent[-5:], "server": server}  # the newest only
    return doc


def error(out: Output, err: WxccError, tracker: Tracker, *, json_out: bool, lines: bool) -> None:
    """`wxcc-desk/error/v1` on stdout with `--json` (one line in a JSON Lines stream), and on
    stderr the `error:` line, its fix and the IDs support needs."""
    # The error's own IDs first; else what the server sent this run (its last answers).
    server = list(err.tracking_ids) or tracker.received[-5:]
    if json_out:
        out.data(dumps(_error_doc(err, tracker, server), compact=lines))
    out.say(f"error: {err.message}", "error")
    if err.hint:
        out.say(f"  fix: {err.hint}")
    if not tracker.sent and not server:
        return  # nothing reached a server: there is nothing for support to trace
    ids = ", ".join(server) or "none from the server"
    out.say(f"  tracking: run {tracker.run_id}; server tracking IDs: {ids}", "dim")


def stopped(out: Output, stop: Stopped, tracker: Tracker, *, json_out: bool, lines: bool) -> None:
    """A Ctrl-C or SIGTERM: with `--hold --json` and exit 0 a last `closed` event, else with
    `--json` an error document; always the one line saying what may have happened."""
    if json_out and lines and not stop.exit_code:
        data = {"code": stop.code}
        closed = document_dict(
            "event", tracker, None, kind="closed", text=stop.message, at=None, data=data
        )
        out.data(dumps(closed, compact=True))
    elif json_out:
        doc = document_dict("error", tracker, False, error=stop.as_dict())
        doc["tracking_ids"] = {"sent": tracker.sent[-5:], "server": tracker.received[-5:]}
        out.data(dumps(doc, compact=lines))
    out.say(stop.message, "warn")


def bug(out: Output, err: BaseException, version: str, run_id: str) -> None:
    """An unexpected exception: one line and how to report it (the traceback only on demand)."""
    if os.environ.get("WXCC_DESK_DEBUG"):
        import traceback

        out.say("".join(traceback.format_exception(err)))
    out.say(f"internal error: {type(err).__name__}: {scrub(str(err))}", "error")
    out.say(
        f"  this is a bug in wxcc-desk {version}; please report it with run id {run_id} "
        "(WXCC_DESK_DEBUG=1 shows the traceback)"
    )
