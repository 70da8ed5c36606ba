"""The one shape of every JSON document the tool prints.

Each carries `schema` (`wxcc-desk/<kind>/v1`), the run id and the tracking IDs sent and received
(`tracking_ids {sent, server}`), so a script can hand them to support; results carry `ok` too.
Keys are stable; new keys may be added within a version, none removed or renamed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wxcc_desk.core.tracking import Tracker


def tracking_ids(
    tracker: Tracker, server: Sequence[str] = (), *, last: int | None = None
) -> dict[str, list[str]]:
    """The run's IDs: those it sent, and the server's (the tracker's plus `server`, the IDs a
    service gave in its body, such as Microsoft's). `last` keeps only the newest of each."""
    sent = list(tracker.sent)
    received = list(dict.fromkeys([*tracker.received, *server]))
    if last is not None:
        sent, received = sent[-last:], received[-last:]
    return {"sent": sent, "server": received}


def document_dict(
    kind: str,
    tracker: Tracker,
    ok: bool | None = True,
    /,
    *,
    server: Sequence[str] = (),
    **body: Any,
) -> dict[str, Any]:
    """A versioned document as a mapping (to nest one in another, as `demo` does); `ok` None
    leaves `ok` out (an event is no result); `server` adds server IDs the tracker lacks."""
    return {
        "schema": f"wxcc-desk/{kind}/v1",
        "run_id": tracker.run_id,
        "tracking_ids": tracking_ids(tracker, server),
        **({} if ok is None else {"ok": ok}),
        **body,
    }


def document(
    kind: str,
    tracker: Tracker,
    ok: bool | None = True,
    /,
    *,
    compact: bool = False,
    server: Sequence[str] = (),
    **body: Any,
) -> str:
    """`document_dict` as JSON text; `compact` puts it on one line (for streams of JSON lines)."""
    return dumps(document_dict(kind, tracker, ok, server=server, **body), compact=compact)


def dumps(doc: dict[str, Any], *, compact: bool = False) -> str:
    return json.dumps(doc, indent=None if compact else 2, sort_keys=True)
