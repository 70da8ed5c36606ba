"""Shared pytest fixtures (filled in by the area that owns this file)."""
