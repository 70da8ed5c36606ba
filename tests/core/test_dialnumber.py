"""Dial-number rules: each rule fails on its own input and names itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxcc_desk.core.dialnumber import (
    DeviceType,
    DialPlanEntry,
    DnPolicy,
    Rule,
    check_dial_number,
    plans_from_rows,
)

OPEN = DnPolicy()


def test_valid_e164_number_passes_and_is_normalised() -> None:
    v = check_dial_number("+1 (408) 555-1234", DeviceType.AGENT_DN, OPEN)
    assert v.ok and v.rule is Rule.OK
    assert v.e164 == "+14085551234"


def test_national_number_uses_the_region() -> None:
    v = check_dial_number("020 7946 0018", DeviceType.AGENT_DN, OPEN, region="GB")
    assert v.ok and v.e164 == "+442079460018"


def test_garbage_fails_the_e164_rule() -> None:
    v = check_dial_number("not-a-number", DeviceType.AGENT_DN, OPEN)
    assert not v.ok and v.rule is Rule.E164
    assert "E.164" in v.hint


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("abc", "it does not look like a phone number"),
        ("+999 123", "its country code is unknown"),
        ("1234567890123456789", "it is too long"),
    ],
)
def test_an_unreadable_number_is_said_in_our_words(value: str, why: str) -> None:
    v = check_dial_number(value, DeviceType.AGENT_DN, OPEN)
    assert not v.ok and v.rule is Rule.E164
    assert v.message == f"`{value}` is not a valid phone number: {why}"  # not `(1) The string...`


def test_too_long_fails_the_length_rule_first() -> None:
    v = check_dial_number("+1408555123" + ",1" * 20, DeviceType.AGENT_DN, OPEN)
    assert not v.ok and v.rule is Rule.MAX_LENGTH


def test_empty_is_required() -> None:
    assert check_dial_number("  ", DeviceType.AGENT_DN, OPEN).rule is Rule.REQUIRED


def test_extension_format() -> None:
    assert check_dial_number("1001", DeviceType.EXTENSION, OPEN).ok
    bad = check_dial_number("+14085551234", DeviceType.EXTENSION, OPEN)
    assert bad.rule is Rule.EXTENSION_FORMAT


def test_browser_sends_the_agent_id() -> None:
    v = check_dial_number("", DeviceType.BROWSER, OPEN, agent_id="agent-uuid")
    assert v.ok and v.dial_number == "agent-uuid"


def test_tenant_us_regex_applies_to_us_numbers_only() -> None:
    policy = DnPolicy(regex_us=r"^\+1408", regex_other=r"^\+44")
    assert check_dial_number("+14085551234", DeviceType.AGENT_DN, policy).ok
    us = check_dial_number("+12125551234", DeviceType.AGENT_DN, policy)
    assert us.rule is Rule.TENANT_DN_US and "US" in us.message
    other = check_dial_number("+33142685300", DeviceType.AGENT_DN, policy)
    assert other.rule is Rule.TENANT_DN_OTHER


def test_unusable_tenant_regex_is_noted_not_fatal() -> None:
    v = check_dial_number("+14085551234", DeviceType.AGENT_DN, DnPolicy(regex_us="(?<!x"))
    assert v.ok and any("not usable" in n for n in v.notes)


def test_dial_plan_strips_characters_and_names_the_plan() -> None:
    plan = DialPlanEntry("US", r"\+1[0-9]{10}", prefix="9", stripped_chars="()- ")
    policy = DnPolicy(dial_plan_enabled=True, dial_plans=(plan,))
    ok = check_dial_number("+1 (408) 555-1234", DeviceType.AGENT_DN, policy)
    assert ok.ok and "matches '+14085551234' (outdial adds prefix '9')" in ok.notes[0]
    strict = DnPolicy(dial_plan_enabled=True, dial_plans=(DialPlanEntry("UK", r"\+44\d+"),))
    bad = check_dial_number("+14085551234", DeviceType.AGENT_DN, strict)
    assert bad.rule is Rule.DIAL_PLAN and "'UK'" in bad.message


def test_dial_plans_ignored_when_disabled() -> None:
    policy = DnPolicy(dial_plan_enabled=False, dial_plans=(DialPlanEntry("UK", r"\+44\d+"),))
    assert check_dial_number("+14085551234", DeviceType.AGENT_DN, policy).ok


def test_provisioned_value_rule() -> None:
    policy = DnPolicy(validation="PROVISIONED_VALUE", default_dn="+14085551234")
    assert check_dial_number("+1 408 555 1234", DeviceType.AGENT_DN, policy).ok
    bad = check_dial_number("+14085559999", DeviceType.AGENT_DN, policy)
    assert bad.rule is Rule.PROVISIONED_VALUE and "+14085551234" in bad.message
    forced = DnPolicy(force_default_dn=True)
    assert check_dial_number("+14085551234", DeviceType.AGENT_DN, forced).rule is (
        Rule.PROVISIONED_VALUE
    )


def test_plans_from_rows_skips_inactive() -> None:
    rows = [
        {"name": "a", "regularExpression": "1", "active": True},
        {"name": "b", "regularExpression": "2", "active": False},
    ]
    assert [p.name for p in plans_from_rows(rows)] == ["a"]


@given(st.text(max_size=60))
def test_never_raises_and_always_names_a_rule(value: str) -> None:
    for device in DeviceType:
        v = check_dial_number(
            value,
            device,
            DnPolicy(
                regex_us="^1", dial_plan_enabled=True, dial_plans=(DialPlanEntry("x", "[0-9]+"),)
            ),
        )
        assert isinstance(v.rule, Rule)
        assert v.ok == (v.rule is Rule.OK)


def test_missing_number_hint_names_the_real_profile_key_and_variable() -> None:
    from wxcc_desk.profiles.load import ENV_KEYS

    hint = check_dial_number("", DeviceType.AGENT_DN, OPEN).hint
    assert "`telephony.number`" in hint and ENV_KEYS["WXCC_DIAL_NUMBER"] == "telephony.number"
    assert "WXCC_DIAL_NUMBER" in hint
