"""Dial-number rules shared by login preflight and diagnose.

Pure functions: given the number, the telephony option and the tenant's policy, say whether the
service would take it, and if not which rule fails and which Control Hub setting governs it.
Nothing here does I/O, so diagnose can show each rule on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers import NumberParseException

MAX_LENGTH = 43  # dialNumber and deviceId limit of the agents API
_EXTENSION = re.compile(r"[0-9*#]{2,20}")
_DN_SETTING = "Control Hub > Contact Center > Desktop Profiles > the user's profile > Dial Number"


class DeviceType(StrEnum):
    """Wire names of the three telephony options (`deviceType` of the login request)."""

    AGENT_DN = "AGENT_DN"
    EXTENSION = "EXTENSION"
    BROWSER = "BROWSER"


class Rule(StrEnum):
    """The rule a dial number failed (or `OK`); stable names for JSON and diagnose."""

    OK = "ok"
    REQUIRED = "required"
    MAX_LENGTH = "max_length"
    EXTENSION_FORMAT = "extension_format"
    E164 = "e164"
    TENANT_DN_US = "tenant_dn_us"
    TENANT_DN_OTHER = "tenant_dn_other"
    DIAL_PLAN = "dial_plan"
    PROVISIONED_VALUE = "provisioned_value"


@dataclass(frozen=True)
class DialPlanEntry:
    name: str
    regex: str
    prefix: str = ""
    stripped_chars: str = ""


@dataclass(frozen=True)
class DnPolicy:
    """What the tenant, the Desktop Profile and the user say about dial numbers."""

    default_dn: str = ""  # the user's provisioned number (`deafultDialledNumber`)
    force_default_dn: bool = False  # tenant-configuration `forceDefaultDn`
    validation: str = "NONE"  # Desktop Profile `agentDNValidation`
    regex_us: str = ""  # tenant `dnDefaultRegex`
    regex_other: str = ""  # tenant `dnOtherRegex`
    dial_plan_enabled: bool = False
    dial_plans: tuple[DialPlanEntry, ...] = ()


@dataclass(frozen=True)
class DialVerdict:
    ok: bool
    rule: Rule
    message: str
    hint: str = ""
    dial_number: str = ""  # what the login request should carry
    e164: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def check_dial_number(
    value: str, device: DeviceType, policy: DnPolicy, *, region: str = "US", agent_id: str = ""
) -> DialVerdict:
    """Run every rule in the order the service would; the first failure is the verdict."""
    number = value.strip()
    if device is DeviceType.BROWSER:
        # WebRTC logins carry the agent id as the dial number; nothing for the user to type.
        return DialVerdict(True, Rule.OK, "desktop (WebRTC) login", dial_number=agent_id or number)
    failed = check_required(number) or check_length(number)
    if failed:
        return failed
    if device is DeviceType.EXTENSION:
        return check_extension(number) or DialVerdict(
            True, Rule.OK, f"extension {number}", dial_number=number
        )
    return _check_agent_dn(number, policy, region)


def _check_agent_dn(number: str, policy: DnPolicy, region: str) -> DialVerdict:
    failed = check_provisioned(number, policy)
    if failed:
        return failed
    e164, failed = check_e164(number, region)
    if failed:
        return failed
    notes: list[str] = []
    failed = check_tenant_regex(number, e164, policy, notes) or check_dial_plan(
        number, policy, notes
    )
    if failed:
        return failed
    return DialVerdict(
        True, Rule.OK, f"dial number {e164}", dial_number=number, e164=e164, notes=tuple(notes)
    )


def check_required(number: str) -> DialVerdict | None:
    if number:
        return None
    return DialVerdict(
        False,
        Rule.REQUIRED,
        "no dial number was given",
        hint="set `telephony.number` in the profile (or pass --dial-number, or WXCC_DIAL_NUMBER)",
    )


def check_length(number: str) -> DialVerdict | None:
    if len(number) <= MAX_LENGTH:
        return None
    return DialVerdict(
        False,
        Rule.MAX_LENGTH,
        f"dial number is {len(number)} characters; the service accepts at most {MAX_LENGTH}",
        hint="shorten the number (drop DTMF pauses or spaces)",
    )


def check_extension(number: str) -> DialVerdict | None:
    if _EXTENSION.fullmatch(number):
        return None
    return DialVerdict(
        False,
        Rule.EXTENSION_FORMAT,
        f"`{number}` is not an extension (2-20 digits, * or #)",
        hint="for a full phone number use `telephony: dial_number`; for an extension give "
        "only its digits",
    )


def check_e164(number: str, region: str) -> tuple[str, DialVerdict | None]:
    """Parse with phonenumbers; a `,`-pause DTMF suffix is allowed and kept out of the parse."""
    import phonenumbers

    main = number.split(",", 1)[0]
    try:
        parsed = phonenumbers.parse(main, region.upper() or "US")
    except phonenumbers.NumberParseException as err:
        return "", _e164_failure(number, _parse_problem(err))
    if not phonenumbers.is_valid_number(parsed):
        return "", _e164_failure(number, "not a valid number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def _parse_problem(err: NumberParseException) -> str:
    """The library's reason in our words (its own text reads `(1) The string supplied...`)."""
    import phonenumbers

    kind = phonenumbers.NumberParseException
    reasons = {
        kind.INVALID_COUNTRY_CODE: "its country code is unknown",
        kind.NOT_A_NUMBER: "it does not look like a phone number",
        kind.TOO_SHORT_AFTER_IDD: "it is too short after the international prefix",
        kind.TOO_SHORT_NSN: "it is too short",
        kind.TOO_LONG: "it is too long",
    }
    return reasons.get(err.error_type, "it cannot be read as a phone number")


