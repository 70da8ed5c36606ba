"""Every versioned JSON document a test run of the CLI prints is checked against its published
schema (cli/wxcc_desk/render/schemas/), so the schemas are held to real output everywhere.

The published schemas leave objects open (keys may be added within a version); here every
object that lists its properties is closed, so a key the tool prints but the schema does not
describe fails the test that printed it. A kind with no schema file is left to one test,
tests/render/test_contracts.py (every kind the package writes has a schema), so a new document
without its schema fails there once, with the file to add, not in every test that prints it.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from wxcc_desk.render import contracts

DOCUMENT = re.compile(r"^wxcc-desk/(?P<kind>[a-z-]+)/v1$")


def closed(schema: Any) -> Any:
    """A copy where every object schema with `properties` and no `additionalProperties` says
    `additionalProperties: false`."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict) and "additionalProperties" not in schema:
        out["additionalProperties"] = False
    return out


@functools.cache
def validator(name: str, *, strict: bool = True) -> Draft202012Validator:
    schema = contracts.schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(closed(schema) if strict else copy.deepcopy(schema))


def problems(doc: Any, name: str, *, strict: bool = True) -> list[str]:
    found = validator(name, strict=strict).iter_errors(doc)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]


def assert_valid(doc: Any, name: str) -> None:
    bad = problems(doc, name)
    assert not bad, f"{name} document does not match its schema:\n" + "\n".join(bad[:10])


def documents(stdout: str) -> list[Any]:
    """The JSON of one run's stdout: one document, or one per line (`--hold --json`)."""
    text = stdout.strip()
    if not text.startswith("{"):
        return []
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    docs = []
    for line in text.splitlines():
        try:
            docs.append(json.loads(line))
        except ValueError:
            return []  # not JSON lines: a table or report that happens to start with "{"
    return docs


def versioned(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, document) for every versioned document in `value`, nested ones included."""
    if isinstance(value, dict):
        match = DOCUMENT.match(str(value.get("schema", "")))
        if match:
            yield match["kind"], value
        for item in value.values():
            yield from versioned(item)
    elif isinstance(value, list):
        for item in value:
            yield from versioned(item)


def check_output(stdout: str) -> list[str]:
    """Validate every versioned document on stdout that has a schema; the kinds found, in
    order (so a test can assert which documents it printed)."""
    kinds = []
    known = set(contracts.names())
    for doc in documents(stdout):
        for kind, found in versioned(doc):
            if kind in known:
                assert_valid(found, kind)
            kinds.append(kind)
    return kinds
