"""A trace that lives in a temporary file: many-user runs write thousands of trace lines, and
memory must stay flat with the user count. It is a `list` to the rest of the tool
(`AppContext.trace`), but holds nothing in memory; iterating reads the lines back."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator


class SpoolTrace(list[str]):
    def __init__(self) -> None:
        super().__init__()
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (lives with the run)
        self._count = 0

    def append(self, line: str) -> None:
        self._file.write(line.replace("\n", " ") + "\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[str]:
        # Read back at the end of a run (the bundle), one line at a time.
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield line.rstrip("\n")
        self._file.seek(0, 2)
