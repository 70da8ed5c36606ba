"""`wxcc-desk teams-auth` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Microsoft Teams user authentication status and retry.", no_args_is_help=True
)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Not available yet."""
