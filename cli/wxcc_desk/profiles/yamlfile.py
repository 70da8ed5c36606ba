"""Read a profile file into plain data plus the line of every key, so errors can point at it.

PyYAML's composer gives nodes with marks; we record `key path -> line` from the node tree and then
construct the document with the safe constructor. Every failure becomes a one-line ConfigError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wxcc_desk.core.errors import ConfigError

MAX_BYTES = 256 * 1024  # a profile is a handful of lines; anything bigger is a mistake
_MAX_DEPTH = 4  # the schema is two levels deep; deeper keys only need their parent's line
_MERGE_TAG = "tag:yaml.org,2002:merge"

KeyPath = tuple[str, ...]


def read_text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(
            f"{shown}: cannot read the profile ({err.strerror or err})",
            hint="check the path and its permissions",
        ) from None
    except ValueError:  # a NUL in the path: no file system takes it (the OS is never asked)
        raise ConfigError(
            f"{shown}: a path with a NUL character cannot name a file",
            hint="pass -p NAME or the path of a profile file",
        ) from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(
            f"{shown}: the file is {len(raw)} bytes; a profile is a short YAML file",
            hint="point -p at a profile file (`wxcc-desk profiles init NAME` writes a "
            "commented one)",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{shown}: not UTF-8 text (byte {err.start})",
            hint="save the profile as UTF-8 YAML (`wxcc-desk profiles init NAME` writes a "
            "fresh one)",
        ) from None


def parse(text: str, shown: str) -> tuple[Any, dict[KeyPath, int]]:
    """The document and a map of key path to 1-based line; raises ConfigError on any problem."""
    import yaml

    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as err:  # the reader refuses control characters up front
        raise _syntax(f"{shown}: YAML syntax error: {_first_line(err)}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {}
        _record_lines(node, (), lines, shown)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = err.problem or err.context or "invalid YAML"
        raise _syntax(f"{shown}{line}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as err:
        raise _syntax(f"{shown}: YAML syntax error: {_first_line(err)}") from None
    except RecursionError:
        raise _syntax(f"{shown}: the YAML is nested far too deeply") from None
    finally:
        loader.dispose()


def _syntax(message: str) -> ConfigError:
    return ConfigError(
        message,
        hint="fix the YAML at that line (`wxcc-desk profiles init NAME` writes a commented "
        "profile to compare with)",
    )


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or ["invalid YAML"])[0]


def _record_lines(node: Any, prefix: KeyPath, lines: dict[KeyPath, int], shown: str) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode) or len(prefix) >= _MAX_DEPTH:
        return
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen:
            dotted = ".".join((*prefix, key))
            raise ConfigError(
                f"{shown}:{line}: key '{dotted}' appears twice",
                hint=f"keep one '{dotted}' line and delete the other",
            )
        seen.add(key)
        lines[(*prefix, key)] = line
        _record_lines(value_node, (*prefix, key), lines, shown)
