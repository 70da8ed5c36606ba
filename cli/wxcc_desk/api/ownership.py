"""Whose event is this: the one rule that decides whether a notification is the user's own.

A notification socket carries more than the user's own events: a supervisor who acts on an
agent (logs them out, sets them Available) gets that agent's outcome on the same socket. So
every reader (login, status, logout, diagnose's session probe, `--hold`) asks this module:

- `owns(owner, env)`: the event names no other agent and no other org. An event that names
  none at all is the socket's own (the service sends a socket only its user's events and the
  outcomes of its user's requests). Agent ids are compared without case.
- `answers(owner, env, request_ids)`: the user's own event and, when it echoes a trackingId,
  the outcome of this request: the id is one of the request's, or at least not an id this tool
  gave another request (`WXCCDESK_<run>_<n>`, see `core/tracking.py`).

The SDK binds an outcome on the outer and inner `type` only (`services/core/aqm-reqs.ts`
`bindCheck`; the agent binds in `services/agent/index.ts` name no agentId or trackingId), so the
shapes it accepts are accepted here: `agentId` and `orgId` may be missing (`services/agent/
types.ts` marks none of them optional, but a missing field is not a mismatch), and an echoed
trackingId in a form we do not know is not held against the event. What is never accepted is an
event that names another agent or org as the user's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wxcc_desk.api.notifications import Envelope

OUR_TRACKING_PREFIX = "wxccdesk_"  # core/tracking.py: every request this tool sends


@dataclass(frozen=True)
class Owner:
    """Who the socket's events must belong to: the user's agent id (CI user id) and org id.

    An empty field is not known yet (it is then not checked); `claim` fills them in."""

    agent_id: str = ""
    org_id: str = ""

    def claim(self, agent_id: str = "", org_id: str = "") -> Owner:
        """This owner with the given ids (the identity's word wins over what was there)."""
        return Owner(agent_id or self.agent_id, org_id or self.org_id)


def agent_of(env: Envelope) -> str:
    """The agent an event is about (`data.agentId`), "" when it names none."""
    return _text(env.data.get("agentId"))


def orgs_of(env: Envelope) -> list[str]:
    """Every org id the event names: the envelope's `orgId` and `data.orgId`."""
    return [org for org in (env.org_id, _text(env.data.get("orgId"))) if org]


def owns(owner: Owner, env: Envelope) -> bool:
    """The event is the user's own: it names no other agent and no other org."""
    agent = agent_of(env)
    if agent and owner.agent_id and agent.lower() != owner.agent_id.lower():
        return False
    if owner.org_id:
        return all(org.lower() == owner.org_id.lower() for org in orgs_of(env))
    return True


def answers(owner: Owner, env: Envelope, request_ids: Iterable[str] = ()) -> bool:
    """The event is the user's own and, by the trackingId it echoes, this request's outcome."""
    if not owns(owner, env):
        return False
    echoed = _text(env.data.get("trackingId")).lower()
    ids = [i.lower() for i in request_ids if i]
    if not echoed or not ids:
        return True
    if any(_same_request(echoed, i) for i in ids):
        return True
    # Only an id this tool made names another request for certain; any other form is the
    # service's own and the SDK does not check it (services/core/aqm-reqs.ts).
    return not echoed.startswith(OUR_TRACKING_PREFIX)


def _same_request(echoed: str, sent: str) -> bool:
    """The same id, or one is the other with a `<prefix>_` in front (`ccconfig_<uuid>`)."""
    return echoed == sent or echoed.endswith("_" + sent) or sent.endswith("_" + echoed)


def _text(value: object) -> str:
    """A field as text: a number or any other value named counts as named, not as missing."""
    return "" if value is None else str(value).strip()
