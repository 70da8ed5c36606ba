"""The status banner: the region's unhealthy Contact Center components, and Webex Identity's
(every sign-in needs it), never other Webex services."""

from __future__ import annotations

from wxcc_desk.api.status_page import banner_from
from wxcc_desk.station.run import run_flow  # noqa: F401 - import check: no side effects

BODY = {
    "components": [
        {"name": "Webex Contact Center - US1", "status": "degraded_performance"},
        {"name": "Webex Contact Center - EU1", "status": "major_outage"},
        {"name": "Webex Meetings", "status": "major_outage"},
        {"name": "Webex Contact Center Analyzer", "status": "operational"},
    ],
    "incidents": [{"name": "Contact Center agents cannot sign in (US1)"}],
}


def test_region_filter() -> None:
    banner = banner_from(BODY, "us1")
    assert [d.name for d in banner.degraded] == ["Webex Contact Center - US1"]
    assert banner.incidents == ("Contact Center agents cannot sign in (US1)",)
    assert not banner.clear


def test_no_region_shows_all_contact_center_components() -> None:
    assert len(banner_from(BODY, None).degraded) == 2
    assert banner_from({"components": []}, "us1").clear


def test_identity_components_count_every_region_other_services_never() -> None:
    body = {
        "components": [
            {"name": "Webex Identity - Authentication", "status": "partial_outage"},
            {"name": "Webex Meetings", "status": "major_outage"},
        ]
    }
    banner = banner_from(body, "eu1")
    assert [(d.name, d.status) for d in banner.degraded] == [
        ("Webex Identity - Authentication", "partial_outage")
    ]