def _e164_failure(number: str, why: str) -> DialVerdict:
    return DialVerdict(
        False,
        Rule.E164,
        f"`{number}` is not a valid phone number: {why}",
        hint="give the full number in E.164 form, for example +14085551234",
    )


def check_tenant_regex(
    number: str, e164: str, policy: DnPolicy, notes: list[str]
) -> DialVerdict | None:
    """The tenant's DN format: `dnDefaultRegex` for US/Canada numbers, `dnOtherRegex` otherwise."""
    us = e164.startswith("+1")
    pattern = policy.regex_us if us else policy.regex_other
    rule = Rule.TENANT_DN_US if us else Rule.TENANT_DN_OTHER
    if not pattern:
        return None
    candidates = (number, e164, e164.lstrip("+"))
    try:
        # Searched, not anchored, as the Desktop does with these patterns.
        if any(re.search(pattern, c) for c in candidates):
            return None
    except re.error:
        notes.append(f"tenant DN pattern {pattern!r} is not usable here; not checked")
        return None
    kind = "US" if us else "Other"
    return DialVerdict(
        False,
        rule,
        f"{e164} does not match the tenant's {kind} dial number format {pattern!r}",
        hint="use a number in that format, or ask an admin to change the tenant's dial number "
        f"format ({kind}) in Control Hub > Contact Center > Tenant Settings",
        e164=e164,
    )


def strip_chars(number: str, chars: str) -> str:
    return "".join(c for c in number if c not in chars) if chars else number


def check_dial_plan(number: str, policy: DnPolicy, notes: list[str]) -> DialVerdict | None:
    """When dial plans apply, some entry must match the number after its stripped characters.

    Searched, not anchored, like the tenant DN patterns: the Desktop tests plans the same way.
    """
    if not policy.dial_plan_enabled or not policy.dial_plans:
        return None
    for entry in policy.dial_plans:
        candidate = strip_chars(number, entry.stripped_chars)
        try:
            if re.search(entry.regex, candidate):
                # The prefix applies to outdial, not to the login number itself.
                notes.append(
                    f"dial plan {entry.name!r} matches {candidate!r} "
                    f"(outdial adds prefix {entry.prefix!r})"
                    if entry.prefix
                    else f"dial plan {entry.name!r} matches {candidate!r}"
                )
                return None
        except re.error:
            notes.append(f"dial plan {entry.name!r} has a pattern Python cannot use; skipped")
    names = ", ".join(repr(e.name) for e in policy.dial_plans)
    return DialVerdict(
        False,
        Rule.DIAL_PLAN,
        f"`{number}` matches none of the dial plans ({names})",
        hint="use a number one of those plans accepts, or ask an admin to add a dial plan "
        "(Control Hub > Contact Center > Dial Plan) to the user's Desktop Profile",
    )


def check_provisioned(number: str, policy: DnPolicy) -> DialVerdict | None:
    """`PROVISIONED_VALUE` (or the tenant's forceDefaultDn): only the user's own number works."""
    if policy.validation != "PROVISIONED_VALUE" and not policy.force_default_dn:
        return None
    if policy.default_dn and _digits(number) == _digits(policy.default_dn):
        return None
    have = policy.default_dn or "none is set"
    return DialVerdict(
        False,
        Rule.PROVISIONED_VALUE,
        f"this user may only sign in with the provisioned dial number ({have}), not `{number}`",
        hint="use the provisioned number, or ask an admin to change Dial Number Validation in "
        f"{_DN_SETTING} (or the user's default dial number)",
    )


def _digits(number: str) -> str:
    return re.sub(r"[^0-9]", "", number.split(",", 1)[0])


def plans_from_rows(rows: Sequence[dict[str, object]]) -> tuple[DialPlanEntry, ...]:
    """Dial plan rows of the config API (`regularExpression`, `prefix`, `strippedChars`)."""
    return tuple(
        DialPlanEntry(
            name=str(r.get("name") or r.get("id") or "?"),
            regex=str(r.get("regularExpression") or r.get("regex") or ""),
            prefix=str(r.get("prefix") or ""),
            stripped_chars=str(r.get("strippedChars") or ""),
        )
        for r in rows
        if r.get("active", True) is not False
    )
