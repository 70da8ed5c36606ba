"""The ownership rule: whose event is this, and which request does an outcome answer."""

from __future__ import annotations

import json

import pytest

from wxcc_desk.api.notifications import Envelope, parse_frame
from wxcc_desk.api.ownership import Owner, answers, owns

ME = Owner("A1B2-me", "org-1")


def frame(data: dict[str, object], org: str | None = "org-1") -> Envelope:
    doc: dict[str, object] = {"type": "AgentStateChange", "trackingId": "notifs_x", "data": data}
    if org is not None:
        doc["orgId"] = org
    env = parse_frame(json.dumps(doc))
    assert env is not None
    return env


@pytest.mark.parametrize(
    "data",
    [
        {"type": "AgentStateChangeSuccess", "agentId": "A1B2-me", "orgId": "org-1"},
        {"type": "AgentStateChangeSuccess", "agentId": "a1b2-ME"},  # case of an id
        {"type": "AgentStateChangeSuccess"},  # names nobody: the socket's own
    ],
)
def test_own_events_in_every_shape_the_sdk_allows(data: dict[str, object]) -> None:
    assert owns(ME, frame(data)) and owns(ME, frame(data, org=None))


@pytest.mark.parametrize(
    ("data", "org"),
    [
        ({"agentId": "someone-else"}, "org-1"),
        ({"agentId": "A1B2-me", "orgId": "org-2"}, "org-1"),  # data names another org
        ({"agentId": "A1B2-me"}, "org-2"),  # the envelope does
        ({"agentId": 42}, "org-1"),  # a number is an id too, not a missing one
    ],
)
def test_another_agents_or_orgs_event_is_never_owned(data: dict[str, object], org: str) -> None:
    assert not owns(ME, frame(data, org))
    assert not answers(ME, frame(data, org), ["WXCCDESK_run_1"])


def test_unknown_owner_checks_nothing_it_does_not_know() -> None:
    env = frame({"agentId": "x"}, "org-9")
    assert owns(Owner(), env)
    assert not owns(Owner(org_id="org-1"), env)
    assert Owner(org_id="org-1").claim(agent_id="x").org_id == "org-1"


@pytest.mark.parametrize(
    ("echoed", "ok"),
    [
        ("WXCCDESK_run_7", True),  # this request's own id
        ("wxccdesk_RUN_7", True),
        ("7c0e-uuid", True),  # the service's id form: the SDK does not check it
        ("ccconfig_WXCCDESK_run_7", True),  # the id behind a prefix
        ("", True),  # no echo at all
        ("WXCCDESK_run_6", False),  # another request of this run
        ("WXCCDESK_otherrun_7", False),  # another wxcc-desk run's request
    ],
)
def test_an_outcome_answers_the_request_it_echoes(echoed: str, ok: bool) -> None:
    env = frame({"agentId": "A1B2-me", "trackingId": echoed})
    assert answers(ME, env, ["WXCCDESK_run_7"]) is ok


def test_without_the_request_ids_any_echo_of_the_user_is_accepted() -> None:
    assert answers(ME, frame({"agentId": "A1B2-me", "trackingId": "WXCCDESK_x_1"}), [])
