"""`wxcc-desk login` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def login(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`login` is not implemented yet")
