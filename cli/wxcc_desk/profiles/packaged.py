"""The profiles that ship inside the package (`profiles/data/`): the sandbox profile the demo
uses and the commented example `profiles init` starts from. The checkout's top-level
`profiles/` folder holds the same files as documentation (a test keeps them equal)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGED = ("sandbox", "example")


def packaged_text(name: str) -> str:
    """The text of a shipped profile (`sandbox` or `example`)."""
    from importlib import resources

    return (resources.files("wxcc_desk.profiles") / "data" / f"{name}.yaml").read_text("utf-8")


@contextmanager
def packaged_path(name: str) -> Iterator[Path]:
    """A real file path for a shipped profile while the block runs (a zipped install is
    extracted to a temporary file; a normal install gives the installed file)."""
    from importlib import resources

    with resources.as_file(resources.files("wxcc_desk.profiles") / "data" / f"{name}.yaml") as p:
        yield Path(p)
