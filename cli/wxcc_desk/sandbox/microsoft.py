"""Microsoft identity platform and Graph endpoints of the sandbox (filled in with issue 5)."""

from __future__ import annotations

from aiohttp import web


def register(app: web.Application) -> None:
    """Add the Microsoft routes to the sandbox app; nothing yet."""
