"""YAML loading that remembers where each mapping and key came from.

Tenant-file errors must name the file, the line and the key, so the loader builds `Marked`
dicts carrying the line of every key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class TenantError(ValueError):
    """A tenant file is wrong: the message is one line naming file, line and key."""

    def __init__(self, message: str) -> None:
        # Keys and values come from the file and may hold line breaks: keep it one line.
        super().__init__(" ".join(message.replace("\r", " ").split("\n")))


class Marked(dict[str, Any]):
    """A mapping from YAML with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Marked:
    out = Marked()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_marked(text: str, source: str) -> Marked:
    """Parse YAML text into a `Marked` root mapping, or raise a one-line `TenantError`."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = mark.line + 1 if mark else 0
        raise TenantError(f"{source}:{line}: not valid YAML: {err.problem}") from None
    except yaml.reader.ReaderError as err:
        raise TenantError(
            f"{source}: not valid YAML: {err.reason} at character {err.position}"
        ) from None
    except yaml.YAMLError as err:
        raise TenantError(f"{source}: not valid YAML: {' '.join(str(err).split())}") from None
    except RecursionError:
        raise TenantError(f"{source}: the YAML is nested far too deeply") from None
    if not isinstance(data, Marked):
        raise TenantError(f"{source}:1: the tenant file must be a mapping of sections")
    return data


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise TenantError(f"{path}: cannot read the tenant file: {err.strerror}") from None
    except UnicodeDecodeError:
        raise TenantError(f"{path}: the tenant file is not UTF-8 text") from None
