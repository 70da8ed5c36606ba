"""`wxcc-desk logout` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def logout(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`logout` is not implemented yet")
