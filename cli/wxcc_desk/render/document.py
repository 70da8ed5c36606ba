"""The one shape of every JSON document the tool prints.

Each carries `schema` (`wxcc-desk/<kind>/v1`), `ok`, the run id and the tracking IDs sent and
received, so a script can hand them to support. Keys are stable; new keys may be added within a
version, none removed or renamed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wxcc_desk.core.tracking import Tracker


def document(
    kind: str, tracker: Tracker, ok: bool = True, *, compact: bool = False, **body: Any
) -> str:
    """A versioned document; `compact` puts it on one line (for streams of JSON lines)."""
    doc = {
        "schema": f"wxcc-desk/{kind}/v1",
        "ok": ok,
        "run_id": tracker.run_id,
        "tracking_ids": {"sent": list(tracker.sent), "server": list(tracker.received)},
        **body,
    }
    return json.dumps(doc, indent=None if compact else 2, sort_keys=True)
