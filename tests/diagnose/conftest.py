"""Fixtures of the diagnose tests."""

from tests.diagnose.helpers import ca

__all__ = ["ca"]
