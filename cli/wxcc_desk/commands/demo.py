"""`wxcc-desk demo` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def demo(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`demo` is not implemented yet")
