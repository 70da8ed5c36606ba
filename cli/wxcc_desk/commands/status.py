"""`wxcc-desk status` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def status(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`status` is not implemented yet")
