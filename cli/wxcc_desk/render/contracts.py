"""The published contracts: a JSON Schema (draft 2020-12) for every versioned document the
tool prints and for the profile file. The files live in `render/schemas/` inside the package
and are read through `importlib.resources` only, so an installed wheel has them too.

A schema's name is the document's kind: `status` describes `wxcc-desk/status/v1`. The
published schemas leave objects open (a new key may be added within a version); the tests
validate real output with every object closed, so no key goes undescribed.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from wxcc_desk.core.errors import UsageError

_DOCUMENT = re.compile(r"^wxcc-desk/(?P<kind>[a-z-]+)/v1$")


def _folder() -> Traversable:
    return resources.files("wxcc_desk.render").joinpath("schemas")


def names() -> list[str]:
    """Every schema's name, sorted."""
    return sorted(f.name[: -len(".json")] for f in _folder().iterdir() if f.name.endswith(".json"))


def schema_text(name: str) -> str:
    """The schema file's text; NAME may also be a document's `schema` value."""
    match = _DOCUMENT.match(name)
    wanted = match["kind"] if match else name
    if wanted not in names():
        raise _unknown(name)
    return _folder().joinpath(f"{wanted}.json").read_text(encoding="utf-8")


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


def listing() -> str:
    """One line per schema: its name and what it describes."""
    rows = [(name, schema(name)["title"]) for name in names()]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {title}" for name, title in rows)


def _unknown(name: str) -> UsageError:
    import difflib

    from wxcc_desk.core.text import plain

    known = names()
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    guess = f"did you mean `wxcc-desk schema {close[0]}`? " if close else ""
    return UsageError(
        f"no schema named {plain(name)!r}",
        hint=f"{guess}schemas: {', '.join(known)} (`wxcc-desk schema --list`)",
        code="UNKNOWN_SCHEMA",
    )
