"""Paths of the test profiles (sandbox users other than sam)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PROFILE_ALICE = str(DATA / "alice.yaml")
PROFILE_BOB = str(DATA / "bob.yaml")
PROFILE_CAROL = str(DATA / "carol.yaml")
