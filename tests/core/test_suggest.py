"""The one did-you-mean rule: the closest candidate when it is close enough to be a typo."""

from __future__ import annotations

import pytest

from wxcc_desk.core.suggest import MAX_CANDIDATES, closest, did_you_mean

REGIONS = ("us1", "eu1", "eu2", "anz1", "ca1", "jp1", "sg1", "in1")


@pytest.mark.parametrize(
    ("typed", "candidates", "expected"),
    [
        ("sandbx", ["sandbox", "example"], "sandbox"),
        ("us2", REGIONS, "us1"),
        ("agnet", ["agent", "supervisor", "supervisor_agent"], "agent"),
        ("supervisor-agent", ["agent", "supervisor", "supervisor_agent"], "supervisor_agent"),
        ("SUPORT", ["Sales", "Support"], "Support"),  # case aside, the candidate as written
        ("  optoin ", ["number", "option"], "option"),
    ],
)
def test_a_typo_gets_its_closest_candidate(
    typed: str, candidates: tuple[str, ...], expected: str
) -> None:
    assert closest(typed, candidates) == expected
    assert did_you_mean(typed, candidates) == f"did you mean {expected!r}? "


@pytest.mark.parametrize(
    ("typed", "candidates"),
    [
        ("marketing", ["Sales", "Support"]),  # another word, not a typo
        ("Sales", ["Sales", "Support"]),  # an exact match needs no suggestion
        ("sales", ["Sales", "Support"]),  # nor does one that differs only in case
        ("", ["a"]),
        (None, ["a"]),
        (3, ["3"]),
        ("x", []),
    ],
)
def test_no_suggestion_when_nothing_is_close(typed: object, candidates: list[str]) -> None:
    assert closest(typed, candidates) is None
    assert did_you_mean(typed, candidates) == ""


def test_a_huge_listing_gets_no_suggestion_rather_than_a_slow_one() -> None:
    many = (f"team{i}" for i in range(MAX_CANDIDATES + 5))
    assert closest("team1x", many) is None
    assert closest("team1x", [f"team{i}" for i in range(50)]) is not None
