"""`wxcc-desk diagnose` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def diagnose(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`diagnose` is not implemented yet")
