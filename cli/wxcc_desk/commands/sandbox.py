"""`wxcc-desk sandbox` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from wxcc_desk.errors import UsageError


def sandbox(ctx: typer.Context) -> None:
    """Not available yet."""
    raise UsageError("`sandbox` is not implemented yet")
