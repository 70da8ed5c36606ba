"""Tracking IDs: every request this run sends carries `WXCCDESK_<run id>_<n>`.

The tracker also remembers the IDs the service answered with, so failures and JSON output can
list everything support needs.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass, field


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Tracker:
    run_id: str = field(default_factory=new_run_id)
    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_id(self) -> str:
        """The TrackingId header value for the next request."""
        with self._lock:
            tid = f"WXCCDESK_{self.run_id}_{next(self._counter)}"
            self.sent.append(tid)
        return tid

    def record_server_id(self, tracking_id: str | None) -> None:
        if tracking_id:
            with self._lock:
                if tracking_id not in self.received:
                    self.received.append(tracking_id)

    def summary(self) -> dict[str, object]:
        return {"run_id": self.run_id, "sent": list(self.sent), "server": list(self.received)}
